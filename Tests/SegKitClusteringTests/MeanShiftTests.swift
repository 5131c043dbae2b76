import Testing
import _TestSupport
@testable import SegKitClustering

/// Naive O(N²) flat-kernel Euclidean mean-shift with scikit-learn's merging, the oracle.
func bruteForceMeanShift(_ x: FeatureMatrix, seeds: [Int], bandwidth: Float) -> [[Float]] {
    let n = x.count, d = x.dimension
    var found: [([Float], Int)] = []
    for s in seeds {
        var mean = x.row(s)
        var within = 0
        for _ in 0..<300 {
            var sum = [Double](repeating: 0, count: d)
            within = 0
            for i in 0..<n {
                var dist: Float = 0
                for j in 0..<d { dist += (x.values[i * d + j] - mean[j]) * (x.values[i * d + j] - mean[j]) }
                if dist.squareRoot() <= bandwidth {
                    within += 1
                    for j in 0..<d { sum[j] += Double(x.values[i * d + j]) }
                }
            }
            let next = sum.map { Float($0 / Double(within)) }
            let moved = zip(next, mean).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            mean = next
            if moved <= 1e-3 * bandwidth { break }
        }
        found.append((mean, within))
    }
    found.sort { $0.1 > $1.1 }
    var kept: [[Float]] = []
    for (m, _) in found where kept.allSatisfy({ k in zip(k, m).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() > bandwidth }) {
        kept.append(m)
    }
    return kept
}

@Suite struct MeanShiftTests {
    @Test func matchesBruteForceModes() throws {
        let (x, _) = Clusters.blobs(k: 5, perCluster: 40, dimension: 3, spread: 0.6, seed: 11)
        var configuration = MeanShift.Configuration(bandwidth: 2.5)
        configuration.seeding = .all
        let result = try MeanShift.fit(x, configuration: configuration)
        let oracle = bruteForceMeanShift(x, seeds: Array(0..<x.count), bandwidth: 2.5)
        #expect(result.clusterCount == oracle.count)
        for mode in oracle {
            let closest = (0..<result.clusterCount).map { c in
                zip(result.centers.row(c), mode).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            }.min()!
            #expect(closest < 1e-2)
        }
        // Every point carries the label of its nearest mode.
        for i in 0..<x.count {
            let distances = (0..<result.clusterCount).map { c in
                zip(result.centers.row(c), x.row(i)).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            #expect(distances[Int(result.labels[i])] <= distances.min()! + 1e-4)
        }
    }

    @Test(arguments: [MeanShift.Seeding.binning(minimumCount: 1), .covering(radius: nil), .sample(count: 60)])
    func recoversBlobsWithEverySeeding(seeding: MeanShift.Seeding) throws {
        let (x, truth) = Clusters.blobs(k: 6, perCluster: 50, dimension: 4, spread: 0.4, seed: 12)
        var configuration = MeanShift.Configuration(bandwidth: 2)
        configuration.seeding = seeding
        let result = try MeanShift.fit(x, configuration: configuration)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.999, "\(seeding)")
        #expect(Set(result.labels).count == result.clusterCount)
    }

