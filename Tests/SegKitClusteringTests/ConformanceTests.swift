import Foundation
import Testing
import _TestSupport
@testable import SegKitClustering

/// Conformance with scikit-learn and SciPy on small problems they solved
/// (Fixtures/conformance.json, written by bench/clustering/make_fixtures.py), so CI checks the
/// bounds of the clustering issue without Python. The full-size checks are in
/// bench/clustering/run.py.
@Suite struct ConformanceTests {
    static func fixture() -> [String: Any] {
        guard let url = Bundle.module.url(forResource: "conformance", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { fatalError("Fixtures/conformance.json is missing or not JSON") }
        return object
    }

    static func cases(_ key: String) -> [[String: Any]] {
        let list = fixture()[key] as? [[String: Any]] ?? []
        precondition(!list.isEmpty, "conformance.json has no \(key) cases")
        return list
    }

    static func points(_ c: [String: Any]) throws -> FeatureMatrix {
        let values = (c["points"] as! [NSNumber]).map { $0.floatValue }
        return try FeatureMatrix(count: c["n"] as! Int, dimension: c["d"] as! Int, values: values)
    }

    static func absCosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return abs(dot) / (na * nb).squareRoot()
    }

    /// k-means inertia within 0.5 % of scikit-learn's best over the same number of inits.
    @Test(arguments: [KMeans.Algorithm.lloyd, .hamerly])
    func kMeansInertiaMatchesScikitLearn(algorithm: KMeans.Algorithm) throws {
        for c in Self.cases("kmeans") {
            let x = try Self.points(c)
            var configuration = KMeans.Configuration(clusterCount: c["k"] as! Int)
            configuration.restarts = c["nInit"] as! Int
            configuration.algorithm = algorithm
            let result = try KMeans.fit(x, configuration: configuration)
            let best = (c["sklearnBestInertia"] as! NSNumber).doubleValue
            #expect(result.objective <= best * 1.005, "\(c["name"]!): \(result.objective) vs scikit-learn \(best)")
        }
    }

    /// Flat-kernel mean-shift from the same seeds: ARI ≥ 0.99 with scikit-learn's labels.
    @Test func meanShiftLabelsMatchScikitLearn() throws {
        for c in Self.cases("meanshift") {
            let x = try Self.points(c)
            var configuration = MeanShift.Configuration(bandwidth: (c["bandwidth"] as! NSNumber).floatValue)
            configuration.seeding = .indices(c["seeds"] as! [Int])
            let result = try MeanShift.fit(x, configuration: configuration)
            let reference = (c["labels"] as! [Int]).map(Int32.init)
            #expect(Clusters.adjustedRandIndex(result.labels, reference) >= 0.99, "\(c["name"]!)")
            #expect(result.clusterCount == c["clusters"] as! Int)
        }
    }

    /// Normalized-cut eigenvectors equal scipy eigsh's up to sign (|cos| ≥ 0.999): the dense
    /// TokenCut graph and the Gaussian kNN graph, built by SegKit from the same points.
    @Test(arguments: [NormalizedCut.Solver.auto, .dense, .lanczos, .subspace])
    func fiedlerVectorsMatchScipy(solver: NormalizedCut.Solver) throws {
        for c in Self.cases("ncutDense") {
            let graph = try AffinityGraph.cosineThreshold(try Self.points(c), tau: (c["tau"] as! NSNumber).floatValue)
            let reference = (c["vector"] as! [NSNumber]).map { $0.floatValue }
            let (vector, value) = try NormalizedCut.fiedler(graph, solver: solver)
            #expect(Self.absCosine(vector, reference) >= 0.999, "\(c["name"]!)")
            #expect(abs(Double(value) - (c["lambda2"] as! NSNumber).doubleValue) < 1e-3)
        }
        for c in Self.cases("ncutKNN") {
            let graph = try AffinityGraph.nearestNeighbors(try Self.points(c), k: c["k"] as! Int)
            let reference = (c["vector"] as! [NSNumber]).map { $0.floatValue }
            let (vector, value) = try NormalizedCut.fiedler(graph, solver: solver)
            #expect(Self.absCosine(vector, reference) >= 0.999, "\(c["name"]!)")
            #expect(abs(Double(value) - (c["lambda2"] as! NSNumber).doubleValue) < 1e-4)
        }
    }
}
