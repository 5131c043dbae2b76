#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Soft EM clustering as in ClustSeg (Eq. 3–4 and 10, without learned parameters): the E-step
/// gives every point a softmax over centres of similarity / temperature, the M-step moves each
/// centre to the assignment-weighted mean of its points (renormalised to the unit sphere when
/// asked). With a spatial grid initialisation and a locality window, each point only competes
/// for the centres of nearby grid cells, which makes it a soft superpixel algorithm.
public enum SoftEMClustering {
    /// How a point and a centre are compared in the E-step.
    public enum Similarity: String, Sendable, CaseIterable {
        /// x·c (use with `normalize = true` for cosine similarity, as ClustSeg).
        case dot
        /// −‖x − c‖².
        case negativeSquaredDistance
    }

    /// Where the centres start.
    public enum Initialization: Sendable, Equatable {
        /// These centres (k × D).
        case given(FeatureMatrix)
        /// k-means++ on the points (k clusters).
        case kMeansPlusPlus(clusterCount: Int)
        /// A `columns` × `rows` grid over the points' 2-D `positions` (N × 2, x then y): each
        /// centre starts at the mean feature of its cell, and a point competes only for the
        /// centres of cells within `window` cells of its own (window 1 = the 3 × 3 neighbourhood).
        case grid(positions: FeatureMatrix, columns: Int, rows: Int, window: Int)
    }

    public struct Configuration: Sendable, Equatable {
        public var initialization: Initialization
        public var similarity: Similarity = .dot
        /// Softmax temperature τ > 0, default 0.1.
        public var temperature: Float = 0.1
        /// EM iterations T ≥ 1, default 10.
        public var iterations: Int = 10
        /// Renormalise points and centres to unit length (spherical EM), default true.
        public var normalize: Bool = true
        public var seed: UInt64 = SeededGenerator.defaultSeed

        public init(initialization: Initialization) { self.initialization = initialization }
    }

    /// Soft assignments, stored sparsely: point i's candidate centres are
    /// `candidates[i * width ..< (i + 1) * width]` (-1 pads unused slots) with probabilities at
    /// the same positions.
    public struct Result: Sendable, Equatable {
        public var width: Int
        public var candidates: [Int32]
        public var probabilities: [Float]
        /// Most probable centre per point (contiguous after ``hard``).
        public var labels: [Int32]
        public var centers: FeatureMatrix
        /// Σᵢ wᵢ · (1 − max probability): 0 when every assignment is certain.
        public var uncertainty: Double

        /// The hard result as a ``ClusteringResult`` with labels made contiguous.
        public var hard: ClusteringResult {
            let (labels, centers) = MeanShift.compact(self.labels, self.centers)
            return ClusteringResult(labels: labels, centers: centers, iterations: 0, objective: uncertainty, converged: true)
        }
    }

