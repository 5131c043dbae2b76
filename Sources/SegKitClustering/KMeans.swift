/// k-means clustering with scikit-learn's semantics (Lloyd's algorithm, k-means++ seeding,
/// restarts, tolerance relative to the data variance, empty-cluster relocation, sample weights)
/// and an accelerated exact variant (Hamerly's bounds).
///
/// Distances are computed in blocks with one matrix product per block
/// (‖x − c‖² = ‖x‖² − 2x·c + ‖c‖², BLAS `sgemm`) on mean-centred data, and per-block partial
/// sums are combined in block order, so results are identical for any thread count.
public enum KMeans {
    /// Which iteration is used.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// Hamerly when k ≥ 8 (bounds pay once most points stop moving), else Lloyd.
        case auto
        /// Every point against every centre, every iteration.
        case lloyd
        /// Lloyd's result, skipping points whose upper bound to their centre is below a lower
        /// bound to all others (Hamerly 2010).
        case hamerly
    }

    /// How the first centres are chosen.
    public enum Initialization: Sendable, Equatable {
        /// Greedy k-means++ (scikit-learn: 2 + ⌊ln k⌋ candidates per step, weighted).
        case kMeansPlusPlus
        /// k distinct points drawn uniformly (weights ignored).
        case random
        /// These centres (k × D); restarts are then pointless and `restarts` is ignored.
        case given(FeatureMatrix)
    }

    /// Settings. Defaults follow scikit-learn's `KMeans`.
    public struct Configuration: Sendable, Equatable {
        /// Number of clusters k, 1 ≤ k ≤ N.
        public var clusterCount: Int
        /// Independent runs with different seeds; the lowest inertia wins. ≥ 1, default 1.
        public var restarts: Int = 1
        /// Iteration limit per run, ≥ 1, default 300.
        public var maxIterations: Int = 300
        /// Stop when the summed squared centre movement is ≤ `tolerance` × (mean per-feature
        /// variance of the data). ≥ 0, default 1e-4 (scikit-learn's `tol`).
        public var tolerance: Double = 1e-4
        public var algorithm: Algorithm = .auto
        public var initialization: Initialization = .kMeansPlusPlus
        /// Seed of every random choice (restart r uses stream r).
        public var seed: UInt64 = SeededGenerator.defaultSeed

        public init(clusterCount: Int) { self.clusterCount = clusterCount }
    }

    /// Clusters the rows of `x`.
    /// - Parameters:
    ///   - weights: optional non-negative weight per row (default all 1).
    /// - Returns: labels, centres (in the input's coordinates), iterations, inertia
    ///   Σ wᵢ‖xᵢ − c(xᵢ)‖², and whether the run converged.
    /// - Throws: `SegKitError` for empty input, non-finite values, k outside 1…N, bad weights or
    ///   given centres of the wrong shape.
    /// - Complexity: O(restarts · iterations · N · k · D) time (fewer distance evaluations with
    ///   Hamerly), O(N·(D + k)) memory.
    public static func fit(_ x: FeatureMatrix, weights: [Float]? = nil, configuration: Configuration) throws(SegKitError) -> ClusteringResult {
        let k = configuration.clusterCount
        try ClusteringInput.validate(x, weights: weights, clusters: k)
        guard configuration.restarts >= 1, configuration.maxIterations >= 1, configuration.tolerance >= 0 else {
            throw .invalidArgument("k-means needs restarts ≥ 1, maxIterations ≥ 1 and tolerance ≥ 0")
        }
        if case .given(let c) = configuration.initialization, c.count != k || c.dimension != x.dimension {
            throw .shapeMismatch("given centres are \(c.count)×\(c.dimension), expected \(k)×\(x.dimension)")
        }
        let problem = KMeansProblem(x, weights: weights)
        let tolerance = configuration.tolerance * problem.meanVariance
        let useHamerly = configuration.algorithm == .hamerly || (configuration.algorithm == .auto && k >= 8)
        var best: KMeansProblem.Run?
        let runs: Int
        if case .given = configuration.initialization { runs = 1 } else { runs = configuration.restarts }
        for r in 0..<runs {
            var g = SeededGenerator(seed: configuration.seed, stream: UInt64(r))
            let initial: [Float]
            switch configuration.initialization {
            case .kMeansPlusPlus: initial = problem.plusPlusCenters(k, &g)
            case .random: initial = problem.rows(g.sample(k, from: x.count))
            case .given(let c): initial = problem.centred(c)
            }
            let run = useHamerly
                ? problem.hamerly(initial, k: k, maxIterations: configuration.maxIterations, tolerance: tolerance)
                : problem.lloyd(initial, k: k, maxIterations: configuration.maxIterations, tolerance: tolerance)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        let run = best!
        return ClusteringResult(labels: run.labels, centers: problem.uncentred(run.centers, k: k), iterations: run.iterations,
                                objective: run.inertia, converged: run.converged)
    }
}
