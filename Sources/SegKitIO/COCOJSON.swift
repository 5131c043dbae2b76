#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON plumbing shared by the COCO readers and writers: decoding with errors that name the JSON
/// path, and streaming output that encodes one record at a time into a temporary file.
public enum COCOJSON {
    /// Decodes `T` from JSON, turning decoding failures into one-line `SegKitError`s with the path
    /// of the offending value.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(SegKitError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .invalidData(describe(error))
        } catch {
            throw .invalidData("malformed JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return out.isEmpty ? "the top level" : out
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "JSON \(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "JSON \(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "JSON \(path(context.codingPath)): missing key \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            let detail = context.debugDescription.split(separator: "\n").first.map(String.init) ?? "corrupt data"
            return context.codingPath.isEmpty ? "malformed JSON: \(detail)" : "JSON \(path(context.codingPath)): \(detail)"
        @unknown default:
            return "malformed JSON"
        }
    }

    /// Output buffer that encodes records one at a time and flushes to disk in large chunks.
    public struct Sink {
        let handle: UnsafeMutablePointer<FILE>
        var buffer: [UInt8] = []
        let encoder = JSONEncoder()
        var failed = false

        init(handle: UnsafeMutablePointer<FILE>) {
            self.handle = handle
            buffer.reserveCapacity(1 << 20)
        }

        mutating func raw(_ text: String) {
            buffer += Array(text.utf8)
            flushIfLarge()
        }

        mutating func record<T: Encodable>(_ value: T, first: Bool) throws(SegKitError) {
            if !first { buffer.append(UInt8(ascii: ",")) }
            do { buffer += try encoder.encode(value) } catch { throw .invalidArgument("cannot encode a record as JSON") }
            flushIfLarge()
        }

        mutating func flushIfLarge() {
            if buffer.count >= 1 << 20 { flush() }
        }

        mutating func flush() {
            guard !buffer.isEmpty else { return }
            let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
            if written != buffer.count { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Streams JSON produced by `body` into a temporary file next to `path`, then renames it
    /// over `path`; on failure nothing is left behind.
    public static func writeStreaming(to path: String, _ body: (inout Sink) throws(SegKitError) -> Void) throws(SegKitError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard FileAccess.kind(folder.isEmpty ? "." : folder) == .directory else {
            throw SegKitError(.fileSystem, "output folder does not exist", path: path)
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(UInt32.random(in: 0...UInt32.max))")
        guard let handle = fopen(temporary.path, "wb") else {
            throw SegKitError(.fileSystem, "cannot create the file (permission denied)", path: path)
        }
        var sink = Sink(handle: handle)
        do throws(SegKitError) {
            try body(&sink)
            sink.flush()
            if fclose(handle) != 0 { sink.failed = true }
        } catch {
            fclose(handle)
            try? FileManager.default.removeItem(at: temporary)
            throw error.at(path: path)
        }
        guard !sink.failed else {
            try? FileManager.default.removeItem(at: temporary)
            throw SegKitError(.fileSystem, "cannot write the file (disk full?)", path: path)
        }
        do {
            try FileAccess.replace(path, with: temporary.path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
