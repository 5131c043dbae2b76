#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CZlib

/// A value stored in a MATLAB MAT-file.
public indirect enum MATValue: Sendable, Equatable {
    /// A numeric or logical array: its dimensions and its real part in column-major order
    /// (MATLAB's), converted to `Double` (exact for every integer type up to 2⁵³).
    case numeric(dimensions: [Int], values: [Double])
    /// A character array, as one string (column-major characters).
    case characters(String)
    /// A cell array: its dimensions and its cells in column-major order.
    case cell(dimensions: [Int], cells: [MATValue])
    /// A struct array: its dimensions, its field names in file order and, per element in
    /// column-major order, the value of every field.
    case structure(dimensions: [Int], fields: [String], elements: [[String: MATValue]])

    /// The dimensions of the array (a string reports `[1, its character count]`).
    public var dimensions: [Int] {
        switch self {
        case .numeric(let d, _), .cell(let d, _), .structure(let d, _, _): d
        case .characters(let s): [1, s.count]
        }
    }
}

/// The variables of a MATLAB level-5 MAT-file: the format MATLAB writes by default (`-v7`,
/// zlib-compressed variables) and with `-v6` (uncompressed), in either byte order. It reads
/// what label data needs — numeric and logical arrays, strings, cell arrays and structs (e.g.
/// BSDS500's `groundTruth` files); sparse arrays, objects, function handles and complex parts
/// are refused or skipped as documented below. MATLAB's `-v7.3` files are HDF5 and refused with
/// a message saying so.
///
/// Format: a 128-byte header (text, subsystem offset, version 0x0100, endian mark `IM`/`MI`),
/// then data elements: an 8-byte tag (type, byte count; or the 4-byte small form) and data
/// padded to 8 bytes; `miCOMPRESSED` elements hold a zlib stream of one element; `miMATRIX`
/// elements hold flags, dimensions, a name and the array's contents.
public struct MATFile: Sendable, Equatable {
    /// Variable names in file order.
    public var names: [String]
    /// Variables by name.
    public var variables: [String: MATValue]

    /// Reads the MAT-file at `path`.
    /// - Throws: `SegKitError` naming `path`: missing file, not a level-5 MAT-file, a truncated or
    ///   corrupt element (with its byte offset), an unsupported array class.
    public static func read(_ path: String) throws(SegKitError) -> MATFile {
        let data = try FileAccess.read(path)
        return try SegKitError.attributed(to: path) { () throws(SegKitError) in try MATFile(bytes: [UInt8](data)) }
    }

    /// Parses MAT-file bytes.
    /// - Throws: `SegKitError.invalidData` / `.unsupported` with the byte offset of the problem.
    public init(bytes: [UInt8]) throws(SegKitError) {
        guard bytes.count >= 128 else { throw .invalidData("not a MAT-file: \(bytes.count) bytes, shorter than the 128-byte header") }
        let text = String(decoding: bytes[0..<116], as: UTF8.self)
        if text.hasPrefix("MATLAB 7.3") {
            throw .unsupported("MATLAB 7.3 MAT-file (HDF5); save it with `save(..., '-v7')` or '-v6'")
        }
        let little: Bool
        switch (bytes[126], bytes[127]) {
        case (0x49, 0x4D): little = true  // "IM": written little-endian
        case (0x4D, 0x49): little = false
        default: throw .invalidData("not a level-5 MAT-file: no endian mark at byte 126")
        }
        names = []
        variables = [:]
        let file = MATReader(bytes: bytes, littleEndian: little)
        var offset = 128
        // Trailing padding of fewer than 8 bytes is tolerated.
        while bytes.count - offset >= 8 {
            let element = try file.element(at: offset)
            offset = element.next
            var reader = file
            var range = element.data
            var type = element.type
            if type == MATReader.compressed {
                reader = MATReader(bytes: try Self.inflate(bytes[element.data], at: element.data.lowerBound), littleEndian: little)
                let inner = try reader.element(at: 0)
                (type, range) = (inner.type, inner.data)
            }
            guard type == MATReader.matrix else { continue }  // other top-level elements carry no variable
            let (name, value) = try reader.matrix(range, depth: 0)
            guard let value else { continue }
            if variables[name] == nil { names.append(name) }
            variables[name] = value
        }
    }

    /// Largest decompressed element accepted (a corrupt or hostile stream must not exhaust memory).
    static let maximumInflatedBytes = 1 << 31

