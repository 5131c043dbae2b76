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

/// Reading and writing whole files with SegKit's error conventions: every failure is a
/// `SegKitError` naming the file; writes are atomic (temporary file in the same folder, then
/// rename), so a failed or interrupted write never leaves a partial output behind.
public enum FileAccess {
    /// The file's bytes, memory-mapped when possible.
    /// - Throws: `SegKitError` (`.fileSystem`) when the file is missing, a directory or unreadable.
    public static func read(_ path: String) throws(SegKitError) -> Data {
        switch kind(path) {
        case .missing: throw SegKitError(.fileSystem, "no such file", path: path)
        case .directory: throw SegKitError(.fileSystem, "is a directory, not a file", path: path)
        case .file: break
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SegKitError(.fileSystem, "cannot read the file (permission denied or I/O error)", path: path)
        }
    }

    /// Reads the file at `path` into `buffer` (grown as needed, reused between calls) and returns
    /// its size; for many small files this avoids mapping and unmapping each one.
    /// - Throws: as ``read(_:)``.
    public static func read(_ path: String, into buffer: inout [UInt8]) throws(SegKitError) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                let size = Int(info.st_size)
                if buffer.count < size + 1 { buffer = [UInt8](repeating: 0, count: size + size / 4 + 1) }
                var done = 0
                let complete = buffer.withUnsafeMutableBytes { raw -> Bool in
                    while done < size {
                        #if canImport(Glibc)
                        let n = Glibc.read(fd, raw.baseAddress! + done, size - done)
                        #else
                        let n = Darwin.read(fd, raw.baseAddress! + done, size - done)
                        #endif
                        if n < 0 && errno == EINTR { continue }
                        if n <= 0 { return false }
                        done += n
                    }
                    return true
                }
                if complete { return size }
            }
        }
        // Anything unusual: the general reader gives the bytes or the usual error.
        let data = try read(path)
        buffer = Array(data)
        buffer.append(0)
        return data.count
    }

    /// Calls `body` with the bytes of the file at `path`; errors thrown by `body` are attributed
    /// to `path`.
    public static func withContents<T>(of path: String, _ body: (UnsafeRawBufferPointer) throws(SegKitError) -> T) throws(SegKitError) -> T {
        let data = try read(path)
        var result: Result<T, SegKitError>?
        data.withUnsafeBytes { raw in
            do throws(SegKitError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        switch result! {
        case .success(let value): return value
        case .failure(let error): throw error.at(path: path)
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file next to it is written, flushed and
    /// renamed over `path`; on any failure the temporary file is removed.
    /// - Throws: `SegKitError` (`.fileSystem`) when the folder is missing or not writable.
    public static func writeAtomically<Bytes: Collection<UInt8>>(_ bytes: Bytes, to path: String) throws(SegKitError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard kind(folder.isEmpty ? "." : folder) == .directory else {
            throw SegKitError(.fileSystem, "output folder does not exist", path: path)
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SegKitError(.fileSystem, "cannot write the file (permission denied or disk full)", path: path)
        }
        do {
            try replace(path, with: temporary.path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Renames `temporary` over `path` (atomic on one file system).
    static func replace(_ path: String, with temporary: String) throws(SegKitError) {
        guard rename(temporary, path) == 0 else {
            throw SegKitError(.fileSystem, "cannot replace the file (permission denied)", path: path)
        }
    }

    /// What is at a path.
    public enum Kind: Sendable { case missing, file, directory }

    /// What is at `path` (symbolic links followed).
    public static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }

    /// The names (not paths) of the entries of `folder`, sorted by Unicode scalars, hidden
    /// entries (names starting with ".") left out.
    /// - Throws: `SegKitError` (`.fileSystem`) naming `folder` when it is missing, a file or unreadable.
    public static func entries(in folder: String) throws(SegKitError) -> [String] {
        switch kind(folder) {
        case .missing: throw SegKitError(.fileSystem, "no such folder", path: folder)
        case .file: throw SegKitError(.fileSystem, "is a file, not a folder", path: folder)
        case .directory: break
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw SegKitError(.fileSystem, "cannot list the folder (permission denied)", path: folder)
        }
        return names.filter { !$0.hasPrefix(".") }.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// The lowercased extension of `path` without the dot ("" when none).
    public static func fileExtension(_ path: String) -> String {
        URL(fileURLWithPath: path).pathExtension.lowercased()
    }
}
