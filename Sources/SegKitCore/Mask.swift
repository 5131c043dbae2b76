/// An axis-aligned box in pixel units, `(x, y)` its top-left corner — COCO's XYWH convention.
/// Values are `Double` because COCO boxes may be fractional; boxes of masks are integral.
public struct BoundingBox: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// `width * height`.
    public var area: Double { width * height }

    /// Intersection over union with another box (0 when both are empty).
    public func iou(_ other: BoundingBox) -> Double {
        let iw = min(x + width, other.x + other.width) - max(x, other.x)
        let ih = min(y + height, other.y + other.height) - max(y, other.y)
        guard iw > 0, ih > 0 else { return 0 }
        let inter = iw * ih
        return inter / (area + other.area - inter)
    }

    /// `[x, y, width, height]`, as COCO JSON writes it.
    public var xywh: [Double] { [x, y, width, height] }

    public var description: String { "[\(x), \(y), \(width), \(height)]" }
}

/// A binary mask, row-major: `pixels[y * width + x]` is true inside the object.
public struct Mask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Bool]

    /// An empty (all false) mask.
    /// - Precondition: `width`, `height` ≥ 1.
    public init(width: Int, height: Int) {
        precondition(width >= 1 && height >= 1, "mask dimensions must be positive")
        self.width = width
        self.height = height
        self.pixels = [Bool](repeating: false, count: width * height)
    }

    /// A mask over existing pixels.
    /// - Throws: `SegKitError.invalidArgument` on a non-positive size or a count mismatch.
    public init(width: Int, height: Int, pixels: [Bool]) throws(SegKitError) {
        guard width >= 1, height >= 1, pixels.count == width * height else {
            throw .invalidArgument("\(pixels.count) pixels do not fill a \(width)×\(height) mask")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    @usableFromInline
    init(width: Int, height: Int, unchecked pixels: [Bool]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    @inlinable
    public subscript(x: Int, y: Int) -> Bool {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Number of pixels inside the mask.
    public var area: Int {
        var n = 0
        for p in pixels where p { n += 1 }
        return n
    }

    /// The tightest box around the mask in XYWH pixel units (a pixel at column x spans
    /// [x, x+1)); all zeros for an empty mask, as pycocotools `toBbox`.
    public var boundingBox: BoundingBox {
        var minX = width, minY = height, maxX = -1, maxY = -1
        pixels.withUnsafeBufferPointer { p in
            for y in 0..<height {
                let row = y * width
                for x in 0..<width where p[row + x] {
                    if x < minX { minX = x }
                    if x > maxX { maxX = x }
                    if y < minY { minY = y }
                    maxY = y
                }
            }
        }
        guard maxX >= 0 else { return BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        return BoundingBox(x: Double(minX), y: Double(minY),
                           width: Double(maxX - minX + 1), height: Double(maxY - minY + 1))
    }

    /// Intersection over union with a mask of the same size (0 when both are empty).
    /// - Precondition: same size.
    public func iou(_ other: Mask) -> Double {
        precondition(width == other.width && height == other.height, "mask sizes differ")
        var inter = 0, union = 0
        for i in pixels.indices {
            let a = pixels[i], b = other.pixels[i]
            if a && b { inter += 1 }
            if a || b { union += 1 }
        }
        return union == 0 ? 0 : Double(inter) / Double(union)
    }
}
