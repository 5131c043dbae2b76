/// A binary mask in COCO's run-length encoding, bit-compatible with pycocotools.
///
/// `counts` are run lengths over the pixels in *column-major* order (down the first column, then
/// the next), alternating background and foreground and always starting with a (possibly empty)
/// background run. Every operation reproduces pycocotools' `maskApi.c` exactly, including its
/// quirks (documented per method), so areas, boxes and IoUs equal the reference tool's.
public struct RunLengthMask: Sendable, Hashable {
    public let height: Int
    public let width: Int
    public let counts: [UInt32]

    /// An RLE from run lengths.
    /// - Throws: `SegKitError.invalidData` when a size is negative or the runs do not add up to
    ///   `height × width` (pycocotools would read or write out of bounds on such input).
    public init(height: Int, width: Int, counts: [UInt32]) throws(SegKitError) {
        guard height >= 0, width >= 0 else { throw .invalidData("RLE size \(height)×\(width) is negative") }
        let (pixels, overflow) = height.multipliedReportingOverflow(by: width)
        guard !overflow else { throw .invalidData("RLE size \(height)×\(width) is too large") }
        var total: UInt64 = 0
        for c in counts { total += UInt64(c) }
        guard total == UInt64(pixels) else {
            throw .invalidData("RLE counts sum to \(total) but the mask has \(height)×\(width) = \(pixels) pixels")
        }
        self.init(unchecked: height, width, counts)
    }

