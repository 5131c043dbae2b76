import ArgumentParser
import Foundation
import SegKit

struct EvalSemanticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semantic",
        abstract: "Unsupervised semantic segmentation: cluster ids mapped to classes (Hungarian or majority), pixel accuracy, mIoU.",
        discussion: "Predictions hold cluster ids ≥ 0, ground truth class ids ≥ 0 (−1/65535 = ignore).")

    @OptionGroup var options: EvalOptions

    @Option(help: "hungarian (one-to-one) | majority (many-to-one, over-clustering).")
    var mapping: SemanticMetrics.Mapping = .hungarian

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let pairs = try options.pairs()
            var maps: [(LabelMap, LabelMap, String)] = []
            for (_, p, g) in pairs {
                maps.append((try LabelMapFile.read(p, maxPixels: options.decoding.maxPixels), try LabelMapFile.read(g, maxPixels: options.decoding.maxPixels), p))
            }
            let classes = Int(maps.map { $0.1.maxLabel }.max() ?? 0) + 1, clusters = Int(maps.map { $0.0.maxLabel }.max() ?? 0) + 1
            var matrix = SemanticMetrics.ConfusionMatrix(classes: max(classes, 1), clusters: max(clusters, 1))
            for (p, g, path) in maps { try SegKitError.attributed(to: path) { () throws(SegKitError) in try matrix.add(prediction: p, groundTruth: g) } }
            let r = try SemanticMetrics.evaluate(matrix, mapping: mapping)
            print("images  classes  clusters  mapping  pixel accuracy  mIoU")
            print("\(maps.count)  \(classes)  \(clusters)  \(mapping.rawValue)  \(decimal(r.pixelAccuracy))  \(decimal(r.meanIoU))")
            try options.writeJSON(r)
        }
    }
}

extension SemanticMetrics.Mapping: ExpressibleByArgument {}

