import SegKitNN

/// The per-pixel embedding network of the bottom-up paper (§3.1, §3.6): the reference
/// encoder–decoder with `dimension` output channels and a final tanh; features are then
/// L2-normalised to the projective sphere (a feature and its negation are the same line).
public struct EmbeddingNetwork: Layer, Sendable {
    public struct Configuration: Sendable, Equatable, Codable {
        /// Output feature dimension d, ≥ 2. Default 64.
        public var dimension: Int = 64
        /// Encoder widths, finest first. Default [32, 64, 128, 256].
        public var widths: [Int] = [32, 64, 128, 256]
        public var convolutionsPerStage: Int = 2
        public var groups: Int = 8
        public init() {}

        var backbone: EncoderDecoder.Configuration {
            var c = EncoderDecoder.Configuration()
            c.widths = widths
            c.convolutionsPerStage = convolutionsPerStage
            c.groups = groups
            c.outputChannels = dimension
            return c
        }
    }

    public let configuration: Configuration
    let backbone: EncoderDecoder

    public init(configuration: Configuration = .init(), seed: UInt64 = SeededGenerator.defaultSeed) {
        self.configuration = configuration
        backbone = EncoderDecoder(configuration: configuration.backbone, seed: seed)
    }

    public var namedParameters: [(String, Variable)] { backbone.namedParameters }

    /// Images must have sides that are multiples of this.
    public var sizeMultiple: Int { backbone.sizeMultiple }

    /// Input normalisation: sRGB in [0, 1] → roughly zero-mean, unit-range values.
    static func normalizedInput(_ images: Tensor) -> Tensor {
        var t = images
        for i in t.data.indices { t.data[i] = (t.data[i] - 0.5) * 4 }
        return t
    }

    /// Raw tanh outputs g (before normalisation) and unit features f = g / ‖g‖, both [N, d, H, W].
    public func callAsFunction(_ images: Tensor) throws(SegKitError) -> (raw: Variable, features: Variable) {
        let raw = try backbone(Variable(Self.normalizedInput(images))).tanh()
        return (raw, try raw.l2Normalized(axis: 1))
    }
}

/// The trained network as a ``FeatureExtractor``: any image size (padded by reflection to the
/// size multiple, cropped back).
extension EmbeddingNetwork: FeatureExtractor {
    public var dimension: Int { configuration.dimension }

    public func features(for image: Image<Float>) throws(SegKitError) -> Image<Float> {
        let rgb = image.rgb()
        guard rgb.channels == 3 else { throw .invalidArgument("the embedding network needs an RGB or gray image") }
        let m = sizeMultiple
        let w = image.width, h = image.height
        let pw = (w + m - 1) / m * m, ph = (h + m - 1) / m * m
        var padded = [Float](repeating: 0, count: 3 * pw * ph)
        for c in 0..<3 {
            for y in 0..<ph {
                let sy = y < h ? y : max(0, 2 * h - y - 2)
                for x in 0..<pw {
                    let sx = x < w ? x : max(0, 2 * w - x - 2)
                    padded[(c * ph + y) * pw + x] = rgb.data[(c * h + sy) * w + sx]
                }
            }
        }
        let input = try Tensor(shape: [1, 3, ph, pw], data: padded)
        let out = try Autodiff.withoutGradients { () throws(SegKitError) -> Variable in try self(input).features }
        let d = configuration.dimension
        var cropped = [Float](repeating: 0, count: d * w * h)
        for c in 0..<d { for y in 0..<h { for x in 0..<w { cropped[(c * h + y) * w + x] = out.value.data[(c * ph + y) * pw + x] } } }
        return try Image(width: w, height: h, channels: d, data: cropped)
    }
}
