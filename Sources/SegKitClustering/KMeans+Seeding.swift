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
        var closest = squaredDistances(to: [first])[0]
        var potential = dot(closest, weights)
        for c in 1..<k {
            let cdf = cumulative(zip(closest, weights).map { Double($0) * Double($1) })
            let candidates = (0..<trials).map { _ in sampleIndex(cdf, &g, scale: potential) }
            let candidateDistances = squaredDistances(to: candidates)
            var bestPotential = Double.infinity, best = 0
            var bestDistances: [Float] = []
            for (t, distances) in candidateDistances.enumerated() {
                let merged = zip(closest, distances).map { min($0, $1) }
                let p = dot(merged, weights)
                if p < bestPotential {
                    bestPotential = p
                    best = t
                    bestDistances = merged
                }
            }
            potential = bestPotential
            closest = bestDistances
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

    private func dot(_ a: [Float], _ w: [Float]) -> Double {
        var s = 0.0
        for i in a.indices { s += Double(a[i]) * Double(w[i]) }
        return s
    }

    /// Squared distances from each of the given rows to every row.
    func squaredDistances(to rows: [Int]) -> [[Float]] {
        let m = rows.count
        let picked = self.rows(rows)
        let pickedNorms = rows.map { norms[$0] }
        var products = [Float](repeating: 0, count: m * n)
        picked.withUnsafeBufferPointer { pp in
            x.withUnsafeBufferPointer { xp in
                products.withUnsafeMutableBufferPointer { out in
                    LinearAlgebra.gemm(transposeB: true, m: m, n: n, k: d, alpha: -2, a: pp.baseAddress!, lda: d,
                                       b: xp.baseAddress!, ldb: d, c: out.baseAddress!, ldc: n)
                }
            }
        }
        return (0..<m).map { r in
            (0..<n).map { i in max(0, products[r * n + i] + pickedNorms[r] + norms[i]) }
        }
    }
}
