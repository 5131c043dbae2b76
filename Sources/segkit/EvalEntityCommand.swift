import ArgumentParser
import Foundation
import SegKit

struct EvalEntityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entity",
        abstract: "Class-agnostic entity metrics: mIoU, Boundary IoU and Recall@0.5 (bottom-up paper, Tables 1–3).",
        discussion: """
            Each ground-truth segment is matched to the predicted segment of highest IoU;
            extra predicted segments are not penalised. Void (−1 / 65535) ground-truth
            pixels are ignored. Dataset numbers pool all ground-truth segments. With
            --baseline (a JSON written by --json), Δ% columns compare.
            Example: segkit eval entity --pred out/ --gt data/test --json results.json
            """)

    @OptionGroup var options: EvalOptions

    @Option(help: "A previous --json result to compare with (Δ%).")
    var baseline: String?

    struct Output: Codable {
        var summary: EntityMetrics.Summary
        var images: [String: EntityMetrics.ImageReport]
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let pairs = try options.pairs()
            var base: EntityMetrics.Summary?
            if let baseline {
                let data = try FileAccess.read(baseline)
                base = try SegKitError.attributed(to: baseline) { () throws(SegKitError) in
                    try COCOJSON.decode(Output.self, from: data).summary
                }
            }
            var progress = Progress(total: pairs.count, label: "eval", quiet: options.quiet)
            var reports: [String: EntityMetrics.ImageReport] = [:], ordered: [EntityMetrics.ImageReport] = []
            var rows: [String] = []
            for (name, predPath, gtPath) in pairs {
                let prediction = try LabelMapFile.read(predPath, maxPixels: options.decoding.maxPixels)
                let truth = try LabelMapFile.read(gtPath, maxPixels: options.decoding.maxPixels)
                let report = try SegKitError.attributed(to: predPath) { () throws(SegKitError) in
                    try EntityMetrics.evaluate(prediction: prediction, groundTruth: truth)
                }
                reports[name] = report
                ordered.append(report)
                rows.append("\(name),\(report.bestIoU.count),\(report.predictedSegments),\(decimal(report.meanIoU)),\(decimal(report.meanBoundaryIoU)),\(decimal(report.recall))")
                progress.advance(name)
            }
            let summary = EntityMetrics.Summary(ordered)
            func delta(_ value: Double, _ reference: Double?) -> String {
                guard let reference, reference != 0 else { return "" }
                let d = (value - reference) / reference * 100
                return " (\(d >= 0 ? "+" : "")\(decimal(d, 1))%)"
            }
            print("images  GT segments  predicted/image  mIoU\(base == nil ? "" : " (Δ%)")  Boundary IoU  Recall@0.5")
            print("\(summary.images)  \(summary.groundTruthSegments)  \(decimal(summary.meanPredictedSegments, 1))  "
                + "\(decimal(summary.meanIoU))\(delta(summary.meanIoU, base?.meanIoU))  "
                + "\(decimal(summary.meanBoundaryIoU))\(delta(summary.meanBoundaryIoU, base?.meanBoundaryIoU))  "
                + "\(decimal(summary.recall))\(delta(summary.recall, base?.recall))")
            try options.writeJSON(Output(summary: summary, images: reports))
            try options.writeCSV(header: "image,gt_segments,predicted_segments,miou,boundary_iou,recall", rows: rows)
        }
    }
}

struct EvalSuperpixelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "superpixels",
        abstract: "Superpixel quality: ASA, boundary recall, undersegmentation error, compactness, count.",
        discussion: """
            Ground truth with several annotators (a BSDS500 groundTruth/NAME.mat) is scored
            against each human segmentation and the metrics are averaged over them, per
            image.
            """)

    @OptionGroup var options: EvalOptions

    @Option(help: "Boundary-recall tolerance in pixels.")
    var tolerance: Int = 2

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            let pairs = try options.pairs()
            var progress = Progress(total: pairs.count, label: "eval", quiet: options.quiet)
            var reports: [String: SuperpixelMetrics.Report] = [:], rows: [String] = []
            for (name, predPath, gtPath) in pairs {
                let sp = try LabelMapFile.read(predPath, maxPixels: options.decoding.maxPixels)
                let truths = try LabelMapFile.readAnnotations(gtPath, maxPixels: options.decoding.maxPixels)
                let each = try SegKitError.attributed(to: predPath) { () throws(SegKitError) in
                    try truths.map { (truth) throws(SegKitError) in try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: truth, tolerance: tolerance) }
                }
                var r = each[0]
                if each.count > 1 {
                    func mean(_ f: (SuperpixelMetrics.Report) -> Double) -> Double { each.map(f).reduce(0, +) / Double(each.count) }
                    r.achievableSegmentationAccuracy = mean(\.achievableSegmentationAccuracy)
                    r.boundaryRecall = mean(\.boundaryRecall)
                    r.undersegmentationError = mean(\.undersegmentationError)
                    r.compactness = mean(\.compactness)
                }
                reports[name] = r
                rows.append("\(name),\(r.segmentCount),\(decimal(r.achievableSegmentationAccuracy)),\(decimal(r.boundaryRecall)),\(decimal(r.undersegmentationError)),\(decimal(r.compactness))")
                progress.advance(name)
            }
            let all = Array(reports.values), n = Double(max(all.count, 1))
            func mean(_ f: (SuperpixelMetrics.Report) -> Double) -> String { decimal(all.map(f).reduce(0, +) / n) }
            print("images  superpixels/image  ASA  boundary recall  undersegmentation error  compactness")
            print("\(all.count)  \(mean { Double($0.segmentCount) })  \(mean(\.achievableSegmentationAccuracy))  \(mean(\.boundaryRecall))  "
                + "\(mean(\.undersegmentationError))  \(mean(\.compactness))")
            try options.writeJSON(reports)
            try options.writeCSV(header: "image,segments,asa,boundary_recall,undersegmentation_error,compactness", rows: rows)
        }
    }
}
