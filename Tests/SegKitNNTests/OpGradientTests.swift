import Testing
@testable import SegKitNN

@Suite struct ElementwiseGradientTests {
    @Test(arguments: [1, 2, 3])
    func broadcastingArithmetic(seed: UInt64) throws {
        let a = randomTensor([2, 3, 4], seed: seed), b = randomTensor([3, 1], seed: seed + 10)
        try checkGradients([a, b]) { v in try v[0] + v[1] }
        try checkGradients([a, b]) { v in try v[0] - v[1] }
        try checkGradients([a, b]) { v in try v[0] * v[1] }
        var denominator = b
        for i in denominator.data.indices { denominator.data[i] = 1.5 + abs(denominator.data[i]) }
        try checkGradients([a, denominator]) { v in try v[0] / v[1] }
    }

    @Test(arguments: [4, 5])
    func unaryFunctions(seed: UInt64) throws {
        let x = randomTensor([3, 5], seed: seed, margin: 0.05)
        try checkGradients([x]) { $0[0].relu() }
        try checkGradients([x]) { $0[0].leakyRelu(negativeSlope: 0.2) }
        try checkGradients([x]) { $0[0].gelu() }
        try checkGradients([x]) { $0[0].tanh() }
        try checkGradients([x]) { $0[0].sigmoid() }
        try checkGradients([x]) { $0[0].abs() }
        try checkGradients([x]) { $0[0].square() }
        try checkGradients([x]) { $0[0].exp() }
        // Clamp away from its kinks at ±0.5: inside (gradient 1) and outside (gradient 0).
        try checkGradients([Tensor(unchecked: x.shape, x.data.map { $0 * 0.4 })]) { $0[0].clamp(-0.5, 0.5) }
        try checkGradients([Tensor(unchecked: x.shape, x.data.map { $0 < 0 ? $0 - 0.6 : $0 + 0.6 })]) { $0[0].clamp(-0.5, 0.5) }
        var positive = x
        for i in positive.data.indices { positive.data[i] = 0.5 + abs(positive.data[i]) }
        try checkGradients([positive]) { $0[0].sqrt() }
        try checkGradients([positive]) { $0[0].log() }
    }

    @Test func reductions() throws {
        let x = randomTensor([2, 3, 4], seed: 6)
        try checkGradients([x]) { $0[0].sum() }
        try checkGradients([x]) { $0[0].mean() }
        try checkGradients([x]) { try $0[0].sum(axes: [1]) }
        try checkGradients([x]) { try $0[0].mean(axes: [0, 2], keepDimensions: true) }
        try checkGradients([x]) { try $0[0].max(axis: 2) }
    }

    @Test func softmaxAndNormalisation() throws {
        let x = randomTensor([2, 4, 3], seed: 7)
        try checkGradients([x]) { try $0[0].softmax(axis: 1) }
        try checkGradients([x]) { try $0[0].logSoftmax(axis: 2) }
        try checkGradients([x], step: 1e-3) { try $0[0].l2Normalized(axis: 1) }
    }

    @Test func matmulAndShapes() throws {
        let a = randomTensor([3, 4], seed: 8), b = randomTensor([4, 5], seed: 9), bt = randomTensor([5, 4], seed: 10)
        try checkGradients([a, b]) { try $0[0].matmul($0[1]) }
        try checkGradients([a, bt]) { try $0[0].matmul($0[1], transposeOther: true) }
        try checkGradients([randomTensor([4, 3], seed: 11), b]) { try $0[0].matmul($0[1], transposeSelf: true) }
        let x = randomTensor([2, 3, 2, 2], seed: 12)
        try checkGradients([x]) { try $0[0].permuted([0, 2, 3, 1]) }
        try checkGradients([x]) { try $0[0].reshaped([6, -1]) }
        try checkGradients([x]) { try $0[0].slice(axis: 1, 1..<3) }
        try checkGradients([x, randomTensor([2, 1, 2, 2], seed: 13)]) { try Variable.concatenate([$0[0], $0[1]], axis: 1) }
    }

    @Test func gatherAndSegments() throws {
        let x = randomTensor([5, 3], seed: 14)
        try checkGradients([x]) { try $0[0].gatherRows([4, 0, 4, 2]) }
        try checkGradients([x]) { try $0[0].scatterAdd(segments: [1, 0, -1, 1, 2], segmentCount: 3) }
        try checkGradients([x]) { try $0[0].segmentMeans(segments: [1, 0, 0, 1, 2], segmentCount: 4) }
    }
}

@Suite struct ImageOpGradientTests {
    @Test(arguments: [Conv2DGeometry(), .init(padding: 1), .init(stride: 2, padding: 1), .init(padding: 2, dilation: 2),
                      .init(padding: 1, groups: 2)])
    func conv2d(geometry: Conv2DGeometry) throws {
        let x = randomTensor([2, 4, 5, 6], seed: 20)
        let w = randomTensor([6, 4 / geometry.groups, 3, 3], seed: 21), b = randomTensor([6], seed: 22)
        try checkGradients([x, w, b]) { v in try v[0].conv2d(weight: v[1], bias: v[2], geometry: geometry) }
    }

