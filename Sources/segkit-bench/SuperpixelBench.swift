import ArgumentParser
import SegKit

/// `segkit-bench superpixels`: SLIC superpixel time on an image file (decoding is not timed; the
/// CIELAB conversion and connectivity enforcement are, as in the peers).
struct SuperpixelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "superpixels",
        abstract: "Median seconds of Superpixels.segment(image:) (JSON line); writes the labels as .npy.")

    @Option var image: String
    @Option(name: [.customShort("n"), .long]) var segments: Int = 1000
    @Option var compactness: Float = 10
    @Option var iterations: Int = 10
    @Option var repeats: Int = 5
    @Option(help: "Untimed calls before the timed ones (the first call of a process is reported as cold_seconds).")
    var warmup: Int = 1
    @Option(help: "Write the labels here (.npy int32).")
    var output: String?

    func run() throws {
        let picture = try ImageFile.read(image).floatImage()
        var configuration = Superpixels.Configuration(segmentCount: segments)
        configuration.compactness = compactness
        configuration.iterations = iterations
        var labels = LabelMap(width: 1, height: 1, repeating: 0)
        let cold = try Stopwatch.time { labels = try Superpixels.segment(image: picture, configuration: configuration) }
        let seconds = try Stopwatch.samples(repeats: repeats, warmup: max(0, warmup - 1)) {
            labels = try Superpixels.segment(image: picture, configuration: configuration)
        }
        if let output { try NumpyArray(labels).write(to: output) }
        print("{\"seconds\": \(seconds.median), \"cold_seconds\": \(cold), \"min_seconds\": \(seconds.min), \"cpu_seconds\": \(seconds.cpu), \"samples\": \(seconds.all), \"threads\": \(Parallel.threadCount), \"segments\": \(labels.segmentCount), "
              + "\"width\": \(picture.width), \"height\": \(picture.height)}")
    }
}