    /// Decompresses one `miCOMPRESSED` element's zlib stream.
    static func inflate(_ input: ArraySlice<UInt8>, at offset: Int) throws(SegKitError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(256, input.count * 4))
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .invalidData("zlib could not start decompressing the element at byte \(offset)")
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var status = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                if produced == output.count {
                    guard output.count < maximumInflatedBytes else { status = Z_MEM_ERROR; break }
                    output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                }
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(target.count - produced)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = target.count - Int(stream.avail_out)
                }
            }
        }
        guard status == Z_STREAM_END else {
            throw .invalidData("the compressed element at byte \(offset) is corrupt or truncated (zlib status \(status))")
        }
        return Array(output[..<produced])
    }
}

/// Data elements of one byte buffer (the file, or one decompressed element).
struct MATReader {
    let bytes: [UInt8]
    let littleEndian: Bool

    static let int8: UInt32 = 1, uint8: UInt32 = 2, int16: UInt32 = 3, uint16: UInt32 = 4, int32: UInt32 = 5
    static let uint32: UInt32 = 6, single: UInt32 = 7, double: UInt32 = 9, int64: UInt32 = 12, uint64: UInt32 = 13
    static let matrix: UInt32 = 14, compressed: UInt32 = 15, utf8: UInt32 = 16, utf16: UInt32 = 17, utf32: UInt32 = 18

    /// Nesting limit for cells and structs (a corrupt file must not recurse without end).
    static let maximumDepth = 64

    func word(at offset: Int) -> UInt32 {
        let b = (UInt32(bytes[offset]), UInt32(bytes[offset + 1]), UInt32(bytes[offset + 2]), UInt32(bytes[offset + 3]))
        return littleEndian ? b.0 | b.1 << 8 | b.2 << 16 | b.3 << 24 : b.3 | b.2 << 8 | b.1 << 16 | b.0 << 24
    }

    /// The element whose tag starts at `offset`: its type, its data bytes and where the next
    /// element starts.
    func element(at offset: Int, within limit: Int? = nil) throws(SegKitError) -> (type: UInt32, data: Range<Int>, next: Int) {
        let end = limit ?? bytes.count
        guard offset + 8 <= end else { throw .invalidData("truncated data element at byte \(offset)") }
        let first = word(at: offset)
        if first >> 16 != 0 {  // small element: 2-byte count, 2-byte type, up to 4 bytes of data
            let count = Int(first >> 16)
            guard count <= 4 else { throw .invalidData("small data element at byte \(offset) claims \(count) bytes") }
            return (first & 0xFFFF, (offset + 4)..<(offset + 4 + count), offset + 8)
        }
        let count = Int(word(at: offset + 4))
        guard count <= end - offset - 8 else {
            throw .invalidData("data element at byte \(offset) claims \(count) bytes, past the end (\(end))")
        }
        let padded = first == Self.compressed ? count : (count + 7) & ~7
        return (first, (offset + 8)..<(offset + 8 + count), min(end, offset + 8 + padded))
    }

