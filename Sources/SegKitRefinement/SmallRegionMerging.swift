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
        var size = graph.sizes.map(Double.init)
        var sums = graph.featureSums.values.map(Double.init)  // r × d, row-major
        var neighbours = graph.neighbours.map(Set.init)
        var queue = (0..<r).filter { graph.sizes[$0] < minimumSize }
        queue.sort { (graph.sizes[$0], $0) < (graph.sizes[$1], $1) }
        var head = 0
        while head < queue.count {
            let region = queue[head]
            head += 1
            let root = find(&parent, region)
            guard root == region, size[root] < Double(minimumSize) else { continue }
            var candidates: [Int] = []
            for other in neighbours[root] {
                let o = find(&parent, other)
                if o != root { candidates.append(o) }
            }
            guard !candidates.isEmpty else { continue }
            func distance(_ other: Int) -> Double {
                var s = 0.0
                for c in 0..<d {
                    let t = sums[root * d + c] / size[root] - sums[other * d + c] / size[other]
                    s += t * t
                }
                return s
            }
            let target = candidates.min { (distance($0), $0) < (distance($1), $1) }!
            parent[root] = target
            size[target] += size[root]
            for c in 0..<d { sums[target * d + c] += sums[root * d + c] }
            var merged = neighbours[target]
            for other in neighbours[root] { merged.insert(find(&parent, other)) }
            merged.remove(target)
            merged.remove(root)
            neighbours[target] = merged
            neighbours[root] = []
            if size[target] < Double(minimumSize) {
                // Still small: revisit in size order.
                var index = head
                while index < queue.count && !(size[find(&parent, queue[index])] > size[target]) { index += 1 }
                queue.insert(target, at: index)
            }
        }
        let roots = (0..<r).map { find(&parent, $0) }
        var out = compact
        for i in out.labels.indices where out.labels[i] >= 0 { out.labels[i] = Int32(roots[Int(out.labels[i])]) }
        return out.relabeledContiguously().map
    }

    /// Root of `x` in the union–find forest, halving the path on the way.
    static func find(_ parent: inout [Int], _ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }
}
