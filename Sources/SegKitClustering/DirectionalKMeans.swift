#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// k-means for unit directions (spherical, HSG) and for lines through the origin (projective,
/// the bottom-up paper). Shared machinery; see ``SphericalKMeans`` and ``ProjectiveKMeans``.
enum DirectionalKMeans {
    struct Configuration: Sendable, Equatable {
        var clusterCount: Int
        var restarts = 1
        var maxIterations = 100
        var tolerance = 1e-6
        var seed = SeededGenerator.defaultSeed
        var initialCenters: FeatureMatrix?
    }

    /// Rows per parallel block (fixed: results independent of the thread count).
    static let blockRows = 1024

    static func fit(_ input: FeatureMatrix, weights: [Float]?, projective: Bool, configuration c: Configuration) throws(SegKitError)
        -> ClusteringResult
    {
        let k = c.clusterCount
        try ClusteringInput.validate(input, weights: weights, clusters: k)
        guard c.restarts >= 1, c.maxIterations >= 1, c.tolerance >= 0 else {
            throw .invalidArgument("k-means needs restarts ≥ 1, maxIterations ≥ 1 and tolerance ≥ 0")
        }
        if let given = c.initialCenters, given.count != k || given.dimension != input.dimension {
            throw .shapeMismatch("given centres are \(given.count)×\(given.dimension), expected \(k)×\(input.dimension)")
        }
        let x = input.l2NormalizedRows()
        guard x.squaredRowNorms().allSatisfy({ $0 > 0 }) else {
            throw .invalidData("a zero feature vector has no direction; spherical and projective k-means need non-zero rows")
        }
        let w = weights ?? [Float](repeating: 1, count: x.count)
        var best: ClusteringResult?
        let runs = c.initialCenters == nil ? c.restarts : 1
        for r in 0..<runs {
            var g = SeededGenerator(seed: c.seed, stream: UInt64(r))
            let start = c.initialCenters.map { $0.l2NormalizedRows() } ?? seeding(x, w, k: k, projective: projective, &g)
            let run = try iterate(x, w, start, projective: projective, configuration: c)
            if best == nil || run.objective < best!.objective { best = run }
        }
        return best!
    }

    /// Similarity of every row in `range` to every centre (x·c, or |x·c| when projective).
    static func similarities(_ x: FeatureMatrix, _ range: Range<Int>, _ centers: FeatureMatrix, projective: Bool,
                             into out: UnsafeMutablePointer<Float>) {
        x.values.withUnsafeBufferPointer { xp in
            centers.values.withUnsafeBufferPointer { cp in
                LinearAlgebra.gemm(transposeB: true, m: range.count, n: centers.count, k: x.dimension,
                                   a: xp.baseAddress! + range.lowerBound * x.dimension, lda: x.dimension,
                                   b: cp.baseAddress!, ldb: x.dimension, c: out, ldc: centers.count, parallel: false)
            }
        }
        if projective { for i in 0..<(range.count * centers.count) { out[i] = abs(out[i]) } }
    }

    /// Best centre and similarity of every row (ties to the lowest index).
    static func assign(_ x: FeatureMatrix, _ centers: FeatureMatrix, projective: Bool) -> (labels: [Int32], similarity: [Float]) {
        let n = x.count, k = centers.count
        var labels = [Int32](repeating: 0, count: n), best = [Float](repeating: 0, count: n)
        labels.withUnsafeMutableBufferPointer { lp in
            best.withUnsafeMutableBufferPointer { bp in
                let L = SendablePointer(lp.baseAddress!), B = SendablePointer(bp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: blockRows) { _, range in
                    var block = [Float](repeating: 0, count: range.count * k)
                    block.withUnsafeMutableBufferPointer { similarities(x, range, centers, projective: projective, into: $0.baseAddress!) }
                    for (r, i) in range.enumerated() {
                        var arg = 0
                        for c in 1..<max(k, 1) where block[r * k + c] > block[r * k + arg] { arg = c }
                        L[i] = Int32(arg)
                        B[i] = block[r * k + arg]
                    }
                }
            }
        }
        return (labels, best)
    }