    /// The bottom-up setting: orthogonal lines with random signs are separated by projective
    /// mean-shift, and a sign flip never splits a cluster.
    @Test func projectiveGeometryIsSignInvariant() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 7, perCluster: 60, dimension: 16, noise: 0.08, seed: 13)
        let result = try MeanShift.fit(x, configuration: .embeddings)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.999)
        #expect(result.clusterCount == 7)
        var spherical = MeanShift.Configuration.embeddings
        spherical.geometry = .spherical
        let split = try MeanShift.fit(x, configuration: spherical)
        #expect(split.clusterCount > 7, "without sign invariance, ± copies form separate clusters")
    }

    /// Weighting a point by w is the same as repeating it w times.
    @Test func weightsActLikeRepetition() throws {
        let (x, _) = Clusters.blobs(k: 3, perCluster: 15, dimension: 2, spread: 1, seed: 14)
        let weights = (0..<x.count).map { Float($0 % 2 == 0 ? 3 : 1) }
        var repeated = x.values
        for i in 0..<x.count where i % 2 == 0 { repeated += x.row(i) + x.row(i) }
        let xr = try FeatureMatrix(count: repeated.count / 2, dimension: 2, values: repeated)
        var configuration = MeanShift.Configuration(bandwidth: 3)
        configuration.seeding = .indices(Array(0..<x.count))
        let a = try MeanShift.fit(x, weights: weights, configuration: configuration)
        let b = try MeanShift.fit(xr, configuration: configuration)
        #expect(a.centers.count == b.centers.count)
        #expect(Invariants.maxAbsDifference(a.centers.values, b.centers.values) < 1e-3)
        #expect(Array(b.labels.prefix(x.count)) == a.labels)
    }

    @Test func gaussianKernelAndMinimumSize() throws {
        let (x, truth) = Clusters.blobs(k: 4, perCluster: 50, dimension: 2, spread: 0.3, seed: 15)
        var configuration = MeanShift.Configuration(bandwidth: 1)
        configuration.kernel = .gaussian
        let result = try MeanShift.fit(x, configuration: configuration)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.99)
        let outlier = try FeatureMatrix(count: x.count + 1, dimension: 2, values: x.values + [500, 500])
        configuration.minimumClusterSize = 5
        let pruned = try MeanShift.fit(outlier, configuration: configuration)
        #expect(pruned.clusterCount == 4)
    }

    @Test func identicalOnAnyThreadCount() throws {
        let (x, _) = Clusters.orthogonalDirections(k: 5, perCluster: 900, dimension: 12, seed: 16)
        let one = try Parallel.withThreadLimit(1) { try MeanShift.fit(x, configuration: .embeddings) }
        let two = try Parallel.withThreadLimit(2) { try MeanShift.fit(x, configuration: .embeddings) }
        #expect(one == two)
    }

    /// High-dimensional bin seeding must not fail (scikit-learn raises here).
    @Test func binSeedingSurvivesHighDimensions() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 4, perCluster: 50, dimension: 64, noise: 0.05, randomSigns: false, seed: 17)
        var configuration = MeanShift.Configuration(bandwidth: 0.7071)
        configuration.seeding = .binning(minimumCount: 1)
        let result = try MeanShift.fit(x, configuration: configuration)
        #expect(result.clusterCount >= 1)
        configuration.seeding = nil
        #expect(Clusters.adjustedRandIndex(try MeanShift.fit(x, configuration: configuration).labels, truth) > 0.999)
    }

    @Test func badInputIsAnError() throws {
        let x = try FeatureMatrix(count: 2, dimension: 2, values: [0, 1, 1, 0])
        #expect(throws: SegKitError.self) { try MeanShift.fit(x, configuration: .init(bandwidth: 0)) }
        #expect(throws: SegKitError.self) { try MeanShift.fit(x, configuration: .init(bandwidth: .nan)) }
        var c = MeanShift.Configuration(bandwidth: 1)
        c.seeding = .indices([5])
        #expect(throws: SegKitError.self) { try MeanShift.fit(x, configuration: c) }
        let zero = try FeatureMatrix(count: 2, dimension: 2, values: [0, 0, 1, 0])
        #expect(throws: SegKitError.self) { try MeanShift.fit(zero, configuration: .embeddings) }
        #expect(throws: SegKitError.self) { try MeanShift.fit(FeatureMatrix(count: 0, dimension: 2), configuration: .init(bandwidth: 1)) }
    }
}

@Suite struct DirectionalKMeansTests {
    @Test func projectiveKMeansSeparatesSignFlippedLines() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 6, perCluster: 50, dimension: 12, noise: 0.1, seed: 21)
        var configuration = ProjectiveKMeans.Configuration(clusterCount: 6)
        configuration.restarts = 3
        let result = try ProjectiveKMeans.fit(x, configuration: configuration)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.999)
        // Each centre is the top eigenvector of its scatter matrix: unit length.
        for c in 0..<6 { #expect(abs(result.centers.row(c).reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
    }

    @Test func sphericalKMeansOnDirections() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 5, perCluster: 40, dimension: 8, noise: 0.15, randomSigns: false, seed: 22)
        var configuration = SphericalKMeans.Configuration(clusterCount: 5)
        configuration.restarts = 3
        let result = try SphericalKMeans.fit(x, configuration: configuration)
        #expect(Clusters.adjustedRandIndex(result.labels, truth) > 0.999)
        // Objective = Σ (1 − cos) to the assigned centre.
        var objective = 0.0
        let unit = x.l2NormalizedRows()
        for i in 0..<x.count {
            let c = result.centers.row(Int(result.labels[i]))
            objective += 1 - Double(zip(unit.row(i), c).reduce(0) { $0 + $1.0 * $1.1 })
        }
        #expect(abs(objective - result.objective) < 1e-3)
    }

    @Test func projectiveCentreIsTheTopEigenvector() throws {
        // Points ±(1, 1)/√2 with noise: the centre must be ≈ (1, 1)/√2 whatever the signs.
        let values: [Float] = [0.7, 0.72, -0.71, -0.69, 0.69, 0.71, -0.7, -0.7]
        let x = try FeatureMatrix(count: 4, dimension: 2, values: values)
        let result = try ProjectiveKMeans.fit(x, configuration: .init(clusterCount: 1))
        #expect(abs(result.centers.values[0] - 0.7071) < 0.01 && abs(result.centers.values[1] - 0.7071) < 0.01)
    }

    @Test func badInput() throws {
        let zero = try FeatureMatrix(count: 2, dimension: 2, values: [0, 0, 1, 0])
        #expect(throws: SegKitError.self) { try SphericalKMeans.fit(zero, configuration: .init(clusterCount: 1)) }
        #expect(throws: SegKitError.self) { try ProjectiveKMeans.fit(zero, configuration: .init(clusterCount: 3)) }
    }
}