struct EvalRegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "BSDS-style region metrics against one or more annotators: covering, PRI, VI, NFCovering.",
        discussion: """
            Annotators: a ground-truth folder NAME/ holding several label maps, files
            NAME_1.png, NAME_2.png…, a single NAME.png, or a BSDS500 ground-truth file
            NAME.mat (every human segmentation in it), so --gt BSDS500/data/groundTruth/test
            works as downloaded. Predictions: NAME.png, NAME/labels.png (the layout `segkit
            segment` writes), or a folder NAME/ with several maps: a hierarchy, one row per
            level.
            """)

    @Option(help: "Prediction label map or folder.")
    var pred: String
    @Option(help: "Ground-truth folder.")
    var gt: String
    @Option(help: "Ground-truth label excluded from NFCovering's foreground.")
    var background: Int32?
    @Option(help: "Write results as JSON.")
    var json: String?
    @OptionGroup var decoding: DecodingOptions

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: gt)) ?? []).map { entry -> String in
                var stem = baseName(entry)
                if let underscore = stem.lastIndex(of: "_"), Int(stem[stem.index(after: underscore)...]) != nil { stem = String(stem[..<underscore]) }
                return stem
            }).sorted()
            guard !names.isEmpty else { throw SegKitError(.invalidArgument, "no annotations found", path: gt) }
            var levels: [Int: [RegionMetrics.Report]] = [:]
            for name in names {
                var annotations: [LabelMap] = []
                for path in try files(gt, name) { annotations += try LabelMapFile.readAnnotations(path, maxPixels: decoding.maxPixels) }
                let predictions = try files(pred, name)
                guard !predictions.isEmpty else { throw SegKitError(.fileSystem, "no prediction for \(name)", path: pred) }
                for (level, path) in predictions.enumerated() {
                    let s = try LabelMapFile.read(path, maxPixels: decoding.maxPixels)
                    let r = try SegKitError.attributed(to: path) { () throws(SegKitError) in
                        try RegionMetrics.evaluate(segmentation: s, annotations: annotations, background: background)
                    }
                    levels[level, default: []].append(r)
                }
            }
            print("level  images  covering (best)  covering (mean)  PRI  VI  NFCovering")
            var summary: [[String: Double]] = []
            for level in levels.keys.sorted() {
                let rs = levels[level]!, n = Double(rs.count)
                func mean(_ f: (RegionMetrics.Report) -> Double) -> Double { rs.map(f).reduce(0, +) / n }
                let row = ["bestCovering": mean(\.bestCovering), "meanCovering": mean(\.meanCovering), "pri": mean(\.probabilisticRandIndex),
                           "vi": mean(\.variationOfInformation), "nfCovering": mean(\.nfCovering)]
                summary.append(row)
                print("\(level)  \(rs.count)  \(decimal(row["bestCovering"]!))  \(decimal(row["meanCovering"]!))  \(decimal(row["pri"]!))  \(decimal(row["vi"]!))  \(decimal(row["nfCovering"]!))")
            }
            if let json { try writeResultsJSON(summary, to: json) }
        }
    }

    /// NAME/labels.png, NAME/ folder contents, NAME_k files, or NAME.png / NAME.npy / NAME.mat.
    func files(_ folder: String, _ name: String) throws(SegKitError) -> [String] {
        if FileAccess.kind(folder) == .file { return [folder] }
        let sub = folder + "/" + name
        // The layout `segkit segment` writes: NAME/labels.png beside its overlay.
        if FileAccess.kind(sub + "/labels.png") == .file { return [sub + "/labels.png"] }
        if FileAccess.kind(sub) == .directory {
            return ((try? FileManager.default.contentsOfDirectory(atPath: sub)) ?? []).filter { ["png", "npy", "mat"].contains(FileAccess.fileExtension($0)) }
                .sorted().map { sub + "/" + $0 }
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let numbered = entries.filter { baseName($0).hasPrefix(name + "_") && Int(baseName($0).dropFirst(name.count + 1)) != nil }
            .sorted { Int(baseName($0).dropFirst(name.count + 1))! < Int(baseName($1).dropFirst(name.count + 1))! }
        if !numbered.isEmpty { return numbered.map { folder + "/" + $0 } }
        return ["png", "npy", "mat"].map { "\(folder)/\(name).\($0)" }.filter { FileAccess.kind($0) == .file }
    }
}

struct EvalSaliencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saliency",
        abstract: "Saliency / object discovery: pixel accuracy, IoU, maxFβ (β² = 0.3, 255 thresholds), CorLoc.",
        discussion: "Predictions: gray PNGs (0–255 → [0, 1]) or float .npy maps in [0, 1]. Ground truth: masks (non-zero = object).")

    @OptionGroup var options: EvalOptions

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            var accumulator = SaliencyMetrics.Accumulator()
            for (_, p, g) in try options.pairs() {
                let map: Image<Float> = FileAccess.fileExtension(p) == "npy"
                    ? try SegKitError.attributed(to: p) { () throws(SegKitError) in try NumpyArray.read(p).image() }
                    : try ImageFile.read(p, options: options.decoding.decodeOptions).floatImage().gray()
                let truth = try LabelMapFile.read(g, maxPixels: options.decoding.maxPixels)
                let mask = try Mask(width: truth.width, height: truth.height, pixels: truth.labels.map { $0 > 0 })
                try SegKitError.attributed(to: p) { () throws(SegKitError) in try accumulator.add(map: map.selecting(channels: [0]), groundTruth: mask) }
            }
            let s = accumulator.summary
            print("images  pixel accuracy  IoU  maxFβ  CorLoc")
            print("\(accumulator.images)  \(decimal(s.pixelAccuracy))  \(decimal(s.iou))  \(decimal(s.maxFBeta))  \(decimal(s.corLoc))")
            try options.writeJSON(s)
        }
    }
}

