import ArgumentParser
import SegKit

struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Edge-aware filters.",
        subcommands: [GuidedFilterCommand.self])
}

struct GuidedFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guided",
        abstract: "Guided filter (He et al.): smooth --input while following the edges of --guide.",
        discussion: """
            --input is an image (.png/.jpg, read as values in [0, 1]) or a float .npy of
            shape (H, W) or (H, W, C), e.g. a soft mask or saliency map. --guide is an image
            of the same size (gray or colour). --eps is in squared guide units with the
            guide scaled to [0, 1]: 1e-3 ≈ a standard deviation of 0.03 (8 grey levels).
            (OpenCV's ximgproc.guidedFilter with an 8-bit guide takes eps × 255².) Output:
            .npy (float32, H × W × C) or an image (values clamped to [0, 1]).
            One input:  segkit filter guided --input mask.npy --guide photo.jpg --radius 8
                        --eps 1e-3 -o refined.npy
            Many:       segkit filter guided --input masks/*.npy --guide photos/*.jpg
                        --output-dir out/ (the i-th input goes with the i-th guide, or every
                        input with one guide; writes out/NAME-guided.npy, or .png with
                        --format png; a bad pair is reported and skipped, the exit status is
                        then 1)
            """)

    @Option(parsing: .upToNextOption, help: "Image(s) or .npy file(s) to filter.")
    var input: [String]

    @Option(parsing: .upToNextOption, help: "Guide image(s), same width and height: one per input, or one for all.")
    var guide: [String]

    @Option(help: "Window radius in pixels.")
    var radius: Int = 8

    @Option(help: "Regularisation ε in squared [0, 1] guide units.")
    var eps: Float = 1e-3

    @Option(help: "Fast guided filter subsampling factor (1 = exact).")
    var subsampling: Int = 1

    @Option(name: .shortAndLong, help: "Output (.npy, .png or .jpg), for one input.")
    var output: String?

    @Option(help: "Output folder for several inputs (created if missing).")
    var outputDir: String?

    @Option(help: "With --output-dir: npy or png (default: npy for .npy inputs, png for images).")
    var format: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard radius >= 1, eps > 0, subsampling >= 1 else { throw ValidationError("--radius and --subsampling must be ≥ 1, --eps > 0") }
        guard !input.isEmpty, !guide.isEmpty else { throw ValidationError("give --input and --guide") }
        guard guide.count == 1 || guide.count == input.count else {
            throw ValidationError("give one --guide for all inputs or one per input (\(input.count) inputs, \(guide.count) guides)")
        }
        if let format, !["npy", "png"].contains(format) { throw ValidationError("--format is npy or png") }
        if outputDir == nil {
            guard input.count == 1, output != nil else { throw ValidationError("give -o OUT for one input, or --output-dir DIR for several") }
            guard format == nil else { throw ValidationError("--format goes with --output-dir; -o takes its format from its extension") }
        } else {
            guard output == nil else { throw ValidationError("use either -o (one input) or --output-dir (several)") }
        }
    }

    func run() throws {
        guard let outputDir else {
            try reportingErrors { () throws(SegKitError) in
                let q = try filter(input[0], guide: guide[0], to: output!)
                print("wrote \(output!) (\(q.width)×\(q.height)×\(q.channels))")
            }
            return
        }
        try reportingErrors { () throws(SegKitError) in try prepareOutputFolder(outputDir) }
        try runBatch(input, label: "guided filter", quiet: quiet, summary: "inputs filtered", destination: outputDir) { (i, path) throws(SegKitError) in
            let ext = format ?? (FileAccess.fileExtension(path) == "npy" ? "npy" : "png")
            _ = try filter(path, guide: guide.count == 1 ? guide[0] : guide[i], to: outputDir + "/" + baseName(path) + "-guided." + ext)
        }
    }

    /// Filters one input with one guide and writes the result (atomically) to `output`.
    func filter(_ input: String, guide: String, to output: String) throws(SegKitError) -> Image<Float> {
        try refuseOverwritingInputs(outputs: [output], inputs: [input, guide])
        let toNumpy = FileAccess.fileExtension(output) == "npy"
        if !toNumpy { _ = try ImageFile.format(forWriting: output) }
        let p: Image<Float>
        if FileAccess.fileExtension(input) == "npy" {
            p = try SegKitError.attributed(to: input) { () throws(SegKitError) in try NumpyArray.read(input).image() }
        } else {
            p = try ImageFile.read(input, options: decoding.decodeOptions).floatImage()
        }
        let g = try ImageFile.read(guide, options: decoding.decodeOptions).floatImage()
        guard p.width == g.width, p.height == g.height else {
            throw SegKitError(.shapeMismatch, "guide is \(g.width)×\(g.height) but \(input) is \(p.width)×\(p.height)", path: guide)
        }
        let q = try GuidedFilter.filter(p, guide: g, radius: radius, epsilon: eps, subsampling: subsampling)
        if toNumpy { try NumpyArray(q).write(to: output) } else { try ImageFile.write(q, to: output) }
        return q
    }
}
