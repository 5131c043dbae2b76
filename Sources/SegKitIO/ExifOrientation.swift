/// EXIF orientation (TIFF tag 0x0112) of JPEG files, and its application to pixels.
///
/// Values follow the EXIF specification: 1 upright, 2 mirrored horizontally, 3 rotated 180°,
/// 4 mirrored vertically, 5 transposed, 6 needs a 90° clockwise rotation, 7 transversed, 8 needs
/// a 90° counter-clockwise rotation — the same transforms as Pillow's `ImageOps.exif_transpose`.
public enum ExifOrientation {
    /// The orientation stored in a JPEG's APP1 Exif segment, or 1 when there is none or it cannot
    /// be parsed (a damaged Exif block never makes the image unreadable).
    /// - Complexity: O(size of the markers before the image data).
    public static func read(jpeg bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        guard n >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return 1 }
        var p = 2
        while p + 4 <= n {
            guard bytes[p] == 0xFF else { return 1 }
            let marker = bytes[p + 1]
            if marker == 0xFF { p += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { p += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return 1 }  // start of scan / end: no Exif before it
            let length = Int(bytes[p + 2]) << 8 | Int(bytes[p + 3])
            guard length >= 2, p + 2 + length <= n else { return 1 }
            if marker == 0xE1, length >= 8 {
                let start = p + 4
                if bytes[start] == 0x45, bytes[start + 1] == 0x78, bytes[start + 2] == 0x69, bytes[start + 3] == 0x66,
                   bytes[start + 4] == 0, bytes[start + 5] == 0
                {
                    let tiff = UnsafeRawBufferPointer(rebasing: bytes[(start + 6)..<(p + 2 + length)])
                    if let value = orientation(tiff: tiff) { return value }
                }
            }
            p += 2 + length
        }
        return 1
    }

    /// Reads tag 0x0112 from IFD0 of a TIFF structure; nil when absent or malformed.
    static func orientation(tiff: UnsafeRawBufferPointer) -> Int? {
        let n = tiff.count
        guard n >= 8 else { return nil }
        let little: Bool
        if tiff[0] == 0x49 && tiff[1] == 0x49 { little = true } else if tiff[0] == 0x4D && tiff[1] == 0x4D { little = false } else { return nil }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= n else { return nil }
            return little ? Int(tiff[o]) | Int(tiff[o + 1]) << 8 : Int(tiff[o]) << 8 | Int(tiff[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for i in 0..<count {
            let entry = ifd + 2 + 12 * i
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard u16(entry + 2) == 3, let value = u16(entry + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }

    /// `image` transformed so that a picture with EXIF `orientation` becomes upright.
    /// Orientations 5–8 swap width and height. Values outside 1–8 leave the image unchanged.
    public static func apply<S: ImageScalar>(_ orientation: Int, to image: Image<S>) -> Image<S> {
        guard (2...8).contains(orientation) else { return image }
        let w = image.width, h = image.height
        let swaps = orientation >= 5
        let ow = swaps ? h : w, oh = swaps ? w : h
        var out = [S](repeating: .zero, count: image.data.count)
        // Source pixel (sx, sy) of output pixel (x, y).
        let source: (Int, Int) -> (Int, Int) = switch orientation {
        case 2: { x, y in (w - 1 - x, y) }
        case 3: { x, y in (w - 1 - x, h - 1 - y) }
        case 4: { x, y in (x, h - 1 - y) }
        case 5: { x, y in (y, x) }
        case 6: { x, y in (y, h - 1 - x) }
        case 7: { x, y in (w - 1 - y, h - 1 - x) }
        default: { x, y in (w - 1 - y, x) }
        }
        image.data.withUnsafeBufferPointer { src in
            for c in 0..<image.channels {
                let plane = c * w * h
                for y in 0..<oh {
                    for x in 0..<ow {
                        let (sx, sy) = source(x, y)
                        out[plane + y * ow + x] = src[plane + sy * w + sx]
                    }
                }
            }
        }
        // Same sample count; dimensions validated above.
        return try! Image(width: ow, height: oh, channels: image.channels, data: out)
    }
}