struct EvalInstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "COCO instance evaluation (identical to pycocotools COCOeval): the 12 summary numbers.",
        discussion: "--gt is a COCO instance JSON, --pred a COCO results JSON (a list of detections).")

    @Option(help: "Results JSON.")
    var pred: String
    @Option(help: "Ground-truth COCO JSON.")
    var gt: String
    @Option(help: "segm | bbox | boundary")
    var type: COCOEvaluation.IoUType = .segm
    @Flag(help: "Class-agnostic evaluation (useCats = 0).")
    var classAgnostic = false
    @Option(help: "Write the stats as JSON.")
    var json: String?

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let dataset = try COCODataset.read(gt)
            let results = try COCOResult.readList(pred)
            var p = COCOEvaluation.Parameters()
            p.useCategories = !classAgnostic
            let r = try SegKitError.attributed(to: pred) { () throws(SegKitError) in try dataset.evaluate(results: results, type: type, parameters: p) }
            let rows = [("Average Precision", "0.50:0.95", "all", 100), ("Average Precision", "0.50", "all", 100), ("Average Precision", "0.75", "all", 100),
                        ("Average Precision", "0.50:0.95", "small", 100), ("Average Precision", "0.50:0.95", "medium", 100),
                        ("Average Precision", "0.50:0.95", "large", 100), ("Average Recall", "0.50:0.95", "all", 1),
                        ("Average Recall", "0.50:0.95", "all", 10), ("Average Recall", "0.50:0.95", "all", 100),
                        ("Average Recall", "0.50:0.95", "small", 100), ("Average Recall", "0.50:0.95", "medium", 100), ("Average Recall", "0.50:0.95", "large", 100)]
            for (i, row) in rows.enumerated() {
                let kind = row.0 == "Average Precision" ? "(AP)" : "(AR)"
                print(" \(row.0.padding(toLength: 18, withPad: " ", startingAt: 0)) \(kind) @[ IoU=\(row.1.padding(toLength: 9, withPad: " ", startingAt: 0)) | area=\(row.2.padding(toLength: 6, withPad: " ", startingAt: 0)) | maxDets=\(String(row.3).padding(toLength: 3, withPad: " ", startingAt: 0)) ] = \(decimal(r.stats[i], 3))")
            }
            if let json { try writeResultsJSON(["stats": r.stats], to: json) }
        }
    }
}

extension COCOEvaluation.IoUType: ExpressibleByArgument {}

struct EvalPanopticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panoptic",
        abstract: "Panoptic quality PQ/SQ/RQ (All, Things, Stuff), identical to panopticapi's pq_compute.",
        discussion: "COCO panoptic format: --gt-json/--pred-json list the segments, --gt/--pred are the PNG folders.")

    @Option(help: "Ground-truth PNG folder.") var gt: String
    @Option(help: "Ground-truth panoptic JSON.") var gtJson: String
    @Option(help: "Prediction PNG folder.") var pred: String
    @Option(help: "Prediction panoptic JSON.") var predJson: String
    @Option(help: "Write results as JSON.") var json: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let truth = try COCOPanoptic.read(gtJson), prediction = try COCOPanoptic.read(predJson)
            guard truth.categories != nil else { throw SegKitError(.invalidData, "ground-truth JSON has no categories", path: gtJson) }
            var progress = Progress(total: truth.annotations.count, label: "eval", quiet: quiet)
            let r = try SegKitError.attributed(to: predJson) { () throws(SegKitError) in
                try truth.evaluate(folder: gt, prediction: prediction, folder: pred) { done in
                    while progress.done < done { progress.advance() }
                }
            }
            print("          |    PQ     SQ     RQ     N")
            for (name, s) in [("All", r.all), ("Things", r.things), ("Stuff", r.stuff)] {
                print("\(name.padding(toLength: 10, withPad: " ", startingAt: 0))| \(decimal(s.pq * 100, 1))  \(decimal(s.sq * 100, 1))  \(decimal(s.rq * 100, 1))  \(s.count)")
            }
            if let json { try writeResultsJSON(r, to: json) }
        }
    }
}
