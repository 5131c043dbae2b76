import SegKitCore

/// Chebyshev-filtered block subspace iteration (Zhou & Saad 2007) for the largest eigenpair of a
/// symmetric operator whose spectrum lies in [lower, 1] and whose top eigenvector is known (and
/// deflated) — the normalised adjacency D^{-1/2} W D^{-1/2} of a graph.
///
/// A block of `blockSize` vectors is repeatedly multiplied by a Chebyshev polynomial of the
/// operator that stays within [−1, 1] on [lower, cut] (cut = the block's smallest Ritz value) and
/// grows fast above it, re-orthonormalised, and Rayleigh–Ritz-projected. Unlike single-vector
/// Lanczos with restarts, the second and third eigenvalues need not be well separated: they are
/// resolved inside the block, and only the gap to the block's last Ritz value sets the speed.
/// The operator is applied to the whole block at once (one sparse pass or one `sgemm`), and no
/// growing basis is stored: memory is a few n × blockSize blocks.
///
/// Every reduction is computed in fixed chunks combined in order, so results do not depend on the
/// thread count.
enum ChebyshevSubspace {
    /// Block operator: `apply(x, b, y)` sets y = A x for n × b row-major blocks.
    typealias BlockOperator = (_ x: UnsafePointer<Float>, _ columns: Int, _ y: UnsafeMutablePointer<Float>) -> Void

    static let chunkRows = 8192

    /// - Parameters:
    ///   - deflating: the known top eigenvector (any scale); iterates are kept orthogonal to it.
    ///   - lower: a lower bound of the spectrum (−1 for a normalised adjacency).
    ///   - degree: Chebyshev degree per filter (the first filters use less: 6, 10, …).
    ///   - tolerance: stop when ‖A v − θ v‖ ≤ tolerance for the top Ritz pair (v unit).
    /// - Returns: the largest eigenvalue in the complement of `deflating`, a unit eigenvector,
    ///   and the number of operator applications to the block.
    static func largest(n: Int, deflating top: [Float], lower: Double = -1, blockSize: Int = 8, degree: Int = 14,
                        tolerance: Double = 1e-5, maxIterations: Int = 400, apply: BlockOperator)
        throws(SegKitError) -> (value: Float, vector: [Float], applications: Int)
    {
        let b = max(1, min(blockSize, n - 2))
        let topNorm = top.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard n >= 3, topNorm > 0 else { throw .invalidArgument("subspace iteration needs n ≥ 3 and a non-zero top vector") }
        let u0 = top.map { Float(Double($0) / topNorm) }
        var x = [Float](repeating: 0, count: n * b)
        var y = [Float](repeating: 0, count: n * b)
        var z = [Float](repeating: 0, count: n * b)
        var g = SeededGenerator(seed: 0xC4EB)
        for i in x.indices { x[i] = g.nextFloat() - 0.5 }
        var applications = 0
        // The block stays orthogonal to u0 under A (u0 is an eigenvector), so deflation is needed
        // only against rounding, once per filter.
        func applyBlock(_ from: [Float], _ to: inout [Float]) {
            from.withUnsafeBufferPointer { f in to.withUnsafeMutableBufferPointer { t in apply(f.baseAddress!, b, t.baseAddress!) } }
            applications += 1
        }
        deflate(&x, u0, n: n, b: b)
        orthonormalize(&x, n: n, b: b, deflating: u0, generator: &g)
        var best: (value: Double, vector: [Float], residual: Double) = (0, [], .infinity)
        for iteration in 0..<maxIterations {
            // Rayleigh–Ritz: X ← X S, AX ← AX S with S the eigenvectors of XᵀAX (descending).
            applyBlock(x, &y)
            var h = gram(x, y, n: n, b: b)
            for i in 0..<b { for j in 0..<i { let s = (h[i * b + j] + h[j * b + i]) / 2; h[i * b + j] = s; h[j * b + i] = s } }
            let (theta, s) = jacobiEigen(h, b)
            rotate(&x, s, n: n, b: b)
            rotate(&y, s, n: n, b: b)
            // Residual of the top pair.
            var r = 0.0, v = 0.0
            for i in 0..<n {
                let t = Double(y[i * b]) - theta[0] * Double(x[i * b])
                r += t * t
                v += Double(x[i * b]) * Double(x[i * b])
            }
            let residual = (r / max(v, 1e-300)).squareRoot()
            if residual < best.residual || iteration == 0 {
                best = (theta[0], (0..<n).map { x[$0 * b] }, residual)
            }
            if residual <= tolerance { break }
            // Chebyshev filter of degree `degree` damping [lower, cut], scaled at θ₀.
            let cut = b > 1 ? min(theta[b - 1], theta[0] - 1e-6) : lower + (theta[0] - lower) / 2
            let e = (cut - lower) / 2, c = (cut + lower) / 2
            guard e > 0, theta[0] > c else { break }
            let sigma1 = e / (theta[0] - c)
            // z = (σ₁/e)(A x − c x), with y = A x already known.
            let f1 = Float(sigma1 / e), fc = Float(c)
            combine(into: &z, f1, y, -f1 * fc, x, 0)
            var sigma = sigma1
            // Recurrence: x_{k+1} = (2σ_{k+1}/e)(A − c) x_k − σ_k σ_{k+1} x_{k−1}; (x, z) hold (k−1, k).
            for _ in 1..<max(1, degree) {
                let next = 1 / (2 / sigma1 - sigma)
                applyBlock(z, &y)
                let a = Float(2 * next / e), bb = Float(sigma * next)
                combine(into: &x, a, y, -a * fc, z, -bb)
                swap(&x, &z)
                sigma = next
            }
            swap(&x, &z)
            deflate(&x, u0, n: n, b: b)
            orthonormalize(&x, n: n, b: b, deflating: u0, generator: &g)
        }
        guard best.vector.allSatisfy({ $0.isFinite }) else { throw SegKitError(.numerical, "subspace iteration diverged") }
        let length = best.vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return (Float(best.value), best.vector.map { Float(Double($0) / length) }, applications)
    }

