#if canImport(Accelerate)
import Accelerate
#elseif canImport(CSegKitBLAS)
import CSegKitBLAS
#endif

/// A thin bridge to BLAS and LAPACK (OpenBLAS on Linux, Accelerate on Apple platforms).
///
/// All matrices are row-major Float32. OpenBLAS's own threading is switched off (its threads
/// would compete with SegKit's); ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// instead splits the rows of C across ``Parallel`` threads, which measured faster for the
/// tall-skinny products clustering uses and keeps every output element's summation order fixed, so
/// results are the same on any thread count.
public enum LinearAlgebra {
    static let configured: Void = ()

    /// The BLAS kernel set in use ("Accelerate" on Apple platforms; OpenBLAS's core name, e.g.
    /// "SkylakeX", on Linux).
    public static var backendName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        return String(cString: skblas_core_name())
        #endif
    }

    /// C = alpha · op(A) · op(B) + beta · C, with op(X) = X or Xᵀ; row-major storage.
    ///
    /// op(A) is m×k, op(B) is k×n, C is m×n. `lda`, `ldb`, `ldc` are the row strides of the stored
    /// matrices (for A: k when not transposed, m when transposed).
    /// - Parameter parallel: split rows across ``Parallel`` threads when large (default true);
    ///   pass false when calling from inside a parallel loop.
    /// - Complexity: O(m·n·k), parallel over rows of C when m·n·k is large.
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true
    ) {
        _ = configured
        guard m > 0, n > 0 else { return }
        let threads = parallel ? Parallel.threadCount : 1
        // Row blocks of C: at least 64 rows and ~4 MFLOP each, so small products stay on one thread.
        let flopsPerRow = max(1, 2 * n * k)
        let minRows = max(64, 4_000_000 / flopsPerRow)
        let blocks = min(threads, max(1, m / minRows))
        if blocks <= 1 {
            // Few rows but many columns (e.g. convolutions: C_out × pixels): split the columns.
            let columnBlocks = min(threads, max(1, n / 256), max(1, (2 * m * n * k) / 4_000_000))
            if columnBlocks > 1 {
                let aP = SendableConstPointer(a), bP = SendableConstPointer(b), cP = SendablePointer(c)
                Parallel.forEach(columnBlocks) { t in
                    let lo = n * t / columnBlocks, hi = n * (t + 1) / columnBlocks
                    // Column `lo` of op(B): row lo of B when transposed, else column lo.
                    let bOffset = transposeB ? lo * ldb : lo
                    rawGemm(transposeA, transposeB, m, hi - lo, k, alpha, aP.base, lda, bP.base + bOffset, ldb, beta,
                            cP.base + lo, ldc)
                }
                return
            }
            rawGemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        let aP = SendableConstPointer(a), bP = SendableConstPointer(b), cP = SendablePointer(c)
        Parallel.forEach(blocks) { t in
            let lo = m * t / blocks, hi = m * (t + 1) / blocks
            // Row `lo` of op(A): offset lo·lda when A is stored as is, column lo when transposed.
            let aOffset = transposeA ? lo : lo * lda
            rawGemm(transposeA, transposeB, hi - lo, n, k, alpha, aP.base + aOffset, lda, bP.base, ldb,
                    beta, cP.base + lo * ldc, ldc)
        }
    }

    private static func rawGemm(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        if k == 0 {
            // BLAS leaves C scaled by beta when k = 0; make that explicit and portable.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        #if canImport(Accelerate)
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb), beta, c,
                    blasInt(ldc))
        #else
        skblas_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        #endif
    }

    /// Row-major matrix product of arrays: returns op(A)·op(B) (m×n).
    /// - Precondition: `a.count == m*k`, `b.count == k*n`.
    public static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                              transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matmul operand sizes do not match m, n, k")
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         a: ap.baseAddress!, lda: transposeA ? m : k,
                         b: bp.baseAddress!, ldb: transposeB ? k : n,
                         c: cp.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// Transpose of a row-major `rows` × `columns` matrix.
    public static func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(x.count == rows * columns, "transpose: size mismatch")
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = x[i * columns + j] } }
        return out
    }

    /// Eigen-decomposition of a real symmetric n×n matrix (LAPACK `ssyevr`).
    ///
    /// - Parameters:
    ///   - matrix: row-major n×n; only symmetry is assumed (the lower triangle in row-major
    ///     terms is read).
    ///   - indices: which eigenpairs to compute, by ascending rank (0 = smallest); default all.
    /// - Returns: eigenvalues ascending, and eigenvectors as rows (`vectors[i*n ..< (i+1)*n]` belongs
    ///   to `values[i]`), each of unit length; the sign of an eigenvector is arbitrary.
    /// - Throws: `SegKitError.numerical` when LAPACK fails to converge, `.invalidArgument` for
    ///   bad sizes or non-finite entries.
    /// - Complexity: O(n³) time, O(n²) memory.
    public static func symmetricEigen(_ matrix: [Float], n: Int, indices: ClosedRange<Int>? = nil)
        throws(SegKitError) -> (values: [Float], vectors: [Float])
    {
        _ = configured
        guard n >= 1, matrix.count == n * n else {
            throw .invalidArgument("symmetric eigen-decomposition needs an n×n matrix, got \(matrix.count) entries for n = \(n)")
        }
        guard matrix.allSatisfy({ $0.isFinite }) else {
            throw .invalidArgument("matrix for eigen-decomposition has non-finite entries")
        }
        if let r = indices, r.lowerBound < 0 || r.upperBound >= n {
            throw .invalidArgument("eigenpair indices \(r) outside 0...\(n - 1)")
        }
        var a = matrix  // row-major lower == column-major upper; ssyevr reads "U" of the column-major view
        var jobz = Int8(UInt8(ascii: "V")), range = Int8(UInt8(ascii: indices == nil ? "A" : "I"))
        var uplo = Int8(UInt8(ascii: "U"))
        var nn = LapackInt(n), lda = LapackInt(n), ldz = LapackInt(n)
        var vl: Float = 0, vu: Float = 0
        var il = LapackInt((indices?.lowerBound ?? 0) + 1), iu = LapackInt((indices?.upperBound ?? (n - 1)) + 1)
        var abstol: Float = 0
        var found: LapackInt = 0
        let wanted = Int(iu - il + 1)
        var w = [Float](repeating: 0, count: n)
        var z = [Float](repeating: 0, count: n * wanted)
        var isuppz = [LapackInt](repeating: 0, count: 2 * max(1, wanted))
        var info: LapackInt = 0
        // Workspace query.
        var lwork: LapackInt = -1, liwork: LapackInt = -1
        var workSize: Float = 0
        var iworkSize: LapackInt = 0
        callSsyevr(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                   &isuppz, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else { throw SegKitError(.numerical, "ssyevr workspace query failed (info \(info))") }
        lwork = LapackInt(workSize)
        liwork = iworkSize
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [LapackInt](repeating: 0, count: Int(liwork))
        callSsyevr(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                   &isuppz, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw SegKitError(.numerical, "ssyevr failed to converge (info \(info))") }
        // z is column-major n×found: column j is eigenvector j, i.e. row j of our row-major output.
        return (Array(w[0..<Int(found)]), Array(z[0..<(n * Int(found))]))
    }

    /// Solves A·X = B for symmetric positive-definite A (Cholesky, LAPACK `spotrf`/`spotrs`).
    ///
    /// - Parameters:
    ///   - a: row-major n×n, symmetric positive definite.
    ///   - b: row-major n×nrhs right-hand sides.
    /// - Returns: X, row-major n×nrhs.
    /// - Throws: `SegKitError.numerical` when A is not positive definite.
    /// - Complexity: O(n³ + n²·nrhs).
    public static func solvePositiveDefinite(_ a: [Float], _ b: [Float], n: Int, nrhs: Int) throws(SegKitError) -> [Float] {
        _ = configured
        guard n >= 1, nrhs >= 1, a.count == n * n, b.count == n * nrhs else {
            throw .invalidArgument("positive-definite solve needs n×n and n×nrhs operands")
        }
        var factor = a
        var uplo = Int8(UInt8(ascii: "U"))
        var nn = LapackInt(n), lda = LapackInt(n), info: LapackInt = 0
        callSpotrf(&uplo, &nn, &factor, &lda, &info)
        guard info == 0 else {
            throw SegKitError(.numerical, "matrix is not positive definite (spotrf info \(info))")
        }
        // LAPACK is column-major: solve on Bᵀ laid out column-major = B row-major transposed.
        var bt = [Float](repeating: 0, count: n * nrhs)
        for i in 0..<n { for j in 0..<nrhs { bt[j * n + i] = b[i * nrhs + j] } }
        var nr = LapackInt(nrhs), ldb = LapackInt(n)
        callSpotrs(&uplo, &nn, &nr, &factor, &lda, &bt, &ldb, &info)
        guard info == 0 else { throw SegKitError(.numerical, "spotrs failed (info \(info))") }
        var x = [Float](repeating: 0, count: n * nrhs)
        for i in 0..<n { for j in 0..<nrhs { x[i * nrhs + j] = bt[j * n + i] } }
        return x
    }
}

