import CSegKitPNG

/// PNG decoding and encoding through libpng (all colour types; 1–16-bit; interlaced; palette
/// with transparency). 16-bit samples are returned exactly as stored (no gamma conversion).
public enum PNGCodec {
    /// Decodes PNG bytes.
    /// - Throws: `SegKitError` (`.invalidData`) for corrupt or truncated data, `.limitExceeded`
    ///   above `options.maxPixels`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = .init()) throws(SegKitError) -> DecodedImage {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .invalidData("empty file, not a PNG")
        }
        let keep: Int32 = options.keepPaletteIndices ? 1 : 0
        var info = skpng_info()
        guard skpng_read_info(base, bytes.count, keep, &info) == 0 else { throw .invalidData(message(info)) }
        let w = Int(info.width), h = Int(info.height), c = Int(info.channels)
        try options.checkSize(width: w, height: h)
        let bytesPerSample = Int(info.bit_depth) / 8
        let count = w * h * c
        let pixels = try ScratchBuffer.shared.withBytes(count * bytesPerSample) { (raw) throws(SegKitError) -> DecodedPixels in
            guard skpng_decode(base, bytes.count, keep, raw.baseAddress, raw.count, &info) == 0 else {
                throw .invalidData(message(info))
            }
            if bytesPerSample == 2 {
                return .uint16(try Image(width: w, height: h, channels: c, interleaved: UnsafeBufferPointer(raw.bindMemory(to: UInt16.self))))
            }
            return .uint8(try Image(width: w, height: h, channels: c, interleaved: UnsafeBufferPointer(raw.bindMemory(to: UInt8.self))))
        }
        return DecodedImage(pixels: pixels, format: .png, fileBitDepth: Int(info.file_bit_depth),
                            isPalette: info.has_palette != 0, exifOrientation: 1)
    }

    /// Decodes 8-bit PNG bytes into `buffer` (grown as needed) as interleaved samples, in one
    /// libpng pass and without zlib's Adler-32 check of the image data (the chunk CRC-32s, which
    /// libpng verifies, cover the same bytes). Returns nil, having decoded nothing, when the
    /// samples are 16-bit.
    /// - Throws: as ``decode(_:options:)``.
    static func decodeInterleaved8(_ bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8], maxPixels: Int)
        throws(SegKitError) -> (width: Int, height: Int, channels: Int)?
    {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .invalidData("empty file, not a PNG") }
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 1 << 16) }
        var info = skpng_info()
        var status = buffer.withUnsafeMutableBytes { skpng_decode_ex(base, bytes.count, 0, $0.baseAddress, $0.count, SKPNG_SKIP_ADLER32, &info) }
        let w = Int(info.width), h = Int(info.height), c = Int(info.channels)
        if status == 0 || status == 2 { try DecodeOptions(maxPixels: maxPixels).checkSize(width: w, height: h) }
        if status == 2 {
            guard info.bit_depth == 8 else { return nil }
            buffer = [UInt8](repeating: 0, count: w * h * c + 8)  // slack for readers' whole-word loads
            status = buffer.withUnsafeMutableBytes { skpng_decode_ex(base, bytes.count, 0, $0.baseAddress, $0.count, SKPNG_SKIP_ADLER32, &info) }
        }
        guard status == 0 else { throw .invalidData(message(info)) }
        guard info.bit_depth == 8 else { return nil }
        return (w, h, c)
    }

    /// Header facts without decoding pixels: (width, height, channels after expansion, file bit depth, palette).
    public static func header(_ bytes: UnsafeRawBufferPointer) throws(SegKitError)
        -> (width: Int, height: Int, channels: Int, bitDepth: Int, isPalette: Bool)
    {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .invalidData("empty file, not a PNG") }
        var info = skpng_info()
        guard skpng_read_info(base, bytes.count, 0, &info) == 0 else { throw .invalidData(message(info)) }
        return (Int(info.width), Int(info.height), Int(info.channels), Int(info.file_bit_depth), info.has_palette != 0)
    }

    /// zlib level used by default: 1, with the SUB filter and run-length strategy — fast, and
    /// what OpenCV does by default.
    public static let defaultCompressionLevel = 1

    /// Encodes an 8-bit image with 1–4 channels.
    public static func encode(_ image: Image<UInt8>, compressionLevel: Int = defaultCompressionLevel) throws(SegKitError) -> [UInt8] {
        try encode(image, depth: 8, compressionLevel)
    }

    /// Encodes a 16-bit image with 1–4 channels.
    public static func encode(_ image: Image<UInt16>, compressionLevel: Int = defaultCompressionLevel) throws(SegKitError) -> [UInt8] {
        try encode(image, depth: 16, compressionLevel)
    }

    /// Encodes one byte per pixel as a palette PNG with up to 256 RGB `palette` entries.
    public static func encodePalette(indices: [UInt8], width: Int, height: Int, palette: [(UInt8, UInt8, UInt8)],
                                     compressionLevel: Int = defaultCompressionLevel) throws(SegKitError) -> [UInt8] {
        guard indices.count == width * height, (1...256).contains(palette.count) else {
            throw .invalidArgument("palette PNG needs width × height indices and 1–256 colours")
        }
        let flat = palette.flatMap { [$0.0, $0.1, $0.2] }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var text = [CChar](repeating: 0, count: 200)
        let status = indices.withUnsafeBufferPointer { ip in
            flat.withUnsafeBufferPointer { pp in
                skpng_encode_palette(ip.baseAddress, UInt32(width), UInt32(height), pp.baseAddress, Int32(palette.count),
                                     Int32(compressionLevel), &out, &size, &text, text.count)
            }
        }
        return try collect(status, out, size, text)
    }

    private static func encode<S: ImageScalar>(_ image: Image<S>, depth: Int, _ level: Int) throws(SegKitError) -> [UInt8] {
        let w = image.width, h = image.height, c = image.channels
        guard (1...4).contains(c) else { throw .unsupported("PNG holds 1 to 4 channels, the image has \(c)") }
        guard w <= 0x7fff_ffff, h <= 0x7fff_ffff else { throw SegKitError(.limitExceeded, "image too large for PNG") }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var text = [CChar](repeating: 0, count: 200)
        let status = try ScratchBuffer.shared.withBytes(image.data.count * MemoryLayout<S>.stride) { raw in
            image.interleave(into: raw)
            return skpng_encode(raw.baseAddress, UInt32(w), UInt32(h), Int32(c), Int32(depth), Int32(max(0, min(9, level))),
                                &out, &size, &text, text.count)
        }
        return try collect(status, out, size, text)
    }

    private static func collect(_ status: Int32, _ out: UnsafeMutablePointer<UInt8>?, _ size: Int, _ text: [CChar]) throws(SegKitError) -> [UInt8] {
        defer { skpng_free(out) }
        guard status == 0, let out else {
            let m = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .invalidArgument("PNG encoding failed: \(m.isEmpty ? "libpng error" : m)")
        }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    private static func message(_ info: skpng_info) -> String {
        var copy = info
        let text = withUnsafeBytes(of: &copy.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "corrupt PNG data" : (text.hasPrefix("not a PNG") ? text : "corrupt PNG: \(text)")
    }
}
