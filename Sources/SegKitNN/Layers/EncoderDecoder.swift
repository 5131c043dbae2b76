/// The reference encoder–decoder (U-Net style): per encoder stage `convolutionsPerStage` 3×3
/// convolutions + group norm + ReLU at widths `widths`, 2×2 max pooling between stages; the
/// decoder up-samples bilinearly ×2, concatenates the matching encoder output (skip connection)
/// and applies the same convolution stack; a 1×1 convolution maps to `outputChannels`.
public struct EncoderDecoder: Layer, Sendable {
    public struct Configuration: Sendable, Equatable, Codable {
        public var inputChannels: Int = 3
        /// Channel width of each resolution level, finest first. Default [32, 64, 128, 256].
        public var widths: [Int] = [32, 64, 128, 256]
        public var convolutionsPerStage: Int = 2
        /// Group-norm groups (capped by the width). Default 8.
        public var groups: Int = 8
        public var outputChannels: Int = 64
        public init() {}
    }

    struct Stage: Sendable {
        var convolutions: [Conv2d]
        var norms: [GroupNorm]

        init(inChannels: Int, width: Int, count: Int, groups: Int, g: inout SeededGenerator) {
            convolutions = []
            norms = []
            var c = inChannels
            for _ in 0..<count {
                convolutions.append(Conv2d(inChannels: c, outChannels: width, kernel: 3, bias: false, generator: &g))
                norms.append(GroupNorm(groups: min(groups, width), channels: width))
                c = width
            }
        }

        func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
            var y = x
            for (conv, norm) in zip(convolutions, norms) { y = try norm(conv(y)).relu() }
            return y
        }

        func named(_ prefix: String) -> [(String, Variable)] {
            zip(convolutions, norms).enumerated().flatMap { i, pair in
                prefixed("\(prefix).conv\(i)", pair.0) + prefixed("\(prefix).norm\(i)", pair.1)
            }
        }
    }

    public let configuration: Configuration
    let encoder: [Stage]
    let decoder: [Stage]
    let head: Conv2d

    public init(configuration c: Configuration = .init(), seed: UInt64 = SeededGenerator.defaultSeed) {
        precondition(!c.widths.isEmpty && c.widths.allSatisfy { $0 >= 1 } && c.convolutionsPerStage >= 1, "invalid model configuration")
        configuration = c
        var g = SeededGenerator(seed: seed)
        var encoder: [Stage] = []
        var previous = c.inputChannels
        for w in c.widths {
            encoder.append(Stage(inChannels: previous, width: w, count: c.convolutionsPerStage, groups: c.groups, g: &g))
            previous = w
        }
        var decoder: [Stage] = []
        for level in stride(from: c.widths.count - 2, through: 0, by: -1) {
            decoder.append(Stage(inChannels: c.widths[level + 1] + c.widths[level], width: c.widths[level],
                                 count: c.convolutionsPerStage, groups: c.groups, g: &g))
        }
        self.encoder = encoder
        self.decoder = decoder
        head = Conv2d(inChannels: c.widths[0], outChannels: c.outputChannels, kernel: 1, generator: &g)
    }

    /// Images whose sides are multiples of this size pass through without rounding.
    public var sizeMultiple: Int { 1 << (configuration.widths.count - 1) }

    /// Output features [N, outputChannels, H, W] for input [N, inputChannels, H, W].
    /// - Throws: when the input channels differ or H, W are not multiples of ``sizeMultiple``.
    public func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
        guard x.shape.count == 4, x.shape[1] == configuration.inputChannels,
              x.shape[2] % sizeMultiple == 0, x.shape[3] % sizeMultiple == 0, x.shape[2] > 0, x.shape[3] > 0
        else {
            throw .shapeMismatch("EncoderDecoder: input \(x.shape) must be [N, \(configuration.inputChannels), H, W] with H, W multiples of \(sizeMultiple)")
        }
        var skips: [Variable] = []
        var y = x
        for (level, stage) in encoder.enumerated() {
            if level > 0 { y = try y.maxPool2d(kernel: 2) }
            y = try stage(y)
            skips.append(y)
        }
        for (t, stage) in decoder.enumerated() {
            let skip = skips[skips.count - 2 - t]
            y = try y.upsampled(height: skip.shape[2], width: skip.shape[3])
            y = try stage(Variable.concatenate([y, skip], axis: 1))
        }
        return try head(y)
    }

    public var namedParameters: [(String, Variable)] {
        encoder.enumerated().flatMap { $0.element.named("encoder.\($0.offset)") }
            + decoder.enumerated().flatMap { $0.element.named("decoder.\($0.offset)") }
            + prefixed("head", head)
    }
}