    /// Runs T EM iterations.
    /// - Throws: `SegKitError` for empty/non-finite input, bad weights, τ ≤ 0, T < 1, grid or
    ///   centre shapes that do not fit.
    /// - Complexity: O(T · N · m · D) with m candidate centres per point (k globally, (2w+1)² on a grid).
    public static func fit(_ input: FeatureMatrix, weights: [Float]? = nil, configuration c: Configuration) throws(SegKitError) -> Result {
        try ClusteringInput.validate(input, weights: weights)
        guard c.temperature > 0, c.temperature.isFinite, c.iterations >= 1 else {
            throw .invalidArgument("soft EM needs temperature > 0 and at least one iteration")
        }
        let x = c.normalize ? input.l2NormalizedRows() : input
        let n = x.count, d = x.dimension
        let w = weights ?? [Float](repeating: 1, count: n)
        var centers: FeatureMatrix
        var candidates: [Int32]
        let width: Int
        switch c.initialization {
        case .given(let given):
            guard given.dimension == d, given.count >= 1 else {
                throw .shapeMismatch("given centres have dimension \(given.dimension), points \(d)")
            }
            centers = c.normalize ? given.l2NormalizedRows() : given
            width = centers.count
            candidates = (0..<n).flatMap { _ in (0..<width).map(Int32.init) }
        case .kMeansPlusPlus(let k):
            try ClusteringInput.validate(x, weights: weights, clusters: k)
            var g = SeededGenerator(seed: c.seed)
            let problem = KMeansProblem(x, weights: weights)
            centers = problem.uncentred(problem.plusPlusCenters(k, &g), k: k)
            if c.normalize { centers = centers.l2NormalizedRows() }
            width = k
            candidates = (0..<n).flatMap { _ in (0..<k).map(Int32.init) }
        case .grid(let positions, let columns, let rows, let window):
            guard positions.count == n, positions.dimension == 2 else {
                throw .shapeMismatch("grid positions must be N × 2 (x, y), got \(positions.count) × \(positions.dimension)")
            }
            guard columns >= 1, rows >= 1, window >= 0, columns * rows <= n else {
                throw .invalidArgument("grid needs 1 ≤ columns × rows ≤ N and window ≥ 0")
            }
            let grid = try GridCells(positions: positions, columns: columns, rows: rows)
            width = (2 * window + 1) * (2 * window + 1)
            candidates = grid.candidates(window: window)
            var sums = [Double](repeating: 0, count: columns * rows * d), counts = [Double](repeating: 0, count: columns * rows)
            for i in 0..<n {
                let cell = Int(grid.cell[i])
                counts[cell] += Double(w[i])
                for j in 0..<d { sums[cell * d + j] += Double(w[i]) * Double(x.values[i * d + j]) }
            }
            var values = [Float](repeating: 0, count: columns * rows * d)
            for cell in 0..<(columns * rows) where counts[cell] > 0 {
                for j in 0..<d { values[cell * d + j] = Float(sums[cell * d + j] / counts[cell]) }
            }
            centers = try FeatureMatrix(count: columns * rows, dimension: d, values: values)
            if c.normalize { centers = centers.l2NormalizedRows() }
        }
        var probabilities = [Float](repeating: 0, count: n * width)
        for _ in 0..<c.iterations {
            eStep(x, centers, candidates, width, c, &probabilities)
            centers = mStep(x, w, centers, candidates, probabilities, width, normalize: c.normalize)
        }
        eStep(x, centers, candidates, width, c, &probabilities)
        var labels = [Int32](repeating: 0, count: n)
        var uncertainty = 0.0
        for i in 0..<n {
            var best = 0
            for s in 1..<width where probabilities[i * width + s] > probabilities[i * width + best] { best = s }
            labels[i] = candidates[i * width + best]
            uncertainty += Double(w[i]) * Double(1 - probabilities[i * width + best])
        }
        return Result(width: width, candidates: candidates, probabilities: probabilities, labels: labels, centers: centers,
                      uncertainty: uncertainty)
    }

    /// A_ik = softmax over candidate centres of sim(x_i, c_k) / τ (ClustSeg Eq. 3).
    static func eStep(_ x: FeatureMatrix, _ centers: FeatureMatrix, _ candidates: [Int32], _ width: Int, _ c: Configuration,
                      _ probabilities: inout [Float]) {
        let n = x.count, d = x.dimension
        let cNorms = centers.squaredRowNorms()
        probabilities.withUnsafeMutableBufferPointer { pp in
            let P = SendablePointer(pp.baseAddress!)
            x.values.withUnsafeBufferPointer { xp in
                centers.values.withUnsafeBufferPointer { cp in
                    let X = SendableConstPointer(xp.baseAddress!), C = SendableConstPointer(cp.baseAddress!)
                    Parallel.forEachChunk(count: n, chunkSize: 2048) { _, range in
                        var logits = [Float](repeating: 0, count: width)
                        for i in range {
                            var xNorm: Float = 0
                            for j in 0..<d { xNorm += X[i * d + j] * X[i * d + j] }
                            var top = -Float.infinity
                            for s in 0..<width {
                                let k = Int(candidates[i * width + s])
                                guard k >= 0 else { logits[s] = -.infinity; continue }
                                var dot: Float = 0
                                for j in 0..<d { dot += X[i * d + j] * C[k * d + j] }
                                let sim = c.similarity == .dot ? dot : -(xNorm - 2 * dot + cNorms[k])
                                logits[s] = sim / c.temperature
                                top = max(top, logits[s])
                            }
                            var total: Float = 0
                            for s in 0..<width {
                                let e = logits[s] == -.infinity ? 0 : expf(logits[s] - top)
                                logits[s] = e
                                total += e
                            }
                            for s in 0..<width { P[i * width + s] = logits[s] / total }
                        }
                    }
                }
            }
        }
    }