    @usableFromInline
    init(unchecked height: Int, _ width: Int, _ counts: [UInt32]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// Encodes a mask (pycocotools `mask.encode`).
    ///
    /// Runs change where a pixel differs from its predecessor in column-major order: the pixel
    /// above it, or for the top row the bottom pixel of the previous column. Those places are found
    /// by comparing consecutive rows eight pixels at a time, then ordered by column with a counting
    /// sort — so the row-major mask is never transposed.
    /// - Complexity: O(pixels / 8 + transitions).
    public init(_ mask: Mask) {
        let h = mask.height, w = mask.width
        var columns: [Int32] = [], rows: [Int32] = []
        mask.pixels.withUnsafeBytes { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            func note(_ x: Int, _ y: Int) {
                columns.append(Int32(truncatingIfNeeded: x))
                rows.append(Int32(truncatingIfNeeded: y))
            }
            for x in 0..<w {
                let previous: UInt8 = x == 0 ? 0 : p[(h - 1) * w + x - 1]
                if p[x] != previous { note(x, 0) }
            }
            guard h > 1 else { return }
            for y in 1..<h {
                let above = UnsafeRawPointer(p + (y - 1) * w), here = UnsafeRawPointer(p + y * w)
                @inline(__always) func difference(_ x: Int) -> UInt64 {
                    above.loadUnaligned(fromByteOffset: x, as: UInt64.self) ^ here.loadUnaligned(fromByteOffset: x, as: UInt64.self)
                }
                @inline(__always) func noteAll(_ bits: UInt64, _ x: Int) {
                    var d = bits
                    while d != 0 {
                        let byte = d.trailingZeroBitCount >> 3
                        note(x + byte, y)
                        d &= ~(UInt64(0xFF) << UInt64(byte << 3))
                    }
                }
                var x = 0
                while x + 32 <= w {
                    let d0 = difference(x), d1 = difference(x + 8), d2 = difference(x + 16), d3 = difference(x + 24)
                    if d0 | d1 | d2 | d3 != 0 {
                        noteAll(d0, x)
                        noteAll(d1, x + 8)
                        noteAll(d2, x + 16)
                        noteAll(d3, x + 24)
                    }
                    x += 32
                }
                while x + 8 <= w {
                    noteAll(difference(x), x)
                    x += 8
                }
                while x < w {
                    if above.load(fromByteOffset: x, as: UInt8.self) != here.load(fromByteOffset: x, as: UInt8.self) { note(x, y) }
                    x += 1
                }
            }
        }
        // Stable counting sort by column: rows stay ascending within a column.
        var start = [Int](repeating: 0, count: w + 1)
        for x in columns { start[Int(x) + 1] += 1 }
        for x in 0..<w { start[x + 1] += start[x] }
        var order = [Int](repeating: 0, count: columns.count)
        for (i, x) in columns.enumerated() {
            order[start[Int(x)]] = Int(x) * h + Int(rows[i])
            start[Int(x)] += 1
        }
        var counts: [UInt32] = []
        counts.reserveCapacity(order.count + 1)
        var last = 0
        for t in order {
            counts.append(UInt32(truncatingIfNeeded: t - last))
            last = t
        }
        counts.append(UInt32(truncatingIfNeeded: h * w - last))
        self.init(unchecked: h, w, counts)
    }

    /// Encodes many masks in parallel (``Parallel`` threads); same result as encoding each.
    public static func encode(_ masks: [Mask]) -> [RunLengthMask] {
        var out = [RunLengthMask?](repeating: nil, count: masks.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let p = SendablePointer(buffer.baseAddress!)
            masks.withUnsafeBufferPointer { source in
                let s = SendableConstPointer(source.baseAddress!)
                Parallel.forEach(masks.count) { i in p[i] = RunLengthMask(s[i]) }
            }
        }
        return out.map { $0! }
    }

    /// Decodes to a row-major mask (pycocotools `mask.decode`).
    /// - Precondition: height and width ≥ 1 (a `Mask` cannot be empty).
    public func mask() -> Mask {
        var pixels = [Bool](repeating: false, count: height * width)
        let h = height, w = width
        pixels.withUnsafeMutableBufferPointer { p in
            var t = 0
            for (j, c) in counts.enumerated() {
                let run = Int(c)
                if j & 1 == 1 {
                    var y = t % h, x = t / h
                    for _ in 0..<run {
                        p[y * w + x] = true
                        y += 1
                        if y == h { y = 0; x += 1 }
                    }
                }
                t += run
            }
        }
        return Mask(width: width, height: height, unchecked: pixels)
    }

    /// Foreground pixel count (pycocotools `area`).
    public var area: Int {
        var a = 0
        var j = 1
        while j < counts.count {
            a += Int(counts[j])
            j += 2
        }
        return a
    }

    /// Tight XYWH box (pycocotools `toBbox`). Quirk kept: an odd trailing run is ignored, and a
    /// mask whose foreground spans several columns gets the full height range when a run crosses
    /// a column boundary; an empty mask gives all zeros.
    public var boundingBox: BoundingBox {
        let m = counts.count / 2 * 2
        guard m > 0, height > 0 else { return BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        if let box = fastBoundingBox(m) { return box }
        let h = UInt32(truncatingIfNeeded: height)
        var xs = UInt32(truncatingIfNeeded: width), ys = h, xe: UInt32 = 0, ye: UInt32 = 0
        var cc: UInt32 = 0, xp: UInt32 = 0
        for j in 0..<m {
            cc &+= counts[j]
            let t = cc &- UInt32(j & 1)
            let y = t % h, x = (t &- y) / h
            if j & 1 == 0 {
                xp = x
            } else if xp < x {
                ys = 0
                ye = h &- 1
            }
            xs = min(xs, x)
            xe = max(xe, x)
            ys = min(ys, y)
            ye = max(ye, y)
        }
        return BoundingBox(x: Double(xs), y: Double(ys), width: Double(xe &- xs &+ 1), height: Double(ye &- ys &+ 1))
    }

    /// ``boundingBox`` with the column and row of each run end tracked incrementally instead of
    /// divided out; nil (use the direct formula) where the running pixel index would leave
    /// 32 bits or wrap below zero, whose quirky results the direct formula reproduces.
    private func fastBoundingBox(_ m: Int) -> BoundingBox? {
        guard height <= Int(UInt32.max) else { return nil }
        let h = UInt64(height)
        var xs = UInt64(UInt32(truncatingIfNeeded: width)), ys = h, xe: UInt64 = 0, ye: UInt64 = 0
        var cc: UInt64 = 0, col: UInt64 = 0, row: UInt64 = 0, xp: UInt64 = 0
        return counts.withUnsafeBufferPointer { c -> BoundingBox? in
            for j in 0..<m {
                let run = UInt64(c[j])
                cc += run
                row += run
                if row >= h {
                    if row < 2 * h {
                        row -= h
                        col += 1
                    } else {
                        let q = row / h
                        col += q
                        row -= q * h
                    }
                }
                var x = col, y = row
                if j & 1 == 1 {
                    guard cc > 0 else { return nil }
                    if y == 0 {
                        y = h - 1
                        x -= 1
                    } else {
                        y -= 1
                    }
                    if xp < x {
                        ys = 0
                        ye = h - 1
                    }
                } else {
                    xp = x
                }
                xs = min(xs, x)
                xe = max(xe, x)
                ys = min(ys, y)
                ye = max(ye, y)
            }
            guard cc <= UInt64(UInt32.max) else { return nil }
            return BoundingBox(x: Double(xs), y: Double(ys), width: Double(xe &- xs &+ 1), height: Double(ye &- ys &+ 1))
        }
    }

    /// Union (or intersection) of masks of one size (pycocotools `merge`).
    /// Quirk kept: masks of different sizes give an empty 0×0 RLE, as pycocotools does.
    public static func merge(_ masks: [RunLengthMask], intersect: Bool = false) -> RunLengthMask {
        guard let first = masks.first else { return RunLengthMask(unchecked: 0, 0, []) }
        var acc = first.counts
        let h = first.height, w = first.width
        for b in masks.dropFirst() {
            guard b.height == h, b.width == w else { return RunLengthMask(unchecked: 0, 0, []) }
            guard !acc.isEmpty, !b.counts.isEmpty else { acc = []; continue }
            var out: [UInt32] = []
            out.reserveCapacity(acc.count + b.counts.count)
            var ca = acc[0], cb = b.counts[0]
            var va = false, vb = false, v = false
            var a = 1, bi = 1
            var cc: UInt32 = 0, ct: UInt32 = 1
            while ct > 0 {
                let c = min(ca, cb)
                cc &+= c
                ct = 0
                ca -= c
                if ca == 0 && a < acc.count { ca = acc[a]; a += 1; va.toggle() }
                ct &+= ca
                cb -= c
                if cb == 0 && bi < b.counts.count { cb = b.counts[bi]; bi += 1; vb.toggle() }
                ct &+= cb
                let vp = v
                v = intersect ? (va && vb) : (va || vb)
                if v != vp || ct == 0 {
                    out.append(cc)
                    cc = 0
                }
            }
            acc = out
        }
        return RunLengthMask(unchecked: h, w, acc)
    }

    /// IoU of every detection with every ground truth (pycocotools `iou`), `result[d * gts + g]`.
    ///
    /// For a crowd ground truth the denominator is the detection's area (intersection over the
    /// detection). Pairs whose boxes do not overlap are 0 without decoding; pairs of different
    /// sizes are -1, as in pycocotools.
    /// - Precondition: `isCrowd.count == groundTruths.count` (or empty for no crowds).
    public static func iou(_ detections: [RunLengthMask], _ groundTruths: [RunLengthMask], isCrowd: [Bool] = []) -> [Double] {
        precondition(isCrowd.isEmpty || isCrowd.count == groundTruths.count, "one crowd flag per ground truth")
        let m = detections.count, n = groundTruths.count
        var out = [Double](repeating: 0, count: m * n)
        let dBoxes = detections.map(\.boundingBox), gBoxes = groundTruths.map(\.boundingBox)
        for g in 0..<n {
            let crowd = !isCrowd.isEmpty && isCrowd[g]
            for d in 0..<m {
                let boxIoU = BoundingBox.cocoIoU(dBoxes[d], gBoxes[g], crowd: crowd)
                guard boxIoU > 0 else { continue }
                out[d * n + g] = pairIoU(detections[d], groundTruths[g], crowd: crowd)
            }
        }
        return out
    }

    /// IoU of two masks as pycocotools computes it (without the box pre-check).
    static func pairIoU(_ dt: RunLengthMask, _ gt: RunLengthMask, crowd: Bool) -> Double {
        guard dt.height == gt.height, dt.width == gt.width else { return -1 }
        guard !dt.counts.isEmpty, !gt.counts.isEmpty else { return 0 }
        var ca = dt.counts[0], cb = gt.counts[0]
        var va = false, vb = false
        var a = 1, b = 1
        var inter: UInt64 = 0, union: UInt64 = 0
        var ct: UInt32 = 1
        while ct > 0 {
            let c = min(ca, cb)
            if va || vb {
                union += UInt64(c)
                if va && vb { inter += UInt64(c) }
            }
            ct = 0
            ca -= c
            if ca == 0 && a < dt.counts.count { ca = dt.counts[a]; a += 1; va.toggle() }
            ct &+= ca
            cb -= c
            if cb == 0 && b < gt.counts.count { cb = gt.counts[b]; b += 1; vb.toggle() }
            ct &+= cb
        }
        if inter == 0 { union = 1 } else if crowd { union = UInt64(dt.area) }
        return Double(inter) / Double(union)
    }
}

extension BoundingBox {
    /// Box IoU as pycocotools `bbIou`: for a crowd ground truth the union is the detection's area.
    public static func cocoIoU(_ dt: BoundingBox, _ gt: BoundingBox, crowd: Bool) -> Double {
        let w = min(dt.width + dt.x, gt.width + gt.x) - max(dt.x, gt.x)
        guard w > 0 else { return 0 }
        let h = min(dt.height + dt.y, gt.height + gt.y) - max(dt.y, gt.y)
        guard h > 0 else { return 0 }
        let i = w * h
        let u = crowd ? dt.width * dt.height : dt.width * dt.height + gt.width * gt.height - i
        return i / u
    }
}
