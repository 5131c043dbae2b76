import ArgumentParser
import Dispatch
import SegKit

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster the rows of a feature matrix (.npy, N × D) and write int32 labels (.npy).",
        discussion: """
            Algorithms:
              kmeans              k-means (scikit-learn semantics: k-means++, --restarts,
                                  --tolerance); needs --k
              minibatch-kmeans    mini-batch k-means for millions of rows (--batch-size);
                                  needs --k
              spherical-kmeans    cosine k-means on L2-normalised rows; needs --k
              projective-kmeans   sign-invariant k-means on lines (bottom-up paper Eq. 4);
                                  needs --k
              meanshift           mean-shift; needs --bandwidth (distance in --geometry:
                                  Euclidean ‖x−c‖, spherical 1−x·c, projective 1−|x·c|; the
                                  paper's 45° window is 0.2929)
              em                  soft EM (ClustSeg) from k-means++ centres; needs --k;
                                  writes hard labels
              ncut                normalized cuts on a graph of the rows, recursively to --k
                                  segments
            Labels are int32, contiguous from 0. A one-line summary goes to stdout.
            Example:
              segkit cluster kmeans --input X.npy --k 20 --output labels.npy --centers centers.npy
            """)

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case kmeans, minibatchKMeans = "minibatch-kmeans", sphericalKMeans = "spherical-kmeans", projectiveKMeans = "projective-kmeans", meanshift, em, ncut
    }

    enum Affinity: String, ExpressibleByArgument, CaseIterable {
        case cosine, gaussian, knn
    }

    @Argument(help: "Algorithm: kmeans | minibatch-kmeans | spherical-kmeans | projective-kmeans | meanshift | em | ncut.")
    var algorithm: Algorithm

    @Option(help: "Feature matrix, .npy of shape (N, D), any numeric dtype.")
    var input: String

    @Option(help: "Optional per-row weights, .npy of shape (N).")
    var weights: String?

    @Option(name: .shortAndLong, help: "Output labels, .npy int32 of shape (N).")
    var output: String

    @Option(help: "Optional output centres, .npy float32 of shape (k, D).")
    var centers: String?

    @Option(name: .customLong("k"), help: "Number of clusters (k-means variants, em, ncut).")
    var clusterCount: Int?

    @Option(help: "Mean-shift bandwidth, in the distance of --geometry.")
    var bandwidth: Float?

    @Option(help: "Mean-shift geometry: euclidean | spherical | projective.")
    var geometry: ClusteringGeometry = .euclidean

    @Option(help: "Mean-shift kernel: flat | gaussian.")
    var kernel: MeanShift.Kernel = .flat

    @Option(help: "Mean-shift seeds: auto | binning | covering | all | a number of sampled points.")
    var seeding: String = "auto"

    @Option(help: "k-means restarts (best inertia kept).")
    var restarts: Int = 1

    @Option(help: "Iteration limit (k-means variants, mean-shift); EM iterations for em.")
    var maxIterations: Int?

    @Option(help: "Mini-batch size for minibatch-kmeans.")
    var batchSize: Int = 1024

    @Option(help: "k-means tolerance, relative to the mean feature variance.")
    var tolerance: Double = 1e-4

    @Option(help: "Soft EM temperature.")
    var temperature: Float = 0.1

    @Option(help: "ncut affinity: cosine (TokenCut, with --tau) | gaussian (with --sigma) | knn (with --neighbors).")
    var affinity: Affinity = .cosine

    @Option(help: "ncut cosine threshold τ.")
    var tau: Float = 0.2

    @Option(help: "ncut Gaussian/kNN σ (default for knn: median neighbour distance).")
    var sigma: Float?

    @Option(help: "ncut neighbours per node for --affinity knn.")
    var neighbors: Int = 10

    @Option(help: "Random seed.")
    var seed: UInt64 = SeededGenerator.defaultSeed

    func validate() throws {
        switch algorithm {
        case .meanshift:
            guard let bandwidth, bandwidth > 0 else { throw ValidationError("meanshift needs --bandwidth > 0") }
        default:
            guard let k = clusterCount, k >= 1 else { throw ValidationError("\(algorithm.rawValue) needs --k ≥ 1") }
        }
        guard restarts >= 1, (maxIterations ?? 1) >= 1, tolerance >= 0, temperature > 0, neighbors >= 1, batchSize >= 1 else {
            throw ValidationError("--restarts, --max-iterations and --neighbors must be ≥ 1, --tolerance ≥ 0, --temperature > 0")
        }
        _ = try parsedSeeding()
    }

    func parsedSeeding() throws -> MeanShift.Seeding? {
        switch seeding {
        case "auto": return nil
        case "binning": return .binning(minimumCount: 1)
        case "covering": return .covering(radius: nil)
        case "all": return .all
        default:
            guard let count = Int(seeding), count >= 1 else {
                throw ValidationError("--seeding must be auto, binning, covering, all or a positive number of sampled seeds")
            }
            return .sample(count: count)
        }
    }

    func run() throws {
        let seeds = try parsedSeeding()
        try reportingErrors { () throws(SegKitError) in
            try refuseOverwritingInputs(outputs: [output] + (centers.map { [$0] } ?? []), inputs: [input] + (weights.map { [$0] } ?? []))
            for path in [output] + (centers.map { [$0] } ?? []) where FileAccess.fileExtension(path) != "npy" {
                throw SegKitError(.unsupported, "output must be a .npy file", path: path)
            }
            let x: FeatureMatrix
            x = try SegKitError.attributed(to: input) { () throws(SegKitError) in try NumpyArray.read(input).featureMatrix() }
            var w: [Float]?
            if let weights {
                let array = try NumpyArray.read(weights)
                guard array.count == x.count, array.shape.count == 1 else {
                    throw SegKitError(.shapeMismatch, "weights have shape \(array.shape), expected (\(x.count))", path: weights)
                }
                w = array.floats()
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try SegKitError.attributed(to: input) { () throws(SegKitError) in try cluster(x, weights: w, seeding: seeds) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            try NumpyArray(result.labels, shape: [result.labels.count]).write(to: output)
            if let centers { try NumpyArray(result.centers).write(to: centers) }
            let objectiveName = algorithm == .kmeans ? "inertia" : "objective"
            print("\(algorithm.rawValue): \(result.clusterCount) clusters, \(result.iterations) iterations, "
                + "\(objectiveName) \(result.objective), \(String(format: seconds)) s")
        }
    }

    func cluster(_ x: FeatureMatrix, weights w: [Float]?, seeding: MeanShift.Seeding?) throws(SegKitError) -> ClusteringResult {
        let k = clusterCount ?? 1
        switch algorithm {
        case .kmeans:
            var c = KMeans.Configuration(clusterCount: k)
            c.restarts = restarts
            c.maxIterations = maxIterations ?? 300
            c.tolerance = tolerance
            c.seed = seed
            return try KMeans.fit(x, weights: w, configuration: c)
        case .minibatchKMeans:
            var c = MiniBatchKMeans.Configuration(clusterCount: k)
            c.batchSize = batchSize
            if let maxIterations { c.epochs = maxIterations }
            c.seed = seed
            return try MiniBatchKMeans.fit(x, weights: w, configuration: c)
        case .sphericalKMeans, .projectiveKMeans:
            var c = SphericalKMeans.Configuration(clusterCount: k)
            c.restarts = restarts
            c.maxIterations = maxIterations ?? 100
            c.seed = seed
            return algorithm == .sphericalKMeans ? try SphericalKMeans.fit(x, weights: w, configuration: c)
                : try ProjectiveKMeans.fit(x, weights: w, configuration: c)
        case .meanshift:
            var c = MeanShift.Configuration(bandwidth: bandwidth ?? 1, geometry: geometry)
            c.kernel = kernel
            c.seeding = seeding
            c.maxIterations = maxIterations ?? 300
            c.seed = seed
            return try MeanShift.fit(x, weights: w, configuration: c)
        case .em:
            var c = SoftEMClustering.Configuration(initialization: .kMeansPlusPlus(clusterCount: k))
            c.temperature = temperature
            c.iterations = maxIterations ?? 10
            c.seed = seed
            var result = try SoftEMClustering.fit(x, weights: w, configuration: c).hard
            result.iterations = c.iterations
            return result
        case .ncut:
            guard w == nil else { throw .invalidArgument("ncut does not take --weights") }
            let graph: AffinityGraph
            switch affinity {
            case .cosine: graph = try .cosineThreshold(x, tau: tau)
            case .gaussian: graph = try .gaussian(x, sigma: sigma ?? 1)
            case .knn: graph = try .nearestNeighbors(x, k: min(neighbors, x.count - 1), sigma: sigma)
            }
            let labels = try NormalizedCut.segment(graph, clusterCount: k)
            let segments = Int(labels.max() ?? 0) + 1
            var sums = [Double](repeating: 0, count: segments * x.dimension), counts = [Double](repeating: 0, count: segments)
            for (i, l) in labels.enumerated() {
                counts[Int(l)] += 1
                for j in 0..<x.dimension { sums[Int(l) * x.dimension + j] += Double(x.values[i * x.dimension + j]) }
            }
            let means = (0..<(segments * x.dimension)).map { Float(sums[$0] / counts[$0 / x.dimension]) }
            return ClusteringResult(labels: labels, centers: try FeatureMatrix(count: segments, dimension: x.dimension, values: means),
                                    iterations: segments - 1, objective: 0, converged: true)
        }
    }
}

extension ClusteringGeometry: ExpressibleByArgument {}
extension MeanShift.Kernel: ExpressibleByArgument {}

extension String {
    /// Seconds with three decimals, without Foundation.
    init(format seconds: Double) {
        let millis = Int((seconds * 1000).rounded())
        let fraction = String(millis % 1000)
        self = "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
