/// Label maps as PNG files.
///
/// On disk a label map is a 16-bit single-channel PNG: label `L` (0…65534) is stored as `L` and
/// void (-1) as 65535. Reading also accepts 8-bit gray PNGs and palette PNGs (their palette
/// indices are the labels, as in PASCAL VOC); for those, `voidValue` selects which stored value
/// means void (none by default; VOC uses 255).
public enum LabelPNG {
    /// The stored value of void in 16-bit label PNGs.
    public static let voidValue16: UInt16 = 65535

    /// Encodes a label map as a 16-bit PNG.
    /// - Throws: `SegKitError.invalidArgument` when a label exceeds 65534.
    public static func encode(_ labels: LabelMap) throws(SegKitError) -> [UInt8] {
        var samples = [UInt16](repeating: 0, count: labels.pixelCount)
        for (i, l) in labels.labels.enumerated() {
            if l < 0 { samples[i] = voidValue16; continue }
            guard l < Int32(voidValue16) else {
                throw .invalidArgument("label \(l) does not fit a 16-bit label PNG (maximum 65534; 65535 means void)")
            }
            samples[i] = UInt16(l)
        }
        return try PNGCodec.encode(Image<UInt16>(width: labels.width, height: labels.height, channels: 1, data: samples))
    }

    /// Decodes a label PNG (16-bit gray, 8-bit gray or palette).
    /// - Parameter voidValue: stored value meaning void; default 65535 for 16-bit files and none
    ///   for 8-bit files.
    /// - Throws: `SegKitError.invalidData` for colour or alpha PNGs (not label maps) and corrupt data.
    public static func decode(_ bytes: UnsafeRawBufferPointer, voidValue: Int? = nil, maxPixels: Int = 100_000_000) throws(SegKitError) -> LabelMap {
        let decoded = try PNGCodec.decode(bytes, options: DecodeOptions(maxPixels: maxPixels, keepPaletteIndices: true))
        guard decoded.pixels.channels == 1 else {
            throw .invalidData("a label PNG must have one channel (gray or palette), this one has \(decoded.pixels.channels)")
        }
        let labels: [Int32]
        switch decoded.pixels {
        case .uint16(let image):
            let void = voidValue ?? Int(voidValue16)
            labels = image.data.map { Int($0) == void ? LabelMap.void : Int32($0) }
        case .uint8(let image):
            labels = image.data.map { voidValue != nil && Int($0) == voidValue! ? LabelMap.void : Int32($0) }
        }
        return try LabelMap(width: decoded.pixels.width, height: decoded.pixels.height, labels: labels)
    }

    /// Reads a label PNG from `path`.
    public static func read(_ path: String, voidValue: Int? = nil, maxPixels: Int = 100_000_000) throws(SegKitError) -> LabelMap {
        try FileAccess.withContents(of: path) { raw throws(SegKitError) in
            guard ImageFormat.detect(raw) == .png else { throw .invalidData("not a PNG file; label maps are PNGs") }
            return try decode(raw, voidValue: voidValue, maxPixels: maxPixels)
        }
    }

    /// Writes a label map as a 16-bit PNG, atomically.
    public static func write(_ labels: LabelMap, to path: String) throws(SegKitError) {
        let bytes: [UInt8]
        do { bytes = try encode(labels) } catch { throw error.at(path: path) }
        try FileAccess.writeAtomically(bytes, to: path)
    }

    /// Encodes a label map as an 8-bit palette PNG for viewing (``LabelPalette`` colours; labels
    /// above 254 share colours). Not meant to be read back as labels.
    public static func encodeColorized(_ labels: LabelMap) throws(SegKitError) -> [UInt8] {
        let indices = labels.labels.map { UInt8(LabelPalette.index(of: $0)) }
        return try PNGCodec.encodePalette(indices: indices, width: labels.width, height: labels.height,
                                          palette: LabelPalette.colors)
    }
}
