/// Mini-batch k-means (Sculley 2010) for millions of points, following scikit-learn's
/// `MiniBatchKMeans`: k-means++ on a sample, then steps that each assign a random batch to the
/// nearest centres and move those centres by running means (per-centre learning rate
/// 1 / accumulated weight); centres that collect almost no weight are re-seeded on batch points;
/// training stops when the smoothed batch inertia has not improved for `patience` steps.
public enum MiniBatchKMeans {
    public struct Configuration: Sendable, Equatable {
        /// Number of clusters k, 1 ≤ k ≤ N.
        public var clusterCount: Int
        /// Points per step (drawn with replacement). Default 1024.
        public var batchSize: Int = 1024
        /// Passes over the data (steps = epochs · N / batch). Default 100.
        public var epochs: Int = 100
        /// Stop after this many steps without improvement of the smoothed inertia. Default 10.
        public var patience: Int = 10
        /// Centres whose weight is below this fraction of the largest are re-seeded. Default 0.01.
        public var reassignmentRatio: Float = 0.01
        public var seed: UInt64 = SeededGenerator.defaultSeed

        public init(clusterCount: Int) { self.clusterCount = clusterCount }
    }

    /// - Returns: final labels of all points (full assignment), centres, steps taken as
    ///   `iterations`, the inertia of the full assignment, and whether early stopping triggered.
    /// - Throws: `SegKitError` as ``KMeans/fit(_:weights:configuration:)``.
    /// - Complexity: O(steps · batch · k · D + N · k · D).
    public static func fit(_ x: FeatureMatrix, weights: [Float]? = nil, configuration c: Configuration) throws(SegKitError) -> ClusteringResult {
        let k = c.clusterCount
        try ClusteringInput.validate(x, weights: weights, clusters: k)
        guard c.batchSize >= 1, c.epochs >= 1, c.patience >= 1, c.reassignmentRatio >= 0 else {
            throw .invalidArgument("mini-batch k-means needs batch ≥ 1, epochs ≥ 1, patience ≥ 1, reassignment ratio ≥ 0")
        }
        let n = x.count, d = x.dimension
        let w = weights ?? [Float](repeating: 1, count: n)
        var g = SeededGenerator(seed: c.seed)
        // k-means++ on an initial sample of 3 × batch points (scikit-learn's init_size).
        let initSize = min(n, max(3 * c.batchSize, k))
        let sampleRows = g.sample(initSize, from: n)
        let sample = KMeansProblem(x.rows(sampleRows), weights: weights.map { w in sampleRows.map { w[$0] } })
        var centers = sample.uncentred(sample.plusPlusCenters(k, &g), k: k).values
        var counts = [Double](repeating: 0, count: k)
        let steps = max(1, c.epochs * n / c.batchSize)
        var smoothed: Double?, best = Double.infinity, stale = 0, taken = 0, stopped = false
        let alpha = min(1, Double(c.batchSize) * 2 / Double(n + 1))
        for step in 0..<steps {
            taken = step + 1
            let batch = (0..<c.batchSize).map { _ in g.nextInt(below: n) }
            let points = x.rows(batch)
            let (labels, distances) = nearest(points, centers, k: k)
            var inertia = 0.0
            centers.withUnsafeMutableBufferPointer { cp in
                points.values.withUnsafeBufferPointer { pp in
                    for (r, i) in batch.enumerated() {
                        let l = Int(labels[r]), wi = Double(w[i])
                        inertia += wi * Double(distances[r])
                        guard wi > 0 else { continue }
                        counts[l] += wi
                        let rate = Float(wi / counts[l])
                        let centre = cp.baseAddress! + l * d, point = pp.baseAddress! + r * d
                        for j in 0..<d { centre[j] += rate * (point[j] - centre[j]) }
                    }
                }
            }
            // Re-seed starved centres on random batch points (after a warm-up pass).
            if c.reassignmentRatio > 0, step % 10 == 9, let top = counts.max(), top > 0 {
                for l in 0..<k where counts[l] < Double(c.reassignmentRatio) * top {
                    let r = g.nextInt(below: batch.count)
                    for j in 0..<d { centers[l * d + j] = points.values[r * d + j] }
                    counts[l] = counts.filter { $0 > 0 }.min() ?? 1
                }
            }
            let perPoint = inertia / Double(c.batchSize)
            smoothed = smoothed.map { $0 * (1 - alpha) + perPoint * alpha } ?? perPoint
            if smoothed! < best {
                best = smoothed!
                stale = 0
            } else {
                stale += 1
                if stale >= c.patience {
                    stopped = true
                    break
                }
            }
        }
        let final = KMeansProblem(x, weights: weights)
        let centred = final.centred(try FeatureMatrix(count: k, dimension: d, values: centers))
        let assignment = final.assign(centred, k: k)
        return ClusteringResult(labels: assignment.labels, centers: try FeatureMatrix(count: k, dimension: d, values: centers),
                                iterations: taken, objective: assignment.inertia, converged: stopped)
    }

    /// Nearest centre and squared distance of each row (one matrix product).
    static func nearest(_ points: FeatureMatrix, _ centers: [Float], k: Int) -> ([Int32], [Float]) {
        let m = points.count, d = points.dimension
        let dots = LinearAlgebra.matmul(points.values, centers, m: m, n: k, k: d, transposeB: true)
        let pn = points.squaredRowNorms()
        let cn = (0..<k).map { c in (0..<d).reduce(Float(0)) { $0 + centers[c * d + $1] * centers[c * d + $1] } }
        var labels = [Int32](repeating: 0, count: m), distances = [Float](repeating: 0, count: m)
        for r in 0..<m {
            var best = 0, bestValue = Float.infinity
            for c in 0..<k {
                let v = cn[c] - 2 * dots[r * k + c]
                if v < bestValue { bestValue = v; best = c }
            }
            labels[r] = Int32(best)
            distances[r] = max(0, bestValue + pn[r])
        }
        return (labels, distances)
    }
}
