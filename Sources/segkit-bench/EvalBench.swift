import ArgumentParser
import SegKit

/// `segkit-bench eval`: COCO instance evaluation and panoptic quality timings (bench/evaluation).
struct EvalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Times COCO evaluation and PQ (JSON lines).", subcommands: [Instance.self, Panoptic.self])

    /// Parses the JSON files, then times the library call on the parsed data.
    struct Instance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Median seconds of JSON parsing and of COCODataset.evaluate(results:type:) per thread count.")

        @Option var gt: String
        @Option var pred: String
        @Option var type: String = "segm"
        @Option var repeats: Int = 3
        @Option(help: "Thread counts to time (repeatable).") var threads: [Int] = []

        func run() throws {
            guard let kind = COCOEvaluation.IoUType(rawValue: type) else { throw ValidationError("unknown type \(type)") }
            var dataset: COCODataset?, results: [COCOResult] = []
            let parse = try Stopwatch.median(repeats: repeats, warmup: 0) {
                dataset = try COCODataset.read(gt)
                results = try COCOResult.readList(pred)
            }
            var times: [String] = [], stats: [Double] = []
            for t in threads.isEmpty ? [Parallel.threadCount] : threads {
                let seconds = try Parallel.withThreadLimit(t) {
                    try Stopwatch.median(repeats: repeats, warmup: 0) {
                        stats = try dataset!.evaluate(results: results, type: kind).stats
                    }
                }
                times.append("\"\(t)\": \(seconds)")
            }
            print("{\"parse\": \(parse), \"evaluate\": {\(times.joined(separator: ", "))}, \"stats\": \(stats)}")
        }
    }

    /// Times the stages of PQ: reading the PNGs, and PQ on already-decoded pairs.
    struct Panoptic: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seconds of panoptic evaluation (whole) for each thread count.")

        @Option var gt: String
        @Option var gtJson: String
        @Option var pred: String
        @Option var predJson: String
        @Option var repeats: Int = 3
        @Option(help: "Thread counts to time (repeatable).") var threads: [Int] = []

        func run() throws {
            var truth: COCOPanoptic?, prediction: COCOPanoptic?
            let parse = try Stopwatch.median(repeats: repeats, warmup: 0) {
                truth = try COCOPanoptic.read(gtJson)
                prediction = try COCOPanoptic.read(predJson)
            }
            var times: [String] = [], pq = 0.0
            for t in threads.isEmpty ? [Parallel.threadCount] : threads {
                let seconds = try Parallel.withThreadLimit(t) {
                    try Stopwatch.median(repeats: repeats, warmup: 0) {
                        pq = try truth!.evaluate(folder: gt, prediction: prediction!, folder: pred).all.pq
                    }
                }
                times.append("\"\(t)\": \(seconds)")
            }
            print("{\"parse\": \(parse), \"evaluate\": {\(times.joined(separator: ", "))}, \"pq\": \(pq)}")
        }
    }
}
