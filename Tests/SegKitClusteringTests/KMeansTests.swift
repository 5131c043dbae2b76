import Testing
import _TestSupport
@testable import SegKitClustering

/// A plain Double-precision Lloyd iteration from given centres, the oracle for KMeans.
func bruteForceLloyd(_ x: FeatureMatrix, _ initial: [Float], k: Int, iterations: Int) -> (labels: [Int32], centers: [Double]) {
    let n = x.count, d = x.dimension
    var centers = initial.map(Double.init)
    var labels = [Int32](repeating: 0, count: n)
    for _ in 0..<iterations {
        for i in 0..<n {
            var best = 0, bestValue = Double.infinity
            for c in 0..<k {
                var s = 0.0
                for j in 0..<d {
                    let t = Double(x.values[i * d + j]) - centers[c * d + j]
                    s += t * t
                }
                if s < bestValue { bestValue = s; best = c }
            }
            labels[i] = Int32(best)
        }
        var sums = [Double](repeating: 0, count: k * d), counts = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let c = Int(labels[i])
            counts[c] += 1
            for j in 0..<d { sums[c * d + j] += Double(x.values[i * d + j]) }
        }
        for c in 0..<k where counts[c] > 0 { for j in 0..<d { centers[c * d + j] = sums[c * d + j] / counts[c] } }
    }
    return (labels, centers)
}

@Suite struct KMeansTests {
    @Test(arguments: [KMeans.Algorithm.lloyd, .hamerly])
    func matchesBruteForceLloydFromTheSameStart(algorithm: KMeans.Algorithm) throws {
        let (x, _) = Clusters.blobs(k: 6, perCluster: 80, dimension: 5, spread: 3, seed: 3)
        var g = SeededGenerator(seed: 9)
        let start = x.rows(g.sample(6, from: x.count))
        var configuration = KMeans.Configuration(clusterCount: 6)
        configuration.algorithm = algorithm
        configuration.initialization = .given(start)
        configuration.tolerance = 0
        let result = try KMeans.fit(x, configuration: configuration)
        let oracle = bruteForceLloyd(x, start.values, k: 6, iterations: result.iterations + 5)
        #expect(result.converged)
        #expect(result.labels == oracle.labels)
        for i in oracle.centers.indices { #expect(abs(Double(result.centers.values[i]) - oracle.centers[i]) < 1e-3) }
        // Inertia is the weighted sum of squared distances to the returned centres.
        var inertia = 0.0
        for i in 0..<x.count {
            let c = Int(result.labels[i])
            for j in 0..<5 {
                let t = Double(x.values[i * 5 + j]) - Double(result.centers.values[c * 5 + j])
                inertia += t * t
            }
        }
        #expect(abs(inertia - result.objective) / inertia < 1e-4)
    }

    @Test func recoversSeparatedBlobs() throws {
        let (x, truth) = Clusters.blobs(k: 10, perCluster: 60, dimension: 8, seed: 4)
        var configuration = KMeans.Configuration(clusterCount: 10)
        configuration.restarts = 3
        let result = try KMeans.fit(x, configuration: configuration)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.999)
        #expect(Set(result.labels).count == 10)
    }

    @Test func hamerlyAndLloydAgree() throws {
        let (x, _) = Clusters.blobs(k: 12, perCluster: 150, dimension: 16, spread: 4, seed: 5)
        var a = KMeans.Configuration(clusterCount: 12)
        a.algorithm = .lloyd
        var b = a
        b.algorithm = .hamerly
        let lloyd = try KMeans.fit(x, configuration: a), hamerly = try KMeans.fit(x, configuration: b)
        #expect(Clusters.adjustedRandIndex(lloyd.labels, hamerly.labels) > 0.999)
        #expect(abs(lloyd.objective - hamerly.objective) / lloyd.objective < 1e-4)
    }

    @Test func identicalOnAnyThreadCount() throws {
        let (x, _) = Clusters.blobs(k: 9, perCluster: 400, dimension: 12, spread: 5, seed: 6)
        var configuration = KMeans.Configuration(clusterCount: 9)
        configuration.restarts = 2
        let one = try Parallel.withThreadLimit(1) { try KMeans.fit(x, configuration: configuration) }
        let two = try Parallel.withThreadLimit(2) { try KMeans.fit(x, configuration: configuration) }
        #expect(one == two)
    }

