#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rasterisation of polygons and boxes into RLEs, identical to pycocotools `frPoly` / `frBbox`:
/// the outline is walked on a 5× upsampled grid, its crossings with pixel columns are taken back
/// to the pixel grid, and the runs between them become the mask.
extension RunLengthMask {
    /// Longest outline walk accepted, in upsampled boundary points (about 2,000 times the
    /// perimeter of a 4K image); longer walks come only from coordinates far outside any image.
    public static let maximumPolygonWalk = 50_000_000

    /// One polygon `[x0, y0, x1, y1, …]` in pixel coordinates (pixel centres at integers + 0.5
    /// as in COCO) rasterised on a `height`×`width` grid. A trailing odd coordinate is ignored.
    /// - Throws: `SegKitError.invalidData` for a negative size, non-finite coordinates, or an
    ///   outline longer than ``maximumPolygonWalk`` points (coordinates absurdly far away).
    /// - Complexity: O(perimeter × 5 + crossings · log crossings).
    public init(polygon: [Double], height: Int, width: Int) throws(SegKitError) {
        guard height >= 0, width >= 0 else { throw .invalidData("polygon raster size \(height)×\(width) is negative") }
        try Self.checkRasterSize(height: height, width: width)
        guard polygon.allSatisfy({ $0.isFinite && abs($0) < 1e8 }) else {
            throw .invalidData("polygon coordinates must be finite and within ±1e8")
        }
        let k = polygon.count / 2
        let scale = 5.0
        var x = [Int](repeating: 0, count: k + 1), y = [Int](repeating: 0, count: k + 1)
        for j in 0..<k {
            x[j] = RunLengthMask.truncate(scale * polygon[2 * j] + 0.5)
            y[j] = RunLengthMask.truncate(scale * polygon[2 * j + 1] + 0.5)
        }
        if k > 0 { x[k] = x[0]; y[k] = y[0] }
        var walk = 0
        for j in 0..<k { walk += max(abs(x[j] - x[j + 1]), abs(y[j] - y[j + 1])) + 1 }
        guard walk <= RunLengthMask.maximumPolygonWalk else {
            throw .invalidData("polygon outline is too long (\(walk) boundary points); coordinates lie far outside the image")
        }
        // Dense boundary points on the upsampled grid.
        var u: [Int] = [], v: [Int] = []
        u.reserveCapacity(walk)
        v.reserveCapacity(walk)
        for j in 0..<k {
            var xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1]
            let dx = abs(xe - xs), dy = abs(ys - ye)
            let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye)
            if flip { swap(&xs, &xe); swap(&ys, &ye) }
            let s = dx >= dy ? Double(ye - ys) / Double(dx) : Double(xe - xs) / Double(dy)
            if dx >= dy {
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    u.append(t + xs)
                    v.append(RunLengthMask.truncate(Double(ys) + s * Double(t) + 0.5))
                }
            } else {
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    v.append(t + ys)
                    u.append(RunLengthMask.truncate(Double(xs) + s * Double(t) + 0.5))
                }
            }
        }
        // Crossings with pixel columns, back on the pixel grid.
        var starts: [UInt32] = []
        let h = height, w = width
        if u.count > 1 {
            for j in 1..<u.count where u[j] != u[j - 1] {
                var xd = Double(u[j] < u[j - 1] ? u[j] : u[j] - 1)
                xd = (xd + 0.5) / scale - 0.5
                if floor(xd) != xd || xd < 0 || xd > Double(w - 1) { continue }
                var yd = Double(v[j] < v[j - 1] ? v[j] : v[j - 1])
                yd = (yd + 0.5) / scale - 0.5
                if yd < 0 { yd = 0 } else if yd > Double(h) { yd = Double(h) }
                yd = ceil(yd)
                starts.append(UInt32(truncatingIfNeeded: Int(xd) * h + Int(yd)))
            }
        }
        starts.append(UInt32(truncatingIfNeeded: h * w))
        starts.sort()
        var previous: UInt32 = 0
        for j in starts.indices {
            let t = starts[j]
            starts[j] = t &- previous
            previous = t
        }
        var counts: [UInt32] = [starts[0]]
        var j = 1
        while j < starts.count {
            if starts[j] > 0 {
                counts.append(starts[j])
                j += 1
            } else {
                j += 1
                if j < starts.count {
                    counts[counts.count - 1] &+= starts[j]
                    j += 1
                }
            }
        }
        self.init(unchecked: height, width, counts)
    }

    /// Several polygons of one object merged by union — what pycocotools' `annToRLE` does for a
    /// polygon segmentation. (pycocotools raises a TypeError when the first polygon has exactly
    /// four numbers; here such a polygon is rasterised like any other.) No polygons give an
    /// empty mask.
    public init(polygons: [[Double]], height: Int, width: Int) throws(SegKitError) {
        guard height >= 0, width >= 0 else { throw .invalidData("polygon raster size \(height)×\(width) is negative") }
        try Self.checkRasterSize(height: height, width: width)
        guard !polygons.isEmpty else {
            self.init(unchecked: height, width, [UInt32(truncatingIfNeeded: height * width)])
            return
        }
        var parts: [RunLengthMask] = []
        for p in polygons { parts.append(try RunLengthMask(polygon: p, height: height, width: width)) }
        self = .merge(parts)
    }

    /// A box rasterised as the polygon of its corners (pycocotools `frBbox`).
    public init(box: BoundingBox, height: Int, width: Int) throws(SegKitError) {
        let xs = box.x, xe = box.x + box.width, ys = box.y, ye = box.y + box.height
        try self.init(polygon: [xs, ys, xs, ye, xe, ye, xe, ys], height: height, width: width)
    }

    /// C's `(int)` conversion: truncation toward zero (clamped to Int32 like a C int would wrap,
    /// which never happens for coordinates inside an image).
    @inline(__always)
    static func truncate(_ v: Double) -> Int {
        guard v.isFinite else { return 0 }
        return Int(max(-2_147_483_648, min(2_147_483_647, v.rounded(.towardZero))))
    }
}

extension RunLengthMask {
    /// Rasters must fit COCO RLE's 32-bit counts: at most 2³² − 1 pixels, and no overflow.
    static func checkRasterSize(height: Int, width: Int) throws(SegKitError) {
        let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
        guard !overflow, pixels <= Int(UInt32.max) else {
            throw .invalidData("polygon raster size \(height)×\(width) is too large for COCO RLE (at most 2³² − 1 pixels)")
        }
    }
}
