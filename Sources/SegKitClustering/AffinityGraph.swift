#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A symmetric, non-negative weighted graph over N nodes, dense or sparse (CSR).
public struct AffinityGraph: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        /// Row-major N × N weights.
        case dense([Float])
        /// Compressed sparse rows: row i's neighbours are `columns[rowStart[i]..<rowStart[i+1]]`.
        case sparse(rowStart: [Int], columns: [Int32], weights: [Float])
    }

    public let nodeCount: Int
    public let storage: Storage

    /// A dense graph. - Throws: when the matrix is not N × N, not symmetric, negative or non-finite.
    public init(dense weights: [Float], nodeCount n: Int) throws(SegKitError) {
        guard n >= 1, weights.count == n * n else { throw .shapeMismatch("affinity matrix must be N × N") }
        for i in 0..<n {
            for j in i..<n {
                let a = weights[i * n + j], b = weights[j * n + i]
                guard a.isFinite, a >= 0, abs(a - b) <= 1e-5 * max(1, abs(a)) else {
                    throw .invalidData("affinity matrix must be symmetric, finite and non-negative (entry \(i), \(j))")
                }
            }
        }
        nodeCount = n
        storage = .dense(weights)
    }

    /// A sparse graph from weighted edges (i, j, w); each edge is used in both directions and
    /// repeated edges add up.
    /// - Throws: when an index is out of range or a weight is negative or not finite.
    public init(nodeCount n: Int, edges: [(Int, Int, Float)]) throws(SegKitError) {
        guard n >= 1 else { throw .invalidArgument("a graph needs at least one node") }
        var rows = [[Int32: Float]](repeating: [:], count: n)
        for (i, j, w) in edges {
            guard i >= 0, j >= 0, i < n, j < n, w.isFinite, w >= 0 else {
                throw .invalidArgument("edge (\(i), \(j), \(w)) is out of range or has an invalid weight")
            }
            rows[i][Int32(j), default: 0] += w
            if i != j { rows[j][Int32(i), default: 0] += w }
        }
        var start = [0], columns: [Int32] = [], weights: [Float] = []
        for row in rows {
            for (j, w) in row.sorted(by: { $0.key < $1.key }) {
                columns.append(j)
                weights.append(w)
            }
            start.append(columns.count)
        }
        self.init(nodeCount: n, storage: .sparse(rowStart: start, columns: columns, weights: weights))
    }

    init(nodeCount: Int, storage: Storage) {
        self.nodeCount = nodeCount
        self.storage = storage
    }

    /// Degree of every node (row sums).
    public var degrees: [Float] {
        let n = nodeCount
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { op in
            let O = SendablePointer(op.baseAddress!)
            switch storage {
            case .dense(let w):
                w.withUnsafeBufferPointer { wp in
                    let W = SendableConstPointer(wp.baseAddress!)
                    Parallel.forEachChunk(count: n, chunkSize: 256) { _, range in
                        for i in range {
                            let row = W.base + i * n
                            var s: Float = 0
                            for j in 0..<n { s += row[j] }
                            O[i] = s
                        }
                    }
                }
            case .sparse(let start, _, let w):
                w.withUnsafeBufferPointer { wp in
                    start.withUnsafeBufferPointer { sp in
                        for i in 0..<n {
                            var s: Float = 0
                            for e in sp[i]..<sp[i + 1] { s += wp[e] }
                            op[i] = s
                        }
                    }
                }
            }
        }
        return out
    }

    /// Y = W X for an n × `columns` row-major block X (one pass over the graph for all columns).
    func multiply(block x: UnsafePointer<Float>, columns b: Int, into y: UnsafeMutablePointer<Float>) {
        let n = nodeCount
        switch storage {
        case .dense(let w):
            w.withUnsafeBufferPointer { wp in
                LinearAlgebra.gemm(m: n, n: b, k: n, a: wp.baseAddress!, lda: n, b: x, ldb: b, c: y, ldc: b)
            }
        case .sparse(let start, let columns, let w):
            start.withUnsafeBufferPointer { sp in
                columns.withUnsafeBufferPointer { cp in
                    w.withUnsafeBufferPointer { wp in
                        let S = SendableConstPointer(sp.baseAddress!), C = SendableConstPointer(cp.baseAddress!)
                        let W = SendableConstPointer(wp.baseAddress!), X = SendableConstPointer(x), Y = SendablePointer(y)
                        Parallel.forEachChunk(count: n, chunkSize: 4096) { _, range in
                            for i in range {
                                let yr = Y.base + i * b
                                for j in 0..<b { yr[j] = 0 }
                                for e in S[i]..<S[i + 1] {
                                    let xr = X.base + Int(C[e]) * b, wv = W[e]
                                    for j in 0..<b { yr[j] += wv * xr[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// y = W x.
    func multiply(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: nodeCount)
        switch storage {
        case .dense(let w):
            y = LinearAlgebra.matmul(w, x, m: nodeCount, n: 1, k: nodeCount)
        case .sparse(let start, let columns, let w):
            y.withUnsafeMutableBufferPointer { yp in
                let Y = SendablePointer(yp.baseAddress!)
                Parallel.forEachChunk(count: nodeCount, chunkSize: 4096) { _, range in
                    for i in range {
                        var s: Float = 0
                        for e in start[i]..<start[i + 1] { s += w[e] * x[Int(columns[e])] }
                        Y[i] = s
                    }
                }
            }
        }
        return y
    }

    /// The graph restricted to `nodes` (in that order).
    func subgraph(_ nodes: [Int]) -> AffinityGraph {
        switch storage {
        case .dense(let w):
            let m = nodes.count
            var out = [Float](repeating: 0, count: m * m)
            for (a, i) in nodes.enumerated() { for (b, j) in nodes.enumerated() { out[a * m + b] = w[i * nodeCount + j] } }
            return AffinityGraph(nodeCount: m, storage: .dense(out))
        case .sparse(let start, let columns, let w):
            var index = [Int32](repeating: -1, count: nodeCount)
            for (a, i) in nodes.enumerated() { index[i] = Int32(a) }
            var rowStart = [0], cols: [Int32] = [], weights: [Float] = []
            for i in nodes {
                for e in start[i]..<start[i + 1] where index[Int(columns[e])] >= 0 {
                    cols.append(index[Int(columns[e])])
                    weights.append(w[e])
                }
                rowStart.append(cols.count)
            }
            return AffinityGraph(nodeCount: nodes.count, storage: .sparse(rowStart: rowStart, columns: cols, weights: weights))
        }
    }

    // MARK: Builders

    /// TokenCut / MaskCut affinity: wᵢⱼ = 1 when cos(xᵢ, xⱼ) > τ, else ε (dense).
    /// - Parameters: tau default 0.2, epsilon default 1e-5.
    /// - Complexity: O(N² · D) time, O(N²) memory.
    public static func cosineThreshold(_ features: FeatureMatrix, tau: Float = 0.2, epsilon: Float = 1e-5) throws(SegKitError) -> AffinityGraph {
        try features.requireFinite()
        guard features.count >= 1 else { throw .invalidArgument("affinity needs at least one node") }
        let x = features.l2NormalizedRows(), n = x.count
        var w = LinearAlgebra.matmul(x.values, x.values, m: n, n: n, k: x.dimension, transposeB: true)
        w.withUnsafeMutableBufferPointer { wp in
            let W = SendablePointer(wp.baseAddress!)
            Parallel.forEachChunk(count: n * n, chunkSize: 1 << 16) { _, range in
                for i in range { W[i] = W[i] > tau ? 1 : epsilon }
            }
        }
        return AffinityGraph(nodeCount: n, storage: .dense(w))
    }

    /// Gaussian affinity exp(−‖xᵢ − xⱼ‖² / (2σ²)) (dense), optionally times a spatial term
    /// exp(−‖pᵢ − pⱼ‖² / (2σₚ²)) over node positions.
    /// - Complexity: O(N² · D).
    public static func gaussian(_ features: FeatureMatrix, sigma: Float, positions: FeatureMatrix? = nil,
                                spatialSigma: Float? = nil) throws(SegKitError) -> AffinityGraph {
        try features.requireFinite()
        guard sigma > 0 else { throw .invalidArgument("sigma must be positive") }
        let n = features.count
        var w = squaredDistances(features)
        let spatial = try spatialTerm(positions, spatialSigma, n)
        for i in w.indices { w[i] = expf(-w[i] / (2 * sigma * sigma)) * (spatial?[i] ?? 1) }
        return AffinityGraph(nodeCount: n, storage: .dense(w))
    }

    /// Sparse k-nearest-neighbour graph (Euclidean neighbours found exactly with blocked matrix
    /// products), weights exp(−d² / (2σ²)) with σ the median neighbour distance unless given,
    /// symmetrised by keeping an edge when either endpoint selects it (weight = the larger).
    /// - Complexity: O(N² · D / blocks) time, O(N · k) memory.
    public static func nearestNeighbors(_ features: FeatureMatrix, k: Int, sigma: Float? = nil) throws(SegKitError) -> AffinityGraph {
        try features.requireFinite()
        let n = features.count, d = features.dimension
        guard k >= 1, k < n else { throw .invalidArgument("kNN graph needs 1 ≤ k < N") }
        let norms = features.squaredRowNorms()
        var neighbours = [Int32](repeating: 0, count: n * k), distances = [Float](repeating: 0, count: n * k)
        neighbours.withUnsafeMutableBufferPointer { np in
            distances.withUnsafeMutableBufferPointer { dp in
                let NB = SendablePointer(np.baseAddress!), DS = SendablePointer(dp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 256) { _, range in
                    var block = [Float](repeating: 0, count: range.count * n)
                    features.values.withUnsafeBufferPointer { xp in
                        block.withUnsafeMutableBufferPointer { bp in
                            LinearAlgebra.gemm(transposeB: true, m: range.count, n: n, k: d, alpha: -2,
                                               a: xp.baseAddress! + range.lowerBound * d, lda: d, b: xp.baseAddress!, ldb: d,
                                               c: bp.baseAddress!, ldc: n, parallel: false)
                        }
                    }
                    var heap = [(Float, Int32)]()
                    for (r, i) in range.enumerated() {
                        heap.removeAll(keepingCapacity: true)
                        for j in 0..<n where j != i {
                            let dist = max(0, block[r * n + j] + norms[i] + norms[j])
                            if heap.count < k {
                                heap.append((dist, Int32(j)))
                                if heap.count == k { heap.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) } }
                            } else if dist < heap[k - 1].0 {
                                var p = k - 1
                                while p > 0 && (heap[p - 1].0 > dist) { heap[p] = heap[p - 1]; p -= 1 }
                                heap[p] = (dist, Int32(j))
                            }
                        }
                        if heap.count < k { heap.sort { $0.0 < $1.0 } }
                        for t in 0..<k {
                            NB[i * k + t] = heap[t].1
                            DS[i * k + t] = heap[t].0
                        }
                    }
                }
            }
        }
        let s: Float
        if let sigma { s = sigma } else {
            let sorted = distances.sorted()
            s = max(sorted[sorted.count / 2].squareRoot(), 1e-12)
        }
        guard s > 0 else { throw .invalidArgument("sigma must be positive") }
        // Symmetrise: collect both directions, keep the larger weight per pair.
        var rows = [[(Int32, Float)]](repeating: [], count: n)
        for i in 0..<n {
            for t in 0..<k {
                let j = Int(neighbours[i * k + t]), wgt = expf(-distances[i * k + t] / (2 * s * s))
                rows[i].append((Int32(j), wgt))
                rows[j].append((Int32(i), wgt))
            }
        }
        var rowStart = [0], columns: [Int32] = [], weights: [Float] = []
        for i in 0..<n {
            let sorted = rows[i].sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 > $1.1) }
            var last: Int32 = -1
            for (j, wgt) in sorted where j != last {
                columns.append(j)
                weights.append(wgt)
                last = j
            }
            rowStart.append(columns.count)
        }
        return AffinityGraph(nodeCount: n, storage: .sparse(rowStart: rowStart, columns: columns, weights: weights))
    }

    static func squaredDistances(_ x: FeatureMatrix) -> [Float] {
        let n = x.count
        let norms = x.squaredRowNorms()
        var w = LinearAlgebra.matmul(x.values, x.values, m: n, n: n, k: x.dimension, transposeB: true)
        for i in 0..<n { for j in 0..<n { w[i * n + j] = max(0, norms[i] + norms[j] - 2 * w[i * n + j]) } }
        for i in 0..<n { w[i * n + i] = 0 }
        return w
    }

    static func spatialTerm(_ positions: FeatureMatrix?, _ sigma: Float?, _ n: Int) throws(SegKitError) -> [Float]? {
        guard let positions else { return nil }
        guard positions.count == n, let sigma, sigma > 0 else {
            throw .invalidArgument("a spatial term needs one position per node and a positive spatial sigma")
        }
        return squaredDistances(positions).map { expf(-$0 / (2 * sigma * sigma)) }
    }
}
