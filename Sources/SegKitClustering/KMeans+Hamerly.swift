extension KMeansProblem {
    /// Hamerly's accelerated k-means (2010): per point an upper bound on the distance to its
    /// centre and one lower bound on the distance to every other centre; a point is re-examined
    /// only when the upper bound exceeds max(lower bound, half the distance from its centre to the
    /// nearest other centre). Re-examined points of a block are gathered and compared with all
    /// centres in one matrix product. Gives Lloyd's assignments (up to floating-point ties) with
    /// far fewer distance evaluations once clusters settle; same stopping rules as ``lloyd``.
    func hamerly(_ initial: [Float], k: Int, maxIterations: Int, tolerance: Double) -> Run {
        guard k > 1 else { return lloyd(initial, k: k, maxIterations: maxIterations, tolerance: tolerance) }
        var centers = initial
        var step = assign(centers, k: k)
        var labels = step.labels
        var upper = step.distances.map { $0.squareRoot() }
        var lower = secondNearest(centers, k: k)
        var previous = [Int32](repeating: -1, count: n)
        var converged = false
        var iterations = 0
        for i in 0..<maxIterations {
            iterations = i + 1
            let next = updateCenters(sums: step.sums, clusterWeights: step.clusterWeights, labels: labels,
                                     distances: step.distances, k: k)
            let moved = shift(next, centers)
            let movement = (0..<k).map { c -> Float in
                var s: Double = 0
                for j in 0..<d {
                    let t = Double(next[c * d + j]) - Double(centers[c * d + j])
                    s += t * t
                }
                return Float(s.squareRoot())
            }
            centers = next
            if labels == previous {
                converged = true
                break
            }
            previous = labels
            // Bounds follow the centres: the own centre moved by δ(a), any other by at most max δ.
            let (largest, second) = twoLargest(movement)
            for p in 0..<n {
                let own = Int(labels[p])
                upper[p] += movement[own]
                lower[p] -= own == largest ? second.value : movement[largest]
            }
            let delta = reassign(centers, k: k, labels: &labels, upper: &upper, lower: &lower)
            // M-step sums follow the points that changed cluster (Double, so no drift to speak of).
            for t in 0..<(k * d) { step.sums[t] += delta.sums[t] }
            for c in 0..<k { step.clusterWeights[c] += delta.clusterWeights[c] }
            step.distances = delta.squared
            if moved <= tolerance {
                converged = true
                break
            }
        }
        // Exact assignment to the final centres (bounds only prune; this makes labels, distances
        // and inertia consistent with `centers`).
        let final = assign(centers, k: k)
        return Run(labels: final.labels, centers: centers, inertia: final.inertia, iterations: iterations, converged: converged)
    }

    private func twoLargest(_ values: [Float]) -> (Int, (index: Int, value: Float)) {
        var first = 0
        for i in values.indices where values[i] > values[first] { first = i }
        var second = (index: -1, value: Float(0))
        for i in values.indices where i != first && (second.index < 0 || values[i] > second.value) { second = (i, values[i]) }
        return (first, second)
    }

    /// Distance from every point to its second-nearest centre.
    private func secondNearest(_ centers: [Float], k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        let cNorms = centerNorms(centers, k: k)
        out.withUnsafeMutableBufferPointer { op in
            let O = SendablePointer(op.baseAddress!)
            centers.withUnsafeBufferPointer { cp in
                let C = SendableConstPointer(cp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: Self.blockRows) { _, range in
                    var block = [Float](repeating: 0, count: range.count * k)
                    block.withUnsafeMutableBufferPointer { self.distances(range, C.base, cNorms, k: k, into: $0.baseAddress!) }
                    for (r, i) in range.enumerated() {
                        var a = Float.infinity, b = Float.infinity
                        for c in 0..<k {
                            let v = block[r * k + c]
                            if v < a { b = a; a = v } else if v < b { b = v }
                        }
                        O[i] = b.squareRoot()
                    }
                }
            }
        }
        return out
    }

    /// One pruned E-step. Returns the change of the M-step sums and cluster weights (from the
    /// points that changed cluster) and the squared upper bounds (the relocation rule's distances).
    private func reassign(_ centers: [Float], k: Int, labels: inout [Int32], upper: inout [Float], lower: inout [Float])
        -> (sums: [Double], clusterWeights: [Double], squared: [Float])
    {
        // Half the distance from each centre to its nearest other centre.
        var half = [Float](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in 0..<k where b != a {
                var s: Float = 0
                for j in 0..<d {
                    let t = centers[a * d + j] - centers[b * d + j]
                    s += t * t
                }
                half[a] = min(half[a], s.squareRoot() / 2)
            }
        }
        let halfGap = half
        let cNorms = centerNorms(centers, k: k)
        let blocks = Parallel.chunkCount(count: n, chunkSize: Self.blockRows)
        // Per block: Double deltas of the sums (k × d) and weights (k), for blocks with changes.
        var partialSums = [Double](repeating: 0, count: blocks * k * d)
        var partialWeights = [Double](repeating: 0, count: blocks * k)
        var touched = [Bool](repeating: false, count: blocks)
        var squared = [Float](repeating: 0, count: n)
        let d = self.d
        labels.withUnsafeMutableBufferPointer { lp in
            upper.withUnsafeMutableBufferPointer { up in
                lower.withUnsafeMutableBufferPointer { lwp in
                    squared.withUnsafeMutableBufferPointer { sqp in
                        partialSums.withUnsafeMutableBufferPointer { sp in
                            partialWeights.withUnsafeMutableBufferPointer { wp in
                                touched.withUnsafeMutableBufferPointer { tp in
                                    centers.withUnsafeBufferPointer { cp in
                                        x.withUnsafeBufferPointer { xp in
                                            norms.withUnsafeBufferPointer { np in
                                                weights.withUnsafeBufferPointer { wtp in
                                                    let L = SendablePointer(lp.baseAddress!), U = SendablePointer(up.baseAddress!)
                                                    let LO = SendablePointer(lwp.baseAddress!), SQ = SendablePointer(sqp.baseAddress!)
                                                    let S = SendablePointer(sp.baseAddress!), W = SendablePointer(wp.baseAddress!)
                                                    let T = SendablePointer(tp.baseAddress!)
                                                    let C = SendableConstPointer(cp.baseAddress!), X = SendableConstPointer(xp.baseAddress!)
                                                    let N = SendableConstPointer(np.baseAddress!), WT = SendableConstPointer(wtp.baseAddress!)
                                                    Parallel.forEachChunk(count: n, chunkSize: Self.blockRows) { b, range in
                                                        Self.reassignBlock(b, range, k: k, d: d, halfGap: halfGap, cNorms: cNorms,
                                                                           L: L, U: U, LO: LO, SQ: SQ, S: S, W: W, T: T,
                                                                           C: C, X: X, N: N, WT: WT)
                                                    }
                                                }
                                            }
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
        for b in 0..<blocks where touched[b] {
            for t in 0..<(k * d) { sums[t] += partialSums[b * k * d + t] }
            for c in 0..<k { clusterWeights[c] += partialWeights[b * k + c] }
        }
        return (sums, clusterWeights, squared)
    }

    /// The pruned E-step of one block of rows (see ``reassign``).
    private static func reassignBlock(
        _ b: Int, _ range: Range<Int>, k: Int, d: Int, halfGap: [Float], cNorms: [Float],
        L: SendablePointer<Int32>, U: SendablePointer<Float>, LO: SendablePointer<Float>, SQ: SendablePointer<Float>,
        S: SendablePointer<Double>, W: SendablePointer<Double>, T: SendablePointer<Bool>,
        C: SendableConstPointer<Float>, X: SendableConstPointer<Float>, N: SendableConstPointer<Float>,
        WT: SendableConstPointer<Float>
    ) {
        var active: [Int] = []
        for i in range {
            let own = Int(L[i])
            let bound = max(LO[i], halfGap[own])
            guard U[i] > bound else { continue }
            // Tighten the upper bound to the exact distance to the own centre (one dot product)
            // before comparing with every centre.
            let dot = Kernels.dot(X.base + i * d, C.base + own * d, d)
            U[i] = max(0, N[i] + cNorms[own] - 2 * dot).squareRoot()
            if U[i] > bound { active.append(i) }
        }
        if !active.isEmpty {
            var gathered = [Float](repeating: 0, count: active.count * d)
            gathered.withUnsafeMutableBufferPointer { gp in
                for (r, i) in active.enumerated() { (gp.baseAddress! + r * d).update(from: X.base + i * d, count: d) }
            }
            var block = [Float](repeating: 0, count: active.count * k)
            gathered.withUnsafeBufferPointer { gp in
                block.withUnsafeMutableBufferPointer { bp in
                    LinearAlgebra.gemm(transposeB: true, m: active.count, n: k, k: d, alpha: -2, a: gp.baseAddress!, lda: d,
                                       b: C.base, ldb: d, c: bp.baseAddress!, ldc: k, parallel: false)
                }
            }
            let sums = S.base + b * k * d
            for (r, i) in active.enumerated() {
                var a = Float.infinity, second = Float.infinity, best = 0
                for c in 0..<k {
                    let v = max(0, block[r * k + c] + N[i] + cNorms[c])
                    if v < a { second = a; a = v; best = c } else if v < second { second = v }
                }
                let old = Int(L[i])
                if best != old {
                    // The point moves: its weighted row leaves `old` and joins `best`.
                    let w = Double(WT[i]), row = X.base + i * d
                    let from = sums + old * d, to = sums + best * d
                    for j in 0..<d {
                        let v = w * Double(row[j])
                        from[j] -= v
                        to[j] += v
                    }
                    W[b * k + old] -= w
                    W[b * k + best] += w
                    T[b] = true
                }
                L[i] = Int32(best)
                U[i] = a.squareRoot()
                LO[i] = second.squareRoot()
            }
        }
        for i in range { SQ[i] = U[i] * U[i] }
    }
}
