/// Normalized cuts (Shi & Malik 2000) as used by TokenCut and MaskCut: the second-smallest
/// generalised eigenvector y of (D − W) y = λ D y bipartitions a graph.
///
/// Solved as the second-smallest eigenvector z of the normalised Laplacian
/// I − D^{-1/2} W D^{-1/2}, then y = D^{-1/2} z, which is scipy's `eigh(D − W, D)` normalisation
/// (yᵀDy = 1); the sign of y is arbitrary. Dense LAPACK up to ``denseLimit`` nodes; beyond it (and
/// for sparse graphs) Chebyshev-filtered block subspace iteration on D^{-1/2} W D^{-1/2}, which
/// touches the graph once per block product and needs no eigenvalue gap between λ₂ and λ₃.
public enum NormalizedCut {
    /// Dense graphs up to this many nodes are solved with LAPACK by `.auto` (above it the iterative
    /// solver is faster: a 4096-node graph takes seconds with LAPACK, tens of milliseconds
    /// iteratively). 512.
    public static let denseLimit = 512

    public enum Solver: String, Sendable, CaseIterable {
        /// Dense LAPACK for small graphs (``denseLimit``; 64 nodes for sparse graphs), else
        /// `.subspace`.
        case auto
        /// The full normalised Laplacian through LAPACK `ssyevr` (O(N³) time, O(N²) memory).
        case dense
        /// Single-vector Lanczos with full reorthogonalisation and explicit restarts.
        case lanczos
        /// Chebyshev-filtered block subspace iteration (Zhou & Saad 2007), 8 vectors.
        case subspace
    }

    /// Where the eigenvector is split.
    public enum Threshold: Sendable, Equatable {
        /// y > mean(y) (TokenCut, MaskCut).
        case mean
        /// y > median(y).
        case median
        /// The split of lowest Ncut value among `candidates` evenly spaced thresholds.
        case bestCut(candidates: Int)
    }

    public struct Bipartition: Sendable, Equatable {
        /// The generalised eigenvector y (yᵀDy = 1).
        public var vector: [Float]
        /// Its eigenvalue λ₂.
        public var eigenvalue: Float
        /// True on the side where y exceeds the threshold.
        public var side: [Bool]
        /// Ncut(A, B) = cut(A, B)/assoc(A, V) + cut(A, B)/assoc(B, V) of `side`.
        public var cost: Double
    }

