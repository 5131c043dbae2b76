/// Removes small regions by merging each into its most similar neighbour.
public enum SmallRegionMerging {
    /// Regions smaller than `minimumSize` pixels are merged, smallest first, into the adjacent
    /// region whose mean feature is closest (Euclidean); means are updated after each merge.
    /// Regions with no neighbour stay. Void stays void. The result's labels are contiguous from
    /// 0 in row-major order of first pixel.
    /// - Throws: `SegKitError` when sizes differ or `minimumSize` < 1.
    /// - Complexity: O(pixels · D + R log R · degree).
    public static func merge(_ labels: LabelMap, features: Image<Float>, minimumSize: Int) throws(SegKitError) -> LabelMap {
        guard minimumSize >= 1 else { throw .invalidArgument("minimum region size must be at least 1") }
        let compact = labels.relabeledContiguously().map
        let graph = try RegionAdjacencyGraph(labels: compact, features: features)
        let r = graph.regionCount, d = graph.featureSums.dimension
        var parent = Array(0..<r)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var size = graph.sizes.map(Double.init)
        var sums = (0..<r).map { i in (0..<d).map { Double(graph.featureSums.values[i * d + $0]) } }
        var neighbours = graph.neighbours.map(Set.init)
        var order = (0..<r).filter { graph.sizes[$0] < minimumSize }
        order.sort { (graph.sizes[$0], $0) < (graph.sizes[$1], $1) }
        var queue = order
        while !queue.isEmpty {
            let region = queue.removeFirst()
            let root = find(region)
            guard root == region, size[root] < Double(minimumSize) else { continue }
            let candidates = neighbours[root].map(find).filter { $0 != root }
            guard !candidates.isEmpty else { continue }
            func distance(_ other: Int) -> Double {
                var s = 0.0
                for c in 0..<d {
                    let t = sums[root][c] / size[root] - sums[other][c] / size[other]
                    s += t * t
                }
                return s
            }
            let target = candidates.min { (distance($0), $0) < (distance($1), $1) }!
            parent[root] = target
            size[target] += size[root]
            for c in 0..<d { sums[target][c] += sums[root][c] }
            neighbours[target].formUnion(neighbours[root].map(find))
            neighbours[target].remove(target)
            neighbours[target].remove(root)
            if size[target] < Double(minimumSize) {
                // Still small: revisit in size order.
                let index = queue.firstIndex { size[find($0)] > size[target] } ?? queue.endIndex
                queue.insert(target, at: index)
            }
        }
        var out = compact
        for i in out.labels.indices where out.labels[i] >= 0 { out.labels[i] = Int32(find(Int(out.labels[i]))) }
        return out.relabeledContiguously().map
    }
}
