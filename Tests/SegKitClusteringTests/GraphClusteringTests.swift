import Testing
import _TestSupport
@testable import SegKitClustering

@Suite struct NormalizedCutTests {
    /// Two dense blobs joined weakly: the cut separates them, for every threshold rule.
    @Test(arguments: [NormalizedCut.Threshold.mean, .median, .bestCut(candidates: 16)])
    func separatesTwoBlobs(threshold: NormalizedCut.Threshold) throws {
        let (x, truth) = Clusters.blobs(k: 2, perCluster: 40, dimension: 3, spread: 0.5, seed: 31)
        let graph = try AffinityGraph.gaussian(x, sigma: 2)
        let cut = try NormalizedCut.bipartition(graph, threshold: threshold)
        let labels = cut.side.map { Int32($0 ? 1 : 0) }
        #expect(Clusters.adjustedRandIndex(labels, truth) > 0.999)
        #expect(cut.cost < 0.1)
    }

    /// The generalised eigen-equation (D − W) y = λ D y holds, with yᵀDy = 1.
    @Test func fiedlerSolvesTheGeneralisedProblem() throws {
        let (x, _) = Clusters.blobs(k: 3, perCluster: 20, dimension: 2, spread: 2, seed: 32)
        let graph = try AffinityGraph.gaussian(x, sigma: 3)
        let (y, lambda) = try NormalizedCut.fiedler(graph, solver: .dense)
        let d = graph.degrees, wy = graph.multiply(y)
        for i in y.indices { #expect(abs((d[i] * y[i] - wy[i]) - lambda * d[i] * y[i]) < 1e-3) }
        #expect(abs(zip(y, d).reduce(Float(0)) { $0 + $1.0 * $1.0 * $1.1 } - 1) < 1e-3)
    }

    @Test func lanczosMatchesDense() throws {
        let (x, _) = Clusters.blobs(k: 3, perCluster: 70, dimension: 4, spread: 1.5, seed: 33)
        let dense = try AffinityGraph.gaussian(x, sigma: 4)
        let a = try NormalizedCut.fiedler(dense, solver: .dense), b = try NormalizedCut.fiedler(dense, solver: .lanczos)
        let dot = zip(a.vector, b.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let na = a.vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), nb = b.vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(dot / (na * nb)) > 0.999)
        #expect(abs(a.value - b.value) < 1e-3)
        // Two overlapping groups: a connected kNN graph with a simple second eigenvalue.
        var g = SeededGenerator(seed: 36)
        var values: [Float] = []
        for c in 0..<2 { for _ in 0..<120 { values += [Float(5 * c) + 2 * g.nextNormal(), 2 * g.nextNormal(), 2 * g.nextNormal()] } }
        let knn = try AffinityGraph.nearestNeighbors(FeatureMatrix(count: 240, dimension: 3, values: values), k: 10)
        let c = try NormalizedCut.fiedler(knn, solver: .dense), e = try NormalizedCut.fiedler(knn, solver: .lanczos)
        let cos = zip(c.vector, e.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            / (c.vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() * e.vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot())
        #expect(abs(cos) > 0.999)
    }

    /// The block solver agrees with LAPACK on dense and sparse graphs, and gives bit-identical
    /// vectors on 1 and 2 threads.
    @Test func subspaceIterationMatchesDenseOnAnyThreadCount() throws {
        let (x, _) = Clusters.blobs(k: 3, perCluster: 90, dimension: 4, spread: 1.5, seed: 37)
        var g = SeededGenerator(seed: 38)
        var values: [Float] = []
        for c in 0..<2 { for _ in 0..<300 { values += [Float(5 * c) + 2 * g.nextNormal(), 2 * g.nextNormal(), 2 * g.nextNormal()] } }
        for graph in [try AffinityGraph.gaussian(x, sigma: 4),
                      try AffinityGraph.nearestNeighbors(FeatureMatrix(count: 600, dimension: 3, values: values), k: 8)] {
            let dense = try NormalizedCut.fiedler(graph, solver: .dense)
            let one = try Parallel.withThreadLimit(1) { try NormalizedCut.fiedler(graph, solver: .subspace) }
            let two = try Parallel.withThreadLimit(2) { try NormalizedCut.fiedler(graph, solver: .subspace) }
            #expect(one.vector == two.vector && one.value == two.value)
            let dot = zip(dense.vector, one.vector).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let na = dense.vector.reduce(0.0) { $0 + Double($1) * Double($1) }, nb = one.vector.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(dot) / (na * nb).squareRoot() > 0.999)
            #expect(abs(dense.value - one.value) < 1e-4)
        }
    }