    /// k-means++ on the distance 1 − similarity (2 + ⌊ln k⌋ candidates per step).
    static func seeding(_ x: FeatureMatrix, _ w: [Float], k: Int, projective: Bool, _ g: inout SeededGenerator) -> FeatureMatrix {
        let n = x.count
        let trials = 2 + Int(log(Double(k)))
        func distancesTo(_ rows: [Int]) -> [[Float]] {
            let centers = x.rows(rows)
            var out = [Float](repeating: 0, count: n * rows.count)
            out.withUnsafeMutableBufferPointer { similarities(x, 0..<n, centers, projective: projective, into: $0.baseAddress!) }
            return (0..<rows.count).map { r in (0..<n).map { max(0, 1 - out[$0 * rows.count + r]) } }
        }
        func draw(_ weightsForDraw: [Double]) -> Int {
            var total = 0.0
            let cdf = weightsForDraw.map { total += $0; return total }
            let target = g.nextDouble() * total
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            return min(lo, n - 1)
        }
        var chosen = [draw(w.map(Double.init))]
        var closest = distancesTo(chosen)[0]
        for _ in 1..<k {
            let p = zip(closest, w).map { Double($0) * Double($1) }
            let candidates = (0..<trials).map { _ in p.reduce(0, +) > 0 ? draw(p) : g.nextInt(below: n) }
            var bestPotential = Double.infinity, bestIndex = candidates[0], bestClosest = closest
            for (candidate, distances) in zip(candidates, distancesTo(candidates)) {
                let merged = zip(closest, distances).map { min($0, $1) }
                let potential = zip(merged, w).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                if potential < bestPotential {
                    bestPotential = potential
                    bestIndex = candidate
                    bestClosest = merged
                }
            }
            chosen.append(bestIndex)
            closest = bestClosest
        }
        return x.rows(chosen)
    }

    /// New centre of each cluster: the normalised weighted sum (spherical) or the top eigenvector
    /// of Σ w x xᵀ (projective, bottom-up paper Eq. 4), sign fixed so the largest entry is
    /// positive. Empty clusters take the rows least similar to their centres.
    static func centers(_ x: FeatureMatrix, _ w: [Float], labels: [Int32], similarity: [Float], k: Int, projective: Bool)
        throws(SegKitError) -> FeatureMatrix
    {
        let d = x.dimension
        var members = [[Int]](repeating: [], count: k)
        for (i, l) in labels.enumerated() { members[Int(l)].append(i) }
        let empty = (0..<k).filter { members[$0].isEmpty }
        if !empty.isEmpty {
            let far = (0..<x.count).sorted { similarity[$0] != similarity[$1] ? similarity[$0] < similarity[$1] : $0 < $1 }
            for (e, cluster) in empty.enumerated() where e < far.count {
                let p = far[e]
                members[Int(labels[p])].removeAll { $0 == p }
                members[cluster] = [p]
            }
        }
        var out = [Float](repeating: 0, count: k * d)
        for c in 0..<k {
            var v: [Float]
            if projective {
                v = try topEigenvector(x, w, members[c])
            } else {
                var sum = [Double](repeating: 0, count: d)
                for i in members[c] { for j in 0..<d { sum[j] += Double(w[i]) * Double(x.values[i * d + j]) } }
                let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
                v = norm > 0 ? sum.map { Float($0 / norm) } : x.row(members[c].first ?? 0)
            }
            out.replaceSubrange((c * d)..<((c + 1) * d), with: v)
        }
        return try FeatureMatrix(count: k, dimension: d, values: out)
    }

    /// The unit vector maximising vᵀ(Σ wᵢ xᵢxᵢᵀ)v over the given rows (Eq. 4), largest entry positive.
    static func topEigenvector(_ x: FeatureMatrix, _ w: [Float], _ rows: [Int]) throws(SegKitError) -> [Float] {
        let d = x.dimension
        var scaled = [Float](repeating: 0, count: rows.count * d)
        for (r, i) in rows.enumerated() {
            let s = w[i].squareRoot()
            for j in 0..<d { scaled[r * d + j] = s * x.values[i * d + j] }
        }
        let scatter = LinearAlgebra.matmul(scaled, scaled, m: d, n: d, k: rows.count, transposeA: true)
        var v = try LinearAlgebra.symmetricEigen(scatter, n: d, indices: (d - 1)...(d - 1)).vectors
        if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
        return v
    }

