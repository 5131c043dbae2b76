import SegKitCore

/// Synthetic point clouds with known clusters, and partition comparison.
public enum Clusters {
    /// `k` Gaussian blobs of `perCluster` points in `dimension` dimensions; centres are drawn in
    /// [-10, 10]^D and points spread with standard deviation `spread`.
    public static func blobs(k: Int, perCluster: Int, dimension: Int, spread: Float = 0.5, seed: UInt64 = 1)
        -> (points: FeatureMatrix, labels: [Int32])
    {
        var g = SeededGenerator(seed: seed)
        let centers = (0..<(k * dimension)).map { _ in g.nextFloat(in: -10, 10) }
        var values: [Float] = [], labels: [Int32] = []
        for c in 0..<k {
            for _ in 0..<perCluster {
                for j in 0..<dimension { values.append(centers[c * dimension + j] + spread * g.nextNormal()) }
                labels.append(Int32(c))
            }
        }
        return (try! FeatureMatrix(count: k * perCluster, dimension: dimension, values: values), labels)
    }

    /// Unit vectors concentrated around `k` mutually orthogonal directions (the ideal embedding
    /// of the bottom-up paper), each point's sign flipped at random when `randomSigns`.
    public static func orthogonalDirections(k: Int, perCluster: Int, dimension: Int, noise: Float = 0.1,
                                            randomSigns: Bool = true, seed: UInt64 = 2) -> (points: FeatureMatrix, labels: [Int32]) {
        precondition(k <= dimension)
        var g = SeededGenerator(seed: seed)
        var values: [Float] = [], labels: [Int32] = []
        for c in 0..<k {
            for _ in 0..<perCluster {
                var v = (0..<dimension).map { _ in noise * g.nextNormal() }
                v[c] += 1
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let sign: Float = randomSigns && g.nextFloat() < 0.5 ? -1 : 1
                values += v.map { sign * $0 / norm }
                labels.append(Int32(c))
            }
        }
        return (try! FeatureMatrix(count: k * perCluster, dimension: dimension, values: values), labels)
    }

    /// Adjusted Rand index of two labelings (1 = identical partitions up to renaming).
    public static func adjustedRandIndex(_ a: [Int32], _ b: [Int32]) -> Double {
        precondition(a.count == b.count)
        var table: [Int64: Int] = [:], rows: [Int32: Int] = [:], columns: [Int32: Int] = [:]
        for i in a.indices {
            table[Int64(a[i]) << 32 | Int64(UInt32(bitPattern: b[i])), default: 0] += 1
            rows[a[i], default: 0] += 1
            columns[b[i], default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let index = table.values.reduce(0) { $0 + pairs($1) }
        let sumA = rows.values.reduce(0) { $0 + pairs($1) }, sumB = columns.values.reduce(0) { $0 + pairs($1) }
        let expected = sumA * sumB / pairs(a.count)
        let maximum = (sumA + sumB) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}
