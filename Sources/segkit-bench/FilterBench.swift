import ArgumentParser
import SegKit

/// `segkit-bench filters`: box and guided filter times on arrays written by `bench/filters/run.py`
/// (reading and conversion are not timed).
struct FilterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "Median seconds of BoxFilter.mean and GuidedFilter.filter on .npy inputs (JSON line).")

    enum Task: String, ExpressibleByArgument { case box, guided }

    @Argument var task: Task
    @Option(help: "float32 (H, W[, C]) input p (box: the image to filter).")
    var input: String
    @Option(help: "uint8 (H, W) or (H, W, 3) guide (guided only), scaled to [0, 1].")
    var guide: String?
    @Option var radius: Int = 8
    @Option(help: "ε in [0, 1]² guide units.")
    var eps: Float = 1e-3
    @Option var repeats: Int = 5
    @Option(help: "Write the result here (.npy, float32 HWC) for the script to compare.")
    var output: String?

    func run() throws {
        let p = try NumpyArray.read(input).image()
        var result = p
        let seconds: (median: Double, min: Double, cpu: Double, all: [Double])
        switch task {
        case .box:
            seconds = Stopwatch.samples(repeats: repeats) { result = BoxFilter.mean(p, radius: radius) }
        case .guided:
            guard let guide else { throw ValidationError("--guide is required for the guided filter") }
            let g = try NumpyArray.read(guide).image()
            seconds = try Stopwatch.samples(repeats: repeats) {
                result = try GuidedFilter.filter(p, guide: g, radius: radius, epsilon: eps)
            }
        }
        if let output { try NumpyArray(result).write(to: output) }
        print("{\"task\": \"\(task.rawValue)\", \"seconds\": \(seconds.median), \"min_seconds\": \(seconds.min), \"cpu_seconds\": \(seconds.cpu), \"samples\": \(seconds.all), \"threads\": \(Parallel.threadCount), "
              + "\"width\": \(p.width), \"height\": \(p.height), \"channels\": \(p.channels)}")
    }
}
