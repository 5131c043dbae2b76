import ArgumentParser
import Foundation
import SegKit

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment every entity of images (class-agnostic, no prompts): labels, overlay and COCO-RLE masks.",
        discussion: """
            For each image NAME, writes into OUTPUT/NAME/:
              labels.png   16-bit label map, contiguous from 0, every pixel in a segment
              overlay.png  the segments drawn over the image
              masks.json   one record per segment: COCO RLE "segmentation", "bbox" (XYWH),
                           "area", "predicted_iou" (confidence), "stability_score"
                           (agreement across resolutions)
              features.npy, features.png  with --features: the unit embedding (H × W × d)
                                          and its PCA view
            Models: default (Models/entity-d64.safetensors, found via $SEGKIT_MODEL,
            ./Models or next to the package), classic (colour + position mean-shift, no
            network), merge (superpixels merged by colour), or a path to a .safetensors
            model trained with `segkit train entity`. With a network, segments are also cut
            where superpixels merged by colour (--colour-split ΔE, default 40, 0 = off) are
            cut, and adjacent segments then merge where neither embedding nor colour
            changes across their boundary (--boundary-merge E,C, default 0.6,20, off = no
            merging; a smaller E or C merges less). Inputs may be files or folders
            (their .png/.jpg files). A bad file is reported and skipped; the exit status
            is then 1.
            Example: segkit segment photo.jpg -o out/ --resolutions 256,512
            """)

    @Argument(help: "Images or folders of images.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output folder (created if missing).")
    var output: String

    @Option(help: "default | classic | merge | PATH.safetensors")
    var model: String = "default"

    @Option(help: "Longest image side(s) processed, comma separated, coarse to fine (several = multi-resolution refinement).")
    var resolutions: String = "384"

    @Option(help: "Smallest segment in pixels; smaller ones merge into a neighbour.")
    var minArea: Int = 64

    @Option(help: "Mean-shift bandwidth (network: 1 − |cos|, default 0.2929 = 45°; classic: scaled units, default 1).")
    var bandwidth: Float?

    @Option(help: "Network model: also split segments where superpixels merged by colour up to this CIELAB ΔE are split; 0 = off.")
    var colourSplit: Float = 40

    @Option(help: ArgumentHelp("Network model: merge adjacent segments while their shared superpixel boundaries change by less than E in embedding (1 − |cos|) and C in colour (CIELAB ΔE); off = no merging.", valueName: "E,C|off"))
    var boundaryMerge: String = "0.6,20"

    @Option(help: "Superpixels used to pool features per resolution.")
    var superpixels: Int = 400

    @Option(help: "Resolutions larger than this (pixels) go through the network in overlapping tiles, bounding memory.")
    var tileSize: Int = 768

    @Flag(help: "Refine boundaries with a guided filter against the image.")
    var refine = false

    @Flag(help: "Also write the features (.npy) and their PCA view.")
    var features = false

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard parsedResolutions() != nil else { throw ValidationError("--resolutions must be positive integers ≥ 16, e.g. 384 or 256,512") }
        guard minArea >= 1, superpixels >= 16, tileSize >= 128 else {
            throw ValidationError("--min-area must be ≥ 1, --superpixels ≥ 16 and --tile-size ≥ 128")
        }
        if let bandwidth, !(bandwidth > 0) { throw ValidationError("--bandwidth must be > 0") }
        guard colourSplit >= 0 else { throw ValidationError("--colour-split must be ≥ 0 (0 = off)") }
        guard parsedBoundaryMerge() != nil else {
            throw ValidationError("--boundary-merge must be two positive numbers E,C (e.g. 0.6,20) or off")
        }
    }

    /// `--boundary-merge`: .some(nil) for off, nil when malformed.
    func parsedBoundaryMerge() -> EntitySegmenter.BoundaryMergeThresholds?? {
        if boundaryMerge == "off" { return .some(nil) }
        let v = boundaryMerge.split(separator: ",").compactMap { Float($0.filter { $0 != " " }) }
        guard v.count == 2, v.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        return .some(EntitySegmenter.BoundaryMergeThresholds(embedding: v[0], colour: v[1]))
    }

    func parsedResolutions() -> [Int]? {
        let r = resolutions.split(separator: ",").compactMap { Int($0.filter { $0 != " " }) }
        return r.isEmpty || r.contains { $0 < 16 } ? nil : r
    }

    func run() throws {
        var segmenter: EntitySegmenter!
        var files: [String] = []
        try reportingErrors { () throws(SegKitError) in
            segmenter = EntitySegmenter(model: try loadModel(), configuration: configuration())
            files = try expand(inputs)
            guard !files.isEmpty else { throw SegKitError(.invalidArgument, "no .png or .jpg images found in the inputs") }
            try prepareOutputFolder(output)
        }
        try runBatch(files, label: "segment", quiet: quiet, summary: "images segmented", destination: output) { (_, file) throws(SegKitError) in
            try process(file, segmenter)
        }
    }

    func configuration() -> EntitySegmenter.Configuration {
        var c = EntitySegmenter.Configuration()
        c.resolutions = parsedResolutions()!
        c.minimumArea = minArea
        c.bandwidth = bandwidth
        c.colourSplit = colourSplit > 0 ? colourSplit : nil
        c.boundaryMerge = parsedBoundaryMerge()!
        c.superpixels = superpixels
        c.tileSize = tileSize
        c.guidedRefinement = refine
        return c
    }

    func loadModel() throws(SegKitError) -> EntitySegmenter.Model {
        switch model {
        case "classic": return .classic
        case "merge": return .mergedSuperpixels
        default: return .network(try EntityModelFile.load(model))
        }
    }

    func expand(_ inputs: [String]) throws(SegKitError) -> [String] {
        var files: [String] = []
        for input in inputs {
            if FileAccess.kind(input) == .directory {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                files += names.filter { ["png", "jpg", "jpeg"].contains(FileAccess.fileExtension($0)) }.sorted().map { input + "/" + $0 }
            } else {
                files.append(input)
            }
        }
        return files
    }

    /// One record of masks.json (the fields of SAM's automatic mask generator where they apply).
    struct Record: Encodable {
        var id: Int32
        var segmentation: COCOSegmentation
        var bbox: [Double]
        var area: Int
        var predicted_iou: Double
        var stability_score: Double
    }

    func process(_ file: String, _ segmenter: EntitySegmenter) throws(SegKitError) {
        let folder = output + "/" + baseName(file)
        try refuseOverwritingInputs(outputs: [folder + "/labels.png", folder + "/overlay.png"], inputs: [file])
        let image = try ImageFile.read(file, options: decoding.decodeOptions).floatImage()
        let result = try SegKitError.attributed(to: file) { () throws(SegKitError) in try segmenter.segment(image) }
        try prepareOutputFolder(folder)
        try LabelPNG.write(result.labels, to: folder + "/labels.png")
        try ImageFile.write(try Overlay.render(image: image, labels: result.labels, alpha: 0.45, boundaries: true), to: folder + "/overlay.png")
        let records = result.segments.map { s in
            Record(id: s.label, segmentation: .rle(RunLengthMask(result.labels.mask(for: s.label)), compressed: true),
                   bbox: s.boundingBox.xywh, area: s.area, predicted_iou: s.score, stability_score: s.stability)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(records) else { throw SegKitError(.invalidArgument, "cannot encode masks.json", path: folder) }
        try FileAccess.writeAtomically(Array(json), to: folder + "/masks.json")
        if features, let f = result.features {
            try NumpyArray(f).write(to: folder + "/features.npy")
            try ImageFile.write(try FeatureVisualization.principalComponents(f), to: folder + "/features.png")
        }
        let t = result.timing.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: $0.value)) s" }.joined(separator: ", ")
        print("\(file): \(result.segments.count) segments (\(t))")
    }
}
