/// An axis-aligned rectangle of whole pixels: columns `x..<x+width`, rows `y..<y+height`.
public struct PixelRect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// True when the rectangle has positive size and lies inside a `width`×`height` grid.
    public func fits(width gridWidth: Int, height gridHeight: Int) -> Bool {
        width > 0 && height > 0 && x >= 0 && y >= 0 && x <= gridWidth - width && y <= gridHeight - height
    }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }

    func validate(inWidth w: Int, height h: Int) throws(SegKitError) {
        guard fits(width: w, height: h) else {
            throw .invalidArgument("crop \(self) does not fit inside a \(w)×\(h) grid")
        }
    }
}

/// Copies a rectangle out of a planar buffer of `planes` planes.
@inlinable
func cropPlanes<T>(_ data: [T], width: Int, height: Int, planes: Int, rect: PixelRect) -> [T] {
    var out = [T]()
    out.reserveCapacity(rect.width * rect.height * planes)
    for c in 0..<planes {
        let base = c * width * height
        for y in rect.y..<(rect.y + rect.height) {
            let start = base + y * width + rect.x
            out += data[start..<(start + rect.width)]
        }
    }
    return out
}

extension Image {
    /// The pixels inside `rect`, all channels.
    /// - Throws: `SegKitError.invalidArgument` when `rect` is empty or leaves the image.
    /// - Complexity: O(rect area × channels).
    public func cropped(to rect: PixelRect) throws(SegKitError) -> Image {
        try rect.validate(inWidth: width, height: height)
        return Image(width: rect.width, height: rect.height, channels: channels,
                     data: cropPlanes(data, width: width, height: height, planes: channels, rect: rect),
                     unchecked: ())
    }
}

extension LabelMap {
    /// The labels inside `rect` (not relabelled).
    /// - Throws: `SegKitError.invalidArgument` when `rect` is empty or leaves the map.
    public func cropped(to rect: PixelRect) throws(SegKitError) -> LabelMap {
        try rect.validate(inWidth: width, height: height)
        return LabelMap(width: rect.width, height: rect.height,
                        unchecked: cropPlanes(labels, width: width, height: height, planes: 1, rect: rect))
    }
}