    /// The forward pass in strips of output rows (bounded im2col memory) equals a direct sum, for
    /// strips of one row, of several rows with a ragged last strip, and one strip.
    @Test(arguments: [1, 400, 4_194_304])
    func convolutionInRowStrips(budget: Int) throws {
        let geometries: [Conv2DGeometry] = [.init(padding: 1), .init(stride: 2, padding: 1, groups: 2)]
        for g in geometries {
            let x = randomTensor([2, 4, 7, 5], seed: 30), w = randomTensor([6, 4 / g.groups, 3, 3], seed: 31)
            let y = try ConvPlan.$columnBudget.withValue(budget) { try Variable(x).conv2d(weight: Variable(w), geometry: g).value }
            let (ho, wo) = (y.shape[2], y.shape[3])
            for i in 0..<2 { for o in 0..<6 { for oy in 0..<ho { for ox in 0..<wo {
                let group = o / (6 / g.groups), cg = 4 / g.groups
                var sum = 0.0
                for ci in 0..<cg { for a in 0..<3 { for b in 0..<3 {
                    let yy = oy * g.stride - g.padding + a, xx = ox * g.stride - g.padding + b
                    guard yy >= 0, yy < 7, xx >= 0, xx < 5 else { continue }
                    sum += Double(x.data[((i * 4 + group * cg + ci) * 7 + yy) * 5 + xx]) * Double(w.data[((o * cg + ci) * 3 + a) * 3 + b])
                } } }
                #expect(abs(Double(y.data[((i * 6 + o) * ho + oy) * wo + ox]) - sum) < 1e-5)
            } } } }
        }
    }

    /// Backward in strips of output rows (1 row; 2 rows with a ragged last strip) has exact gradients.
    @Test(arguments: [1, 300])
    func convolutionGradientsInRowStrips(budget: Int) throws {
        for g in [Conv2DGeometry(padding: 1), .init(stride: 2, padding: 1, groups: 2)] {
            let x = randomTensor([2, 4, 5, 6], seed: 32)
            let w = randomTensor([6, 4 / g.groups, 3, 3], seed: 33), b = randomTensor([6], seed: 34)
            try ConvPlan.$columnBudget.withValue(budget) {
                try checkGradients([x, w, b]) { v in try v[0].conv2d(weight: v[1], bias: v[2], geometry: g) }
            }
        }
    }

    @Test func pointwiseConvAndSingleImage() throws {
        try checkGradients([randomTensor([1, 3, 4, 4], seed: 23), randomTensor([5, 3, 1, 1], seed: 24)]) { v in
            try v[0].conv2d(weight: v[1])
        }
    }

    @Test func poolingAndUpsampling() throws {
        let x = randomTensor([2, 2, 4, 6], seed: 25)
        // Max pooling on distinct values 0.05 apart (no ties within the finite-difference step).
        var order = Array(0..<96)
        var g = SeededGenerator(seed: 26)
        g.shuffle(&order)
        try checkGradients([Tensor(unchecked: [2, 2, 4, 6], order.map { Float($0) * 0.05 })]) { try $0[0].maxPool2d(kernel: 2) }
        try checkGradients([x]) { try $0[0].averagePool2d(kernel: 2) }
        try checkGradients([x]) { try $0[0].upsampled(height: 8, width: 12) }
        try checkGradients([x]) { try $0[0].upsampled(height: 7, width: 5) }
        try checkGradients([x]) { try $0[0].upsampled(height: 8, width: 12, mode: .nearest) }
    }

    @Test func normalisations() throws {
        let x = randomTensor([2, 4, 3, 3], seed: 26)
        let gamma = randomTensor([4], seed: 27), beta = randomTensor([4], seed: 28)
        try checkGradients([x, gamma, beta]) { v in try v[0].groupNorm(groups: 2, gamma: v[1], beta: v[2]) }
        try checkGradients([randomTensor([3, 5], seed: 29), randomTensor([5], seed: 30), randomTensor([5], seed: 31)]) { v in
            try v[0].layerNorm(gamma: v[1], beta: v[2])
        }
        try checkGradients([x, gamma, beta]) { v in
            var stats = BatchNormStatistics(channels: 4)
            return try v[0].batchNorm(gamma: v[1], beta: v[2], running: &stats, training: true)
        }
    }
}

@Suite struct OpErrorTests {
    @Test func shapeErrorsNameTheOp() {
        let a = Variable(Tensor(shape: [2, 3])), b = Variable(Tensor(shape: [4, 5]))
        do {
            _ = try a + b
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("add") && error.description.contains("[2, 3]"))
        }
        #expect(throws: SegKitError.self) { try a.matmul(b) }
        #expect(throws: SegKitError.self) { try a.conv2d(weight: b) }
        #expect(throws: SegKitError.self) { try Variable(Tensor(shape: [1, 3, 2, 2])).conv2d(weight: Variable(Tensor(shape: [2, 3, 3, 3]))) }
        #expect(throws: SegKitError.self) { try a.reshaped([7]) }
        #expect(throws: SegKitError.self) { try a.gatherRows([5]) }
        #expect(throws: SegKitError.self) { try Tensor(shape: [2, 2], data: [1]) }
    }
}
