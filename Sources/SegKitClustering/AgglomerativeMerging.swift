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
    ///
    /// Every cluster keeps its nearest neighbour (key: distance, then the smaller and larger id),
    /// and an indexed heap over clusters yields the closest pair. After a merge only the new
    /// cluster's neighbours are revisited; a neighbour rescans its own (short) adjacency list only
    /// when its nearest neighbour was one of the merged clusters and the new cluster is farther.
    /// Adjacency lists hold old ids (resolved through a union–find forest, so nothing is deleted
    /// from them) with cached distances, valid while the id is still alive. Ties are broken exactly as a global search for the least (distance, a, b) would.
    /// - Complexity: O(Σ over merges of the new cluster's neighbours · (D + log R)) time,
    ///   O(R · D + E) memory.
    public static func mergeTree(_ graph: RegionGraph, distance: Distance = .euclidean) -> MergeTree {
        var state = MergeState(graph, cosine: distance == .cosine)
        return MergeTree(regionCount: graph.regionCount, merges: state.run())
    }

    /// An adjacency entry of ``MergeState``.
    struct Neighbour {
        var id: Int32
        var distance: Double
    }

    /// The working state of ``mergeTree(_:distance:)``.
    struct MergeState {
        let r: Int, d: Int, cosine: Bool
        /// Per cluster (regions 0..<R, then merge t makes cluster R + t): feature sums, size,
        /// mean features and squared norm of the mean.
        var sums: [Double], sizes: [Double], means: [Double], meanNorms: [Double]
        /// Union–find parent (a dead cluster points towards the cluster that absorbed it).
        var parent: [Int32]
        /// Adjacency: neighbour ids (possibly dead: resolve with `find`) and the linkage to them,
        /// valid while that id is alive.
        var lists: [[Neighbour]]
        var stamp: [Int32]
        /// Nearest neighbour of each live cluster (-1 when it has none) and its distance.
        var bestNeighbour: [Int32], bestDistance: [Double]
        /// The nearest neighbour other than `bestNeighbour` (`unknown` when it must be rescanned,
        /// `none` when there is no other neighbour) and its distance.
        var secondNeighbour: [Int32], secondDistance: [Double]
        static let unknown: Int32 = -1, none: Int32 = -2
        /// Indexed binary min-heap of clusters by key (bestDistance, min id, max id).
        var heap: [Int32] = [], position: [Int32]

        init(_ graph: RegionGraph, cosine: Bool) {
            r = graph.regionCount
            d = graph.featureSums.dimension
            self.cosine = cosine
            let total = max(1, 2 * r - 1)
            sums = [Double](repeating: 0, count: total * d)
            means = [Double](repeating: 0, count: total * d)
            sizes = [Double](repeating: 0, count: total)
            meanNorms = [Double](repeating: 0, count: total)
            parent = (0..<total).map { Int32($0) }
            lists = [[Neighbour]](repeating: [], count: total)
            stamp = [Int32](repeating: -1, count: total)
            bestNeighbour = [Int32](repeating: -1, count: total)
            bestDistance = [Double](repeating: .infinity, count: total)
            secondNeighbour = [Int32](repeating: Self.unknown, count: total)
            secondDistance = [Double](repeating: .infinity, count: total)
            position = [Int32](repeating: -1, count: total)
            let values = graph.featureSums.values
            for i in 0..<r {
                sizes[i] = graph.sizes[i]
                for j in 0..<d { sums[i * d + j] = Double(values[i * d + j]) }
                setMean(i)
            }
            for (a, b) in graph.edges {
                lists[a].append(Neighbour(id: Int32(b), distance: .nan))
                lists[b].append(Neighbour(id: Int32(a), distance: .nan))
            }
        }

        mutating func setMean(_ c: Int) {
            var norm = 0.0
            for j in 0..<d {
                let m = sums[c * d + j] / sizes[c]
                means[c * d + j] = m
                norm += m * m
            }
            meanNorms[c] = norm
        }

        /// Average-feature linkage between clusters p and q, as an order-preserving key: the
        /// squared distance for `.euclidean` (see ``reported(_:)``), 1 − cos for `.cosine`.
        func linkage(_ p: Int, _ q: Int) -> Double {
            means.withUnsafeBufferPointer { mp in
                let x = mp.baseAddress! + p * d, y = mp.baseAddress! + q * d
                if cosine {
                    var dot = 0.0
                    for j in 0..<d { dot += x[j] * y[j] }
                    let na = meanNorms[p], nb = meanNorms[q]
                    return na > 0 && nb > 0 ? 1 - dot / (na * nb).squareRoot() : 1
                }
                // Four independent partial sums (no add-latency chain), combined in fixed order.
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                var j = 0
                while j + 4 <= d {
                    let t0 = x[j] - y[j], t1 = x[j + 1] - y[j + 1], t2 = x[j + 2] - y[j + 2], t3 = x[j + 3] - y[j + 3]
                    s0 += t0 * t0
                    s1 += t1 * t1
                    s2 += t2 * t2
                    s3 += t3 * t3
                    j += 4
                }
                while j < d {
                    let t = x[j] - y[j]
                    s0 += t * t
                    j += 1
                }
                return (s0 + s1) + (s2 + s3)
            }
        }

        /// The distance a merge reports for a linkage key.
        func reported(_ key: Double) -> Double { cosine ? key : key.squareRoot() }

        mutating func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x {
                let up = Int(parent[x])
                parent[x] = parent[up]
                x = up
            }
            return x
        }

        /// (distance, lo, hi) ordering of candidate pairs.
        static func less(_ d1: Double, _ a1: Int, _ b1: Int, _ d2: Double, _ a2: Int, _ b2: Int) -> Bool {
            if d1 != d2 { return d1 < d2 }
            let l1 = min(a1, b1), l2 = min(a2, b2)
            if l1 != l2 { return l1 < l2 }
            return max(a1, b1) < max(a2, b2)
        }

        /// The nearest and second-nearest neighbours of one cluster among those offered, ties
        /// broken as ``less(_:_:_:_:_:_:)`` breaks them (by the pair's smaller, then larger id).
        struct NearestTwo {
            var bestD = Double.infinity, best = -1, secondD = Double.infinity, second = -1

            mutating func offer(_ distance: Double, _ y: Int, to c: Int) {
                if best < 0 || MergeState.less(distance, c, y, bestD, c, best) {
                    (secondD, second) = (bestD, best)
                    (bestD, best) = (distance, y)
                } else if second < 0 || MergeState.less(distance, c, y, secondD, c, second) {
                    (secondD, second) = (distance, y)
                }
            }
        }

        /// Resolves and de-duplicates cluster c's adjacency list (computing the linkage only to
        /// neighbours that changed since it was cached), then finds its nearest neighbour.
        mutating func rescan(_ c: Int) {
            // Compact the list in place (taken out of `lists` so it stays uniquely referenced).
            var list: [Neighbour] = []
            swap(&list, &lists[c])
            var kept = 0
            var nearest = NearestTwo()
            for k in 0..<list.count {
                let entry = list[k]
                let y = find(Int(entry.id))
                if y == c || stamp[y] == Int32(c) { continue }
                stamp[y] = Int32(c)
                let dist = y == Int(entry.id) && !entry.distance.isNaN ? entry.distance : linkage(c, y)
                list[kept] = Neighbour(id: Int32(y), distance: dist)
                kept += 1
                nearest.offer(dist, y, to: c)
            }
            list.removeLast(list.count - kept)
            // Stamps are per-owner ids; reset the ones set here so later scans by other owners work.
            for k in 0..<kept { stamp[Int(list[k].id)] = -1 }
            swap(&list, &lists[c])
            record(nearest, for: c)
        }

        /// Stores a cluster's nearest and second-nearest neighbours.
        mutating func record(_ nearest: NearestTwo, for c: Int) {
            bestNeighbour[c] = Int32(nearest.best)
            bestDistance[c] = nearest.bestD
            secondNeighbour[c] = nearest.second >= 0 ? Int32(nearest.second) : Self.none
            secondDistance[c] = nearest.secondD
        }

        mutating func run() -> [Merge] {
            var merges: [Merge] = []
            merges.reserveCapacity(max(0, r - 1))
            for c in 0..<r { rescan(c) }
            for c in 0..<r { fix(c) }
            var next = r
            while let c = popMin() {
                let m = Int(bestNeighbour[c])
                let a = min(c, m), b = max(c, m), joined = bestDistance[c]
                remove(m)
                let id = next
                next += 1
                parent[a] = Int32(id)
                parent[b] = Int32(id)
                sizes[id] = sizes[a] + sizes[b]
                for j in 0..<d { sums[id * d + j] = sums[a * d + j] + sums[b * d + j] }
                setMean(id)
                // The new cluster's neighbours: both lists, resolved and de-duplicated, with the
                // linkage to each.
                var around: [Neighbour] = []
                around.reserveCapacity(lists[a].count + lists[b].count)
                for owner in [a, b] {
                    for entry in lists[owner] {
                        let y = find(Int(entry.id))
                        if y == id || stamp[y] == Int32(id) { continue }
                        stamp[y] = Int32(id)
                        around.append(Neighbour(id: Int32(y), distance: linkage(y, id)))
                    }
                    lists[owner] = []
                }
                for y in around { stamp[Int(y.id)] = -1 }
                lists[id] = around
                var nearest = NearestTwo()
                var changed: [Int32] = []
                for entry in around {
                    let y = Int(entry.id), dist = entry.distance
                    nearest.offer(dist, y, to: id)
                    let p1 = Int(bestNeighbour[y]), p2 = Int(secondNeighbour[y])
                    let p2Known = p2 != Int(Self.unknown) && p2 != a && p2 != b
                    if p1 == a || p1 == b {
                        // Its nearest neighbour was absorbed. Every neighbour other than the merged
                        // ones is at least as far as the second nearest, so the new nearest is the
                        // new cluster or that second one; without a valid second, look again.
                        if !p2Known {
                            rescan(y)
                        } else if p2 == Int(Self.none) || Self.less(dist, y, id, secondDistance[y], y, p2) {
                            bestNeighbour[y] = Int32(id)
                            bestDistance[y] = dist
                        } else {
                            bestNeighbour[y] = Int32(p2)
                            bestDistance[y] = secondDistance[y]
                            secondNeighbour[y] = Self.unknown
                            secondDistance[y] = .infinity
                        }
                    } else if Self.less(dist, y, id, bestDistance[y], y, p1) {
                        secondNeighbour[y] = Int32(p1)
                        secondDistance[y] = bestDistance[y]
                        bestNeighbour[y] = Int32(id)
                        bestDistance[y] = dist
                        changed.append(Int32(p1))
                    } else {
                        // The nearest stays; keep the second nearest exact when possible.
                        if p2Known && p2 != Int(Self.none) {
                            if Self.less(dist, y, id, secondDistance[y], y, p2) {
                                secondNeighbour[y] = Int32(id)
                                secondDistance[y] = dist
                            }
                        } else if p2 == a || p2 == b {
                            if Self.less(dist, y, id, secondDistance[y], y, p2) {
                                secondNeighbour[y] = Int32(id)
                                secondDistance[y] = dist
                            } else {
                                secondNeighbour[y] = Self.unknown
                            }
                        }
                        continue
                    }
                    changed.append(Int32(y))
                }
                record(nearest, for: id)
                // Heap membership (reciprocal pairs) can only change around these clusters.
                for y in changed {
                    fix(Int(y))
                    let m = Int(bestNeighbour[Int(y)])
                    if m >= 0 { fix(m) }
                }
                fix(id)
                if nearest.best >= 0 { fix(nearest.best) }
                merges.append(Merge(a: a, b: b, distance: reported(joined)))
            }
            return merges
        }

        /// The heap holds one entry per reciprocal pair of nearest neighbours (at its smaller id):
        /// the globally closest pair is always one, since following nearest-neighbour links never
        /// increases the key and ends in such a pair. Puts c in, takes it out or re-keys it.
        mutating func fix(_ c: Int) {
            let m = Int(bestNeighbour[c])
            if m >= 0 && c < m && Int(bestNeighbour[m]) == c {
                update(c)
            } else {
                remove(c)
            }
        }

        // MARK: Indexed heap

        func key(_ c: Int32) -> (Double, Int, Int) {
            let c = Int(c), m = Int(bestNeighbour[c])
            return (bestDistance[c], min(c, m), max(c, m))
        }

        func heapLess(_ x: Int32, _ y: Int32) -> Bool {
            let (d1, a1, b1) = key(x), (d2, a2, b2) = key(y)
            if d1 != d2 { return d1 < d2 }
            if a1 != a2 { return a1 < a2 }
            if b1 != b2 { return b1 < b2 }
            return x < y
        }

        mutating func push(_ c: Int) {
            heap.append(Int32(c))
            position[c] = Int32(heap.count - 1)
            siftUp(heap.count - 1)
        }

        mutating func popMin() -> Int? {
            guard let top = heap.first else { return nil }
            remove(Int(top))
            return Int(top)
        }

        mutating func remove(_ c: Int) {
            let i = Int(position[c])
            guard i >= 0 else { return }
            let last = heap.removeLast()
            position[c] = -1
            guard i < heap.count else { return }
            heap[i] = last
            position[Int(last)] = Int32(i)
            siftDown(i)
            siftUp(i)
        }

        /// Restores the heap after cluster c's key changed (inserting it if absent).
        mutating func update(_ c: Int) {
            let i = Int(position[c])
            if i < 0 {
                if bestNeighbour[c] >= 0 { push(c) }
                return
            }
            siftDown(i)
            siftUp(Int(position[c]))
        }

        mutating func siftUp(_ start: Int) {
            var i = start
            while i > 0 {
                let p = (i - 1) / 2
                guard heapLess(heap[i], heap[p]) else { break }
                heap.swapAt(i, p)
                position[Int(heap[i])] = Int32(i)
                position[Int(heap[p])] = Int32(p)
                i = p
            }
        }

        mutating func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, rr = l + 1
                var smallest = i
                if l < heap.count && heapLess(heap[l], heap[smallest]) { smallest = l }
                if rr < heap.count && heapLess(heap[rr], heap[smallest]) { smallest = rr }
                if smallest == i { return }
                heap.swapAt(i, smallest)
                position[Int(heap[i])] = Int32(i)
                position[Int(heap[smallest])] = Int32(smallest)
                i = smallest
            }
        }
    }

}
