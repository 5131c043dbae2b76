import SegKitCore

/// Invariant checkers the tests call (DESIGN.md, style rule 7).
public enum Invariants {
    /// True when the non-void labels are exactly 0..<count.
    public static func isContiguous(_ map: LabelMap) -> Bool { map.isContiguous }

    /// True when every label's pixels form a single 4-connected component.
    public static func everySegmentIsConnected(_ map: LabelMap) -> Bool {
        let w = map.width, h = map.height
        var seenLabel = Set<Int32>()
        var visited = [Bool](repeating: false, count: w * h)
        for start in 0..<(w * h) where !visited[start] {
            let l = map.labels[start]
            if l < 0 { continue }
            if !seenLabel.insert(l).inserted { return false }
            var stack = [start]
            visited[start] = true
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                where nx >= 0 && ny >= 0 && nx < w && ny < h {
                    let q = ny * w + nx
                    if !visited[q] && map.labels[q] == l {
                        visited[q] = true
                        stack.append(q)
                    }
                }
            }
        }
        return true
    }

    /// Largest absolute difference between two equally long arrays.
    public static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        var m: Float = 0
        for i in a.indices { m = max(m, abs(a[i] - b[i])) }
        return m
    }
}
