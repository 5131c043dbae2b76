/// How points are compared.
public enum ClusteringGeometry: String, Sendable, CaseIterable {
    /// Euclidean distance ‖x − c‖.
    case euclidean
    /// Directions on the unit sphere: similarity x·c of L2-normalised vectors, distance 1 − x·c.
    case spherical
    /// Lines through the origin (the projective sphere of the bottom-up paper, Eq. 1–2):
    /// similarity |x·c|, distance 1 − |x·c|; x and −x are the same point.
    case projective
}

/// The outcome of a clustering algorithm.
public struct ClusteringResult: Sendable, Equatable {
    /// Cluster of every point, contiguous from 0 (every value in `0..<centers.count` occurs,
    /// unless a requested cluster stayed empty, which the algorithms avoid).
    public var labels: [Int32]
    /// One centre per cluster (k × D).
    public var centers: FeatureMatrix
    /// Iterations of the final (best) run.
    public var iterations: Int
    /// The objective of the final run: inertia Σ wᵢ‖xᵢ − c‖² for k-means, Σ wᵢ(1 − sim) for the
    /// spherical and projective variants, see each algorithm.
    public var objective: Double
    /// True when the run stopped by its convergence test rather than its iteration limit.
    public var converged: Bool

    public init(labels: [Int32], centers: FeatureMatrix, iterations: Int, objective: Double, converged: Bool) {
        self.labels = labels
        self.centers = centers
        self.iterations = iterations
        self.objective = objective
        self.converged = converged
    }

    /// Number of clusters.
    public var clusterCount: Int { centers.count }
}

/// Checks shared by the clustering entry points.
enum ClusteringInput {
    static func validate(_ x: FeatureMatrix, weights: [Float]?, clusters k: Int? = nil) throws(SegKitError) {
        guard x.count >= 1 else { throw .invalidArgument("cannot cluster an empty feature matrix") }
        try x.requireFinite()
        if let weights {
            guard weights.count == x.count else {
                throw .shapeMismatch("\(weights.count) weights for \(x.count) points")
            }
            guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
                throw .invalidArgument("weights must be finite, non-negative and not all zero")
            }
        }
        if let k {
            guard k >= 1 else { throw .invalidArgument("the number of clusters must be at least 1, got \(k)") }
            guard k <= x.count else { throw .invalidArgument("cannot make \(k) clusters from \(x.count) points") }
        }
    }
}
