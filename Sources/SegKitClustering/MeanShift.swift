/// Mean-shift clustering (Comaniciu–Meer; scikit-learn's `MeanShift` procedure) in Euclidean,
/// spherical or projective geometry, with flat or Gaussian kernels and weighted points.
///
/// Every seed climbs to a mode: it moves to the kernel-weighted mean of the points around it
/// until it moves less than `tolerance × bandwidth`. Modes are ranked by the (weighted) number of
/// points within the bandwidth; walking down that ranking, a mode removes all lower-ranked modes
/// within the bandwidth of it. Every point then joins its nearest surviving mode. Seeds advance
/// together: one matrix product gives all seed–point similarities of a block, a second the
/// weighted sums.
///
/// For learned embeddings (bottom-up paper §4) use ``Configuration/embeddings``: projective
/// geometry with a 45° window.
public enum MeanShift {
    public enum Kernel: String, Sendable, CaseIterable {
        /// Weight 1 inside the bandwidth, 0 outside.
        case flat
        /// Weight exp(−(distance / bandwidth)² / 2), no cut-off.
        case gaussian
    }

    /// Where the climbs start.
    public enum Seeding: Sendable, Equatable {
        /// scikit-learn's bin seeding: points rounded to a grid of cell `bandwidth`; each cell with
        /// at least `minimumCount` points seeds at its cell centre. Where cell centres have no
        /// point within the bandwidth (high dimensions: all points share a cell near the origin),
        /// that cell seeds at its member nearest to the centre instead of failing.
        case binning(minimumCount: Int)
        /// Covering seeds: points in a seeded random order, each kept if no kept seed lies within
        /// `radius` (default: half the bandwidth). Works in any dimension.
        case covering(radius: Float?)
        /// `count` distinct points drawn at random (all points if count ≥ N).
        case sample(count: Int)
        /// These rows of the input (e.g. pixels on a spatial grid).
        case indices([Int])
        /// Every point.
        case all
    }

    /// Settings.
    public struct Configuration: Sendable, Equatable {
        /// Window radius in the geometry's distance: Euclidean ‖x − c‖; spherical 1 − x·c;
        /// projective 1 − |x·c|. > 0.
        public var bandwidth: Float
        public var geometry: ClusteringGeometry = .euclidean
        public var kernel: Kernel = .flat
        /// Default: binning for ≤ 6 dimensions, covering above.
        public var seeding: Seeding?
        /// Climb limit per seed, default 300.
        public var maxIterations: Int = 300
        /// A seed has converged when it moves less than `tolerance × bandwidth` (Euclidean
        /// length of the step), default 1e-3.
        public var tolerance: Float = 1e-3
        /// Clusters whose (weighted) size is below this are dissolved into the nearest remaining
        /// modes; 0 keeps all. Default 0.
        public var minimumClusterSize: Float = 0
        public var seed: UInt64 = SeededGenerator.defaultSeed

        public init(bandwidth: Float, geometry: ClusteringGeometry = .euclidean) {
            self.bandwidth = bandwidth
            self.geometry = geometry
        }

        /// The bottom-up paper's setting for unit embeddings: projective geometry with a window of
        /// 45° between lines — its "bandwidth √2/2" is cos 45°, i.e. `bandwidth = 1 − √2/2` in the
        /// distance 1 − |x·c| used here.
        public static var embeddings: Configuration {
            Configuration(bandwidth: 1 - 0.5.squareRoot().float, geometry: .projective)
        }
    }

    /// Clusters the rows of `x` (rows are L2-normalised first in spherical and projective
    /// geometry).
    /// - Returns: labels (contiguous from 0, clusters ordered by decreasing density), modes as
    ///   centres, the largest number of climb steps of any seed as `iterations`, and the objective
    ///   Σ wᵢ · distance(xᵢ, mode).
    /// - Throws: `SegKitError` for empty or non-finite input, bad weights, a non-positive
    ///   bandwidth, zero rows in directional geometries, or seed indices out of range.
    /// - Complexity: O(iterations · seeds · N · D) time, O(seeds · D + block · seeds) memory.
    public static func fit(_ input: FeatureMatrix, weights: [Float]? = nil, configuration c: Configuration) throws(SegKitError) -> ClusteringResult {
        try ClusteringInput.validate(input, weights: weights)
        guard c.bandwidth > 0, c.bandwidth.isFinite, c.maxIterations >= 1, c.tolerance >= 0, c.minimumClusterSize >= 0 else {
            throw .invalidArgument("mean-shift needs bandwidth > 0, maxIterations ≥ 1, tolerance ≥ 0, minimumClusterSize ≥ 0")
        }
        let x = c.geometry == .euclidean ? input : input.l2NormalizedRows()
        if c.geometry != .euclidean, x.squaredRowNorms().contains(0) {
            throw .invalidData("a zero feature vector has no direction; \(c.geometry.rawValue) mean-shift needs non-zero rows")
        }
        let space = MeanShiftSpace(x: x, weights: weights ?? [Float](repeating: 1, count: x.count), configuration: c)
        var g = SeededGenerator(seed: c.seed)
        let seeds = try space.seeds(c.seeding ?? (x.dimension <= 6 ? .binning(minimumCount: 1) : .covering(radius: nil)), &g)
        let climbed = space.climb(seeds)
        var modes = space.mergeModes(climbed.modes, intensity: climbed.intensity)
        var assignment = space.nearest(modes)
        if c.minimumClusterSize > 0 {
            var sizes = [Double](repeating: 0, count: modes.count)
            for (i, l) in assignment.labels.enumerated() { sizes[Int(l)] += Double(space.weights[i]) }
            let keep = (0..<modes.count).filter { sizes[$0] >= Double(c.minimumClusterSize) }
            if !keep.isEmpty && keep.count < modes.count {
                modes = keep.map { modes[$0] }
                assignment = space.nearest(modes)
            }
        }
        let d = x.dimension
        let centers = try FeatureMatrix(count: modes.count, dimension: d, values: modes.flatMap { $0 })
        let (labels, centersUsed) = compact(assignment.labels, centers)
        return ClusteringResult(labels: labels, centers: centersUsed, iterations: climbed.iterations,
                                objective: assignment.objective, converged: climbed.converged)
    }

    /// Renumbers labels to the modes that received points, keeping mode order.
    static func compact(_ labels: [Int32], _ centers: FeatureMatrix) -> ([Int32], FeatureMatrix) {
        var used = [Bool](repeating: false, count: centers.count)
        for l in labels { used[Int(l)] = true }
        guard used.contains(false) else { return (labels, centers) }
        var map = [Int32](repeating: -1, count: centers.count), next: Int32 = 0
        var kept: [Int] = []
        for m in 0..<centers.count where used[m] {
            map[m] = next
            next += 1
            kept.append(m)
        }
        return (labels.map { map[Int($0)] }, centers.rows(kept))
    }
}

private extension Double {
    var float: Float { Float(self) }
}
