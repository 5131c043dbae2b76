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
        let w = map.width, h = map.height, n = w * h
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        let labels = map.labels
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x, l = labels[i]
                guard l >= 0 else { continue }
                if x > 0 && labels[i - 1] == l { union(i, i - 1) }
                if y > 0 && labels[i - w] == l { union(i, i - w) }
                if connectivity == .eight && y > 0 {
                    if x > 0 && labels[i - w - 1] == l { union(i, i - w - 1) }
                    if x + 1 < w && labels[i - w + 1] == l { union(i, i - w + 1) }
                }
            }
        }
        var names = [Int32](repeating: -1, count: n)
        var next: Int32 = 0
        var out = [Int32](repeating: LabelMap.void, count: n)
        for i in 0..<n where labels[i] >= 0 {
            let root = find(i)
            if names[root] < 0 {
                names[root] = next
                next += 1
            }
            out[i] = names[root]
        }
        return try! LabelMap(width: w, height: h, labels: out)
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
