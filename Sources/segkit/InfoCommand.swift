import ArgumentParser
import SegKit

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe image, label-map and .npy files.",
        discussion: """
            Images: format, size, channels and bit depth. Single-channel 16-bit PNGs are
            label maps (SegKit's format) and also report their number of labels; --labels
            reads every single-channel PNG that way. .npy files: dtype and shape.
            Every file is described even when one fails; the exit status is then 1.
            """)

    @Argument(help: "Files to describe (.png, .jpg, .jpeg, .npy).")
    var files: [String]

    @Flag(help: "Treat single-channel 8-bit and palette PNGs as label maps too.")
    var labels = false

    @OptionGroup var decoding: DecodingOptions

    func run() throws {
        var failed = false
        for file in files {
            do {
                print("\(file): \(try describe(file))")
            } catch {
                printError(error)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }

    func describe(_ path: String) throws(SegKitError) -> String {
        if FileAccess.fileExtension(path) == "npy" {
            let array = try NumpyArray.read(path)
            return "NPY \(array.dtype.rawValue), shape (\(array.shape.map(String.init).joined(separator: ", ")))"
        }
        let header = try ImageFile.header(path)
        let format = header.format == .png ? "PNG" : "JPEG"
        let palette = header.isPalette ? " (palette)" : ""
        var text = "\(format) \(header.width)×\(header.height), \(header.channels) channel\(header.channels == 1 ? "" : "s"), \(header.bitDepth)-bit\(palette)"
        let labelMap = header.format == .png && (header.bitDepth == 16 && header.channels == 1 && !header.isPalette
            || labels && (header.channels == 1 || header.isPalette))
        if labelMap {
            let map = try LabelPNG.read(path, maxPixels: decoding.maxPixels)
            let void = map.labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
            text += "; label map with \(map.segmentCount) label\(map.segmentCount == 1 ? "" : "s")"
            text += map.segmentCount > 0 ? " (ids 0…\(map.maxLabel)\(map.isContiguous ? ", contiguous" : ""))" : ""
            text += void > 0 ? ", \(void) void pixels" : ""
        }
        return text
    }
}
