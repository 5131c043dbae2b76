import ArgumentParser
import SegKit
#if canImport(Glibc)
import Glibc
#endif

/// `segkit-bench clustering TASK`: times one clustering task on benchmark data (written by
/// bench/clustering/run.py), prints one JSON line (median seconds, every repeat, quality numbers)
/// and writes labels / centres / eigenvectors as .npy for the script to compare with its peers.
struct ClusteringBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustering", abstract: "Times one clustering task; prints a JSON line, writes labels/vectors as .npy.")

    enum Task: String, ExpressibleByArgument, CaseIterable {
        case kmeans, minibatch, meanshift, ncutDense = "ncut-dense", ncutSparse = "ncut-sparse", knnGraph = "knn-graph", agglomerative
    }

    @Argument(help: "kmeans | minibatch | meanshift | ncut-dense | ncut-sparse | knn-graph | agglomerative")
    var task: Task
    @Option(help: "Input .npy (float rows; for ncut-sparse the prefix of PREFIX-indptr/-indices/-weights.npy).")
    var input: String?
    @Option(help: "Labels (.npy int32) or, for the cuts, the eigenvector (.npy float32).")
    var output: String?
    @Option(help: "k-means: final centres (.npy float32, k × D).")
    var centers: String?
    @Option var k: Int = 20
    @Option var restarts: Int = 1
    @Option var algorithm: KMeans.Algorithm = .auto
    @Option(help: "k-means: initial centres (.npy, k × D) instead of k-means++.")
    var initial: String?
    @Option var seed: UInt64 = SeededGenerator.defaultSeed
    @Option var bandwidth: Float = 0.7071
    @Option(help: "Row indices (.npy int) used as mean-shift seeds.")
    var seeds: String?
    @Option(help: "Cosine threshold τ of the dense TokenCut graph.")
    var tau: Float = 0.2
    @Option var solver: NormalizedCut.Solver = .auto
    @Option(help: "Neighbours per node (knn-graph).")
    var neighbors: Int = 10
    @Option(help: "Regions (agglomerative).")
    var regions: Int = 5000
    @Option var repeats: Int = 3
    @Option var warmup: Int = 0

    func run() throws {
        var times: [Double] = []
        var extra = ""
        func timed(_ body: () throws -> Void) rethrows {
            for _ in 0..<warmup { try body() }
            for _ in 0..<max(1, repeats) { times.append(try Stopwatch.time(body)) }
        }
        func need(_ value: String?, _ name: String) throws -> String {
            guard let value else { throw ValidationError("\(task.rawValue) needs --\(name)") }
            return value
        }
        switch task {
        case .kmeans, .minibatch:
            let x = try NumpyArray.read(need(input, "input")).featureMatrix()
            var result: ClusteringResult!
            if task == .kmeans {
                var c = KMeans.Configuration(clusterCount: k)
                c.restarts = restarts
                c.algorithm = algorithm
                c.seed = seed
                if let initial { c.initialization = .given(try NumpyArray.read(initial).featureMatrix()) }
                try timed { result = try KMeans.fit(x, configuration: c) }
            } else {
                var c = MiniBatchKMeans.Configuration(clusterCount: k)
                c.seed = seed
                try timed { result = try MiniBatchKMeans.fit(x, configuration: c) }
            }
            if let output { try NumpyArray(result.labels, shape: [x.count]).write(to: output) }
            if let centers { try NumpyArray(result.centers).write(to: centers) }
            extra = ", \"inertia\": \(result.objective), \"iterations\": \(result.iterations), \"converged\": \(result.converged)"
        case .meanshift:
            let x = try NumpyArray.read(need(input, "input")).featureMatrix()
            var c = MeanShift.Configuration(bandwidth: bandwidth)
            c.seed = seed
            if let seeds { c.seeding = .indices(try NumpyArray.read(seeds).integers().map { Int($0) }) }
            var result: ClusteringResult!
            try timed { result = try MeanShift.fit(x, configuration: c) }
            if let output { try NumpyArray(result.labels, shape: [x.count]).write(to: output) }
            extra = ", \"clusters\": \(result.clusterCount), \"iterations\": \(result.iterations)"
        case .ncutDense:
            // TokenCut / MaskCut: graph from features (wᵢⱼ = 1 if cos > τ else 1e-5), then the cut.
            let x = try NumpyArray.read(need(input, "input")).featureMatrix()
            var cut: NormalizedCut.Bipartition!
            try timed {
                let graph = try AffinityGraph.cosineThreshold(x, tau: tau)
                cut = try NormalizedCut.bipartition(graph, solver: solver)
            }
            if let output { try NumpyArray(cut.vector, shape: [cut.vector.count]).write(to: output) }
            extra = ", \"nodes\": \(x.count), \"eigenvalue\": \(cut.eigenvalue), \"ncut\": \(cut.cost), \"foreground\": \(cut.side.filter { $0 }.count)"
        case .ncutSparse:
            let prefix = try need(input, "input")
            let start = try NumpyArray.read(prefix + "-indptr.npy").integers().map { Int($0) }
            let columns = try NumpyArray.read(prefix + "-indices.npy").integers().map { Int32($0) }
            let weights = try NumpyArray.read(prefix + "-weights.npy").floats()
            let n = start.count - 1
            var edges: [(Int, Int, Float)] = []
            edges.reserveCapacity(columns.count / 2)
            for i in 0..<n { for e in start[i]..<start[i + 1] where Int(columns[e]) > i { edges.append((i, Int(columns[e]), weights[e])) } }
            let graph = try AffinityGraph(nodeCount: n, edges: edges)
            var cut: NormalizedCut.Bipartition!
            try timed { cut = try NormalizedCut.bipartition(graph, solver: solver) }
            if let output { try NumpyArray(cut.vector, shape: [n]).write(to: output) }
            extra = ", \"nodes\": \(n), \"edges\": \(edges.count), \"eigenvalue\": \(cut.eigenvalue), \"ncut\": \(cut.cost)"
        case .knnGraph:
            let x = try NumpyArray.read(need(input, "input")).featureMatrix()
            var graph: AffinityGraph!
            try timed { graph = try AffinityGraph.nearestNeighbors(x, k: neighbors) }
            if case .sparse(_, let columns, _) = graph.storage { extra = ", \"nodes\": \(x.count), \"entries\": \(columns.count)" }
        case .agglomerative:
            // `regions` regions on a grid 100 wide with random 16-d mean features, 4-adjacency.
            var g = SeededGenerator(seed: 6)
            let r = regions, columns = 100, d = 16
            let sums = try FeatureMatrix(count: r, dimension: d, values: (0..<(r * d)).map { _ in g.nextFloat() })
            var edges: [(Int, Int)] = []
            for i in 0..<r {
                if (i % columns) + 1 < columns && i + 1 < r { edges.append((i, i + 1)) }
                if i + columns < r { edges.append((i, i + columns)) }
            }
            let graph = try AgglomerativeMerging.RegionGraph(featureSums: sums, sizes: [Double](repeating: 1, count: r), edges: edges)
            var tree: AgglomerativeMerging.MergeTree!
            timed { tree = AgglomerativeMerging.mergeTree(graph) }
            extra = ", \"regions\": \(r), \"merges\": \(tree.merges.count), \"final\": \(tree.minimumRegionCount)"
        }
        let median = times.sorted()[times.count / 2]
        let list = times.map { "\($0)" }.joined(separator: ", ")
        print("{\"task\": \"\(task.rawValue)\", \"seconds\": \(median), \"times\": [\(list)], \"threads\": \(Parallel.threadCount), "
            + "\"blas\": \"\(LinearAlgebra.backendName)\"\(extra)}")
    }
}

extension KMeans.Algorithm: ExpressibleByArgument {}
extension NormalizedCut.Solver: ExpressibleByArgument {}
