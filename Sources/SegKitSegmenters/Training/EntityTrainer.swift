import SegKitNN

/// Where training batches come from.
public protocol EntityTrainingData: Sendable {
    /// Images [B, 3, S, S] in [0, 1] and their entity labels (−1 = unlabelled) for a step.
    /// Must depend only on `step` (and the source's own seed), so training is resumable.
    func batch(step: Int, size: Int, imageSize: Int) throws(SegKitError) -> (images: Tensor, labels: [LabelMap])
}

/// Procedural scenes (``ProceduralSceneGenerator``): scene index = step × batch + b.
public struct ProceduralTrainingData: EntityTrainingData {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    public func batch(step: Int, size: Int, imageSize: Int) throws(SegKitError) -> (images: Tensor, labels: [LabelMap]) {
        var configuration = ProceduralSceneConfiguration()
        configuration.width = imageSize
        configuration.height = imageSize
        let generator = try ProceduralSceneGenerator(configuration: configuration, seed: seed)
        var scenes = [ProceduralScene?](repeating: nil, count: size)
        scenes.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            Parallel.forEach(size) { b in out[b] = generator.scene(step * size + b) }
        }
        var data: [Float] = []
        data.reserveCapacity(size * 3 * imageSize * imageSize)
        for s in scenes { data += s!.image.data }
        return (try Tensor(shape: [size, 3, imageSize, imageSize], data: data), scenes.map { $0!.labels })
    }
}

/// Settings of a training run (stored in checkpoints).
public struct EntityTrainingConfiguration: Sendable, Equatable, Codable {
    public var network = EmbeddingNetwork.Configuration()
    /// Total optimisation steps.
    public var steps = 2000
    public var batchSize = 8
    /// Training crops are imageSize × imageSize; a multiple of the network's size multiple.
    public var imageSize = 128
    /// Peak AdamW learning rate (after linear warm-up), cosine decay to `minimumLearningRate`.
    public var learningRate: Float = 2e-3
    public var warmupSteps = 100
    public var minimumLearningRate: Float = 2e-5
    public var weightDecay: Float = 1e-4
    /// Global gradient-norm clip.
    public var gradientClip: Float = 5
    public var seed: UInt64 = SeededGenerator.defaultSeed

    public init() {}

    public func validate() throws(SegKitError) {
        guard steps >= 1, batchSize >= 1, imageSize >= 8, learningRate > 0, warmupSteps >= 0, minimumLearningRate >= 0,
              gradientClip > 0, network.dimension >= 2, !network.widths.isEmpty
        else { throw .invalidArgument("training settings out of range (steps, batch, size ≥ 1, positive learning rates)") }
        let multiple = 1 << (network.widths.count - 1)
        guard imageSize % multiple == 0 else {
            throw .invalidArgument("image size \(imageSize) must be a multiple of \(multiple) for \(network.widths.count) resolution levels")
        }
    }
}

/// Trains an ``EmbeddingNetwork`` with ``EntityLoss``, one step at a time; the whole state
/// (weights, optimiser moments, step) is a checkpoint, and resuming continues bit for bit
/// because batches and query sampling depend only on (seed, step).
public final class EntityTrainer {
    public let configuration: EntityTrainingConfiguration
    public let network: EmbeddingNetwork
    public var loss = EntityLoss()
    let data: any EntityTrainingData
    var optimizer: AdamW
    public private(set) var step = 0

    public init(configuration: EntityTrainingConfiguration, data: any EntityTrainingData) throws(SegKitError) {
        try configuration.validate()
        self.configuration = configuration
        self.data = data
        network = EmbeddingNetwork(configuration: configuration.network, seed: configuration.seed)
        optimizer = AdamW(network.namedParameters, weightDecay: configuration.weightDecay)
    }

    var schedule: LearningRateSchedule {
        .warmupCosine(peak: configuration.learningRate, warmup: configuration.warmupSteps, total: configuration.steps,
                      minimum: configuration.minimumLearningRate)
    }

    /// One optimisation step; returns the loss components.
    @discardableResult
    public func trainStep() throws(SegKitError) -> EntityLoss.Components {
        let (images, labels) = try data.batch(step: step, size: configuration.batchSize, imageSize: configuration.imageSize)
        var g = SeededGenerator(seed: configuration.seed, stream: 0x5EED_0000 &+ UInt64(step))
        network.zeroGradients()
        let (raw, features) = try network(images)
        let (value, components) = try loss(raw: raw, features: features, labels: labels, generator: &g)
        guard value.value.scalar.isFinite else { throw SegKitError(.numerical, "training loss became \(value.value.scalar) at step \(step)") }
        value.backward()
        clipGradientNorm(network.parameters, maxNorm: configuration.gradientClip)
        optimizer.step(learningRate: schedule.rate(at: step))
        step += 1
        return components
    }

