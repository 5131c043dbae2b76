/// The `.npy` container: magic, version, a Python-literal header dictionary, then raw data.
extension NumpyArray {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Parses `.npy` bytes.
    /// - Throws: `SegKitError` (`.invalidData`/`.unsupported`) with the byte offset or header text
    ///   at fault: bad magic, unknown version, malformed header, Fortran order, unsupported dtype,
    ///   or data shorter/longer than the shape needs.
    public init(npy raw: UnsafeRawBufferPointer) throws(SegKitError) {
        guard raw.count >= 10, Array(raw[0..<6]) == NumpyArray.magic else {
            throw .invalidData("not a .npy file (bad magic bytes)")
        }
        let major = raw[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(raw[8]) | Int(raw[9]) << 8
            headerStart = 10
        case 2, 3:
            guard raw.count >= 12 else { throw .invalidData(".npy header truncated at byte 8") }
            headerLength = Int(raw[8]) | Int(raw[9]) << 8 | Int(raw[10]) << 16 | Int(raw[11]) << 24
            headerStart = 12
        default:
            throw .unsupported(".npy format version \(major).\(raw[7]) is not supported (1.0–3.0 are)")
        }
        guard headerStart + headerLength <= raw.count else {
            throw .invalidData(".npy header claims \(headerLength) bytes but the file ends at byte \(raw.count)")
        }
        let text = String(decoding: raw[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let header = try NumpyHeader(parsing: text)
        guard !header.fortranOrder else {
            throw .unsupported("Fortran-ordered .npy arrays are not supported; save with numpy.ascontiguousarray")
        }
        let descr = header.descr
        guard descr.count >= 2, let order = descr.first, "<>|=".contains(order),
              let dtype = DType(code: String(descr.dropFirst()))
        else {
            throw .unsupported(".npy dtype '\(descr)' is not supported (bool, int8…64, uint8…64, float32, float64 are)")
        }
        guard let n = NumpyArray.elementCount(header.shape), n.multipliedReportingOverflow(by: dtype.size).overflow == false else {
            throw .invalidData(".npy shape \(header.shape) is invalid")
        }
        let dataStart = headerStart + headerLength
        let expected = n * dtype.size
        guard raw.count - dataStart == expected else {
            throw .invalidData(".npy data is \(raw.count - dataStart) bytes from byte \(dataStart), but shape \(header.shape) of \(dtype.rawValue) needs \(expected)")
        }
        var data = Array(raw[dataStart..<raw.count])
        if order == ">" && dtype.size > 1 {
            for i in stride(from: 0, to: data.count, by: dtype.size) { data[i..<(i + dtype.size)].reverse() }
        }
        try self.init(shape: header.shape, dtype: dtype, littleEndianBytes: data)
    }

    /// The `.npy` encoding (version 1.0 unless the header needs 2.0), little-endian, C order.
    public func npyBytes() -> [UInt8] {
        let order = dtype.size == 1 ? "|" : "<"
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(order)\(dtype.code)', 'fortran_order': False, 'shape': \(shapeText), }"
        let version1 = header.utf8.count + 11 < 65536
        let prefix = version1 ? 10 : 12
        let total = ((prefix + header.utf8.count + 1 + 63) / 64) * 64
        header += String(repeating: " ", count: total - prefix - header.utf8.count - 1) + "\n"
        var out = NumpyArray.magic + [version1 ? 1 : 2, 0]
        let length = header.utf8.count
        out += version1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)]
        out += Array(header.utf8)
        out += bytes
        return out
    }

    /// Reads a `.npy` file.
    public static func read(_ path: String) throws(SegKitError) -> NumpyArray {
        try FileAccess.withContents(of: path) { raw throws(SegKitError) in try NumpyArray(npy: raw) }
    }

    /// Writes a `.npy` file atomically.
    public func write(to path: String) throws(SegKitError) {
        try FileAccess.writeAtomically(npyBytes(), to: path)
    }
}

/// The header dictionary of a `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
struct NumpyHeader {
    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(parsing text: String) throws(SegKitError) {
        var scanner = LiteralScanner(Array(text.utf8))
        func fail(_ what: String) -> SegKitError {
            .invalidData(".npy header is malformed (\(what)) in: \(text.trimmingTrailingSpaces().prefix(120))")
        }
        guard scanner.consume("{") else { throw fail("expected '{'") }
        var seen = Set<String>()
        while true {
            if scanner.consume("}") { break }
            guard let key = scanner.string() else { throw fail("expected a quoted key") }
            guard scanner.consume(":") else { throw fail("expected ':' after '\(key)'") }
            switch key {
            case "descr":
                guard let value = scanner.string() else { throw fail("descr must be a string") }
                descr = value
            case "fortran_order":
                if scanner.consumeWord("True") { fortranOrder = true } else if scanner.consumeWord("False") { fortranOrder = false } else {
                    throw fail("fortran_order must be True or False")
                }
            case "shape":
                guard let value = scanner.tuple() else { throw fail("shape must be a tuple of non-negative integers") }
                shape = value
            default:
                throw fail("unexpected key '\(key)'")
            }
            seen.insert(key)
            if scanner.consume(",") { continue }
            guard scanner.consume("}") else { throw fail("expected ',' or '}'") }
            break
        }
        guard seen == ["descr", "fortran_order", "shape"] else { throw fail("needs descr, fortran_order and shape") }
    }
}

/// A scanner for the small Python-literal subset `.npy` headers use.
private struct LiteralScanner {
    let text: [UInt8]
    var i = 0

    init(_ text: [UInt8]) { self.text = text }

    mutating func skipSpace() {
        while i < text.count, text[i] == 0x20 || text[i] == 0x0A || text[i] == 0x09 || text[i] == 0x0D { i += 1 }
    }

    mutating func consume(_ token: Character) -> Bool {
        skipSpace()
        guard i < text.count, text[i] == token.asciiValue else { return false }
        i += 1
        return true
    }

    mutating func consumeWord(_ word: String) -> Bool {
        skipSpace()
        let w = Array(word.utf8)
        guard i + w.count <= text.count, Array(text[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    mutating func string() -> String? {
        skipSpace()
        guard i < text.count, text[i] == 0x27 || text[i] == 0x22 else { return nil }
        let quote = text[i]
        i += 1
        let start = i
        while i < text.count, text[i] != quote { i += 1 }
        guard i < text.count else { return nil }
        defer { i += 1 }
        return String(decoding: text[start..<i], as: UTF8.self)
    }

    mutating func integer() -> Int? {
        skipSpace()
        let start = i
        var value = 0
        while i < text.count, text[i] >= 0x30, text[i] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(text[i] - 0x30))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        if i < text.count, text[i] == 0x4C { i += 1 }  // Python 2 long suffix
        return i > start ? value : nil
    }

    mutating func tuple() -> [Int]? {
        guard consume("(") else { return nil }
        var values: [Int] = []
        while true {
            if consume(")") { return values }
            guard let v = integer() else { return nil }
            values.append(v)
            if consume(",") { continue }
            return consume(")") ? values : nil
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> Substring {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\n" { s = s.dropLast() }
        return s
    }
}
