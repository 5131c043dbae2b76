import ArgumentParser
import SegKit
#if canImport(Glibc)
import Glibc
#endif

/// `segkit-bench clustering`: timings of the clustering engine on benchmark data.
struct ClusteringBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustering", abstract: "Times one clustering task; prints a JSON line, writes labels/vectors as .npy.")

    enum Task: String, ExpressibleByArgument { case kmeans, minibatch, meanshift, fiedler, grid, agglomerative }

    @Argument var task: Task
    @Option var input: String?
    @Option var output: String?
    @Option var k: Int = 20
    @Option var restarts: Int = 1
    @Option var algorithm: KMeans.Algorithm = .auto
    @Option var bandwidth: Float = 0.7071
    @Option(help: "Row indices (.npy int) used as mean-shift seeds.")
    var seeds: String?
    @Option var repeats: Int = 3
    @Option var side: Int = 316

    func run() throws {
        var seconds = 0.0
        var extra = ""
        switch task {
        case .kmeans, .minibatch:
            let x = try NumpyArray.read(input!).featureMatrix()
            var result: ClusteringResult!
            seconds = try Stopwatch.median(repeats: repeats, warmup: 0) {
                if task == .kmeans {
                    var c = KMeans.Configuration(clusterCount: k)
                    c.restarts = restarts
                    c.algorithm = algorithm
                    result = try KMeans.fit(x, configuration: c)
                } else {
                    result = try MiniBatchKMeans.fit(x, configuration: .init(clusterCount: k))
                }
            }
            try NumpyArray(result.labels, shape: [x.count]).write(to: output!)
            extra = ", \"inertia\": \(result.objective), \"iterations\": \(result.iterations)"
        case .meanshift:
            let x = try NumpyArray.read(input!).featureMatrix()
            var c = MeanShift.Configuration(bandwidth: bandwidth)
            if let seeds { c.seeding = .indices(try NumpyArray.read(seeds).integers().map { Int($0) }) }
            var result: ClusteringResult!
            seconds = try Stopwatch.median(repeats: repeats, warmup: 0) { result = try MeanShift.fit(x, configuration: c) }
            try NumpyArray(result.labels, shape: [x.count]).write(to: output!)
            extra = ", \"clusters\": \(result.clusterCount)"
        case .fiedler:
            let x = try NumpyArray.read(input!).featureMatrix()
            var y: [Float] = []
            seconds = try Stopwatch.median(repeats: repeats, warmup: 0) {
                let graph = try AffinityGraph.cosineThreshold(x, tau: 0.2)
                y = try NormalizedCut.fiedler(graph, solver: .dense).vector
            }
            try NumpyArray(y, shape: [y.count]).write(to: output!)
        case .grid:
            // A side × side 4-neighbour pixel graph with Gaussian weights of a smooth random field.
            var g = SeededGenerator(seed: 5)
            let n = side * side
            let field = (0..<n).map { i -> Float in Float((i % side) > side / 2 ? 1 : 0) + 0.3 * g.nextFloat() }
            var edges: [(Int, Int, Float)] = []
            for y in 0..<side { for x in 0..<side {
                let i = y * side + x
                if x + 1 < side { edges.append((i, i + 1, expf(-(field[i] - field[i + 1]) * (field[i] - field[i + 1]) / 0.02))) }
                if y + 1 < side { edges.append((i, i + side, expf(-(field[i] - field[i + side]) * (field[i] - field[i + side]) / 0.02))) }
            } }
            let graph = try AffinityGraph(nodeCount: n, edges: edges)
            var value: Float = 0
            seconds = try Stopwatch.median(repeats: repeats, warmup: 0) { value = try NormalizedCut.fiedler(graph, solver: .lanczos).value }
            extra = ", \"nodes\": \(n), \"eigenvalue\": \(value)"
        case .agglomerative:
            // 5,000 regions on a 100 × 50 grid with random 16-d features.
            var g = SeededGenerator(seed: 6)
            let r = 5000, columns = 100, d = 16
            let sums = try FeatureMatrix(count: r, dimension: d, values: (0..<(r * d)).map { _ in g.nextFloat() })
            var edges: [(Int, Int)] = []
            for i in 0..<r {
                if (i % columns) + 1 < columns { edges.append((i, i + 1)) }
                if i + columns < r { edges.append((i, i + columns)) }
            }
            let graph = try AgglomerativeMerging.RegionGraph(featureSums: sums, sizes: [Double](repeating: 1, count: r), edges: edges)
            var merges = 0
            seconds = Stopwatch.median(repeats: repeats, warmup: 0) { merges = AgglomerativeMerging.mergeTree(graph).merges.count }
            extra = ", \"merges\": \(merges)"
        }
        print("{\"task\": \"\(task.rawValue)\", \"seconds\": \(seconds), \"threads\": \(Parallel.threadCount)\(extra)}")
    }
}

extension KMeans.Algorithm: ExpressibleByArgument {}