    static func iterate(_ x: FeatureMatrix, _ w: [Float], _ start: FeatureMatrix, projective: Bool, configuration c: Configuration)
        throws(SegKitError) -> ClusteringResult
    {
        let k = c.clusterCount
        var centers = start
        var step = assign(x, centers, projective: projective)
        var objective = zip(step.similarity, w).reduce(0.0) { $0 + Double($1.1) * Double(1 - $1.0) }
        var iterations = 0, converged = false
        for i in 0..<c.maxIterations {
            iterations = i + 1
            centers = try self.centers(x, w, labels: step.labels, similarity: step.similarity, k: k, projective: projective)
            let next = assign(x, centers, projective: projective)
            let nextObjective = zip(next.similarity, w).reduce(0.0) { $0 + Double($1.1) * Double(1 - $1.0) }
            let stable = next.labels == step.labels
            let improvement = objective - nextObjective
            step = next
            objective = nextObjective
            if stable || improvement <= c.tolerance * max(objective, 1e-12) {
                converged = true
                break
            }
        }
        return ClusteringResult(labels: step.labels, centers: centers, iterations: iterations, objective: objective, converged: converged)
    }
}

/// Spherical k-means (HSG's clustering of unit embeddings): rows are L2-normalised, a point
/// joins the centre of highest cosine x·c, and centres are normalised weighted means.
/// Objective Σ wᵢ(1 − xᵢ·c(xᵢ)). Seeding is k-means++ on 1 − cosine.
public enum SphericalKMeans {
    public struct Configuration: Sendable, Equatable {
        /// Number of clusters k, 1 ≤ k ≤ N.
        public var clusterCount: Int
        /// Independent seeded runs, best objective kept. ≥ 1, default 1.
        public var restarts: Int = 1
        /// Iteration limit, ≥ 1, default 100.
        public var maxIterations: Int = 100
        /// Stop when labels repeat or the objective improves by less than this fraction, default 1e-6.
        public var tolerance: Double = 1e-6
        public var seed: UInt64 = SeededGenerator.defaultSeed
        /// Start from these centres (k × D, normalised for you) instead of k-means++.
        public var initialCenters: FeatureMatrix?

        public init(clusterCount: Int) { self.clusterCount = clusterCount }
    }

    /// - Throws: `SegKitError` for empty input, zero rows, non-finite values, k outside 1…N.
    /// - Complexity: O(restarts · iterations · N · k · D).
    public static func fit(_ x: FeatureMatrix, weights: [Float]? = nil, configuration c: Configuration) throws(SegKitError) -> ClusteringResult {
        try DirectionalKMeans.fit(x, weights: weights, projective: false, configuration: .init(
            clusterCount: c.clusterCount, restarts: c.restarts, maxIterations: c.maxIterations, tolerance: c.tolerance,
            seed: c.seed, initialCenters: c.initialCenters))
    }
}

/// Projective k-means (bottom-up paper, §3.1–3.2): rows are lines through the origin, a point
/// joins the centre of highest |x·c| (sign-invariant), and a centre is the top eigenvector of
/// Σ wᵢ xᵢxᵢᵀ over its members (Eq. 4). Objective Σ wᵢ(1 − |xᵢ·c(xᵢ)|).
public enum ProjectiveKMeans {
    public typealias Configuration = SphericalKMeans.Configuration

    /// - Throws: `SegKitError` for empty input, zero rows, non-finite values, k outside 1…N.
    /// - Complexity: O(restarts · iterations · (N · k · D + N · D² + k · D³)).
    public static func fit(_ x: FeatureMatrix, weights: [Float]? = nil, configuration c: Configuration) throws(SegKitError) -> ClusteringResult {
        try DirectionalKMeans.fit(x, weights: weights, projective: true, configuration: .init(
            clusterCount: c.clusterCount, restarts: c.restarts, maxIterations: c.maxIterations, tolerance: c.tolerance,
            seed: c.seed, initialCenters: c.initialCenters))
    }
}
