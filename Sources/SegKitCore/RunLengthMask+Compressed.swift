/// COCO's compressed RLE string (`{"counts": "…", "size": [h, w]}`): a LEB128-like code with 5
/// data bits per character (ASCII 48–111), where counts after the third are stored as the
/// difference to the count two places earlier (pycocotools `rleToString` / `rleFrString`).
extension RunLengthMask {
    /// The compressed string form.
    public var compressedString: String {
        var out: [UInt8] = []
        out.reserveCapacity(counts.count * 2)
        for i in counts.indices {
            var x = Int64(counts[i])
            if i > 2 { x -= Int64(counts[i - 2]) }
            var more = true
            while more {
                var c = UInt8(truncatingIfNeeded: x & 0x1F)
                x >>= 5
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                out.append(c + 48)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a compressed string.
    /// - Throws: `SegKitError.invalidData` for characters outside 48–111, a truncated final
    ///   count, counts that are negative or exceed 32 bits, or runs that do not cover
    ///   `height × width` pixels.
    public init<S: StringProtocol>(compressed: S, height: Int, width: Int) throws(SegKitError) {
        let utf8 = compressed.utf8
        let decoded = utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(SegKitError) in try RunLengthMask(compressedUTF8: bytes, height: height, width: width) }
        }
        if let decoded {
            self = try decoded.get()
            return
        }
        let bytes = Array(utf8)
        self = try bytes.withUnsafeBufferPointer { (b) throws(SegKitError) in try RunLengthMask(compressedUTF8: b, height: height, width: width) }
    }

    /// Decodes a compressed string given as its bytes (ASCII 48–111); same checks as
    /// ``init(compressed:height:width:)``.
    public init(compressedUTF8 bytes: UnsafeBufferPointer<UInt8>, height: Int, width: Int) throws(SegKitError) {
        var counts: [UInt32] = []
        counts.reserveCapacity(bytes.count / 2 + 1)
        var x: Int64 = 0, k = 0, more = false
        for position in 0..<bytes.count {
            let byte = bytes[position]
            guard byte >= 48, byte <= 111 else {
                throw .invalidData("compressed RLE has an invalid character at offset \(position)")
            }
            guard k < 7 else { throw .invalidData("compressed RLE count too long at offset \(position)") }
            let c = Int64(byte - 48)
            x |= (c & 0x1F) << (5 * Int64(k))
            more = c & 0x20 != 0
            k += 1
            if !more {
                if c & 0x10 != 0 { x |= -1 << (5 * Int64(k)) }
                if counts.count > 2 { x += Int64(counts[counts.count - 2]) }
                guard x >= 0, x <= Int64(UInt32.max) else {
                    throw .invalidData("compressed RLE decodes to an invalid count \(x) at offset \(position)")
                }
                counts.append(UInt32(x))
                x = 0
                k = 0
            }
        }
        guard !more else { throw .invalidData("compressed RLE ends in the middle of a count") }
        try self.init(height: height, width: width, counts: counts)
    }
}
