import Foundation
import Testing
import SegKitIO
import SegKitNN

@Suite struct SafeTensorsTests {
    @Test func roundTripWithOptimizerStateResumesExactly() throws {
        var c = EncoderDecoder.Configuration()
        c.widths = [4, 8]
        c.groups = 2
        c.outputChannels = 2
        let model = EncoderDecoder(configuration: c, seed: 1)
        var optimizer = AdamW(model.namedParameters)
        var g = SeededGenerator(seed: 2)
        let x = Variable(Tensor.uniform([2, 3, 8, 8], low: -1, high: 1, &g))
        func step(_ model: EncoderDecoder, _ optimizer: inout AdamW) throws -> Float {
            model.zeroGradients()
            let loss = try model(x).square().mean()
            loss.backward()
            optimizer.step(learningRate: 1e-2)
            return loss.value.scalar
        }
        _ = try step(model, &optimizer)
        let folder = try Fixtures.temporaryFolder()
        var state = model.stateDictionary
        for (k, v) in optimizer.state { state[k] = v }
        try SafeTensors.write(state, metadata: ["format": "pt"], to: folder + "/ckpt.safetensors")
        let expected = try step(model, &optimizer)
        // Resume into a fresh model from the checkpoint: the next step gives the same loss.
        let resumed = EncoderDecoder(configuration: c, seed: 99)
        let loaded = try SafeTensors.read(folder + "/ckpt.safetensors")
        #expect(loaded.metadata == ["format": "pt"])
        try resumed.load(loaded.tensors)
        var resumedOptimizer = AdamW(resumed.namedParameters)
        try resumedOptimizer.restore(loaded.tensors)
        #expect(try step(resumed, &resumedOptimizer) == expected)
    }

    @Test func loadingReportsMismatches() throws {
        let model = EncoderDecoder()
        do {
            try model.load(["encoder.0.conv0.weight": Tensor(shape: [1])])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("missing") && error.description.contains("expected"))
        }
    }

    @Test func malformedFilesAreErrors() throws {
        let good = SafeTensors.encode(["a": try Tensor(shape: [2], data: [1, 2]), "b": Tensor(shape: [1, 1], repeating: 3)])
        func decode(_ bytes: [UInt8]) throws { _ = try bytes.withUnsafeBytes { try SafeTensors.decode($0) } }
        try decode(good)
        #expect(throws: SegKitError.self) { try decode(Array(good.prefix(5))) }
        #expect(throws: SegKitError.self) { try decode(Array(good.dropLast())) }
        #expect(throws: SegKitError.self) { try decode(good + [0, 0, 0, 0]) }
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        var overlapping = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        overlapping += [UInt8](repeating: 0, count: 8)
        #expect(throws: SegKitError.self) { try decode(overlapping) }
        let badType = #"{"a":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}"#
        #expect(throws: SegKitError.self) {
            try decode(withUnsafeBytes(of: UInt64(badType.utf8.count).littleEndian, Array.init) + Array(badType.utf8) + [0, 0])
        }
        var g = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            var corrupt = good
            corrupt[g.nextInt(below: corrupt.count)] ^= UInt8(1 << g.nextInt(below: 8))
            _ = try? decode(corrupt)
        }
    }
}
