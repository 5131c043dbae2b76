import Testing
import _TestSupport
@testable import SegKitNN

@Suite struct ModelTests {
    @Test func referenceModelHasAboutTwoMillionParameters() {
        let model = EncoderDecoder()
        #expect(model.parameterCount > 1_900_000 && model.parameterCount < 2_100_000)
        #expect(Set(model.namedParameters.map(\.0)).count == model.namedParameters.count, "names are unique")
    }

    func tinyModel(seed: UInt64 = 1) -> EncoderDecoder {
        var c = EncoderDecoder.Configuration()
        c.widths = [4, 8]
        c.groups = 2
        c.outputChannels = 3
        return EncoderDecoder(configuration: c, seed: seed)
    }

    @Test func forwardShapesAndBadInput() throws {
        let model = tinyModel()
        let x = Variable(randomTensor([2, 3, 8, 12], seed: 3))
        #expect(try model(x).shape == [2, 3, 8, 12])
        #expect(throws: SegKitError.self) { try model(Variable(Tensor(shape: [1, 3, 7, 8]))) }
        #expect(throws: SegKitError.self) { try model(Variable(Tensor(shape: [1, 4, 8, 8]))) }
    }

    /// Gradients of the whole model agree with finite differences (a few parameters).
    @Test func modelGradientCheck() throws {
        let model = tinyModel(seed: 5)
        let x = Variable(randomTensor([1, 3, 4, 4], seed: 6))
        let target = randomTensor([1, 3, 4, 4], seed: 7)
        func loss() throws -> Variable { try (model(x) - Variable(target)).square().mean() }
        model.zeroGradients()
        try loss().backward()
        for (name, p) in model.namedParameters.prefix(4) {
            let analytic = p.gradient!
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 5)) {
                let original = p.value
                var plus = original, minus = original
                plus.data[i] += 1e-3
                minus.data[i] -= 1e-3
                p.assign(plus)
                let lp = try Autodiff.withoutGradients { try loss().value.scalar }
                p.assign(minus)
                let lm = try Autodiff.withoutGradients { try loss().value.scalar }
                p.assign(original)
                let numeric = Double(lp - lm) / 2e-3
                #expect(abs(numeric - Double(analytic.data[i])) <= 2e-2 * max(1, abs(numeric)), "\(name)[\(i)]")
            }
        }
    }

    /// Bit-identical losses and weights on 1 and 2 threads.
    @Test func trainingIsDeterministicAcrossThreadCounts() throws {
        func run(threads: Int) throws -> ([Float], [Float]) {
            try Parallel.withThreadLimit(threads) {
                let model = tinyModel(seed: 9)
                var optimizer = AdamW(model.namedParameters)
                let x = Variable(randomTensor([3, 3, 8, 8], seed: 10)), target = Variable(randomTensor([3, 3, 8, 8], seed: 11))
                var losses: [Float] = []
                for _ in 0..<3 {
                    model.zeroGradients()
                    let loss = try (model(x) - target).square().mean()
                    loss.backward()
                    optimizer.step(learningRate: 1e-2)
                    losses.append(loss.value.scalar)
                }
                return (losses, model.parameters[0].value.data)
            }
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one.0 == two.0)
        #expect(one.1 == two.1)
        #expect(one.0[2] < one.0[0], "the loss goes down")
    }
}

@Suite struct OptimizerTests {
    /// One AdamW step by hand: m = 0.1 g, v = 0.001 g², bias-corrected → update lr·sign-ish.
    @Test func adamWMatchesTheFormula() {
        let p = Variable(Tensor(shape: [2], repeating: 1), requiresGradient: true)
        p.gradient = try! Tensor(shape: [2], data: [0.5, -2])
        var optimizer = AdamW([("p", p)], weightDecay: 0.1)
        optimizer.step(learningRate: 0.01)
        // w ← w − lr·λ·w, then − lr · m̂ / (√v̂ + ε) with m̂ = g, v̂ = g².
        let expected: [Float] = [1 - 0.001 - 0.01 * 0.5 / (0.5 + 1e-8), 1 - 0.001 + 0.01 * 2 / (2 + 1e-8)]
        #expect(Invariants.maxAbsDifference(p.value.data, expected) < 1e-6)
    }

    @Test func sgdMomentum() {
        let p = Variable(Tensor(shape: [1], repeating: 1), requiresGradient: true)
        var optimizer = SGD([("p", p)], momentum: 0.9)
        p.gradient = Tensor(shape: [1], repeating: 1)
        optimizer.step(learningRate: 0.1)
        optimizer.step(learningRate: 0.1)
        // v1 = 1, w = 0.9; v2 = 1.9, w = 0.71
        #expect(abs(p.value.data[0] - 0.71) < 1e-6)
    }

    @Test func schedulesAndClipping() {
        let s = LearningRateSchedule.warmupCosine(peak: 1, warmup: 10, total: 110, minimum: 0)
        #expect(abs(s.rate(at: 4) - 0.5) < 1e-6)
        #expect(abs(s.rate(at: 10) - 1) < 1e-5)
        #expect(abs(s.rate(at: 60) - 0.5) < 1e-4)
        #expect(s.rate(at: 110) < 1e-5)
        #expect(LearningRateSchedule.step(base: 1, factor: 0.5, every: 10).rate(at: 25) == 0.25)
        let p = Variable(Tensor(shape: [2]), requiresGradient: true)
        p.gradient = try! Tensor(shape: [2], data: [3, 4])
        #expect(clipGradientNorm([p], maxNorm: 1) == 5)
        #expect(Invariants.maxAbsDifference(p.gradient!.data, [0.6, 0.8]) < 1e-6)
    }
}
