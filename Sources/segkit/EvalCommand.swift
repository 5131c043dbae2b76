import ArgumentParser
import Foundation
import SegKit

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate segmentations against ground truth.",
        discussion: """
            --pred and --gt are label-map files or folders. In folders, ground-truth files
            NAME.png or NAME-labels.png are paired with predictions NAME/labels.png (the
            layout `segkit segment` writes), NAME.png or NAME-labels.png; when a
            ground-truth folder holds NAME-labels.png files, only those are ground truth
            (images may sit beside them, as `segkit scenes` writes them). Label maps are
            16-bit label PNGs or integer .npy.
            """,
        subcommands: [EvalEntityCommand.self, EvalSuperpixelsCommand.self, EvalSemanticCommand.self, EvalRegionsCommand.self,
                      EvalSaliencyCommand.self, EvalInstanceCommand.self, EvalPanopticCommand.self, EvalEmbeddingCommand.self])
}

/// Options every `eval` task shares.
struct EvalOptions: ParsableArguments {
    @Option(help: "Prediction label map or folder.")
    var pred: String

    @Option(help: "Ground-truth label map or folder.")
    var gt: String

    @Option(help: "Write the summary and per-image results as JSON.")
    var json: String?

    @Option(help: "Write per-image results as CSV.")
    var perImage: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var decoding: DecodingOptions

    /// (name, prediction path, ground-truth path) for every ground-truth map.
    func pairs() throws(SegKitError) -> [(name: String, prediction: String, groundTruth: String)] {
        switch (FileAccess.kind(gt), FileAccess.kind(pred)) {
        case (.file, .file):
            return [(baseName(gt), pred, gt)]
        case (.directory, .directory):
            var names = ((try? FileManager.default.contentsOfDirectory(atPath: gt)) ?? [])
                .filter { ["png", "npy", "mat"].contains(FileAccess.fileExtension($0)) }.sorted()
            // A folder of images next to NAME-labels.png files (what `segkit scenes` writes): only
            // the label files are ground truth.
            let labelFiles = names.filter { baseName($0).hasSuffix("-labels") }
            if !labelFiles.isEmpty { names = labelFiles }
            guard !names.isEmpty else { throw SegKitError(.invalidArgument, "no ground-truth label maps (.png, .npy, .mat) found", path: gt) }
            return try names.map { (file) throws(SegKitError) in
                var stem = baseName(file)
                if stem.hasSuffix("-labels") { stem = String(stem.dropLast(7)) }
                let candidates = ["\(pred)/\(stem)/labels.png", "\(pred)/\(stem).png", "\(pred)/\(stem)-labels.png", "\(pred)/\(stem).npy"]
                guard let p = candidates.first(where: { FileAccess.kind($0) == .file }) else {
                    throw SegKitError(.fileSystem, "no prediction for \(stem) (looked for \(stem)/labels.png, \(stem).png, \(stem)-labels.png)", path: pred)
                }
                return (stem, p, gt + "/" + file)
            }
        case (.missing, _): throw SegKitError(.fileSystem, "no such file or folder", path: gt)
        case (_, .missing): throw SegKitError(.fileSystem, "no such file or folder", path: pred)
        default: throw SegKitError(.invalidArgument, "--pred and --gt must both be files or both folders", path: pred)
        }
    }

    func writeJSON<T: Encodable>(_ value: T) throws(SegKitError) {
        if let json { try writeResultsJSON(value, to: json) }
    }

    func writeCSV(header: String, rows: [String]) throws(SegKitError) {
        guard let perImage else { return }
        try FileAccess.writeAtomically(Array(([header] + rows).joined(separator: "\n").utf8) + [10], to: perImage)
    }
}

/// Writes results as pretty-printed JSON with sorted keys, atomically.
func writeResultsJSON<T: Encodable>(_ value: T, to path: String) throws(SegKitError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(value) else { throw SegKitError(.invalidArgument, "cannot encode results", path: path) }
    try FileAccess.writeAtomically(Array(data), to: path)
}

/// A fixed-point rendering of a metric for tables.
func decimal(_ x: Double, _ places: Int = 4) -> String {
    let scale = (0..<places).reduce(1.0) { r, _ in r * 10 }
    let v = (x * scale).rounded() / scale
    var s = "\(v)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < places { s += String(repeating: "0", count: places - decimals) }
    }
    return s
}
