import ArgumentParser
import Dispatch
import SegKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train models.",
        subcommands: [TrainEntityCommand.self])
}

struct TrainEntityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entity",
        abstract: "Train the per-pixel embedding network of class-agnostic segmentation (bottom-up paper §3).",
        discussion: """
            Data: procedural (seeded synthetic scenes; the default).
            Every --log-every steps a line with the loss components (total, attraction, repulsion, segment,
            regional contrast, gradient, unit length) and images/s goes to stdout; every --validate-every
            steps the Table-5 similarities on a held-out set (intra-entity |cos| to the entity line, higher is
            better; inter-mean |cos| between entity lines, lower is better). A checkpoint (weights, optimiser
            state, step) is written atomically to OUT.checkpoint.safetensors every --checkpoint-every steps;
            --resume continues from one bit for bit. The final model (weights only) goes to --out.
            Example: segkit train entity --steps 3000 --batch 8 --size 128 --out Models/entity.safetensors
            """)

    @Option(help: "Training data: procedural.")
    var data: String = "procedural"

    @Option(help: "Optimisation steps.")
    var steps: Int = 2000

    @Option(help: "Images per step.")
    var batch: Int = 8

    @Option(help: "Training image size (square; a multiple of 2^(levels−1)).")
    var size: Int = 128

    @Option(help: "Output model (.safetensors).")
    var out: String

    @Option(help: "Checkpoint to resume from.")
    var resume: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = SeededGenerator.defaultSeed

    @Option(help: "Feature dimension d.")
    var dimension: Int = 64

    @Option(help: "Encoder widths, comma separated, finest first.")
    var widths: String = "32,64,128,256"

    @Option(help: "Peak learning rate.")
    var learningRate: Float = 2e-3

    @Option(help: "Steps between log lines.")
    var logEvery: Int = 10

    @Option(help: "Steps between validations (0 = only at the end).")
    var validateEvery: Int = 250

    @Option(help: "Held-out scenes used for validation.")
    var validationScenes: Int = 16

    @Option(help: "Steps between checkpoints (0 = only at the end).")
    var checkpointEvery: Int = 250

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard data == "procedural" else { throw ValidationError("--data must be procedural") }
        guard steps >= 1, batch >= 1, size >= 8, dimension >= 2, logEvery >= 1, validateEvery >= 0, checkpointEvery >= 0,
              validationScenes >= 1
        else { throw ValidationError("steps, batch, size, dimension, log/validation settings out of range") }
        guard parsedWidths() != nil else { throw ValidationError("--widths must be positive integers like 32,64,128,256") }
    }

    func parsedWidths() -> [Int]? {
        let w = widths.split(separator: ",").compactMap { Int($0.filter { $0 != " " }) }
        return w.isEmpty || w.contains { $0 < 1 } ? nil : w
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            guard FileAccess.fileExtension(out) == "safetensors" else {
                throw SegKitError(.unsupported, "the model file must end in .safetensors", path: out)
            }
            var c = EntityTrainingConfiguration()
            c.steps = steps
            c.batchSize = batch
            c.imageSize = size
            c.seed = seed
            c.learningRate = learningRate
            c.network.dimension = dimension
            c.network.widths = parsedWidths()!
            let trainer = try EntityTrainer(configuration: c, data: ProceduralTrainingData(seed: seed))
            if let resume {
                let saved = try SafeTensors.read(resume)
                try SegKitError.attributed(to: resume) { () throws(SegKitError) in try trainer.resume(from: saved.tensors) }
                writeLine("resumed from \(resume) at step \(trainer.step)")
            }
            let checkpointPath = String(out.dropLast(".safetensors".count)) + ".checkpoint.safetensors"
            writeLine("training \(trainer.network.parameterCount) parameters, d = \(dimension), \(steps) steps of \(batch) × \(size)²")
            var progress = Progress(total: steps - trainer.step, label: "train", quiet: quiet)
            var window = (images: 0, seconds: 0.0)
            while trainer.step < steps {
                let start = DispatchTime.now().uptimeNanoseconds
                let components = try trainer.trainStep()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                window.images += batch
                window.seconds += seconds
                progress.advance()
                let s = trainer.step
                if s % logEvery == 0 || s == steps {
                    writeLine("step \(s): loss \(f(components.total)) (a \(f(components.attraction)) r \(f(components.repulsion)) "
                        + "s \(f(components.segment)) rc \(f(components.regionalContrast)) g \(f(components.gradient)) "
                        + "u \(f(components.unitLength))\(components.skippedSegmentSpace > 0 ? ", segment space skipped ×\(components.skippedSegmentSpace)" : "")), "
                        + "\(f(Float(Double(window.images) / window.seconds))) images/s")
                    window = (0, 0)
                }
                if (validateEvery > 0 && s % validateEvery == 0) || s == steps {
                    let v = try validation(trainer)
                    writeLine("validation at step \(s): intra-entity |cos| \(f(Float(v.intraEntity))), inter-mean |cos| \(f(Float(v.interMean)))")
                }
                if (checkpointEvery > 0 && s % checkpointEvery == 0) || s == steps {
                    let state = trainer.checkpoint
                    try SafeTensors.write(state.tensors, metadata: state.metadata, to: checkpointPath)
                }
            }
            try SafeTensors.write(trainer.network.stateDictionary,
                                  metadata: EntityModelMetadata.modelMetadata(c.network, extra: ["steps": String(steps), "seed": String(seed)]),
                                  to: out)
            writeLine("wrote \(out)")
        }
    }

    /// Table-5 similarities on held-out procedural scenes (another seed stream).
    func validation(_ trainer: EntityTrainer) throws(SegKitError) -> EmbeddingSimilarity {
        var configuration = ProceduralSceneConfiguration()
        configuration.width = size
        configuration.height = size
        let generator = try ProceduralSceneGenerator(configuration: configuration, seed: seed ^ 0x5EED_7E57)
        var intra: [Double] = [], inter: [Double] = []
        for i in 0..<validationScenes {
            let scene = generator.scene(i)
            let features = try trainer.network.features(for: scene.image)
            let m = try EmbeddingSimilarity.measure(features: features, labels: scene.labels)
            intra += m.intra
            inter += m.inter
        }
        return EmbeddingSimilarity(intraEntity: intra.isEmpty ? 0 : intra.reduce(0, +) / Double(intra.count),
                                   interMean: inter.isEmpty ? 0 : inter.reduce(0, +) / Double(inter.count))
    }

    func f(_ x: Float) -> String {
        let v = (Double(x) * 1000).rounded() / 1000
        return "\(v)"
    }
}