    @Test func recursiveCutsFindThreeGroups() throws {
        // Three groups on a line at x = 0, 10, 20 (a connected chain of weak links).
        var g = SeededGenerator(seed: 34)
        var values: [Float] = [], truth: [Int32] = []
        for c in 0..<3 { for _ in 0..<30 {
            values += [Float(10 * c) + 0.5 * g.nextNormal(), 0.5 * g.nextNormal()]
            truth.append(Int32(c))
        } }
        let x = try FeatureMatrix(count: 90, dimension: 2, values: values)
        // The middle group sits at the eigenvector's mean, so the best-Ncut threshold is needed.
        let labels = try NormalizedCut.segment(AffinityGraph.gaussian(x, sigma: 4), clusterCount: 3, threshold: .bestCut(candidates: 32))
        #expect(Clusters.adjustedRandIndex(labels, truth) > 0.999)
    }

    @Test func knnGraphIsSymmetric() throws {
        let (x, _) = Clusters.blobs(k: 2, perCluster: 25, dimension: 3, seed: 35)
        let graph = try AffinityGraph.nearestNeighbors(x, k: 5)
        guard case .sparse(let start, let columns, let weights) = graph.storage else { Issue.record("expected sparse"); return }
        for i in 0..<graph.nodeCount {
            for e in start[i]..<start[i + 1] {
                let j = Int(columns[e])
                let back = (start[j]..<start[j + 1]).first { columns[$0] == Int32(i) }
                #expect(back != nil && weights[back!] == weights[e])
            }
        }
    }

    @Test func badInput() throws {
        #expect(throws: SegKitError.self) { try AffinityGraph(dense: [1, 2, 3, 1], nodeCount: 2) }
        let isolated = try AffinityGraph(dense: [0, 0, 0, 0], nodeCount: 2)
        #expect(throws: SegKitError.self) { try NormalizedCut.fiedler(isolated) }
        #expect(throws: SegKitError.self) { try NormalizedCut.segment(isolated, clusterCount: 5) }
        let x = try FeatureMatrix(count: 3, dimension: 1, values: [0, 1, 2])
        #expect(throws: SegKitError.self) { try AffinityGraph.nearestNeighbors(x, k: 3) }
    }
}

@Suite struct MaskCutTests {
    /// A 12×10 patch grid: background features along one direction, a square object along an
    /// orthogonal one, a second smaller object along a third.
    func scene() -> (FeatureMatrix, [Bool], [Bool]) {
        let w = 12, h = 10, d = 8
        var g = SeededGenerator(seed: 41)
        var values: [Float] = [], first = [Bool](), second = [Bool]()
        for y in 0..<h {
            for x in 0..<w {
                let inFirst = x >= 3 && x < 8 && y >= 2 && y < 7
                let inSecond = x >= 9 && x < 11 && y >= 7 && y < 9
                first.append(inFirst)
                second.append(inSecond)
                var v = (0..<d).map { _ in 0.05 * g.nextNormal() }
                v[inFirst ? 1 : (inSecond ? 2 : 0)] += 1
                values += v
            }
        }
        return (try! FeatureMatrix(count: w * h, dimension: d, values: values), first, second)
    }

    @Test func findsObjectsInOrder() throws {
        let (features, first, second) = scene()
        let objects = try MaskCut.objects(features, width: 12, height: 10)
        #expect(objects.count >= 2)
        #expect(objects[0].mask == first)
        #expect(objects.dropFirst().contains { $0.mask == second })
        #expect(objects[0].mask[objects[0].seed])
    }

    @Test func tinyMasksAreDropped() throws {
        let (features, _, _) = scene()
        var c = MaskCut.Configuration()
        c.minimumAreaFraction = 0.3
        #expect(try MaskCut.objects(features, width: 12, height: 10, configuration: c).isEmpty)
    }

