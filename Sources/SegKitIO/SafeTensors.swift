#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SegKitNN

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping names to `{"dtype", "shape", "data_offsets"}` (plus optional string `__metadata__`),
/// then the raw little-endian data. Files written here load with
/// `safetensors.torch.load_file`; reading accepts F32, F64, F16 and BF16 (converted to Float32).
public enum SafeTensors {
    /// Encodes tensors (sorted by name, 8-byte aligned header) as F32.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        var header: [String: Entry] = [:]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = Entry(dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * t.count])
            offset += 4 * t.count
        }
        var json = Array(encodeHeader(header, metadata).utf8)
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + json.count + offset)
        let length = UInt64(json.count)
        for b in 0..<8 { out.append(UInt8((length >> (8 * UInt64(b))) & 0xFF)) }
        out += json
        for name in names {
            for v in tensors[name]!.data {
                let bits = v.bitPattern
                out += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
            }
        }
        return out
    }

    /// Decodes a safetensors buffer.
    /// - Throws: `SegKitError.invalidData` for a truncated file, malformed or oversized header,
    ///   unknown dtypes, offsets that overlap, leave gaps, or disagree with the shapes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SegKitError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard bytes.count >= 8 else { throw .invalidData("safetensors file too short for its header length") }
        var length: UInt64 = 0
        for b in 0..<8 { length |= UInt64(bytes[b]) << (8 * UInt64(b)) }
        guard length <= 100_000_000, 8 + Int(length) <= bytes.count else {
            throw .invalidData("safetensors header length \(length) exceeds the file (\(bytes.count) bytes)")
        }
        let headerBytes = Data(bytes[8..<(8 + Int(length))])
        let object = try COCOJSON.decode([String: HeaderItem].self, from: headerBytes)
        let dataStart = 8 + Int(length), dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(String, String, [Int], Int, Int)] = []
        for (name, value) in object {
            switch value {
            case .metadata(let m):
                guard name == "__metadata__" else { throw .invalidData("safetensors entry \(name) is malformed") }
                metadata = m
            case .entry(let e):
                guard name != "__metadata__", e.data_offsets.count == 2 else { throw .invalidData("safetensors entry \(name) is malformed") }
                entries.append((name, e.dtype, e.shape, e.data_offsets[0], e.data_offsets[1]))
            }
        }
        entries.sort { $0.3 < $1.3 }
        var expectedStart = 0
        var tensors: [String: Tensor] = [:]
        for (name, dtype, shape, begin, end) in entries {
            let size: Int
            switch dtype {
            case "F32": size = 4
            case "F64": size = 8
            case "F16", "BF16": size = 2
            default: throw .unsupported("safetensors tensor \(name) has dtype \(dtype); F32, F64, F16 and BF16 are supported")
            }
            guard shape.allSatisfy({ $0 >= 0 }), shape.count <= Tensor.maximumRank else {
                throw .invalidData("safetensors tensor \(name) has an invalid shape \(shape)")
            }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o else { throw .invalidData("safetensors tensor \(name) shape overflows") }
                count = p
            }
            guard begin == expectedStart, end >= begin, end - begin == count * size, end <= dataLength else {
                throw .invalidData("safetensors tensor \(name) has data offsets [\(begin), \(end)] that overlap, leave a gap or disagree with shape \(shape) × \(dtype)")
            }
            expectedStart = end
            var values = [Float](repeating: 0, count: count)
            let base = dataStart + begin
            for i in 0..<count {
                let o = base + i * size
                switch dtype {
                case "F32":
                    values[i] = Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
                case "F64":
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(bytes[o + b]) << (8 * UInt64(b)) }
                    values[i] = Float(Double(bitPattern: bits))
                case "BF16":
                    values[i] = Float(bitPattern: (UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8) << 16)
                default:
                    values[i] = Float(Float16(bitPattern: UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8))
                }
            }
            tensors[name] = try Tensor(shape: shape, data: values)
        }
        guard expectedStart == dataLength else {
            throw .invalidData("safetensors data has \(dataLength - expectedStart) trailing bytes not covered by any tensor")
        }
        return (tensors, metadata)
    }

    /// A header value: a tensor entry or the metadata map.
    enum HeaderItem: Decodable {
        case entry(Entry)
        case metadata([String: String])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let e = try? c.decode(Entry.self) { self = .entry(e) } else { self = .metadata(try c.decode([String: String].self)) }
        }
    }

    struct Entry: Codable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    static func encodeHeader(_ header: [String: Entry], _ metadata: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var object = header.mapValues { HeaderValue.entry($0) }
        if !metadata.isEmpty { object["__metadata__"] = .metadata(metadata) }
        return String(decoding: (try? encoder.encode(object)) ?? Data("{}".utf8), as: UTF8.self)
    }

    enum HeaderValue: Encodable {
        case entry(Entry)
        case metadata([String: String])
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .entry(let e): try c.encode(e)
            case .metadata(let m): try c.encode(m)
            }
        }
    }
}

/// safetensors files: read and write by path (atomically).
extension SafeTensors {
    public static func read(_ path: String) throws(SegKitError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        try FileAccess.withContents(of: path) { raw throws(SegKitError) in try decode(raw) }
    }

    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws(SegKitError) {
        try FileAccess.writeAtomically(encode(tensors, metadata: metadata), to: path)
    }
}
