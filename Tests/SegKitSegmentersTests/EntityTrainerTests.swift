import Testing
import SegKitCore
import SegKitNN
@testable import SegKitSegmenters

/// The same procedural batch at every step, so the loss of successive steps is comparable.
private struct FixedBatch: EntityTrainingData {
    let source = ProceduralTrainingData(seed: 11)
    func batch(step: Int, size: Int, imageSize: Int) throws(SegKitError) -> (images: Tensor, labels: [LabelMap]) {
        try source.batch(step: 0, size: size, imageSize: imageSize)
    }
}

@Suite struct EntityTrainerTests {
    static func configuration(steps: Int) -> EntityTrainingConfiguration {
        var c = EntityTrainingConfiguration()
        c.network.widths = [8, 16]
        c.network.dimension = 8
        c.network.groups = 4
        c.imageSize = 32
        c.batchSize = 2
        c.steps = steps
        c.warmupSteps = 2
        c.learningRate = 5e-3
        c.seed = 5
        return c
    }

    @Test func lossDecreasesOnAFixedBatch() throws {
        let trainer = try EntityTrainer(configuration: Self.configuration(steps: 30), data: FixedBatch())
        let first = try trainer.trainStep().total
        var last: Float = 0
        for _ in 1..<30 { last = try trainer.trainStep().total }
        #expect(first.isFinite && last.isFinite)
        #expect(last < 0.8 * first, "loss went from \(first) to \(last)")
    }

    @Test func resumingContinuesBitForBit() throws {
        let c = Self.configuration(steps: 4)
        let straight = try EntityTrainer(configuration: c, data: ProceduralTrainingData(seed: 3))
        var straightLosses: [Float] = []
        for _ in 0..<4 { straightLosses.append(try straight.trainStep().total) }

        let first = try EntityTrainer(configuration: c, data: ProceduralTrainingData(seed: 3))
        var resumedLosses: [Float] = []
        for _ in 0..<2 { resumedLosses.append(try first.trainStep().total) }
        let second = try EntityTrainer(configuration: c, data: ProceduralTrainingData(seed: 3))
        try second.resume(from: first.checkpoint.tensors)
        #expect(second.step == 2)
        for _ in 0..<2 { resumedLosses.append(try second.trainStep().total) }

        #expect(resumedLosses == straightLosses)
        let a = straight.network.stateDictionary, b = second.network.stateDictionary
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, tensor) in a { #expect(tensor.data == b[name]!.data, "\(name) differs after resuming") }
    }

    @Test func lossesAreIdenticalOnOneAndTwoThreads() throws {
        func run(_ threads: Int) throws -> [Float] {
            try Parallel.withThreadLimit(threads) {
                let trainer = try EntityTrainer(configuration: Self.configuration(steps: 3), data: ProceduralTrainingData(seed: 8))
                return try (0..<3).map { _ in try trainer.trainStep().total }
            }
        }
        #expect(try run(1) == run(2))
    }

    @Test func badCheckpointsAndSettingsAreErrors() throws {
        var c = Self.configuration(steps: 2)
        c.batchSize = 0
        #expect(throws: SegKitError.self) { try EntityTrainer(configuration: c, data: FixedBatch()) }
        let trainer = try EntityTrainer(configuration: Self.configuration(steps: 2), data: FixedBatch())
        var tensors = trainer.checkpoint.tensors
        tensors["trainer.step"] = nil
        #expect(throws: SegKitError.self) { try trainer.resume(from: tensors) }
        let other = try EntityTrainer(configuration: { var o = Self.configuration(steps: 2); o.network.dimension = 4; return o }(), data: FixedBatch())
        #expect(throws: SegKitError.self) { try trainer.resume(from: other.checkpoint.tensors) }
    }

    /// Table-5 similarities: perfect line features give intra 1 and inter 0.
    @Test func similaritiesOfIdealFeatures() throws {
        let w = 8, h = 4
        var labels = [Int32](repeating: -1, count: w * h)
        var data = [Float](repeating: 0, count: 3 * w * h)
        for i in 0..<(w * h) {
            let l: Int32 = i % w < 4 ? 0 : 1
            labels[i] = l
            data[Int(l) * w * h + i] = i % 2 == 0 ? 1 : -1
        }
        let features = try Image<Float>(width: w, height: h, channels: 3, data: data)
        let m = try EmbeddingSimilarity.measure(features: features, labels: LabelMap(width: w, height: h, labels: labels))
        #expect(m.intra.count == 2 && m.intra.allSatisfy { abs($0 - 1) < 1e-6 })
        #expect(!m.inter.isEmpty && m.inter.allSatisfy { abs($0) < 1e-6 })
    }
}