    /// out ← p·u + q·v + r·out, elementwise, in parallel.
    static func combine(into out: inout [Float], _ p: Float, _ u: [Float], _ q: Float, _ v: [Float], _ r: Float) {
        let count = out.count
        out.withUnsafeMutableBufferPointer { op in
            u.withUnsafeBufferPointer { up in
                v.withUnsafeBufferPointer { vp in
                    let O = SendablePointer(op.baseAddress!), U = SendableConstPointer(up.baseAddress!)
                    let V = SendableConstPointer(vp.baseAddress!)
                    Parallel.forEachChunk(count: count, chunkSize: 1 << 16) { _, range in
                        if r == 0 {
                            for i in range { O[i] = p * U[i] + q * V[i] }
                        } else {
                            for i in range { O[i] = p * U[i] + q * V[i] + r * O[i] }
                        }
                    }
                }
            }
        }
    }

    /// Removes the component along the unit vector u from every column.
    static func deflate(_ x: inout [Float], _ u: [Float], n: Int, b: Int) {
        var p = [Double](repeating: 0, count: b)
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunkRows)
        var partial = [Double](repeating: 0, count: chunks * b)
        x.withUnsafeMutableBufferPointer { xp in
            u.withUnsafeBufferPointer { up in
                partial.withUnsafeMutableBufferPointer { pp in
                    let X = SendablePointer(xp.baseAddress!), U = SendableConstPointer(up.baseAddress!)
                    let P = SendablePointer(pp.baseAddress!)
                    Parallel.forEachChunk(count: n, chunkSize: chunkRows) { chunk, range in
                        var acc = [Double](repeating: 0, count: b)
                        for i in range {
                            let ui = Double(U[i])
                            for j in 0..<b { acc[j] += ui * Double(X[i * b + j]) }
                        }
                        for j in 0..<b { P[chunk * b + j] = acc[j] }
                    }
                }
            }
        }
        for c in 0..<chunks { for j in 0..<b { p[j] += partial[c * b + j] } }
        let pf = p.map(Float.init)
        x.withUnsafeMutableBufferPointer { xp in
            u.withUnsafeBufferPointer { up in
                let X = SendablePointer(xp.baseAddress!), U = SendableConstPointer(up.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: chunkRows) { _, range in
                    for i in range {
                        let ui = U[i]
                        for j in 0..<b { X[i * b + j] -= pf[j] * ui }
                    }
                }
            }
        }
    }

    /// XᵀY in Double (b × b), chunked so the result does not depend on the thread count.
    static func gram(_ x: [Float], _ y: [Float], n: Int, b: Int) -> [Double] {
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunkRows)
        var partial = [Double](repeating: 0, count: chunks * b * b)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                partial.withUnsafeMutableBufferPointer { pp in
                    let X = SendableConstPointer(xp.baseAddress!), Y = SendableConstPointer(yp.baseAddress!)
                    let P = SendablePointer(pp.baseAddress!)
                    Parallel.forEachChunk(count: n, chunkSize: chunkRows) { chunk, range in
                        let out = P.base + chunk * b * b
                        for i in range {
                            let xr = X.base + i * b, yr = Y.base + i * b
                            for p in 0..<b {
                                let xv = Double(xr[p])
                                for q in 0..<b { out[p * b + q] += xv * Double(yr[q]) }
                            }
                        }
                    }
                }
            }
        }
        var g = [Double](repeating: 0, count: b * b)
        for c in 0..<chunks { for t in 0..<(b * b) { g[t] += partial[c * b * b + t] } }
        return g
    }

    /// X ← X S (S is b × b, Double).
    static func rotate(_ x: inout [Float], _ s: [Double], n: Int, b: Int) {
        let sf = s.map(Float.init)
        x.withUnsafeMutableBufferPointer { xp in
            sf.withUnsafeBufferPointer { sp in
                let X = SendablePointer(xp.baseAddress!), S = SendableConstPointer(sp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: chunkRows) { _, range in
                    var row = [Float](repeating: 0, count: b)
                    for i in range {
                        let xr = X.base + i * b
                        for q in 0..<b {
                            var t: Float = 0
                            for p in 0..<b { t += xr[p] * S[p * b + q] }
                            row[q] = t
                        }
                        for q in 0..<b { xr[q] = row[q] }
                    }
                }
            }
        }
    }

    /// Orthonormal columns spanning X (Cholesky QR with column scaling, twice); columns that have
    /// become dependent are replaced by fresh random directions (kept orthogonal to u).
    static func orthonormalize(_ x: inout [Float], n: Int, b: Int, deflating u: [Float], generator g: inout SeededGenerator) {
        var passes = 0, attempts = 0
        while passes < 2 && attempts < 8 {
            attempts += 1
            let raw = gram(x, x, n: n, b: b)
            var scale = [Double](repeating: 0, count: b)
            for j in 0..<b where raw[j * b + j] > 0 { scale[j] = 1 / raw[j * b + j].squareRoot() }
            // Cholesky of the scaled Gram matrix D G D = RᵀR, with a dependence check per pivot.
            var r = [Double](repeating: 0, count: b * b)
            var dependent: [Int] = []
            for j in 0..<b {
                var s = raw[j * b + j] * scale[j] * scale[j]
                for k in 0..<j { s -= r[k * b + j] * r[k * b + j] }
                if s <= 1e-9 || scale[j] == 0 {
                    dependent.append(j)
                    r[j * b + j] = 1
                    continue
                }
                let d = s.squareRoot()
                r[j * b + j] = d
                for q in (j + 1)..<max(j + 1, b) {
                    var t = raw[j * b + q] * scale[j] * scale[q]
                    for k in 0..<j { t -= r[k * b + j] * r[k * b + q] }
                    r[j * b + q] = t / d
                }
            }
            if !dependent.isEmpty {
                for i in 0..<n { for j in dependent { x[i * b + j] = g.nextFloat() - 0.5 } }
                deflate(&x, u, n: n, b: b)
                passes = 0
                continue
            }
            // X ← X D R⁻¹ (R upper triangular).
            var inv = [Double](repeating: 0, count: b * b)
            for j in 0..<b {
                inv[j * b + j] = 1 / r[j * b + j]
                for i in stride(from: j - 1, through: 0, by: -1) {
                    var t = 0.0
                    for k in (i + 1)...j { t += r[i * b + k] * inv[k * b + j] }
                    inv[i * b + j] = -t / r[i * b + i]
                }
            }
            for i in 0..<b { for j in 0..<b { inv[i * b + j] *= scale[i] } }
            rotate(&x, inv, n: n, b: b)
            passes += 1
        }
    }

    /// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Double):
    /// eigenvalues descending, eigenvectors as the columns of the returned b × b matrix.
    static func jacobiEigen(_ matrix: [Double], _ b: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: b * b)
        for i in 0..<b { v[i * b + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, total = 0.0
            for i in 0..<b { for j in 0..<b { total += a[i * b + j] * a[i * b + j]; if i != j { off += a[i * b + j] * a[i * b + j] } } }
            if off <= 1e-30 * max(total, 1e-300) { break }
            for p in 0..<b {
                for q in (p + 1)..<max(p + 1, b) where a[p * b + q] != 0 {
                    let apq = a[p * b + q], app = a[p * b + p], aqq = a[q * b + q]
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<b {
                        let akp = a[k * b + p], akq = a[k * b + q]
                        a[k * b + p] = c * akp - s * akq
                        a[k * b + q] = s * akp + c * akq
                    }
                    for k in 0..<b {
                        let apk = a[p * b + k], aqk = a[q * b + k]
                        a[p * b + k] = c * apk - s * aqk
                        a[q * b + k] = s * apk + c * aqk
                    }
                    for k in 0..<b {
                        let vkp = v[k * b + p], vkq = v[k * b + q]
                        v[k * b + p] = c * vkp - s * vkq
                        v[k * b + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<b).sorted { a[$0 * b + $0] > a[$1 * b + $1] || (a[$0 * b + $0] == a[$1 * b + $1] && $0 < $1) }
        var vectors = [Double](repeating: 0, count: b * b)
        for (newIndex, old) in order.enumerated() { for k in 0..<b { vectors[k * b + newIndex] = v[k * b + old] } }
        return (order.map { a[$0 * b + $0] }, vectors)
    }
}