    /// A weight of 2 is the same as the point appearing twice.
    @Test func weightsActLikeRepetition() throws {
        let (x, _) = Clusters.blobs(k: 3, perCluster: 20, dimension: 2, spread: 2, seed: 7)
        let weights = (0..<x.count).map { Float($0 % 3 == 0 ? 2 : 1) }
        var repeated = x.values
        for i in 0..<x.count where i % 3 == 0 { repeated += x.row(i) }
        let xr = try FeatureMatrix(count: repeated.count / 2, dimension: 2, values: repeated)
        var configuration = KMeans.Configuration(clusterCount: 3)
        configuration.initialization = .given(x.rows([0, 20, 40]))
        let weighted = try KMeans.fit(x, weights: weights, configuration: configuration)
        let duplicated = try KMeans.fit(xr, configuration: configuration)
        #expect(abs(weighted.objective - duplicated.objective) < 1e-3 * duplicated.objective)
        #expect(Array(duplicated.labels.prefix(x.count)) == weighted.labels)
    }

    @Test func emptyClustersAreRelocated() throws {
        // Two far points and a centre nobody chooses: it must be moved onto a far point.
        let x = try FeatureMatrix(count: 4, dimension: 1, values: [0, 0.1, 10, 10.1])
        var configuration = KMeans.Configuration(clusterCount: 3)
        configuration.initialization = .given(try FeatureMatrix(count: 3, dimension: 1, values: [0, 10, 1000]))
        let result = try KMeans.fit(x, configuration: configuration)
        #expect(Set(result.labels).count == 3)
    }

    @Test func badInputIsAnError() throws {
        let x = try FeatureMatrix(count: 3, dimension: 2, values: [0, 1, 2, 3, 4, 5])
        #expect(throws: SegKitError.self) { try KMeans.fit(x, configuration: .init(clusterCount: 4)) }
        #expect(throws: SegKitError.self) { try KMeans.fit(x, configuration: .init(clusterCount: 0)) }
        #expect(throws: SegKitError.self) { try KMeans.fit(x, weights: [1, 1], configuration: .init(clusterCount: 2)) }
        #expect(throws: SegKitError.self) { try KMeans.fit(x, weights: [1, -1, 1], configuration: .init(clusterCount: 2)) }
        let nan = try FeatureMatrix(count: 2, dimension: 1, values: [0, .nan])
        #expect(throws: SegKitError.self) { try KMeans.fit(nan, configuration: .init(clusterCount: 1)) }
        #expect(throws: SegKitError.self) { try KMeans.fit(FeatureMatrix(count: 0, dimension: 2), configuration: .init(clusterCount: 1)) }
        var given = KMeans.Configuration(clusterCount: 2)
        given.initialization = .given(try FeatureMatrix(count: 2, dimension: 3, values: [Float](repeating: 0, count: 6)))
        #expect(throws: SegKitError.self) { try KMeans.fit(x, configuration: given) }
    }
}

@Suite struct MiniBatchKMeansTests {
    @Test func findsTheBlobsAndStaysCloseToFullKMeans() throws {
        let (x, truth) = Clusters.blobs(k: 8, perCluster: 600, dimension: 6, spread: 0.6, seed: 70)
        var c = MiniBatchKMeans.Configuration(clusterCount: 8)
        c.batchSize = 256
        c.epochs = 5
        let mini = try MiniBatchKMeans.fit(x, configuration: c)
        var full = KMeans.Configuration(clusterCount: 8)
        full.restarts = 3
        let exact = try KMeans.fit(x, configuration: full)
        #expect(Clusters.adjustedRandIndex(mini.labels, truth) > 0.99)
        #expect(mini.objective <= exact.objective * 1.05)
        let again = try MiniBatchKMeans.fit(x, configuration: c)
        #expect(again == mini, "deterministic for a seed")
    }

    @Test func badInput() throws {
        let x = try FeatureMatrix(count: 3, dimension: 1, values: [0, 1, 2])
        var c = MiniBatchKMeans.Configuration(clusterCount: 2)
        c.batchSize = 0
        #expect(throws: SegKitError.self) { try MiniBatchKMeans.fit(x, configuration: c) }
        #expect(throws: SegKitError.self) { try MiniBatchKMeans.fit(x, configuration: .init(clusterCount: 4)) }
    }
}