    /// c_k = Σᵢ A_ik wᵢ xᵢ / Σᵢ A_ik wᵢ (ClustSeg Eq. 4), renormalised when spherical; a centre
    /// with no mass keeps its position.
    static func mStep(_ x: FeatureMatrix, _ w: [Float], _ centers: FeatureMatrix, _ candidates: [Int32], _ probabilities: [Float],
                      _ width: Int, normalize: Bool) -> FeatureMatrix {
        let n = x.count, d = x.dimension, k = centers.count
        var sums = [Double](repeating: 0, count: k * d), mass = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for s in 0..<width {
                let c = Int(candidates[i * width + s])
                guard c >= 0 else { continue }
                let a = Double(probabilities[i * width + s] * w[i])
                guard a > 0 else { continue }
                mass[c] += a
                for j in 0..<d { sums[c * d + j] += a * Double(x.values[i * d + j]) }
            }
        }
        var values = centers.values
        for c in 0..<k where mass[c] > 0 {
            var norm = 0.0
            for j in 0..<d {
                let v = sums[c * d + j] / mass[c]
                values[c * d + j] = Float(v)
                norm += v * v
            }
            if normalize && norm > 0 {
                let s = Float(1 / norm.squareRoot())
                for j in 0..<d { values[c * d + j] *= s }
            }
        }
        return try! FeatureMatrix(count: k, dimension: d, values: values)
    }
}

/// Points binned into a columns × rows grid over their 2-D positions.
struct GridCells {
    let columns: Int, rows: Int
    let cell: [Int32]
    let cellColumn: [Int32], cellRow: [Int32]

    init(positions: FeatureMatrix, columns: Int, rows: Int) throws(SegKitError) {
        try positions.requireFinite()
        self.columns = columns
        self.rows = rows
        var minX = Float.infinity, maxX = -Float.infinity, minY = Float.infinity, maxY = -Float.infinity
        for i in 0..<positions.count {
            minX = min(minX, positions.values[2 * i]); maxX = max(maxX, positions.values[2 * i])
            minY = min(minY, positions.values[2 * i + 1]); maxY = max(maxY, positions.values[2 * i + 1])
        }
        let spanX = max(maxX - minX, 1e-6), spanY = max(maxY - minY, 1e-6)
        var cell = [Int32](repeating: 0, count: positions.count), cc = cell, cr = cell
        for i in 0..<positions.count {
            let gx = min(columns - 1, Int((positions.values[2 * i] - minX) / spanX * Float(columns)))
            let gy = min(rows - 1, Int((positions.values[2 * i + 1] - minY) / spanY * Float(rows)))
            cell[i] = Int32(gy * columns + gx)
            cc[i] = Int32(gx)
            cr[i] = Int32(gy)
        }
        self.cell = cell
        cellColumn = cc
        cellRow = cr
    }

    /// Candidate centres (cells within `window` of each point's cell), -1 outside the grid.
    func candidates(window: Int) -> [Int32] {
        let side = 2 * window + 1
        var out = [Int32](repeating: -1, count: cell.count * side * side)
        for i in cell.indices {
            var s = 0
            for dy in -window...window {
                for dx in -window...window {
                    let gx = Int(cellColumn[i]) + dx, gy = Int(cellRow[i]) + dy
                    if gx >= 0 && gx < columns && gy >= 0 && gy < rows { out[i * side * side + s] = Int32(gy * columns + gx) }
                    s += 1
                }
            }
        }
        return out
    }
}
