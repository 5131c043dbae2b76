import Foundation
import Testing
import _TestSupport
import SegKitIO

@Suite struct ClusterCommandTests {
    func write(_ x: FeatureMatrix) throws -> String {
        let folder = try CLIRunner.temporaryFolder()
        try NumpyArray(x).write(to: folder + "/x.npy")
        return folder
    }

    @Test(arguments: ["kmeans", "minibatch-kmeans", "spherical-kmeans", "projective-kmeans", "em", "ncut"])
    func clustersAndWritesContiguousLabels(algorithm: String) throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 4, perCluster: 30, dimension: 8, noise: 0.05, randomSigns: false, seed: 3)
        let folder = try write(x)
        let r = try CLIRunner.run(["cluster", algorithm, "--input", folder + "/x.npy", "--k", "4", "-o", folder + "/l.npy",
                                   "--centers", folder + "/c.npy"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("\(algorithm): 4 clusters"))
        let labels = try NumpyArray.read(folder + "/l.npy")
        #expect(labels.dtype == .int32 && labels.shape == [120])
        let values = try labels.integers().map { Int32($0) }
        #expect(Clusters.adjustedRandIndex(values, truth) > 0.99)
        #expect(try NumpyArray.read(folder + "/c.npy").shape == [4, 8])
    }

    @Test func meanShiftWithWeightsAndGeometry() throws {
        let (x, truth) = Clusters.orthogonalDirections(k: 3, perCluster: 40, dimension: 6, noise: 0.05, seed: 4)
        let folder = try write(x)
        try NumpyArray([Float](repeating: 2, count: 120), shape: [120]).write(to: folder + "/w.npy")
        let r = try CLIRunner.run(["cluster", "meanshift", "--input", folder + "/x.npy", "--weights", folder + "/w.npy",
                                   "--bandwidth", "0.2929", "--geometry", "projective", "-o", folder + "/l.npy"])
        #expect(r.status == 0, "\(r.stderr)")
        let values = try NumpyArray.read(folder + "/l.npy").integers().map { Int32($0) }
        #expect(Clusters.adjustedRandIndex(values, truth) > 0.99)
    }

    @Test func badInputs() throws {
        let folder = try write(try FeatureMatrix(count: 3, dimension: 2, values: [0, 1, 2, 3, .nan, 5]))
        let nan = try CLIRunner.run(["cluster", "kmeans", "--input", folder + "/x.npy", "--k", "2", "-o", folder + "/l.npy"])
        #expect(nan.status == 1 && nan.stderr.contains("x.npy") && nan.stderr.contains("nan"))
        try NumpyArray([Float](repeating: 1, count: 6), shape: [3, 2]).write(to: folder + "/ok.npy")
        let tooMany = try CLIRunner.run(["cluster", "kmeans", "--input", folder + "/ok.npy", "--k", "7", "-o", folder + "/l.npy"])
        #expect(tooMany.status == 1 && tooMany.stderr.contains("7 clusters"))
        try NumpyArray([Float](repeating: 1, count: 8), shape: [2, 2, 2]).write(to: folder + "/rank3.npy")
        let rank = try CLIRunner.run(["cluster", "kmeans", "--input", folder + "/rank3.npy", "--k", "1", "-o", folder + "/l.npy"])
        #expect(rank.status == 1)
        let missingK = try CLIRunner.run(["cluster", "kmeans", "--input", folder + "/ok.npy", "-o", folder + "/l.npy"])
        #expect(missingK.status == 2)
        let noBandwidth = try CLIRunner.run(["cluster", "meanshift", "--input", folder + "/ok.npy", "-o", folder + "/l.npy"])
        #expect(noBandwidth.status == 2)
        #expect(!FileManager.default.fileExists(atPath: folder + "/l.npy"))
    }
}
