/// The data of one k-means problem prepared for fast iterations: rows centred on their mean
/// (as scikit-learn does, for precision of ‖x‖² − 2x·c + ‖c‖²), squared norms, weights.
struct KMeansProblem {
    let n: Int
    let d: Int
    /// Mean-centred rows, row-major n × d.
    let x: [Float]
    let norms: [Float]
    let weights: [Float]
    let mean: [Double]
    let unitWeights: Bool
    /// Mean over features of the per-feature variance (unweighted, as scikit-learn's `_tolerance`).
    let meanVariance: Double

    /// Rows per parallel block; fixed so results do not depend on the thread count.
    static let blockRows = 1024

    struct Run {
        var labels: [Int32]
        var centers: [Float]
        var inertia: Double
        var iterations: Int
        var converged: Bool
    }

    init(_ matrix: FeatureMatrix, weights: [Float]?) {
        let n = matrix.count, d = matrix.dimension
        self.n = n
        self.d = d
        // Column sums per fixed chunk of rows (Double), combined in chunk order.
        let chunk = 4096
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunk)
        var partial = [Double](repeating: 0, count: chunks * d)
        matrix.values.withUnsafeBufferPointer { vp in
            partial.withUnsafeMutableBufferPointer { pp in
                let V = SendableConstPointer(vp.baseAddress!), P = SendablePointer(pp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: chunk) { c, range in
                    let out = P.base + c * d
                    for i in range {
                        let row = V.base + i * d
                        for j in 0..<d { out[j] += Double(row[j]) }
                    }
                }
            }
        }
        var mean = [Double](repeating: 0, count: d)
        for c in 0..<chunks { for j in 0..<d { mean[j] += partial[c * d + j] } }
        mean = mean.map { $0 / Double(n) }
        // Centre the rows, their squared norms, and per-chunk sums of squares for the variance.
        var centred = [Float](repeating: 0, count: n * d)
        var norms = [Float](repeating: 0, count: n)
        for t in partial.indices { partial[t] = 0 }
        matrix.values.withUnsafeBufferPointer { vp in
            centred.withUnsafeMutableBufferPointer { cp in
                norms.withUnsafeMutableBufferPointer { np in
                    partial.withUnsafeMutableBufferPointer { pp in
                        mean.withUnsafeBufferPointer { mp in
                            let V = SendableConstPointer(vp.baseAddress!), C = SendablePointer(cp.baseAddress!)
                            let N = SendablePointer(np.baseAddress!), P = SendablePointer(pp.baseAddress!)
                            let M = SendableConstPointer(mp.baseAddress!)
                            Parallel.forEachChunk(count: n, chunkSize: chunk) { c, range in
                                let out = P.base + c * d
                                for i in range {
                                    let row = V.base + i * d, dst = C.base + i * d
                                    for j in 0..<d {
                                        let v = Double(row[j]) - M[j]
                                        out[j] += v * v
                                        dst[j] = Float(v)
                                    }
                                    var s: Float = 0
                                    for j in 0..<d { s += dst[j] * dst[j] }
                                    N[i] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        var variance = [Double](repeating: 0, count: d)
        for c in 0..<chunks { for j in 0..<d { variance[j] += partial[c * d + j] } }
        self.mean = mean
        meanVariance = variance.reduce(0, +) / Double(n * d)
        x = centred
        self.norms = norms
        self.weights = weights ?? [Float](repeating: 1, count: n)
        unitWeights = weights == nil
    }

    func rows(_ indices: [Int]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(indices.count * d)
        for i in indices { out += x[(i * d)..<((i + 1) * d)] }
        return out
    }

    func centred(_ centers: FeatureMatrix) -> [Float] {
        var out = centers.values
        for i in 0..<centers.count { for j in 0..<d { out[i * d + j] = Float(Double(out[i * d + j]) - mean[j]) } }
        return out
    }

    func uncentred(_ centers: [Float], k: Int) -> FeatureMatrix {
        var out = centers
        for i in 0..<k { for j in 0..<d { out[i * d + j] = Float(Double(out[i * d + j]) + mean[j]) } }
        // k·d values by construction.
        return try! FeatureMatrix(count: k, dimension: d, values: out)
    }

    /// Squared norms of k centres.
    func centerNorms(_ centers: [Float], k: Int) -> [Float] {
        (0..<k).map { c in
            var s: Float = 0
            for j in 0..<d { s += centers[c * d + j] * centers[c * d + j] }
            return s
        }
    }

    /// Squared distances of rows `range` to every centre: out[(i - lo) * k + c].
    func distances(_ range: Range<Int>, _ centers: UnsafePointer<Float>, _ cNorms: [Float], k: Int,
                   into out: UnsafeMutablePointer<Float>) {
        x.withUnsafeBufferPointer { xp in
            LinearAlgebra.gemm(transposeB: true, m: range.count, n: k, k: d, alpha: -2, a: xp.baseAddress! + range.lowerBound * d,
                               lda: d, b: centers, ldb: d, c: out, ldc: k, parallel: false)
        }
        for (r, i) in range.enumerated() {
            let row = out + r * k
            for c in 0..<k { row[c] = max(0, row[c] + norms[i] + cNorms[c]) }
        }
    }

    /// E-step: nearest centre of every point (ties to the lowest index), its squared distance,
    /// plus per-block sums for the M-step when `sums` is wanted.
    /// - Returns: (labels, squared distances, per-cluster weighted sums k × d, per-cluster weights,
    ///   inertia).
    func assign(_ centers: [Float], k: Int) -> (labels: [Int32], distances: [Float], sums: [Double], clusterWeights: [Double], inertia: Double) {
        let blocks = Parallel.chunkCount(count: n, chunkSize: Self.blockRows)
        var labels = [Int32](repeating: 0, count: n)
        var dist = [Float](repeating: 0, count: n)
        var partialSums = [Float](repeating: 0, count: blocks * k * d)
        var partialWeights = [Double](repeating: 0, count: blocks * k)
        var partialInertia = [Double](repeating: 0, count: blocks)
        let cNorms = centerNorms(centers, k: k)
        let d = self.d
        labels.withUnsafeMutableBufferPointer { lp in
            dist.withUnsafeMutableBufferPointer { dp in
                partialSums.withUnsafeMutableBufferPointer { sp in
                    partialWeights.withUnsafeMutableBufferPointer { wp in
                        partialInertia.withUnsafeMutableBufferPointer { ip in
                            centers.withUnsafeBufferPointer { cp in
                                x.withUnsafeBufferPointer { xp in
                                    weights.withUnsafeBufferPointer { wtp in
                                        let L = SendablePointer(lp.baseAddress!), D = SendablePointer(dp.baseAddress!)
                                        let S = SendablePointer(sp.baseAddress!), W = SendablePointer(wp.baseAddress!)
                                        let I = SendablePointer(ip.baseAddress!), C = SendableConstPointer(cp.baseAddress!)
                                        let X = SendableConstPointer(xp.baseAddress!), WT = SendableConstPointer(wtp.baseAddress!)
                                        Parallel.forEachChunk(count: n, chunkSize: Self.blockRows) { b, range in
                                            var block = [Float](repeating: 0, count: range.count * k)
                                            block.withUnsafeMutableBufferPointer { bp in
                                                self.distances(range, C.base, cNorms, k: k, into: bp.baseAddress!)
                                            }
                                            var inertia = 0.0
                                            let sums = S.base + b * k * d
                                            for (r, i) in range.enumerated() {
                                                var best = 0
                                                var bestValue = block[r * k]
                                                for c in 1..<max(k, 1) where block[r * k + c] < bestValue {
                                                    best = c
                                                    bestValue = block[r * k + c]
                                                }
                                                L[i] = Int32(best)
                                                D[i] = bestValue
                                                let w = WT[i]
                                                inertia += Double(w) * Double(bestValue)
                                                W[b * k + best] += Double(w)
                                                let row = X.base + i * d, sum = sums + best * d
                                                for j in 0..<d { sum[j] += w * row[j] }
                                            }
                                            I[b] = inertia
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: k * d)
        var clusterWeights = [Double](repeating: 0, count: k)
        var inertia = 0.0
        for b in 0..<blocks {
            for t in 0..<(k * d) { sums[t] += Double(partialSums[b * k * d + t]) }
            for c in 0..<k { clusterWeights[c] += partialWeights[b * k + c] }
            inertia += partialInertia[b]
        }
        return (labels, dist, sums, clusterWeights, inertia)
    }

    /// M-step: centres = weighted means; empty clusters take the points farthest from their
    /// centres, which leave their old clusters (scikit-learn's relocation rule).
    func updateCenters(sums: [Double], clusterWeights: [Double], labels: [Int32], distances: [Float], k: Int) -> [Float] {
        var sums = sums, clusterWeights = clusterWeights
        let empty = (0..<k).filter { clusterWeights[$0] == 0 }
        if !empty.isEmpty {
            let far = (0..<n).sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
            for (e, cluster) in empty.enumerated() where e < far.count {
                let p = far[e], w = Double(weights[p]), old = Int(labels[p])
                for j in 0..<d {
                    let v = Double(x[p * d + j]) * w
                    sums[old * d + j] -= v
                    sums[cluster * d + j] = v
                }
                clusterWeights[cluster] = w
                clusterWeights[old] -= w
            }
        }
        var centers = [Float](repeating: 0, count: k * d)
        for c in 0..<k where clusterWeights[c] > 0 {
            for j in 0..<d { centers[c * d + j] = Float(sums[c * d + j] / clusterWeights[c]) }
        }
        return centers
    }

    /// Summed squared movement of the centres.
    func shift(_ a: [Float], _ b: [Float]) -> Double {
        var s = 0.0
        for i in a.indices {
            let t = Double(a[i]) - Double(b[i])
            s += t * t
        }
        return s
    }

    /// Lloyd's algorithm as scikit-learn's `_kmeans_single_lloyd`: stop when labels repeat
    /// (strict convergence) or the centres moved by at most `tolerance`; the returned labels are
    /// always the assignment to the returned centres.
    func lloyd(_ initial: [Float], k: Int, maxIterations: Int, tolerance: Double) -> Run {
        var centers = initial
        var previous = [Int32](repeating: -1, count: n)
        var converged = false
        var iterations = 0
        var step = assign(centers, k: k)
        for i in 0..<maxIterations {
            iterations = i + 1
            let next = updateCenters(sums: step.sums, clusterWeights: step.clusterWeights, labels: step.labels,
                                     distances: step.distances, k: k)
            let moved = shift(next, centers)
            centers = next
            if step.labels == previous {
                converged = true
                break
            }
            previous = step.labels
            step = assign(centers, k: k)
            if moved <= tolerance {
                converged = true
                break
            }
        }
        return Run(labels: step.labels, centers: centers, inertia: step.inertia, iterations: iterations, converged: converged)
    }
}
