import Testing
@testable import SegKitCore

@Suite struct LinearAlgebraTests {
    func random(_ n: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in g.nextFloat(in: -1, 1) }
    }

    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s: Float = 0
            for l in 0..<k { s += (ta ? a[l * m + i] : a[i * k + l]) * (tb ? b[j * k + l] : b[l * n + j]) }
            c[i * n + j] = s
        } }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveProduct(ta: Bool, tb: Bool) {
        for (m, n, k) in [(3, 4, 5), (700, 9, 33), (1, 1, 1), (5000, 20, 16), (32, 5000, 72)] {
            let a = random(m * k, seed: 1), b = random(k * n, seed: 2)
            let c = LinearAlgebra.matmul(a, b, m: m, n: n, k: k, transposeA: ta, transposeB: tb)
            let ref = naive(a, b, m: m, n: n, k: k, ta: ta, tb: tb)
            var worst: Float = 0
            for i in c.indices { worst = max(worst, abs(c[i] - ref[i])) }
            #expect(worst < 1e-4, "m=\(m) n=\(n) k=\(k): \(worst)")
        }
    }

    @Test func gemmIsIdenticalOnAnyThreadCount() {
        let (m, n, k) = (4000, 24, 64)
        let a = random(m * k, seed: 3), b = random(k * n, seed: 4)
        let one = Parallel.withThreadLimit(1) { LinearAlgebra.matmul(a, b, m: m, n: n, k: k) }
        let two = Parallel.withThreadLimit(2) { LinearAlgebra.matmul(a, b, m: m, n: n, k: k) }
        #expect(one == two)
        // Few rows, many columns: the column split must not change a single bit either.
        let c = random(32 * 288, seed: 5), d = random(288 * 4096, seed: 6)
        let wide1 = Parallel.withThreadLimit(1) { LinearAlgebra.matmul(c, d, m: 32, n: 4096, k: 288) }
        let wide2 = Parallel.withThreadLimit(2) { LinearAlgebra.matmul(c, d, m: 32, n: 4096, k: 288) }
        #expect(wide1 == wide2)
    }

    @Test func symmetricEigenReconstructsTheMatrix() throws {
        let n = 12
        let r = random(n * n, seed: 5)
        var a = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = r[i * n + j] + r[j * n + i] } }
        let (values, vectors) = try LinearAlgebra.symmetricEigen(a, n: n)
        #expect(values.count == n)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        for i in 0..<n { for j in 0..<n {
            var s: Float = 0
            for e in 0..<n { s += vectors[e * n + i] * values[e] * vectors[e * n + j] }
            #expect(abs(s - a[i * n + j]) < 1e-4)
        } }
        // A subset by index: the two smallest.
        let (low, lowVectors) = try LinearAlgebra.symmetricEigen(a, n: n, indices: 0...1)
        #expect(low.count == 2 && abs(low[0] - values[0]) < 1e-4 && lowVectors.count == 2 * n)
    }

    @Test func positiveDefiniteSolve() throws {
        let n = 6
        let r = random(n * n, seed: 8)
        var a = LinearAlgebra.matmul(r, r, m: n, n: n, k: n, transposeB: true)
        for i in 0..<n { a[i * n + i] += 1 }
        let b = random(n * 2, seed: 9)
        let x = try LinearAlgebra.solvePositiveDefinite(a, b, n: n, nrhs: 2)
        let ax = LinearAlgebra.matmul(a, x, m: n, n: 2, k: n)
        for i in b.indices { #expect(abs(ax[i] - b[i]) < 1e-4) }
        #expect(throws: SegKitError.self) {
            try LinearAlgebra.solvePositiveDefinite([1, 0, 0, -1], [1, 1], n: 2, nrhs: 1)
        }
    }

    @Test func badInputIsAnError() {
        #expect(throws: SegKitError.self) { try LinearAlgebra.symmetricEigen([1, 2, 3], n: 2) }
        #expect(throws: SegKitError.self) { try LinearAlgebra.symmetricEigen([1, .nan, .nan, 1], n: 2) }
        #expect(throws: SegKitError.self) { try LinearAlgebra.symmetricEigen([1, 0, 0, 1], n: 2, indices: 0...2) }
    }
}
