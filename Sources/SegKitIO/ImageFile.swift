/// Reading and writing image files by path: PNG and JPEG, detected by content when reading and
/// chosen by extension (`.png`, `.jpg`, `.jpeg`) when writing. Errors name the file.
public enum ImageFile {
    /// Decodes the image at `path`.
    /// - Throws: `SegKitError` naming `path`: missing or unreadable file, unknown format, corrupt
    ///   or truncated data, zero size, or more pixels than `options.maxPixels`.
    public static func read(_ path: String, options: DecodeOptions = .init()) throws(SegKitError) -> DecodedImage {
        try FileAccess.withContents(of: path) { raw throws(SegKitError) in try decode(raw, options: options) }
    }

    /// Decodes PNG or JPEG bytes (format detected from the signature).
    public static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = .init()) throws(SegKitError) -> DecodedImage {
        switch ImageFormat.detect(bytes) {
        case .png: return try PNGCodec.decode(bytes, options: options)
        case .jpeg: return try JPEGCodec.decode(bytes, options: options)
        case nil:
            if bytes.isEmpty { throw .invalidData("empty file") }
            throw .unsupported("not a PNG or JPEG image (unrecognised file signature)")
        }
    }

    /// Format, size, channels and bit depth read from the header only.
    public struct Header: Sendable, Equatable {
        public var format: ImageFormat
        public var width: Int
        public var height: Int
        /// Channels after decoding (palette PNGs decode to RGB or RGBA).
        public var channels: Int
        /// Bits per sample stored in the file.
        public var bitDepth: Int
        public var isPalette: Bool
    }

    /// The header of the image at `path`, without decoding pixels.
    public static func header(_ path: String) throws(SegKitError) -> Header {
        try FileAccess.withContents(of: path) { raw throws(SegKitError) -> Header in
                switch ImageFormat.detect(raw) {
                case .png:
                    let h = try PNGCodec.header(raw)
                    return Header(format: .png, width: h.width, height: h.height, channels: h.channels, bitDepth: h.bitDepth,
                                  isPalette: h.isPalette)
                case .jpeg:
                    let h = try JPEGCodec.header(raw)
                    return Header(format: .jpeg, width: h.width, height: h.height, channels: h.channels, bitDepth: 8,
                                  isPalette: false)
                case nil:
                    throw raw.isEmpty ? .invalidData("empty file") : .unsupported("not a PNG or JPEG image (unrecognised file signature)")
                }
        }
    }

    /// Writes an 8-bit image; the format follows the extension of `path`.
    /// - Parameter jpegQuality: 1–100 for JPEG output, default 92.
    /// - Throws: `SegKitError` for an unknown extension, a channel count the format cannot hold,
    ///   or a file-system failure. Nothing is left at `path` on failure.
    public static func write(_ image: Image<UInt8>, to path: String, jpegQuality: Int = 92) throws(SegKitError) {
        let bytes: [UInt8]
        do {
            switch try format(forWriting: path) {
            case .png: bytes = try PNGCodec.encode(image)
            case .jpeg: bytes = try JPEGCodec.encode(image, quality: jpegQuality)
            }
        } catch {
            throw error.at(path: path)
        }
        try FileAccess.writeAtomically(bytes, to: path)
    }

    /// Writes a 16-bit image (PNG only).
    public static func write(_ image: Image<UInt16>, to path: String) throws(SegKitError) {
        guard try format(forWriting: path) == .png else {
            throw SegKitError(.unsupported, "16-bit images can only be written as PNG", path: path)
        }
        let bytes: [UInt8]
        do { bytes = try PNGCodec.encode(image) } catch { throw error.at(path: path) }
        try FileAccess.writeAtomically(bytes, to: path)
    }

    /// Writes a Float image in [0, 1] as 8-bit (values clamped and rounded).
    public static func write(_ image: Image<Float>, to path: String, jpegQuality: Int = 92) throws(SegKitError) {
        try write(image.converted(to: UInt8.self), to: path, jpegQuality: jpegQuality)
    }

    /// The format `path`'s extension asks for.
    public static func format(forWriting path: String) throws(SegKitError) -> ImageFormat {
        let ext = FileAccess.fileExtension(path)
        guard let format = ImageFormat(fileExtension: ext) else {
            throw SegKitError(.unsupported, "unknown image extension \"\(ext)\" (use .png, .jpg or .jpeg)", path: path)
        }
        return format
    }
}