#if canImport(Accelerate)
typealias LapackInt = __CLPK_integer
@inline(__always) func blasInt(_ v: Int) -> Int32 { Int32(v) }
private func callSsyevr(
    _ jobz: inout Int8, _ range: inout Int8, _ uplo: inout Int8, _ n: inout LapackInt, _ a: inout [Float],
    _ lda: inout LapackInt, _ vl: inout Float, _ vu: inout Float, _ il: inout LapackInt, _ iu: inout LapackInt,
    _ abstol: inout Float, _ m: inout LapackInt, _ w: inout [Float], _ z: inout [Float], _ ldz: inout LapackInt,
    _ isuppz: inout [LapackInt], _ work: UnsafeMutablePointer<Float>, _ lwork: inout LapackInt,
    _ iwork: UnsafeMutablePointer<LapackInt>, _ liwork: inout LapackInt, _ info: inout LapackInt
) {
    _ = ssyevr_(&jobz, &range, &uplo, &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &m, &w, &z, &ldz, &isuppz,
                work, &lwork, iwork, &liwork, &info)
}
private func callSpotrf(_ uplo: inout Int8, _ n: inout LapackInt, _ a: inout [Float], _ lda: inout LapackInt,
                        _ info: inout LapackInt) {
    _ = spotrf_(&uplo, &n, &a, &lda, &info)
}
private func callSpotrs(_ uplo: inout Int8, _ n: inout LapackInt, _ nrhs: inout LapackInt, _ a: inout [Float],
                        _ lda: inout LapackInt, _ b: inout [Float], _ ldb: inout LapackInt, _ info: inout LapackInt) {
    _ = spotrs_(&uplo, &n, &nrhs, &a, &lda, &b, &ldb, &info)
}
#else
typealias LapackInt = Int32
private func callSsyevr(
    _ jobz: inout Int8, _ range: inout Int8, _ uplo: inout Int8, _ n: inout LapackInt, _ a: inout [Float],
    _ lda: inout LapackInt, _ vl: inout Float, _ vu: inout Float, _ il: inout LapackInt, _ iu: inout LapackInt,
    _ abstol: inout Float, _ m: inout LapackInt, _ w: inout [Float], _ z: inout [Float], _ ldz: inout LapackInt,
    _ isuppz: inout [LapackInt], _ work: UnsafeMutablePointer<Float>, _ lwork: inout LapackInt,
    _ iwork: UnsafeMutablePointer<LapackInt>, _ liwork: inout LapackInt, _ info: inout LapackInt
) {
    skblas_ssyevr(&jobz, &range, &uplo, &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &m, &w, &z, &ldz, &isuppz,
                  work, &lwork, iwork, &liwork, &info)
}
private func callSpotrf(_ uplo: inout Int8, _ n: inout LapackInt, _ a: inout [Float], _ lda: inout LapackInt,
                        _ info: inout LapackInt) {
    skblas_spotrf(&uplo, &n, &a, &lda, &info)
}
private func callSpotrs(_ uplo: inout Int8, _ n: inout LapackInt, _ nrhs: inout LapackInt, _ a: inout [Float],
                        _ lda: inout LapackInt, _ b: inout [Float], _ ldb: inout LapackInt, _ info: inout LapackInt) {
    skblas_spotrs(&uplo, &n, &nrhs, &a, &lda, &b, &ldb, &info)
}
#endif