    @Test func badGrid() throws {
        let (features, _, _) = scene()
        #expect(throws: SegKitError.self) { try MaskCut.objects(features, width: 5, height: 5) }
    }
}

@Suite struct AgglomerativeMergingTests {
    /// Regions on a line with features 0, 0.1, 5, 5.2, 9: merging follows the closest means.
    @Test func mergesClosestAdjacentMeansFirst() throws {
        let values: [Float] = [0, 0.1, 5, 5.2, 9]
        let graph = try AgglomerativeMerging.RegionGraph(
            featureSums: FeatureMatrix(count: 5, dimension: 1, values: values), sizes: [1, 1, 1, 1, 1],
            edges: [(0, 1), (1, 2), (2, 3), (3, 4)])
        let tree = AgglomerativeMerging.mergeTree(graph)
        #expect(tree.merges.count == 4)
        #expect(tree.labels(regionCount: 3) == [0, 0, 1, 1, 2])
        #expect(tree.labels(regionCount: 1) == [0, 0, 0, 0, 0])
        #expect(tree.labels(regionCount: 5) == [0, 1, 2, 3, 4])
    }

    /// Brute force: at every step merge the adjacent pair of closest means; compare sequences.
    @Test func matchesBruteForceAndNests() throws {
        var g = SeededGenerator(seed: 51)
        let side = 8, r = side * side, d = 3
        let values = (0..<(r * d)).map { _ in g.nextFloat() }
        let sizes = (0..<r).map { _ in Double(g.nextInt(in: 1...9)) }
        var sums = values
        for i in 0..<r { for j in 0..<d { sums[i * d + j] *= Float(sizes[i]) } }
        var edges: [(Int, Int)] = []
        for y in 0..<side { for x in 0..<side {
            if x + 1 < side { edges.append((y * side + x, y * side + x + 1)) }
            if y + 1 < side { edges.append((y * side + x, (y + 1) * side + x)) }
        } }
        let graph = try AgglomerativeMerging.RegionGraph(featureSums: FeatureMatrix(count: r, dimension: d, values: sums),
                                                        sizes: sizes, edges: edges)
        let tree = AgglomerativeMerging.mergeTree(graph)
        // Oracle.
        var members = (0..<r).map { [$0] }
        var adjacency = Set(edges.map { [min($0.0, $0.1), max($0.0, $0.1)] })
        func mean(_ m: [Int]) -> [Double] {
            let s = m.reduce(0.0) { $0 + sizes[$1] }
            return (0..<d).map { j in m.reduce(0.0) { $0 + Double(sums[$1 * d + j]) } / s }
        }
        var oracleDistances: [Double] = []
        var clusters = Set(0..<r)
        while true {
            var best: (Double, Int, Int)? = nil
            for pair in adjacency {
                let (a, b) = (pair[0], pair[1])
                let ma = mean(members[a]), mb = mean(members[b])
                let dist = zip(ma, mb).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                if best == nil || dist < best!.0 { best = (dist, a, b) }
            }
            guard let (dist, a, b) = best else { break }
            oracleDistances.append(dist)
            let id = members.count
            members.append(members[a] + members[b])
            clusters.remove(a); clusters.remove(b); clusters.insert(id)
            adjacency = Set(adjacency.compactMap { p -> [Int]? in
                let mapped = p.map { $0 == a || $0 == b ? id : $0 }
                return mapped[0] == mapped[1] ? nil : [min(mapped[0], mapped[1]), max(mapped[0], mapped[1])]
            })
        }
        #expect(tree.merges.count == oracleDistances.count)
        for (m, o) in zip(tree.merges, oracleDistances) { #expect(abs(m.distance - o) < 1e-6) }
        // Nesting: every cluster at k regions lies inside one cluster at k − 1 regions.
        for k in stride(from: r, to: 1, by: -1) {
            let fine = tree.labels(regionCount: k), coarse = tree.labels(regionCount: k - 1)
            var parent: [Int32: Int32] = [:]
            for i in 0..<r {
                if let p = parent[fine[i]] { #expect(p == coarse[i]) } else { parent[fine[i]] = coarse[i] }
            }
            #expect(Set(fine).count == k)
        }
    }

    @Test func disconnectedGraphsStopAtTheirComponents() throws {
        let graph = try AgglomerativeMerging.RegionGraph(featureSums: FeatureMatrix(count: 4, dimension: 1, values: [0, 1, 2, 3]),
                                                        sizes: [1, 1, 1, 1], edges: [(0, 1), (2, 3)])
        let tree = AgglomerativeMerging.mergeTree(graph)
        #expect(tree.minimumRegionCount == 2)
        #expect(tree.labels(regionCount: 1) == [0, 0, 1, 1])
        #expect(throws: SegKitError.self) {
            try AgglomerativeMerging.RegionGraph(featureSums: FeatureMatrix(count: 2, dimension: 1, values: [0, 1]), sizes: [1, 1], edges: [(0, 2)])
        }
    }
}

/// The plain algorithm: every candidate pair in a lazy-deletion heap ordered by (distance, a, b),
/// recomputed after each merge. The oracle for the nearest-neighbour bookkeeping of `mergeTree`.
func referenceMergeTree(_ graph: AgglomerativeMerging.RegionGraph, cosine: Bool) -> [AgglomerativeMerging.Merge] {
    let r = graph.regionCount, d = graph.featureSums.dimension
    var sums = (0..<r).map { graph.featureSums.row($0).map(Double.init) }, sizes = graph.sizes
    var neighbours = [Set<Int>](repeating: [], count: r)
    for (a, b) in graph.edges { neighbours[a].insert(b); neighbours[b].insert(a) }
    var alive = [Bool](repeating: true, count: r)
    func linkage(_ a: Int, _ b: Int) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0, sq = 0.0
        for j in 0..<d {
            let x = sums[a][j] / sizes[a], y = sums[b][j] / sizes[b]
            dot += x * y; na += x * x; nb += y * y; sq += (x - y) * (x - y)
        }
        return cosine ? (na > 0 && nb > 0 ? 1 - dot / (na * nb).squareRoot() : 1) : sq.squareRoot()
    }
    var heap = graph.edges.map { (linkage($0.0, $0.1), min($0.0, $0.1), max($0.0, $0.1)) }
    var merges: [AgglomerativeMerging.Merge] = []
    while let top = heap.min(by: <) {
        heap.removeAll { $0 == top }
        guard alive[top.1], alive[top.2] else { continue }
        let id = sums.count
        alive[top.1] = false; alive[top.2] = false; alive.append(true)
        sums.append(zip(sums[top.1], sums[top.2]).map { $0 + $1 })
        sizes.append(sizes[top.1] + sizes[top.2])
        var around = neighbours[top.1].union(neighbours[top.2])
        around.remove(top.1); around.remove(top.2)
        for n in around {
            neighbours[n].remove(top.1); neighbours[n].remove(top.2); neighbours[n].insert(id)
            heap.append((linkage(n, id), n, id))
        }
        neighbours.append(around)
        merges.append(.init(a: top.1, b: top.2, distance: top.0))
    }
    return merges
}

