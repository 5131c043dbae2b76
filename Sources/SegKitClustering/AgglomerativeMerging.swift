/// Connectivity-constrained agglomerative merging of regions (e.g. superpixels) into a
/// hierarchy: only adjacent regions merge, always the pair whose mean features are closest
/// (average-feature linkage), until one region per connected component is left. Cutting the merge
/// tree at any number of regions gives nested segmentations — every coarser level is a union of
/// finer ones (HSG's consistent hierarchy).
public enum AgglomerativeMerging {
    /// A region adjacency graph: per-region feature sums and sizes, and undirected edges.
    public struct RegionGraph: Sendable, Equatable {
        public var featureSums: FeatureMatrix
        public var sizes: [Double]
        public var edges: [(Int, Int)]

        /// - Throws: when sizes do not match the regions, a size is not positive, or an edge
        ///   leaves `0..<regionCount` or is a self-loop.
        public init(featureSums: FeatureMatrix, sizes: [Double], edges: [(Int, Int)]) throws(SegKitError) {
            guard sizes.count == featureSums.count, sizes.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw .invalidArgument("region graph needs one positive size per region")
            }
            try featureSums.requireFinite()
            guard edges.allSatisfy({ $0.0 != $0.1 && $0.0 >= 0 && $0.1 >= 0 && $0.0 < sizes.count && $0.1 < sizes.count }) else {
                throw .invalidArgument("region graph edges must join two different regions in 0..<\(sizes.count)")
            }
            self.featureSums = featureSums
            self.sizes = sizes
            self.edges = edges
        }

        public var regionCount: Int { sizes.count }

        public static func == (a: RegionGraph, b: RegionGraph) -> Bool {
            a.featureSums == b.featureSums && a.sizes == b.sizes && a.edges.elementsEqual(b.edges) { $0 == $1 }
        }
    }

    public enum Distance: String, Sendable, CaseIterable {
        /// ‖μa − μb‖ between mean features.
        case euclidean
        /// 1 − cos(μa, μb).
        case cosine
    }

    /// One merge: clusters `a` and `b` (ids < R are regions, R + t is the cluster made by merge t)
    /// joined at `distance`.
    public struct Merge: Sendable, Equatable {
        public var a: Int
        public var b: Int
        public var distance: Double
    }

    /// The full merge sequence; ``labels(regionCount:)`` cuts it.
    public struct MergeTree: Sendable, Equatable {
        public var regionCount: Int
        public var merges: [Merge]

        /// Smallest number of regions reachable (one per connected component of the graph).
        public var minimumRegionCount: Int { regionCount - merges.count }

        /// Region labels after the first `regionCount − k` merges, contiguous from 0 in order of
        /// each cluster's smallest region. k is clamped to `minimumRegionCount...regionCount`.
        /// Levels are nested by construction.
        public func labels(regionCount k: Int) -> [Int32] {
            let target = min(regionCount, max(minimumRegionCount, k))
            var parent = Array(0..<(regionCount + merges.count))
            func find(_ x: Int) -> Int {
                var x = x
                while parent[x] != x {
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                }
                return x
            }
            for (t, merge) in merges.prefix(regionCount - target).enumerated() {
                let id = regionCount + t
                parent[find(merge.a)] = id
                parent[find(merge.b)] = id
            }
            var names: [Int: Int32] = [:]
            return (0..<regionCount).map { r in
                let root = find(r)
                if let l = names[root] { return l }
                let l = Int32(names.count)
                names[root] = l
                return l
            }
        }
    }

    /// Merges until no adjacent pair is left.
    /// - Complexity: O((R + E) log E · D) with a lazy-deletion priority queue.
    public static func mergeTree(_ graph: RegionGraph, distance: Distance = .euclidean) -> MergeTree {
        let r = graph.regionCount, d = graph.featureSums.dimension
        let total = 2 * r
        var sums = [[Double]](repeating: [], count: total), sizes = [Double](repeating: 0, count: total)
        for i in 0..<r {
            sums[i] = graph.featureSums.row(i).map(Double.init)
            sizes[i] = graph.sizes[i]
        }
        var neighbours = [Set<Int>](repeating: [], count: total)
        for (a, b) in graph.edges {
            neighbours[a].insert(b)
            neighbours[b].insert(a)
        }
        var alive = [Bool](repeating: false, count: total)
        for i in 0..<r { alive[i] = true }
        func linkage(_ a: Int, _ b: Int) -> Double {
            var dot = 0.0, na = 0.0, nb = 0.0, sq = 0.0
            for j in 0..<d {
                let x = sums[a][j] / sizes[a], y = sums[b][j] / sizes[b]
                dot += x * y
                na += x * x
                nb += y * y
                sq += (x - y) * (x - y)
            }
            switch distance {
            case .euclidean: return sq.squareRoot()
            case .cosine: return na > 0 && nb > 0 ? 1 - dot / (na * nb).squareRoot() : 1
            }
        }
        var heap = BinaryHeap<Candidate>()
        for (a, b) in graph.edges {
            heap.push(Candidate(distance: linkage(a, b), a: min(a, b), b: max(a, b)))
        }
        var merges: [Merge] = []
        var next = r
        while let top = heap.pop() {
            guard alive[top.a], alive[top.b] else { continue }
            let id = next
            next += 1
            alive[top.a] = false
            alive[top.b] = false
            alive[id] = true
            sizes[id] = sizes[top.a] + sizes[top.b]
            sums[id] = zip(sums[top.a], sums[top.b]).map { $0 + $1 }
            var around = neighbours[top.a].union(neighbours[top.b])
            around.remove(top.a)
            around.remove(top.b)
            for n in around {
                neighbours[n].remove(top.a)
                neighbours[n].remove(top.b)
                neighbours[n].insert(id)
                heap.push(Candidate(distance: linkage(n, id), a: n, b: id))
            }
            neighbours[id] = around
            neighbours[top.a] = []
            neighbours[top.b] = []
            merges.append(Merge(a: top.a, b: top.b, distance: top.distance))
        }
        return MergeTree(regionCount: r, merges: merges)
    }

    struct Candidate: Comparable {
        var distance: Double
        var a: Int
        var b: Int
        static func < (x: Candidate, y: Candidate) -> Bool {
            (x.distance, x.a, x.b) < (y.distance, y.a, y.b)
        }
    }
}
