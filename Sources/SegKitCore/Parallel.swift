import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SegKit's parallel-for, honouring the `SEGKIT_THREADS` environment variable.
///
/// The thread count is `SEGKIT_THREADS` when set to a positive integer, else the number of online
/// processors; ``withThreadLimit(_:_:)`` lowers it for a scope (tests use it to check that results
/// do not depend on the thread count). Work is split into *chunks whose boundaries do not depend on
/// the thread count* (``forEachChunk(count:chunkSize:_:)``), so reductions computed per chunk and
/// combined in chunk order are bit-identical on 1 or N threads.
public enum Parallel {
    /// Threads from the environment: `SEGKIT_THREADS` if it is a positive integer, else all cores.
    public static let environmentThreadCount: Int = {
        if let raw = getenv("SEGKIT_THREADS"), let n = Int(String(cString: raw)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    @TaskLocal static var limit: Int?

    /// Threads that parallel loops use right now (≥ 1).
    public static var threadCount: Int {
        if let limit { return max(1, min(limit, environmentThreadCount)) }
        return environmentThreadCount
    }

    /// Runs `body` with at most `threads` threads in every SegKit parallel loop it starts
    /// (including loops on other threads it spawns through `Parallel`).
    public static func withThreadLimit<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        try $limit.withValue(max(1, threads), operation: body)
    }

    /// Calls `body(i)` for every `i` in `0..<count`, in parallel; iterations must be independent.
    /// Consecutive indices are grouped so each thread gets one contiguous range.
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let threads = min(threadCount, count)
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let limit = self.limit
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            $limit.withValue(limit) {
                let lo = count * t / threads, hi = count * (t + 1) / threads
                for i in lo..<hi { body(i) }
            }
        }
    }

    /// Splits `0..<count` into chunks of `chunkSize` (the last one shorter) and calls
    /// `body(chunkIndex, range)` for each, in parallel. Chunk boundaries depend only on `count` and
    /// `chunkSize`, never on the thread count.
    /// - Precondition: `chunkSize` ≥ 1.
    public static func forEachChunk(count: Int, chunkSize: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        precondition(chunkSize >= 1, "chunk size must be positive")
        let chunks = (count + chunkSize - 1) / chunkSize
        let threads = min(threadCount, chunks)
        if threads <= 1 {
            for c in 0..<chunks { body(c, (c * chunkSize)..<min(count, (c + 1) * chunkSize)) }
            return
        }
        // Thread t takes chunks t, t + T, t + 2T, …: neighbouring chunks (an expensive part of an
        // image, say) are spread over the threads. Which thread runs a chunk never changes its result.
        let limit = self.limit
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            $limit.withValue(limit) {
                for c in stride(from: t, to: chunks, by: threads) { body(c, (c * chunkSize)..<min(count, (c + 1) * chunkSize)) }
            }
        }
    }

    /// Number of chunks ``forEachChunk(count:chunkSize:_:)`` makes.
    @inlinable
    public static func chunkCount(count: Int, chunkSize: Int) -> Int { (count + chunkSize - 1) / chunkSize }
}

/// A raw pointer that may cross into a `@Sendable` parallel body. The caller guarantees that
/// parallel iterations touch disjoint elements and that the buffer outlives the loop.
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only raw pointer for `@Sendable` parallel bodies.
public struct SendableConstPointer<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    @inlinable public init(_ base: UnsafePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T { base[i] }
}