@Suite struct AgglomerativeReferenceTests {
    /// Random features (i.i.d., so one cluster grows through everything — the hardest case for
    /// the bookkeeping) and random sizes on grids with extra diagonal edges: the same merges as
    /// the plain algorithm, for both distances.
    @Test(arguments: [AgglomerativeMerging.Distance.euclidean, .cosine])
    func sameMergesAsThePlainAlgorithm(distance: AgglomerativeMerging.Distance) throws {
        for seed in UInt64(1)...4 {
            var g = SeededGenerator(seed: 70 + seed)
            let columns = 9 + Int(seed), rows = 7, r = columns * rows, d = 1 + Int(seed)
            let sizes = (0..<r).map { _ in Double(g.nextInt(in: 1...5)) }
            var sums: [Float] = []
            for i in 0..<r { for _ in 0..<d { sums.append(g.nextFloat() * Float(sizes[i])) } }
            var edges: [(Int, Int)] = []
            for i in 0..<r {
                if (i % columns) + 1 < columns { edges.append((i, i + 1)) }
                if i + columns < r { edges.append((i, i + columns)) }
                if (i % columns) + 1 < columns && i + columns < r && g.nextInt(below: 3) == 0 { edges.append((i, i + columns + 1)) }
            }
            let graph = try AgglomerativeMerging.RegionGraph(featureSums: FeatureMatrix(count: r, dimension: d, values: sums),
                                                            sizes: sizes, edges: edges)
            let tree = AgglomerativeMerging.mergeTree(graph, distance: distance)
            let reference = referenceMergeTree(graph, cosine: distance == .cosine)
            #expect(tree.merges.count == reference.count)
            for (m, o) in zip(tree.merges, reference) {
                #expect(m.a == o.a && m.b == o.b)
                #expect(abs(m.distance - o.distance) <= 1e-9 * max(1, abs(o.distance)))
            }
        }
    }

