#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KMeansProblem {
    /// Greedy k-means++ as scikit-learn's `_kmeans_plusplus`: the first centre is drawn with
    /// probability ∝ weight; each next one is the best (lowest potential) of 2 + ⌊ln k⌋
    /// candidates drawn with probability ∝ weight × squared distance to the nearest centre.
    /// - Complexity: O(k · (2 + ln k) · N · D).
    func plusPlusCenters(_ k: Int, _ g: inout SeededGenerator) -> [Float] {
        let trials = 2 + Int(log(Double(k)))
        var centers = [Float](repeating: 0, count: k * d)
        let first = sampleIndex(cumulative(weights.map(Double.init)), &g)
        centers.replaceSubrange(0..<d, with: x[(first * d)..<((first + 1) * d)])
        var closest = [Float](repeating: .infinity, count: n)
        var potential = mergeClosest([first], closest: &closest).potential
        for c in 1..<k {
            var running = 0.0
            let cdf = (0..<n).map { i in running += Double(closest[i]) * Double(weights[i]); return running }
            let candidates = (0..<trials).map { _ in sampleIndex(cdf, &g, scale: potential) }
            let (best, bestPotential) = mergeClosest(candidates, closest: &closest)
            potential = bestPotential
            let chosen = candidates[best]
            centers.replaceSubrange((c * d)..<((c + 1) * d), with: x[(chosen * d)..<((chosen + 1) * d)])
        }
        return centers
    }

    /// Running sums in Double (scikit-learn's `stable_cumsum`).
    private func cumulative(_ values: [Double]) -> [Double] {
        var total = 0.0
        return values.map { total += $0; return total }
    }

    /// The index searchsorted(cdf, u · scale) with u uniform in [0, 1) (scale defaults to the
    /// total), clipped to the last index.
    private func sampleIndex(_ cdf: [Double], _ g: inout SeededGenerator, scale: Double? = nil) -> Int {
        let target = g.nextDouble() * (scale ?? cdf.last!)
        var lo = 0, hi = cdf.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return min(lo, cdf.count - 1)
    }

    /// For each candidate row t, merged_t[i] = min(closest[i], ‖xᵢ − x_t‖²) and its potential
    /// Σ wᵢ merged_t[i]; `closest` becomes the merged distances of the candidate of lowest
    /// potential (the first on ties). One pass over the rows for all candidates (SIMD dot
    /// products, no matrix packing), in fixed chunks combined in order.
    /// - Returns: that candidate's position in `candidates` and its potential.
    func mergeClosest(_ candidates: [Int], closest: inout [Float]) -> (best: Int, potential: Double) {
        let t = candidates.count, d = self.d, n = self.n
        let chunk = 4096
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunk)
        var merged = [Float](repeating: 0, count: t * n)
        var partial = [Double](repeating: 0, count: chunks * t)
        let candidateNorms = candidates.map { norms[$0] }
        // Candidate rows, padded with zero rows to groups of four.
        let groups = (t + 3) / 4
        var rows = [Float](repeating: 0, count: groups * 4 * d)
        for (r, candidate) in candidates.enumerated() { for j in 0..<d { rows[r * d + j] = x[candidate * d + j] } }
        x.withUnsafeBufferPointer { xp in
            norms.withUnsafeBufferPointer { np in
                weights.withUnsafeBufferPointer { wp in
                    closest.withUnsafeBufferPointer { cp in
                        merged.withUnsafeMutableBufferPointer { mp in
                            partial.withUnsafeMutableBufferPointer { pp in
                                rows.withUnsafeBufferPointer { rp in
                                    let X = SendableConstPointer(xp.baseAddress!), N = SendableConstPointer(np.baseAddress!)
                                    let W = SendableConstPointer(wp.baseAddress!), C = SendableConstPointer(cp.baseAddress!)
                                    let M = SendablePointer(mp.baseAddress!), P = SendablePointer(pp.baseAddress!)
                                    let R = SendableConstPointer(rp.baseAddress!)
                                    Parallel.forEachChunk(count: n, chunkSize: chunk) { c, range in
                                        var sums = [Double](repeating: 0, count: t)
                                        for i in range {
                                            let row = X.base + i * d, ni = N[i], ci = C[i], wi = Double(W[i])
                                            for group in 0..<groups {
                                                let dots = Kernels.dot4(row, R.base + group * 4 * d, d)
                                                for lane in 0..<min(4, t - group * 4) {
                                                    let r = group * 4 + lane
                                                    let v = min(ci, max(0, ni + candidateNorms[r] - 2 * dots[lane]))
                                                    M[r * n + i] = v
                                                    sums[r] += Double(v) * wi
                                                }
                                            }
                                        }
                                        for r in 0..<t { P[c * t + r] = sums[r] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var best = 0, bestPotential = Double.infinity
        for r in 0..<t {
            var p = 0.0
            for c in 0..<chunks { p += partial[c * t + r] }
            if p < bestPotential {
                bestPotential = p
                best = r
            }
        }
        closest = Array(merged[(best * n)..<((best + 1) * n)])
        return (best, bestPotential)
    }
}
