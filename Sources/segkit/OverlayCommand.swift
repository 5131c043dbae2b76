import ArgumentParser
import SegKit

struct OverlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract: "Draw a label map over an image.",
        discussion: """
            Each segment is tinted with a fixed distinct colour; void pixels stay untinted.
            LABELS is a label PNG or an integer .npy of the image's size.
            Example: segkit overlay photo.jpg labels.png -o overlay.png --boundaries
            """)

    @Argument(help: "The image (.png, .jpg).")
    var image: String

    @Argument(help: "The label map (.png or .npy) of the same width and height.")
    var labels: String

    @Option(name: .shortAndLong, help: "Output image (.png or .jpg).")
    var output: String

    @Option(help: "Opacity of the colour tint, 0–1.")
    var alpha: Float = 0.5

    @Flag(help: "Draw 1-pixel white boundaries between segments.")
    var boundaries = false

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard alpha >= 0 && alpha <= 1 else { throw ValidationError("--alpha must lie between 0 and 1") }
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            try refuseOverwritingInputs(outputs: [output], inputs: [image, labels])
            _ = try ImageFile.format(forWriting: output)
            let picture = try ImageFile.read(image, options: decoding.decodeOptions).floatImage()
            let map = try LabelMapFile.read(labels, maxPixels: decoding.maxPixels)
            guard map.width == picture.width, map.height == picture.height else {
                throw SegKitError(.shapeMismatch,
                                  "label map is \(map.width)×\(map.height) but the image \(image) is \(picture.width)×\(picture.height)",
                                  path: labels)
            }
            let drawn = try Overlay.render(image: picture, labels: map, alpha: alpha, boundaries: boundaries)
            try ImageFile.write(drawn, to: output)
            print("wrote \(output) (\(map.segmentCount) segments)")
        }
    }
}
