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
            --input is an image (.png/.jpg, read as values in [0, 1]) or a float .npy of shape (H, W) or \
            (H, W, C), e.g. a soft mask or saliency map. --guide is an image of the same size (gray or colour).
            --eps is in squared guide units with the guide scaled to [0, 1]: 1e-3 ≈ a standard deviation of \
            0.03 (8 grey levels). (OpenCV's ximgproc.guidedFilter with an 8-bit guide takes eps × 255².)
            Output: .npy (float32, H × W × C) or an image (values clamped to [0, 1]).
            Example: segkit filter guided --input mask.npy --guide photo.jpg --radius 8 --eps 1e-3 -o refined.npy
            """)

    @Option(help: "Image or .npy to filter.")
    var input: String

    @Option(help: "Guide image (same width and height).")
    var guide: String

    @Option(help: "Window radius in pixels.")
    var radius: Int = 8

    @Option(help: "Regularisation ε in squared [0, 1] guide units.")
    var eps: Float = 1e-3

    @Option(help: "Fast guided filter subsampling factor (1 = exact).")
    var subsampling: Int = 1

    @Option(name: .shortAndLong, help: "Output (.npy, .png or .jpg).")
    var output: String

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard radius >= 1, eps > 0, subsampling >= 1 else { throw ValidationError("--radius and --subsampling must be ≥ 1, --eps > 0") }
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
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
            print("wrote \(output) (\(q.width)×\(q.height)×\(q.channels))")
        }
    }
}
