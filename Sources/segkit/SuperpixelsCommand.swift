import ArgumentParser
import SegKit

struct SuperpixelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "superpixels",
        abstract: "Superpixels (SLIC-family clustering in CIELAB + position); labels as 16-bit PNG.",
        discussion: """
            One image:  segkit superpixels photo.jpg -n 400 -o labels.png --overlay
                        overlay.png
            Many:       segkit superpixels *.jpg -n 400 --output-dir out/ --overlays (writes
                        out/NAME-labels.png and, with --overlays, out/NAME-overlay.png; a
                        bad file is reported and skipped, the exit status is then 1)
            Labels are contiguous from 0 and every superpixel is one 4-connected region.
            """)

    @Argument(help: "Input images (.png, .jpg).")
    var images: [String]

    @Option(name: [.customShort("n"), .long], help: "Requested number of superpixels.")
    var segments: Int = 400

    @Option(help: "Compactness m: weight of position against CIELAB colour (larger = more regular).")
    var compactness: Float = 10

    @Option(help: "Clustering iterations.")
    var iterations: Int = 10

    @Option(help: "Soft assignment (ClustSeg E/M) with this temperature in squared Lab units; omit for hard SLIC.")
    var soft: Float?

    @Option(name: .shortAndLong, help: "Output label PNG (one input image).")
    var output: String?

    @Option(help: "Output overlay image (one input image).")
    var overlay: String?

    @Option(help: "Output folder for several input images (created if missing).")
    var outputDir: String?

    @Flag(help: "With --output-dir: also write NAME-overlay.png.")
    var overlays = false

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard segments >= 1, iterations >= 1, compactness >= 0 else {
            throw ValidationError("-n and --iterations must be ≥ 1 and --compactness ≥ 0")
        }
        if let soft, !(soft > 0) { throw ValidationError("--soft temperature must be > 0") }
        if outputDir == nil {
            guard images.count == 1, output != nil else {
                throw ValidationError("give -o LABELS.png for one image, or --output-dir DIR for several")
            }
        } else {
            guard output == nil, overlay == nil else { throw ValidationError("use --output-dir with --overlays, not -o/--overlay") }
        }
    }

    func run() throws {
        var configuration = Superpixels.Configuration(segmentCount: segments)
        configuration.compactness = compactness
        configuration.iterations = iterations
        if let soft { configuration.assignment = .soft(temperature: soft) }
        if let outputDir {
            try reportingErrors { () throws(SegKitError) in try prepareOutputFolder(outputDir) }
            try runBatch(images, label: "superpixels", quiet: quiet, summary: "images segmented", destination: outputDir) { (_, image) throws(SegKitError) in
                let stem = outputDir + "/" + baseName(image)
                try process(image, labelsPath: stem + "-labels.png", overlayPath: overlays ? stem + "-overlay.png" : nil,
                            configuration: configuration)
            }
        } else {
            try reportingErrors { () throws(SegKitError) in
                let count = try process(images[0], labelsPath: output!, overlayPath: overlay, configuration: configuration)
                print("wrote \(output!) (\(count) superpixels)")
            }
        }
    }

    @discardableResult
    func process(_ path: String, labelsPath: String, overlayPath: String?, configuration: Superpixels.Configuration) throws(SegKitError) -> Int {
        try refuseOverwritingInputs(outputs: [labelsPath] + (overlayPath.map { [$0] } ?? []), inputs: [path])
        if let overlayPath { _ = try ImageFile.format(forWriting: overlayPath) }
        let image = try ImageFile.read(path, options: decoding.decodeOptions).floatImage()
        let labels = try SegKitError.attributed(to: path) { () throws(SegKitError) in
            try Superpixels.segment(image: image, configuration: configuration)
        }
        try LabelPNG.write(labels, to: labelsPath)
        if let overlayPath {
            try ImageFile.write(try Overlay.render(image: image, labels: labels, alpha: 0.25, boundaries: true), to: overlayPath)
        }
        return labels.segmentCount
    }
}

/// File name without folder and extension.
func baseName(_ path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}
