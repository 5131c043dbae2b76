/// Image file formats SegKit reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png
    case jpeg

    /// The format whose signature starts `bytes`, or nil.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        let head = Array(bytes.prefix(8))
        if head.count >= 8 && head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension asks for (`.png`, `.jpg`, `.jpeg`), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        default: return nil
        }
    }
}

/// Decoded samples at the file's own precision.
public enum DecodedPixels: Sendable, Equatable {
    case uint8(Image<UInt8>)
    case uint16(Image<UInt16>)

    public var width: Int {
        switch self {
        case .uint8(let i): i.width
        case .uint16(let i): i.width
        }
    }

    public var height: Int {
        switch self {
        case .uint8(let i): i.height
        case .uint16(let i): i.height
        }
    }

    public var channels: Int {
        switch self {
        case .uint8(let i): i.channels
        case .uint16(let i): i.channels
        }
    }

    /// Samples as Float in [0, 1] (255 or 65535 → 1).
    public func floatImage() -> Image<Float> {
        switch self {
        case .uint8(let i): i.converted(to: Float.self)
        case .uint16(let i): i.converted(to: Float.self)
        }
    }
}

/// A decoded image file: its pixels plus what the file said about them.
public struct DecodedImage: Sendable, Equatable {
    public var pixels: DecodedPixels
    public var format: ImageFormat
    /// Bits per sample stored in the file (1, 2, 4, 8 or 16).
    public var fileBitDepth: Int
    /// True for palette-based PNGs.
    public var isPalette: Bool
    /// EXIF orientation found in the file (1–8; 1 when absent). Decoding has already applied it.
    public var exifOrientation: Int

    /// The pixels as Float in [0, 1].
    public func floatImage() -> Image<Float> { pixels.floatImage() }
}

/// Decoder settings shared by all formats.
public struct DecodeOptions: Sendable, Equatable {
    /// Images with more pixels than this are refused before decoding (width × height).
    /// Default 100 000 000 (100 MP).
    public var maxPixels: Int = 100_000_000
    /// PNG palette images: return palette indices as one gray channel instead of colours
    /// (how indexed label maps are read). Default false.
    public var keepPaletteIndices: Bool = false
    /// JPEG: apply the EXIF orientation so the image is upright. Default true.
    public var applyExifOrientation: Bool = true

    public init(maxPixels: Int = 100_000_000, keepPaletteIndices: Bool = false, applyExifOrientation: Bool = true) {
        self.maxPixels = maxPixels
        self.keepPaletteIndices = keepPaletteIndices
        self.applyExifOrientation = applyExifOrientation
    }

    func checkSize(width: Int, height: Int) throws(SegKitError) {
        guard width > 0, height > 0 else { throw .invalidData("image has zero size (\(width)×\(height))") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw SegKitError(.limitExceeded, "image is \(width)×\(height), above the limit of \(maxPixels) pixels")
        }
    }
}