    /// Many exact ties (identical features): one merge fewer than regions, every level reachable.
    @Test func tiesStillGiveANestedHierarchy() throws {
        let side = 12, r = side * side
        let sums = (0..<r).map { Float(($0 / 7) % 2) }
        var edges: [(Int, Int)] = []
        for i in 0..<r {
            if (i % side) + 1 < side { edges.append((i, i + 1)) }
            if i + side < r { edges.append((i, i + side)) }
        }
        let graph = try AgglomerativeMerging.RegionGraph(featureSums: FeatureMatrix(count: r, dimension: 1, values: sums),
                                                        sizes: [Double](repeating: 1, count: r), edges: edges)
        let tree = AgglomerativeMerging.mergeTree(graph)
        #expect(tree.merges.count == r - 1)
        for k in [r, r / 2, 10, 1] { #expect(Set(tree.labels(regionCount: k)).count == k) }
    }
}

@Suite struct SoftEMTests {
    @Test func convergesToBlobsWithCertainAssignments() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 4, perCluster: 50, dimension: 8, noise: 0.1, randomSigns: false, seed: 61)
        var c = SoftEMClustering.Configuration(initialization: .kMeansPlusPlus(clusterCount: 4))
        c.temperature = 0.05
        let result = try SoftEMClustering.fit(x, configuration: c)
        #expect(Clusters.adjustedRandIndex(result.hard.labels, truth) > 0.999)
        // Probabilities of each point sum to one.
        for i in 0..<x.count {
            let s = (0..<result.width).reduce(Float(0)) { $0 + result.probabilities[i * result.width + $1] }
            #expect(abs(s - 1) < 1e-4)
        }
        #expect(result.uncertainty / Double(x.count) < 0.05)
    }

    /// With a grid and window 0, every point may only join its own cell's centre.
    @Test func gridLocalityRestrictsCandidates() throws {
        let side = 12
        var positions: [Float] = [], features: [Float] = []
        for y in 0..<side { for x in 0..<side {
            positions += [Float(x), Float(y)]
            features += [x < 6 ? 1 : 0.2, x < 6 ? 0.1 : 1]
        } }
        let pos = try FeatureMatrix(count: side * side, dimension: 2, values: positions)
        let f = try FeatureMatrix(count: side * side, dimension: 2, values: features)
        var c = SoftEMClustering.Configuration(initialization: .grid(positions: pos, columns: 3, rows: 3, window: 0))
        c.iterations = 3
        let strict = try SoftEMClustering.fit(f, configuration: c)
        #expect(strict.width == 1)
        c.initialization = .grid(positions: pos, columns: 3, rows: 3, window: 1)
        let local = try SoftEMClustering.fit(f, configuration: c)
        #expect(local.width == 9)
        for i in 0..<(side * side) {
            let own = strict.labels[i]
            #expect((0..<9).contains { local.candidates[i * 9 + $0] == own })
        }
    }

    @Test func badInput() throws {
        let x = try FeatureMatrix(count: 3, dimension: 2, values: [1, 0, 0, 1, 1, 1])
        var c = SoftEMClustering.Configuration(initialization: .kMeansPlusPlus(clusterCount: 2))
        c.temperature = 0
        #expect(throws: SegKitError.self) { try SoftEMClustering.fit(x, configuration: c) }
        c = SoftEMClustering.Configuration(initialization: .grid(positions: x, columns: 9, rows: 9, window: 1))
        #expect(throws: SegKitError.self) { try SoftEMClustering.fit(x, configuration: c) }
    }
}