    /// Weights, optimiser state and step, plus the configuration as JSON metadata.
    public var checkpoint: (tensors: [String: Tensor], metadata: [String: String]) {
        var tensors = network.stateDictionary
        for (k, v) in optimizer.state { tensors[k] = v }
        tensors["trainer.step"] = Tensor(scalar: Float(step))
        return (tensors, EntityModelMetadata.encode(configuration.network, extra: ["step": String(step), "seed": String(configuration.seed)]))
    }

    /// Restores a checkpoint written by ``checkpoint``.
    public func resume(from tensors: [String: Tensor]) throws(SegKitError) {
        try network.load(tensors.filter { !$0.key.hasPrefix("optimizer.") && !$0.key.hasPrefix("trainer.") })
        try optimizer.restore(tensors)
        guard let s = tensors["trainer.step"], s.count == 1 else { throw .invalidData("checkpoint has no trainer.step") }
        step = Int(s.scalar)
    }
}

/// Table 5 of the bottom-up paper: how well features separate entities.
public struct EmbeddingSimilarity: Sendable, Equatable {
    /// Mean over entities of the mean |fᵢ·μₖ| of their pixels (1 = perfectly aligned).
    public var intraEntity: Double
    /// Mean over pairs of entities in one image of |μₖ·μₗ| (0 = orthogonal lines).
    public var interMean: Double

    public init(intraEntity: Double, interMean: Double) {
        self.intraEntity = intraEntity
        self.interMean = interMean
    }

    /// Measures `features` (unit, [d, H, W] as an image) against entity `labels` (raw, not eroded).
    public static func measure(features: Image<Float>, labels: LabelMap) throws(SegKitError) -> (intra: [Double], inter: [Double]) {
        let d = features.channels, n = features.pixelCount
        var members: [Int32: [Int]] = [:]
        for (i, l) in labels.labels.enumerated() where l >= 0 { members[l, default: []].append(i) }
        var lines: [[Float]] = [], intra: [Double] = []
        let loss = EntityLoss()
        let rows = FeatureMatrix(image: features).values
        for (_, pixels) in members.sorted(by: { $0.key < $1.key }) {
            let line = try loss.topLine(rows, d, pixels)
            lines.append(line)
            var s = 0.0
            for i in pixels {
                var dot: Float = 0
                for j in 0..<d { dot += features.data[j * n + i] * line[j] }
                s += Double(Swift.abs(dot))
            }
            intra.append(s / Double(pixels.count))
        }
        var inter: [Double] = []
        for a in 0..<lines.count { for b in (a + 1)..<lines.count {
            inter.append(Double(Swift.abs(zip(lines[a], lines[b]).reduce(Float(0)) { $0 + $1.0 * $1.1 })))
        } }
        return (intra, inter)
    }
}

/// The network description stored in model files' metadata.
public enum EntityModelMetadata {
    static func encode(_ c: EmbeddingNetwork.Configuration, extra: [String: String] = [:]) -> [String: String] {
        var out = extra
        out["segkit.model"] = "entity-embedding"
        out["segkit.dimension"] = String(c.dimension)
        out["segkit.widths"] = c.widths.map(String.init).joined(separator: ",")
        out["segkit.convolutionsPerStage"] = String(c.convolutionsPerStage)
        out["segkit.groups"] = String(c.groups)
        return out
    }

    /// The network configuration from metadata. - Throws: when fields are missing or invalid.
    public static func configuration(from metadata: [String: String]) throws(SegKitError) -> EmbeddingNetwork.Configuration {
        guard metadata["segkit.model"] == "entity-embedding", let d = metadata["segkit.dimension"].flatMap({ Int($0) }),
              let widths = metadata["segkit.widths"]?.split(separator: ",").compactMap({ Int($0) }), !widths.isEmpty,
              let convs = metadata["segkit.convolutionsPerStage"].flatMap({ Int($0) }), let groups = metadata["segkit.groups"].flatMap({ Int($0) })
        else { throw .invalidData("not a SegKit entity-embedding model (metadata segkit.* missing)") }
        var c = EmbeddingNetwork.Configuration()
        c.dimension = d
        c.widths = widths
        c.convolutionsPerStage = convs
        c.groups = groups
        return c
    }

    /// Metadata for a trained model file (weights only).
    public static func modelMetadata(_ c: EmbeddingNetwork.Configuration, extra: [String: String] = [:]) -> [String: String] {
        encode(c, extra: extra)
    }
}
