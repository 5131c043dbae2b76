/// Connected components of label maps and masks.
public enum ConnectedComponents {
    public enum Connectivity: Int, Sendable, CaseIterable {
        /// Edge neighbours only.
        case four = 4
        /// Edge and corner neighbours.
        case eight = 8
    }

    /// Splits every label into its connected pieces: the result gives each connected region of
    /// equal (non-void) labels its own label, contiguous from 0 in row-major order of first
    /// pixel. Void stays void.
    /// - Complexity: O(pixels) (union–find with path halving).
    public static func label(_ map: LabelMap, connectivity: Connectivity = .four) -> LabelMap {
        pieces(map, connectivity: connectivity).map
    }

    /// The pieces of a label map as `label(_:connectivity:)` gives them, and their number.
    package static func pieces(_ map: LabelMap, connectivity: Connectivity) -> (map: LabelMap, count: Int) {
        let w = map.width, h = map.height, n = w * h
        var out = [Int32](repeating: LabelMap.void, count: n)
        // Union–find over pixel indices (Int32: a map has fewer than 2³¹ pixels). The root of a
        // set is its smallest index and every parent is at most its child, so naming roots in
        // scan order names pieces by first pixel, whatever order the unions came in.
        var parent = [Int32](unsafeUninitializedCapacity: n) { p, count in
            for i in 0..<n { p[i] = Int32(i) }
            count = n
        }
        let eight = connectivity == .eight
        // Bands of rows are joined in parallel (a band's unions stay inside the band), then the
        // seams between bands one after another: the partition, and so the result, does not
        // depend on the banding.
        let bandRows = max(16, (h + Parallel.threadCount - 1) / Parallel.threadCount)
        var next: Int32 = 0
        map.labels.withUnsafeBufferPointer { labels in
            parent.withUnsafeMutableBufferPointer { parents in
                let L = SendableConstPointer(labels.baseAddress!), P = SendablePointer(parents.baseAddress!)
                Parallel.forEachChunk(count: h, chunkSize: bandRows) { _, rows in
                    for y in rows {
                        join(row: y, withRowAbove: y > rows.lowerBound, width: w, eight: eight, labels: L.base, parents: P.base)
                    }
                }
                for y in stride(from: bandRows, to: h, by: bandRows) {
                    join(row: y, withRowAbove: true, width: w, eight: eight, labels: L.base, parents: P.base)
                }
                out.withUnsafeMutableBufferPointer { O in
                    // Parents precede children: one pass in scan order points every pixel at its
                    // root and names roots as they come.
                    for i in 0..<n where labels[i] >= 0 {
                        let root = Int(parents[Int(parents[i])])
                        parents[i] = Int32(root)
                        if root == i {
                            O[i] = next
                            next += 1
                        } else {
                            O[i] = O[root]
                        }
                    }
                }
            }
        }
        return (LabelMap(width: w, height: h, unchecked: out), Int(next))
    }

    /// Unions every pixel of row y with its equal-labelled left neighbour and, when asked, its
    /// upper (and for 8-connectivity upper-diagonal) neighbours; roots stay the smallest index.
    @inline(__always)
    static func join(row y: Int, withRowAbove above: Bool, width w: Int, eight: Bool,
                     labels L: UnsafePointer<Int32>, parents P: UnsafeMutablePointer<Int32>) {
        @inline(__always) func find(_ x: Int) -> Int {
            var x = x
            while Int(P[x]) != x {
                P[x] = P[Int(P[x])]
                x = Int(P[x])
            }
            return x
        }
        @inline(__always) func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { P[max(ra, rb)] = Int32(min(ra, rb)) }
        }
        let row = y * w
        for x in 0..<w {
            let i = row + x, l = L[i]
            guard l >= 0 else { continue }
            if x > 0 && L[i - 1] == l { union(i, i - 1) }
            guard above else { continue }
            if L[i - w] == l { union(i, i - w) }
            if eight {
                if x > 0 && L[i - w - 1] == l { union(i, i - w - 1) }
                if x + 1 < w && L[i - w + 1] == l { union(i, i - w + 1) }
            }
        }
    }

    /// Components of a binary mask (background pixels become void).
    public static func label(_ mask: Mask, connectivity: Connectivity = .four) -> LabelMap {
        label(try! LabelMap(width: mask.width, height: mask.height, labels: mask.pixels.map { $0 ? 0 : LabelMap.void }),
              connectivity: connectivity)
    }

    /// The largest connected component of a mask (ties: first in row-major order); empty masks
    /// stay empty.
    public static func largest(_ mask: Mask, connectivity: Connectivity = .four) -> Mask {
        let components = label(mask, connectivity: connectivity)
        let areas = components.areas()
        guard let best = areas.indices.max(by: { areas[$0] < areas[$1] || (areas[$0] == areas[$1] && $0 > $1) }) else { return mask }
        return components.mask(for: Int32(best))
    }
}