    /// The second-smallest generalised eigenpair.
    /// - Throws: `SegKitError` for graphs with fewer than two nodes, isolated nodes (degree 0),
    ///   or a solver that fails.
    /// - Complexity: dense O(N³); Lanczos O(restarts · m · (nnz + N · m)), m ≤ 80; subspace
    ///   O(products · (nnz + N) · 8), where the number of products grows like 1/√(λ₁₀ − λ₂).
    public static func fiedler(_ graph: AffinityGraph, solver: Solver = .auto) throws(SegKitError) -> (vector: [Float], value: Float) {
        let n = graph.nodeCount
        guard n >= 2 else { throw .invalidArgument("a normalized cut needs at least two nodes") }
        let degrees = graph.degrees
        guard degrees.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidData("the affinity graph has an isolated node (degree 0); add ε to the affinities")
        }
        let scale = degrees.map { 1 / $0.squareRoot() }
        var useDense: Bool, useLanczos = false
        switch solver {
        case .dense: useDense = true
        case .lanczos: useDense = false; useLanczos = true
        case .subspace: useDense = false
        case .auto:
            if case .dense = graph.storage { useDense = n <= denseLimit } else { useDense = n <= 64 }
        }
        if n <= 3 { useDense = true }
        let z: [Float], value: Float
        if useDense {
            var laplacian = [Float](repeating: 0, count: n * n)
            switch graph.storage {
            case .dense(let w):
                for i in 0..<n { for j in 0..<n { laplacian[i * n + j] = -w[i * n + j] * scale[i] * scale[j] } }
            case .sparse(let start, let columns, let w):
                for i in 0..<n { for e in start[i]..<start[i + 1] { laplacian[i * n + Int(columns[e])] = -w[e] * scale[i] * scale[Int(columns[e])] } }
            }
            for i in 0..<n { laplacian[i * n + i] += 1 }
            let (values, vectors) = try LinearAlgebra.symmetricEigen(laplacian, n: n, indices: 0...1)
            z = Array(vectors[n..<(2 * n)])
            value = values[1]
        } else if useLanczos {
            let top = degrees.map { $0.squareRoot() }
            let (mu, vector) = try Lanczos.secondLargest(n: n, deflating: top) { v in
                let scaled = zip(v, scale).map { $0 * $1 }
                return zip(graph.multiply(scaled), scale).map { $0 * $1 }
            }
            z = vector
            value = 1 - mu
        } else {
            // A = D^{-1/2} W D^{-1/2} applied to a block: a sparse graph gets its weights scaled
            // once; a dense one (no O(N²) copy) scales the block's rows before and after.
            let top = degrees.map { $0.squareRoot() }
            let normalized: AffinityGraph, rowScaling: Bool
            var scaled: [Float] = []
            if case .sparse(let start, let columns, let w) = graph.storage {
                var sw = w
                for i in 0..<n { for e in start[i]..<start[i + 1] { sw[e] = w[e] * scale[i] * scale[Int(columns[e])] } }
                normalized = AffinityGraph(nodeCount: n, storage: .sparse(rowStart: start, columns: columns, weights: sw))
                rowScaling = false
            } else {
                normalized = graph
                rowScaling = true
            }
            let (mu, vector, _) = try ChebyshevSubspace.largest(n: n, deflating: top) { x, b, y in
                guard rowScaling else { return normalized.multiply(block: x, columns: b, into: y) }
                if scaled.count != n * b { scaled = [Float](repeating: 0, count: n * b) }
                for i in 0..<n { let s = scale[i]; for j in 0..<b { scaled[i * b + j] = x[i * b + j] * s } }
                scaled.withUnsafeBufferPointer { normalized.multiply(block: $0.baseAddress!, columns: b, into: y) }
                for i in 0..<n { let s = scale[i]; for j in 0..<b { y[i * b + j] *= s } }
            }
            z = vector
            value = 1 - mu
        }
        return (zip(z, scale).map { $0 * $1 }, value)
    }

    /// Splits the graph in two.
    public static func bipartition(_ graph: AffinityGraph, threshold: Threshold = .mean, solver: Solver = .auto) throws(SegKitError) -> Bipartition {
        let (y, lambda) = try fiedler(graph, solver: solver)
        let degrees = graph.degrees.map(Double.init)
        func split(at t: Float) -> [Bool] { y.map { $0 > t } }
        let side: [Bool]
        switch threshold {
        case .mean:
            side = split(at: Float(y.reduce(0.0) { $0 + Double($1) } / Double(y.count)))
        case .median:
            let sorted = y.sorted()
            side = split(at: sorted[(sorted.count - 1) / 2])
        case .bestCut(let candidates):
            guard candidates >= 1 else { throw .invalidArgument("bestCut needs at least one candidate threshold") }
            let lo = y.min()!, hi = y.max()!
            var best = split(at: (lo + hi) / 2), bestCost = Double.infinity
            for c in 1...candidates {
                let t = lo + (hi - lo) * Float(c) / Float(candidates + 1)
                let s = split(at: t)
                let cost = ncut(graph, s, degrees)
                if cost < bestCost {
                    bestCost = cost
                    best = s
                }
            }
            side = best
        }
        return Bipartition(vector: y, eigenvalue: lambda, side: side, cost: ncut(graph, side, degrees))
    }

    /// Ncut value of a two-way split (∞ when one side is empty).
    static func ncut(_ graph: AffinityGraph, _ side: [Bool], _ degrees: [Double]) -> Double {
        let indicator = side.map { $0 ? Float(1) : 0 }
        let inside = graph.multiply(indicator)
        var assocA = 0.0, assocB = 0.0, cut = 0.0
        for i in side.indices {
            if side[i] {
                assocA += degrees[i]
                cut += degrees[i] - Double(inside[i])
            } else {
                assocB += degrees[i]
            }
        }
        guard assocA > 0, assocB > 0 else { return .infinity }
        return cut / assocA + cut / assocB
    }

    /// Recursive two-way cuts until `clusterCount` segments (the largest segment is split next;
    /// segments that cannot be split further are left whole).
    /// - Returns: labels contiguous from 0, in order of discovery.
    public static func segment(_ graph: AffinityGraph, clusterCount k: Int, threshold: Threshold = .mean, solver: Solver = .auto)
        throws(SegKitError) -> [Int32]
    {
        guard k >= 1, k <= graph.nodeCount else { throw .invalidArgument("cannot make \(k) segments of \(graph.nodeCount) nodes") }
        var segments: [[Int]] = [Array(0..<graph.nodeCount)]
        var final: [[Int]] = []
        while segments.count + final.count < k, !segments.isEmpty {
            segments.sort { $0.count > $1.count }
            let nodes = segments.removeFirst()
            guard nodes.count >= 2 else { final.append(nodes); continue }
            let split = try bipartition(graph.subgraph(nodes), threshold: threshold, solver: solver)
            let a = nodes.indices.filter { split.side[$0] }.map { nodes[$0] }
            let b = nodes.indices.filter { !split.side[$0] }.map { nodes[$0] }
            if a.isEmpty || b.isEmpty { final.append(nodes) } else { segments += [a, b] }
        }
        var labels = [Int32](repeating: 0, count: graph.nodeCount)
        let ordered = (final + segments).sorted { $0.min()! < $1.min()! }
        for (l, nodes) in ordered.enumerated() { for i in nodes { labels[i] = Int32(l) } }
        return labels
    }
}
