import ArgumentParser
import SegKit

/// `segkit-bench rle`: COCO RLE encode/decode/area/toBbox over a stack of masks from a .npy file.
struct RLEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rle", abstract: "Median seconds to encode/decode/area/toBbox every mask of an (N, H, W) uint8 .npy (JSON line).")

    @Option var masks: String
    @Option var repeats: Int = 5

    func run() throws {
        let array = try NumpyArray.read(masks)
        guard array.shape.count == 3, array.dtype == .uint8 || array.dtype == .bool else {
            throw ValidationError("expected an (N, H, W) uint8 array")
        }
        let (n, h, w) = (array.shape[0], array.shape[1], array.shape[2])
        let list: [Mask] = try (0..<n).map { i in
            try Mask(width: w, height: h, pixels: array.bytes[(i * h * w)..<((i + 1) * h * w)].map { $0 != 0 })
        }
        var rles: [RunLengthMask] = []
        let encode = Stopwatch.median(repeats: repeats) { rles = list.map(RunLengthMask.init) }
        let encodeParallel = Stopwatch.median(repeats: repeats) { rles = RunLengthMask.encode(list) }
        let decode = Stopwatch.median(repeats: repeats) { for r in rles { _ = r.mask() } }
        var total = 0
        let area = Stopwatch.median(repeats: repeats) { total = rles.reduce(0) { $0 + $1.area } }
        var boxes = 0.0
        let bbox = Stopwatch.median(repeats: repeats) { boxes = rles.reduce(0) { $0 + $1.boundingBox.width } }
        let strings = Stopwatch.median(repeats: repeats) { _ = rles.map(\.compressedString) }
        print("{\"encode\": \(encode), \"encode_parallel\": \(encodeParallel), \"threads\": \(Parallel.threadCount), \"decode\": \(decode), \"area\": \(area), \"toBbox\": \(bbox), \"toString\": \(strings), \"check\": [\(total), \(boxes)]}")
    }
}
