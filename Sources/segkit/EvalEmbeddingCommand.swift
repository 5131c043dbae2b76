import ArgumentParser
import Foundation
import SegKit

struct EvalEmbeddingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedding",
        abstract: "How well a model's features separate entities (bottom-up paper, Table 5).",
        discussion: """
            For every image NAME.png/.jpg in --images with a label map NAME-labels.png (or
            NAME.png) in --gt: the model's unit features at the image's own size; per entity
            the line μ (top eigenvector of Σ f fᵀ); intra-entity = mean |f·μ| of its pixels
            (higher is better, 1 = all on the line); inter-mean = mean |μₖ·μₗ| over pairs of
            entities of one image (lower is better, 0 = orthogonal). Both are averaged over
            all entities / pairs of the data set.
            Example: segkit eval embedding --model default --images data/test --gt data/test
            """)

    @Option(help: "default | PATH.safetensors")
    var model: String = "default"
    @Option(help: "Folder of images.")
    var images: String
    @Option(help: "Folder of label maps (may be the same folder).")
    var gt: String
    @Option(help: "Write the result as JSON.")
    var json: String?
    @Flag(help: "No progress output.")
    var quiet = false
    @OptionGroup var decoding: DecodingOptions

    struct Output: Encodable {
        var images: Int
        var entities: Int
        var pairs: Int
        var intraEntity: Double
        var interMean: Double
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let network = try EntityModelFile.load(model)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: images)) ?? [])
                .filter { ["png", "jpg", "jpeg"].contains(FileAccess.fileExtension($0)) && !baseName($0).hasSuffix("-labels") }.sorted()
            guard FileAccess.kind(images) == .directory, !names.isEmpty else {
                throw SegKitError(.invalidArgument, "no images (.png, .jpg) found", path: images)
            }
            var intra: [Double] = [], inter: [Double] = []
            var progress = Progress(total: names.count, label: "embedding", quiet: quiet)
            for name in names {
                let stem = baseName(name)
                let candidates = ["\(gt)/\(stem)-labels.png", "\(gt)/\(stem).png", "\(gt)/\(stem).npy"]
                guard let labelPath = candidates.first(where: { FileAccess.kind($0) == .file && $0 != images + "/" + name }) else {
                    throw SegKitError(.fileSystem, "no label map for \(stem) (looked for \(stem)-labels.png, \(stem).png, \(stem).npy)", path: gt)
                }
                let path = images + "/" + name
                let image = try ImageFile.read(path, options: decoding.decodeOptions).floatImage().rgb()
                let labels = try LabelMapFile.read(labelPath, maxPixels: decoding.maxPixels)
                try labels.requireSize(width: image.width, height: image.height, of: "the image")
                let m = try SegKitError.attributed(to: path) { () throws(SegKitError) in
                    try EmbeddingSimilarity.measure(features: try network.features(for: image), labels: labels)
                }
                intra += m.intra
                inter += m.inter
                progress.advance(path)
            }
            func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
            let out = Output(images: names.count, entities: intra.count, pairs: inter.count, intraEntity: mean(intra), interMean: mean(inter))
            print("images  entities  pairs  intra-entity |cos|  inter-mean |cos|")
            print("\(out.images)  \(out.entities)  \(out.pairs)  \(decimal(out.intraEntity))  \(decimal(out.interMean))")
            if let json { try writeResultsJSON(out, to: json) }
        }
    }
}
