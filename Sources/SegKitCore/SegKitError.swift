/// The one error type of SegKit: every throwing API declares `throws(SegKitError)`.
///
/// A `SegKitError` describes bad *input* — a corrupt file, an argument out of range, shapes that
/// do not match. Programmer errors (violated preconditions documented in DocC) trap instead.
/// ``description`` is a single line meant for end users, prefixed by the file when one is known:
/// `photo.jpg: truncated JPEG data`.
public struct SegKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely; the ``message`` holds the specifics.
    public enum Kind: String, Sendable, Equatable {
        /// An argument is outside its documented range (k > N, radius < 1, …).
        case invalidArgument
        /// Input data is malformed: corrupt or truncated files, NaN features, broken JSON.
        case invalidData
        /// The input is well formed but uses something SegKit does not support.
        case unsupported
        /// Two inputs disagree in shape (image vs. label map size, matrix dimensions).
        case shapeMismatch
        /// A size limit was exceeded (for example the pixel limit of decoders).
        case limitExceeded
        /// The file system refused an operation (missing file, permission, rename).
        case fileSystem
        /// A numerical routine failed (LAPACK error, ill-conditioned system).
        case numerical
    }

    public var kind: Kind
    public var message: String
    /// The file the error concerns, if any.
    public var path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    /// The same error attributed to `path` (keeps an existing path).
    public func at(path: String) -> SegKitError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }

    public static func invalidArgument(_ message: String) -> SegKitError { .init(.invalidArgument, message) }
    public static func invalidData(_ message: String, path: String? = nil) -> SegKitError {
        .init(.invalidData, message, path: path)
    }
    public static func unsupported(_ message: String, path: String? = nil) -> SegKitError {
        .init(.unsupported, message, path: path)
    }
    public static func shapeMismatch(_ message: String) -> SegKitError { .init(.shapeMismatch, message) }
}

extension SegKitError {
    /// Runs `body`, attributing any error it throws to the file at `path`.
    public static func attributed<T>(to path: String, _ body: () throws(SegKitError) -> T) throws(SegKitError) -> T {
        do throws(SegKitError) {
            return try body()
        } catch {
            throw error.at(path: path)
        }
    }
}
