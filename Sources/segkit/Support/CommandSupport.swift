import ArgumentParser
import SegKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a subcommand's body: a `SegKitError` becomes one line `segkit: <file>: <problem>` on
/// stderr and exit status 1.
func reportingErrors(_ body: () throws(SegKitError) -> Void) throws {
    do {
        try body()
    } catch {
        printError(error)
        throw ExitCode.failure
    }
}

/// Prints `segkit: <error>` on stderr.
func printError(_ error: SegKitError) {
    writeStandardError("segkit: \(error.description)\n")
}

/// Writes text to the standard error stream, unbuffered.
func writeStandardError(_ text: String) { writeUnbuffered(2, text) }

/// Writes a line to standard output immediately (long runs log through pipes and files, where
/// `print` would hold lines back in its buffer).
func writeLine(_ text: String) { writeUnbuffered(1, text + "\n") }

private func writeUnbuffered(_ descriptor: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}

/// Refuses outputs that would overwrite an input (paths compared after resolving links and `..`).
func refuseOverwritingInputs(outputs: [String], inputs: [String]) throws(SegKitError) {
    let resolvedInputs = Set(inputs.map(canonicalPath))
    for output in outputs where resolvedInputs.contains(canonicalPath(output)) {
        throw SegKitError(.invalidArgument, "output would overwrite an input file", path: output)
    }
}

/// The absolute, link-free form of a path; for a file that does not exist yet, its folder's.
func canonicalPath(_ path: String) -> String {
    if let resolved = realpath(path, nil) {
        defer { free(resolved) }
        return String(cString: resolved)
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard let resolved = realpath(folder.isEmpty ? "/" : folder, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved) + "/" + name
}

/// Options every command that decodes images shares.
struct DecodingOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this (width × height).")
    var maxPixels: Int = 100_000_000

    func validate() throws {
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1") }
    }

    var decodeOptions: DecodeOptions { DecodeOptions(maxPixels: maxPixels) }
}

/// Runs `body` on every item of a batch with progress on a terminal: a failing item is reported
/// on stderr and skipped, the rest still run. Prints "N of M <what> into <destination>" and, when an
/// item failed, ends with exit status 1.
func runBatch(_ items: [String], label: String, quiet: Bool, summary what: String, destination: String,
              _ body: (Int, String) throws(SegKitError) -> Void) throws {
    var progress = Progress(total: items.count, label: label, quiet: quiet)
    var failed = 0
    for (index, item) in items.enumerated() {
        do throws(SegKitError) {
            try body(index, item)
        } catch {
            printError(error)
            failed += 1
        }
        progress.advance(item)
    }
    print("\(items.count - failed) of \(items.count) \(what) into \(destination)")
    if failed > 0 { throw ExitCode.failure }
}

/// Makes sure the output folder `path` exists, creating it (and its parents) when missing.
/// - Throws: `SegKitError` naming `path` when it is a file or cannot be created.
func prepareOutputFolder(_ path: String) throws(SegKitError) {
    switch FileAccess.kind(path) {
    case .directory: return
    case .file: throw SegKitError(.fileSystem, "is a file, not an output folder", path: path)
    case .missing:
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw SegKitError(.fileSystem, "cannot create the output folder", path: path)
        }
    }
}

/// Progress on stderr for long work: shown only when stderr is a terminal and not `--quiet`.
struct Progress {
    let total: Int
    let label: String
    let enabled: Bool
    private(set) var done = 0

    init(total: Int, label: String, quiet: Bool) {
        self.total = total
        self.label = label
        enabled = !quiet && isatty(2) != 0
    }

    mutating func advance(_ item: String = "") {
        done += 1
        guard enabled else { return }
        writeStandardError("\r\u{1B}[K\(label) \(done)/\(total) \(item)")
        if done == total { writeStandardError("\n") }
    }
}
