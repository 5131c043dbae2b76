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
            Training data (--data):
            - procedural: seeded synthetic scenes generated at --size (the default).
            - labels:DIR: photographs DIR/NAME.jpg (or .jpeg, .png), each with a label map
              DIR/NAME-labels.png (16-bit, 65535 = unlabelled; or 8-bit/palette) or
              DIR/NAME-labels.npy (integers, -1 = unlabelled) of the same size; the layout
              `segkit scenes` writes. Every image needs a label map and every label map an
              image.
            - panoptic:DIR: COCO panoptic as downloaded:
              DIR/annotations/panoptic_train2017.json, its PNGs in
              DIR/annotations/panoptic_train2017/ (or DIR/panoptic_train2017/), photographs
              in DIR/train2017/. In general, for STEM.json the PNG folder is STEM and the
              image folder STEM without "panoptic_" (else DIR/images). If DIR holds several
              panoptic JSON files, name one:
              panoptic:DIR/annotations/panoptic_train2017.json. Every segment (thing or
              stuff) is an entity; VOID (id 0) and crowd segments are unlabelled.

            Folder data is decoded per batch, visited in a seeded random order per epoch and
            augmented from (seed, step, batch index) alone: a square crop of 0.5-1 times the
            shorter side at a random place, resized to --size (area averaging when
            shrinking, bilinear when enlarging; labels nearest), a horizontal flip with
            probability 0.5, brightness, contrast and saturation jitter of ±30%. --resume
            continues bit for bit as long as the data set is unchanged.

            Every --log-every steps a line with the loss components (total, attraction,
            repulsion, segment, regional contrast, gradient, unit length) and images/s goes
            to stdout. Every --validate-every steps: the Table-5 similarities (intra-entity
            |cos| to the entity line, higher is better; inter-mean |cos| between entity
            lines, lower is better) on --validation-scenes images: held-out procedural
            scenes for procedural data; for folder data the first images of the data set
            (centre square, no augmentation), which are also trained on, so this tracks fit,
            not generalisation. A checkpoint (weights, optimiser state, step) is written
            atomically to OUT.checkpoint.safetensors every --checkpoint-every steps;
            --resume continues from one bit for bit. The final model (weights only) goes to
            --out.

            Examples:
              segkit train entity --steps 3000 --size 128 --out Models/entity.safetensors
              segkit train entity --data panoptic:coco --out Models/coco.safetensors
            """)

    @Option(help: "Training data: procedural, labels:DIR or panoptic:DIR (see above).")
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

    @Option(help: "Start from the weights of this model (.safetensors, e.g. Models/entity-d64.safetensors) with a fresh optimiser at step 0: fine-tuning. Its architecture replaces --dimension/--widths.")
    var initialWeights: String?

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

    @Option(help: "Validation images: held-out procedural scenes, or the first images of a folder data set.")
    var validationScenes: Int = 16

    @Option(help: "Steps between checkpoints (0 = only at the end).")
    var checkpointEvery: Int = 250

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var decoding: DecodingOptions

    /// What `--data` names.
    enum DataSource: Equatable {
        case procedural
        case labels(folder: String)
        case panoptic(path: String)
    }

    var dataSource: DataSource? {
        if data == "procedural" { return .procedural }
        for (prefix, make) in [("labels:", DataSource.labels), ("panoptic:", DataSource.panoptic)] where data.hasPrefix(prefix) {
            let path = String(data.dropFirst(prefix.count))
            return path.isEmpty ? nil : make(path)
        }
        return nil
    }

    func validate() throws {
        guard dataSource != nil else { throw ValidationError("--data must be procedural, labels:DIR or panoptic:DIR (got \(data))") }
        guard steps >= 1, batch >= 1, size >= 8, dimension >= 2, logEvery >= 1, validateEvery >= 0, checkpointEvery >= 0,
              validationScenes >= 1
        else { throw ValidationError("steps, batch, size, dimension, log/validation settings out of range") }
        guard parsedWidths() != nil else { throw ValidationError("--widths must be positive integers like 32,64,128,256") }
        if resume != nil && initialWeights != nil {
            throw ValidationError("--resume continues a checkpoint, --initial-weights starts from a model: use one of them")
        }
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
            var initial: (tensors: [String: Tensor], metadata: [String: String])?
            if let initialWeights {
                let file = try SafeTensors.read(initialWeights)
                c.network = try SegKitError.attributed(to: initialWeights) { () throws(SegKitError) in
                    try EntityModelMetadata.configuration(from: file.metadata)
                }
                initial = file
            }
            let (source, validationSet) = try trainingData()
            let trainer = try EntityTrainer(configuration: c, data: source)
            if let initialWeights, let initial {
                try SegKitError.attributed(to: initialWeights) { () throws(SegKitError) in try trainer.network.load(initial.tensors) }
                writeLine("starting from the weights of \(initialWeights)")
            }
            if let resume {
                let saved = try SafeTensors.read(resume)
                try SegKitError.attributed(to: resume) { () throws(SegKitError) in try trainer.resume(from: saved.tensors) }
                writeLine("resumed from \(resume) at step \(trainer.step)")
            }
            let checkpointPath = String(out.dropLast(".safetensors".count)) + ".checkpoint.safetensors"
            writeLine("training \(trainer.network.parameterCount) parameters, d = \(c.network.dimension), \(steps) steps of \(batch) × \(size)²")
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
                    let v = try validation(trainer, on: validationSet)
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

    /// The batches and the validation images `--data` names.
    func trainingData() throws(SegKitError) -> (any EntityTrainingData, [(image: Image<Float>, labels: LabelMap)]) {
        switch dataSource! {
        case .procedural:
            var configuration = ProceduralSceneConfiguration()
            configuration.width = size
            configuration.height = size
            let generator = try ProceduralSceneGenerator(configuration: configuration, seed: seed ^ 0x5EED_7E57)
            return (ProceduralTrainingData(seed: seed), (0..<validationScenes).map { generator.scene($0) }.map { ($0.image, $0.labels) })
        case .labels(let folder):
            return try datasetData(LabelFolderDataset(folder: folder, maxPixels: decoding.maxPixels), from: folder)
        case .panoptic(let path):
            return try datasetData(PanopticDataset(path: path, maxPixels: decoding.maxPixels), from: path)
        }
    }

    /// Augmented batches of `dataset`, and its first `--validation-scenes` images (centre views).
    func datasetData(_ dataset: some LabelledImageDataset, from path: String) throws(SegKitError)
        -> (any EntityTrainingData, [(image: Image<Float>, labels: LabelMap)])
    {
        let source = try DatasetTrainingData(count: dataset.count, seed: seed) { (i) throws(SegKitError) in try dataset.example(i) }
        let validationSet = try (0..<min(validationScenes, dataset.count)).map { (i) throws(SegKitError) in
            try SegKitError.attributed(to: dataset.imagePath(i)) { () throws(SegKitError) in try source.validationExample(i, imageSize: size) }
        }
        writeLine("data: \(dataset.count) images from \(path)")
        return (source, validationSet)
    }

    /// Table-5 similarities over `images`.
    func validation(_ trainer: EntityTrainer, on images: [(image: Image<Float>, labels: LabelMap)]) throws(SegKitError) -> EmbeddingSimilarity {
        var intra: [Double] = [], inter: [Double] = []
        for (image, labels) in images {
            let features = try trainer.network.features(for: image)
            let m = try EmbeddingSimilarity.measure(features: features, labels: labels)
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
