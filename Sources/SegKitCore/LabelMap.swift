/// A segmentation: one `Int32` label per pixel, row-major; `-1` (``LabelMap/void``) means
/// "no segment" (unlabelled or ignored).
///
/// Segmenters return label maps whose labels are *contiguous from 0* (every value in
/// `0..<segmentCount` occurs); ``isContiguous`` checks it and ``relabeledContiguously()`` makes it so.
public struct LabelMap: Sendable, Equatable {
    /// The void label: pixels that belong to no segment.
    public static let void: Int32 = -1

    public let width: Int
    public let height: Int
    /// `width * height` labels, row-major; values ≥ -1.
    public var labels: [Int32]

    /// A map with every pixel set to `value`.
    /// - Precondition: `width`, `height` ≥ 1.
    public init(width: Int, height: Int, repeating value: Int32 = LabelMap.void) {
        precondition(width >= 1 && height >= 1, "label map dimensions must be positive")
        self.width = width
        self.height = height
        self.labels = [Int32](repeating: value, count: width * height)
    }

    /// A map over existing labels.
    /// - Throws: `SegKitError.invalidArgument` on a non-positive size, a count mismatch, or a
    ///   label below -1.
    public init(width: Int, height: Int, labels: [Int32]) throws(SegKitError) {
        guard width >= 1, height >= 1, labels.count == width * height else {
            throw .invalidArgument("\(labels.count) labels do not fill a \(width)×\(height) map")
        }
        if let bad = labels.first(where: { $0 < LabelMap.void }) {
            throw .invalidArgument("label \(bad) is below the void label -1")
        }
        self.width = width
        self.height = height
        self.labels = labels
    }

    /// A map over labels the caller guarantees are ≥ -1 and `width * height` many (no checking pass).
    package init(width: Int, height: Int, unchecked labels: [Int32]) {
        assert(labels.count == width * height)
        self.width = width
        self.height = height
        self.labels = labels
    }

    @inlinable public var pixelCount: Int { width * height }

    @inlinable
    public subscript(x: Int, y: Int) -> Int32 {
        get { labels[y * width + x] }
        set { labels[y * width + x] = newValue }
    }

    /// The largest label, or -1 when every pixel is void.
    public var maxLabel: Int32 { labels.max() ?? LabelMap.void }

    /// Number of distinct non-void labels.
    /// - Complexity: O(pixels + maxLabel).
    public var segmentCount: Int {
        let m = Int(maxLabel)
        guard m >= 0 else { return 0 }
        var seen = [Bool](repeating: false, count: m + 1)
        var count = 0
        for l in labels where l >= 0 && !seen[Int(l)] {
            seen[Int(l)] = true
            count += 1
        }
        return count
    }

    /// Pixel count of each label `0...maxLabel` (void not counted).
    public func areas() -> [Int] {
        let m = Int(maxLabel)
        guard m >= 0 else { return [] }
        var areas = [Int](repeating: 0, count: m + 1)
        for l in labels where l >= 0 { areas[Int(l)] += 1 }
        return areas
    }

    /// True when the non-void labels are exactly `0..<segmentCount`.
    public var isContiguous: Bool { areas().allSatisfy { $0 > 0 } }

    /// The same partition with labels renumbered `0, 1, …` in order of first appearance
    /// (row-major scan); void stays void. Also returns `mapping[old] = new` (-1 for absent labels).
    /// - Complexity: O(pixels + maxLabel).
    public func relabeledContiguously() -> (map: LabelMap, mapping: [Int32]) {
        let m = Int(maxLabel)
        var mapping = [Int32](repeating: -1, count: max(m + 1, 0))
        var next: Int32 = 0
        var out = labels
        for i in out.indices {
            let l = out[i]
            if l < 0 { continue }
            var n = mapping[Int(l)]
            if n < 0 {
                n = next
                mapping[Int(l)] = n
                next += 1
            }
            out[i] = n
        }
        return (LabelMap(width: width, height: height, unchecked: out), mapping)
    }

    /// The pixels carrying `label`.
    public func mask(for label: Int32) -> Mask {
        Mask(width: width, height: height, unchecked: labels.map { $0 == label })
    }

    /// Throws when the map's size differs from `width`×`height`; `what` names the other party.
    public func requireSize(width w: Int, height h: Int, of what: String) throws(SegKitError) {
        guard w == width, h == height else {
            throw .shapeMismatch("label map is \(width)×\(height) but \(what) is \(w)×\(h)")
        }
    }
}
