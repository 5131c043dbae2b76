import CTurboJPEG

/// JPEG decoding and encoding through TurboJPEG (libjpeg-turbo's 2.x API): baseline and
/// progressive, gray, RGB/YCbCr and CMYK/YCCK input; EXIF orientation applied on decode.
public enum JPEGCodec {
    /// Decodes JPEG bytes to 8-bit gray (1 channel) or RGB (3 channels).
    ///
    /// CMYK files (Adobe's inverted convention) are converted to RGB. A file that ends before its
    /// image data is complete is an error (TurboJPEG merely warns); other warnings, such as
    /// extraneous bytes between markers, are tolerated.
    /// - Throws: `SegKitError` (`.invalidData`) for corrupt or truncated data, `.limitExceeded`
    ///   above `options.maxPixels`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = .init()) throws(SegKitError) -> DecodedImage {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count >= 4 else {
            throw .invalidData("not a JPEG file (too short)")
        }
        guard let handle = tjInitDecompress() else { throw .invalidData("cannot initialise the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw .invalidData("corrupt JPEG: \(errorText(handle))")
        }
        let w = Int(width), h = Int(height)
        try options.checkSize(width: w, height: h)
        let gray = colorspace == Int32(TJCS_GRAY.rawValue)
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let format = gray ? TJPF_GRAY : (cmyk ? TJPF_CMYK : TJPF_RGB)
        let decodedChannels = gray ? 1 : (cmyk ? 4 : 3)
        var image = try ScratchBuffer.shared.withBytes(w * h * decodedChannels) { (raw) throws(SegKitError) -> Image<UInt8> in
            let samples = raw.bindMemory(to: UInt8.self)
            let status = tjDecompress2(handle, base, UInt(bytes.count), samples.baseAddress, width, 0, height,
                                       Int32(format.rawValue), 0)
            if status != 0 {
                let text = errorText(handle)
                let fatal = tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue)
                if fatal || text.localizedPrematureEnd { throw .invalidData("corrupt or truncated JPEG: \(text)") }
            }
            if cmyk {
                // Adobe's inverted CMYK: R = C·K/255, written over the first three bytes of each pixel.
                for i in 0..<(w * h) {
                    let k = UInt16(samples[4 * i + 3])
                    for c in 0..<3 { samples[3 * i + c] = UInt8(UInt16(samples[4 * i + c]) * k / 255) }
                }
            }
            let channels = cmyk ? 3 : decodedChannels
            return try Image<UInt8>(width: w, height: h, channels: channels,
                                    interleaved: UnsafeBufferPointer(rebasing: samples[0..<(w * h * channels)]))
        }
        let orientation = ExifOrientation.read(jpeg: bytes)
        if options.applyExifOrientation { image = ExifOrientation.apply(orientation, to: image) }
        return DecodedImage(pixels: .uint8(image), format: .jpeg, fileBitDepth: 8, isPalette: false, exifOrientation: orientation)
    }

    /// Size and channel count (1 gray, 3 colour) from the header.
    public static func header(_ bytes: UnsafeRawBufferPointer) throws(SegKitError) -> (width: Int, height: Int, channels: Int) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count >= 4 else {
            throw .invalidData("not a JPEG file (too short)")
        }
        guard let handle = tjInitDecompress() else { throw .invalidData("cannot initialise the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw .invalidData("corrupt JPEG: \(errorText(handle))")
        }
        let orientation = ExifOrientation.read(jpeg: bytes)
        let swap = orientation >= 5 && orientation <= 8
        return (Int(swap ? height : width), Int(swap ? width : height), colorspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3)
    }

    /// Chroma subsampling used when encoding colour images.
    public enum ChromaSubsampling: Sendable {
        /// 4:2:0, the libjpeg / OpenCV / Pillow default.
        case s420
        /// 4:4:4, no subsampling (sharper colour edges, larger files).
        case s444
    }

    /// Encodes an 8-bit gray (1 channel) or RGB (3 channels; alpha of 4-channel images dropped)
    /// image.
    /// - Parameter quality: 1–100, default 92.
    public static func encode(_ image: Image<UInt8>, quality: Int = 92, subsampling: ChromaSubsampling = .s420) throws(SegKitError) -> [UInt8] {
        guard (1...100).contains(quality) else { throw .invalidArgument("JPEG quality must be in 1...100, got \(quality)") }
        let source: Image<UInt8>
        switch image.channels {
        case 1, 3: source = image
        case 2: source = image.selecting(channels: [0])
        case 4: source = image.selecting(channels: [0, 1, 2])
        default: throw .unsupported("JPEG holds gray or RGB images, the image has \(image.channels) channels")
        }
        guard let handle = tjInitCompress() else { throw .invalidArgument("cannot initialise the JPEG encoder") }
        defer { tjDestroy(handle) }
        let gray = source.channels == 1
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let sampling = gray ? TJSAMP_GRAY : (subsampling == .s420 ? TJSAMP_420 : TJSAMP_444)
        let status = try ScratchBuffer.shared.withBytes(source.data.count) { raw in
            source.interleave(into: raw)
            return tjCompress2(handle, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(source.width), 0,
                               Int32(source.height), Int32((gray ? TJPF_GRAY : TJPF_RGB).rawValue), &out, &size,
                               Int32(sampling.rawValue), Int32(quality), 0)
        }
        defer { tjFree(out) }
        guard status == 0, let out else { throw .invalidArgument("JPEG encoding failed: \(errorText(handle))") }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}

private extension String {
    /// libjpeg's warning for data that ends before the image is complete.
    var localizedPrematureEnd: Bool { contains("Premature end") || contains("premature end") }
}