    /// A `miMATRIX` element's name and value (nil for classes that carry no data we read:
    /// objects, function handles, opaque classes; sparse arrays are refused).
    func matrix(_ range: Range<Int>, depth: Int) throws(SegKitError) -> (String, MATValue?) {
        guard depth <= Self.maximumDepth else { throw .invalidData("arrays nested deeper than \(Self.maximumDepth) levels at byte \(range.lowerBound)") }
        // An empty element is an empty array (MATLAB writes empty cells this way).
        if range.isEmpty { return ("", .numeric(dimensions: [0, 0], values: [])) }
        let flags = try element(at: range.lowerBound, within: range.upperBound)
        guard flags.data.count >= 8 else { throw .invalidData("array flags at byte \(range.lowerBound) are too short") }
        let flagWord = word(at: flags.data.lowerBound)
        let arrayClass = flagWord & 0xFF
        let dimsElement = try element(at: flags.next, within: range.upperBound)
        guard dimsElement.type == Self.int32, dimsElement.data.count % 4 == 0, dimsElement.data.count >= 8 else {
            throw .invalidData("array dimensions at byte \(flags.next) are not int32 values")
        }
        var dimensions: [Int] = []
        for o in stride(from: dimsElement.data.lowerBound, to: dimsElement.data.upperBound, by: 4) {
            let d = Int(Int32(bitPattern: word(at: o)))
            guard d >= 0 else { throw .invalidData("negative array dimension at byte \(o)") }
            dimensions.append(d)
        }
        var count = 1
        for d in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= range.count * 8 + 8 else {
                throw .invalidData("array dimensions \(dimensions) at byte \(dimsElement.data.lowerBound) exceed the element's \(range.count) bytes")
            }
            count = product
        }
        let nameElement = try element(at: dimsElement.next, within: range.upperBound)
        let name = String(decoding: bytes[nameElement.data], as: UTF8.self)
        var next = nameElement.next
        switch arrayClass {
        case 1:  // cell
            var cells: [MATValue] = []
            cells.reserveCapacity(count)
            for _ in 0..<count {
                let cell = try element(at: next, within: range.upperBound)
                guard cell.type == Self.matrix else { throw .invalidData("cell at byte \(next) is not an array element") }
                cells.append(try matrix(cell.data, depth: depth + 1).1 ?? .numeric(dimensions: [0, 0], values: []))
                next = cell.next
            }
            return (name, .cell(dimensions: dimensions, cells: cells))
        case 2:  // struct
            let lengthElement = try element(at: next, within: range.upperBound)
            guard lengthElement.type == Self.int32, lengthElement.data.count == 4 else {
                throw .invalidData("struct field-name length at byte \(next) is not one int32")
            }
            let length = Int(word(at: lengthElement.data.lowerBound))
            let namesElement = try element(at: lengthElement.next, within: range.upperBound)
            guard length > 0 || namesElement.data.isEmpty, length == 0 || namesElement.data.count % length == 0 else {
                throw .invalidData("struct field names at byte \(lengthElement.next) do not fill \(length)-byte slots")
            }
            let fields = length == 0 ? [] : stride(from: namesElement.data.lowerBound, to: namesElement.data.upperBound, by: length).map { o in
                String(decoding: bytes[o..<(o + length)].prefix { $0 != 0 }, as: UTF8.self)
            }
            next = namesElement.next
            var elements: [[String: MATValue]] = []
            for _ in 0..<count {
                var values: [String: MATValue] = [:]
                for field in fields {
                    let value = try element(at: next, within: range.upperBound)
                    guard value.type == Self.matrix else { throw .invalidData("struct field \(field) at byte \(next) is not an array element") }
                    values[field] = try matrix(value.data, depth: depth + 1).1 ?? .numeric(dimensions: [0, 0], values: [])
                    next = value.next
                }
                elements.append(values)
            }
            return (name, .structure(dimensions: dimensions, fields: fields, elements: elements))
        case 4:  // char
            let data = try element(at: next, within: range.upperBound)
            let units = try numbers(data.type, data.data)
            let scalars = units.map { ($0 >= 0 && $0 < 0x110000 ? Unicode.Scalar(UInt32($0)) : nil) ?? "\u{FFFD}" }
            return (name, .characters(String(String.UnicodeScalarView(scalars))))
        case 5:
            throw .unsupported("sparse array \(name.isEmpty ? "" : "'\(name)' ")at byte \(range.lowerBound)")
        case 6...15:  // double, single, int8 … uint64 (logical arrays are uint8 with the logical flag)
            let real = try element(at: next, within: range.upperBound)
            let values = try numbers(real.type, real.data)
            guard values.count == count else {
                throw .invalidData("array \(name.isEmpty ? "" : "'\(name)' ")at byte \(range.lowerBound) has \(values.count) values for dimensions \(dimensions)")
            }
            // A complex array's imaginary part follows; only the real part is read.
            return (name, .numeric(dimensions: dimensions, values: values))
        default:
            return (name, nil)
        }
    }

    /// The numbers of a numeric data element, whatever its storage type (MATLAB may store an
    /// array in a smaller type than its class, e.g. uint16 labels as uint8 bytes).
    func numbers(_ type: UInt32, _ range: Range<Int>) throws(SegKitError) -> [Double] {
        let size: Int
        switch type {
        case Self.int8, Self.uint8, Self.utf8: size = 1
        case Self.int16, Self.uint16, Self.utf16: size = 2
        case Self.int32, Self.uint32, Self.single, Self.utf32: size = 4
        case Self.double, Self.int64, Self.uint64: size = 8
        default: throw .unsupported("data type \(type) at byte \(range.lowerBound - 8)")
        }
        guard range.count % size == 0 else { throw .invalidData("\(range.count) bytes at byte \(range.lowerBound) are not whole \(size)-byte values") }
        var out = [Double](repeating: 0, count: range.count / size)
        for k in out.indices {
            let o = range.lowerBound + k * size
            var raw: UInt64 = 0
            for b in 0..<size { raw |= UInt64(bytes[littleEndian ? o + b : o + size - 1 - b]) << (8 * UInt64(b)) }
            switch type {
            case Self.int8: out[k] = Double(Int8(truncatingIfNeeded: raw))
            case Self.int16: out[k] = Double(Int16(truncatingIfNeeded: raw))
            case Self.int32: out[k] = Double(Int32(truncatingIfNeeded: raw))
            case Self.int64: out[k] = Double(Int64(bitPattern: raw))
            case Self.single: out[k] = Double(Float(bitPattern: UInt32(raw)))
            case Self.double: out[k] = Double(bitPattern: raw)
            default: out[k] = Double(raw)
            }
        }
        return out
    }
}
