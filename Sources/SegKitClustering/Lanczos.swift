/// Lanczos iteration with full reorthogonalisation and explicit restarts, for the second-largest
/// eigenpair of a symmetric operator whose largest eigenvector is known (and deflated).
enum Lanczos {
    /// - Parameters:
    ///   - deflating: the known top eigenvector (any scale); iterates are kept orthogonal to it.
    ///   - apply: the operator y = A x.
    /// - Returns: the largest eigenvalue of A restricted to the complement of `deflating`, and a
    ///   unit eigenvector.
    static func secondLargest(n: Int, deflating top: [Float], tolerance: Double = 1e-6, maxRestarts: Int = 40,
                              apply: ([Float]) -> [Float]) throws(SegKitError) -> (Float, [Float]) {
        let topNorm = top.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let u0 = top.map { Double($0) / topNorm }
        func deflate(_ v: inout [Double]) {
            let p = zip(v, u0).reduce(0.0) { $0 + $1.0 * $1.1 }
            for i in v.indices { v[i] -= p * u0[i] }
        }
        // Deterministic start: a fixed pseudo-random vector.
        var g = SeededGenerator(seed: 0x1A9C)
        var start = (0..<n).map { _ in Double(g.nextFloat()) - 0.5 }
        let m = min(n - 1, 80)
        var best: (Double, [Double]) = (0, start)
        for _ in 0..<maxRestarts {
            deflate(&start)
            var norm = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { throw SegKitError(.numerical, "Lanczos start vector vanished") }
            var basis: [[Double]] = [start.map { $0 / norm }]
            var alpha: [Double] = [], beta: [Double] = []
            for j in 0..<m {
                var w = apply(basis[j].map(Float.init)).map(Double.init)
                deflate(&w)
                let a = zip(w, basis[j]).reduce(0.0) { $0 + $1.0 * $1.1 }
                alpha.append(a)
                // Full reorthogonalisation (twice is enough).
                for _ in 0..<2 {
                    for q in basis {
                        let p = zip(w, q).reduce(0.0) { $0 + $1.0 * $1.1 }
                        for i in w.indices { w[i] -= p * q[i] }
                    }
                }
                norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if j == m - 1 || norm < 1e-10 { beta.append(norm); break }
                beta.append(norm)
                basis.append(w.map { $0 / norm })
            }
            let k = alpha.count
            var t = [Float](repeating: 0, count: k * k)
            for i in 0..<k {
                t[i * k + i] = Float(alpha[i])
                if i + 1 < k {
                    t[i * k + i + 1] = Float(beta[i])
                    t[(i + 1) * k + i] = Float(beta[i])
                }
            }
            let (values, vectors) = try LinearAlgebra.symmetricEigen(t, n: k, indices: (k - 1)...(k - 1))
            let s = vectors.map(Double.init)
            var ritz = [Double](repeating: 0, count: n)
            for (c, q) in basis.prefix(k).enumerated() { for i in 0..<n { ritz[i] += s[c] * q[i] } }
            let residual = abs(beta[k - 1] * s[k - 1])
            best = (Double(values[0]), ritz)
            if residual <= tolerance * max(1, abs(Double(values[0]))) || k < m { break }
            start = ritz
        }
        let length = best.1.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (Float(best.0), best.1.map { Float($0 / length) })
    }
}
