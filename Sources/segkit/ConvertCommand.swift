import ArgumentParser
import SegKit

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between images, label-map PNGs and .npy arrays (formats from the extensions).",
        discussion: """
            What the input is:
              • a single-channel 16-bit PNG is a label map (65535 = void); other PNGs and
                JPEGs are images;
              • a 2-D integer or bool .npy is a label map (-1 = void); a float .npy (H×W or
                H×W×C) or a 3-D uint8/uint16 .npy is an image.
            Use --as to override. Conversions are exact: labels ⇄ 16-bit PNG ⇄ int32 .npy;
            8/16-bit images ⇄ uint8/uint16 .npy (H×W×C). Float .npy images must hold values
            in [0, 1] and become 8-bit images. Label values must lie in -1…65534 to be
            stored as PNG.
            Examples:
              segkit convert labels.npy labels.png
              segkit convert photo.jpg photo.npy --float
            """)

    enum Interpretation: String, ExpressibleByArgument, CaseIterable {
        case auto, labels, image
    }

    @Argument(help: "Input file (.png, .jpg, .jpeg, .npy).")
    var input: String

    @Argument(help: "Output file (.png, .jpg, .jpeg, .npy).")
    var output: String

    @Option(name: .customLong("as"), help: "Read the input as a label map or an image (auto | labels | image).")
    var interpretation: Interpretation = .auto

    @Flag(help: "Write images to .npy as float32 in [0, 1] instead of their integer samples.")
    var float = false

    @Option(help: "JPEG quality, 1–100.")
    var quality: Int = 92

    @OptionGroup var decoding: DecodingOptions

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must lie in 1…100") }
    }

    /// The decoded input.
    enum Raster {
        case labels(LabelMap)
        case image8(Image<UInt8>)
        case image16(Image<UInt16>)
        case imageFloat(Image<Float>)
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            try refuseOverwritingInputs(outputs: [output], inputs: [input])
            let outputExtension = FileAccess.fileExtension(output)
            guard outputExtension == "npy" || ImageFormat(fileExtension: outputExtension) != nil else {
                throw SegKitError(.unsupported, "unknown output extension \"\(outputExtension)\" (use .png, .jpg, .jpeg or .npy)", path: output)
            }
            let raster = try read()
            try write(raster, extension: outputExtension)
            print("wrote \(output) (\(describe(raster)))")
        }
    }

    func read() throws(SegKitError) -> Raster {
        if FileAccess.fileExtension(input) == "npy" {
            let array = try NumpyArray.read(input)
            do throws(SegKitError) {
                let labels = interpretation == .labels
                    || (interpretation == .auto && array.dtype.isInteger && array.shape.count == 2)
                if labels { return .labels(try array.labelMap()) }
                switch array.dtype {
                case .uint8:
                    return .image8(try array.image().converted(to: UInt8.self))
                case .uint16:
                    return .image16(try array.image().converted(to: UInt16.self))
                case .float32, .float64:
                    let image = try array.image()
                    if let bad = image.data.first(where: { !($0 >= 0 && $0 <= 1) }) {
                        throw SegKitError.invalidData("float image values must lie in [0, 1]; found \(bad)")
                    }
                    return .imageFloat(image)
                default:
                    throw SegKitError.unsupported("\(array.dtype.rawValue) arrays of shape \(array.shape) are neither label maps nor images")
                }
            } catch {
                throw error.at(path: input)
            }
        }
        let header = try ImageFile.header(input)
        let isLabelPNG = header.format == .png && header.channels == 1 && header.bitDepth == 16 && !header.isPalette
        if interpretation == .labels || (interpretation == .auto && isLabelPNG) {
            return .labels(try LabelPNG.read(input, maxPixels: decoding.maxPixels))
        }
        switch try ImageFile.read(input, options: decoding.decodeOptions).pixels {
        case .uint8(let image): return .image8(image)
        case .uint16(let image): return .image16(image)
        }
    }

    func write(_ raster: Raster, extension ext: String) throws(SegKitError) {
        switch (raster, ext) {
        case (.labels(let map), "npy"):
            try NumpyArray(map).write(to: output)
        case (.labels(let map), "png"):
            try LabelPNG.write(map, to: output)
        case (.labels, _):
            throw SegKitError(.unsupported, "label maps cannot be stored as JPEG (lossy); use .png or .npy", path: output)
        case (.image8(let image), "npy"):
            if float { try NumpyArray(image.converted(to: Float.self)).write(to: output) } else {
                try NumpyArray(image.interleaved(), shape: shape(of: image)).write(to: output)
            }
        case (.image16(let image), "npy"):
            if float { try NumpyArray(image.converted(to: Float.self)).write(to: output) } else {
                let samples = image.interleaved()
                let bytes = samples.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
                try NumpyArray(shape: shape(of: image), dtype: .uint16, littleEndianBytes: bytes).write(to: output)
            }
        case (.imageFloat(let image), "npy"):
            try NumpyArray(image).write(to: output)
        case (.image16(let image), "png"):
            try ImageFile.write(image, to: output)
        case (.image16(let image), _):
            try ImageFile.write(image.converted(to: UInt8.self), to: output, jpegQuality: quality)
        case (.image8(let image), _):
            try ImageFile.write(image, to: output, jpegQuality: quality)
        case (.imageFloat(let image), _):
            try ImageFile.write(image, to: output, jpegQuality: quality)
        }
    }

    func shape<S>(of image: Image<S>) -> [Int] {
        image.channels == 1 ? [image.height, image.width] : [image.height, image.width, image.channels]
    }

    func describe(_ raster: Raster) -> String {
        switch raster {
        case .labels(let map): "label map \(map.width)×\(map.height), \(map.segmentCount) labels"
        case .image8(let i): "image \(i.width)×\(i.height)×\(i.channels), 8-bit"
        case .image16(let i): "image \(i.width)×\(i.height)×\(i.channels), 16-bit"
        case .imageFloat(let i): "image \(i.width)×\(i.height)×\(i.channels), float"
        }
    }
}
