#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reusable scratch buffers for the engine's temporaries (im2col column matrices), so that
/// training steps do not allocate — and page-fault on — tens of megabytes per layer. Buffers are
/// borrowed for the duration of a closure and returned to a per-size free list; concurrent
/// borrowers get distinct buffers.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var mutex = pthread_mutex_t()
    /// Bytes currently held in free lists (not borrowed).
    public private(set) var retainedBytes = 0
    /// Free lists are trimmed above this many bytes. Default 1 GiB.
    public var limitBytes = 1 << 30

    init() { pthread_mutex_init(&mutex, nil) }

    /// Calls `body` with a buffer of at least `count` floats (contents unspecified).
    public func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let size = Self.sizeClass(count)
        pthread_mutex_lock(&mutex)
        let buffer: UnsafeMutablePointer<Float>
        if var list = free[size], let b = list.popLast() {
            free[size] = list
            retainedBytes -= size * 4
            buffer = b
        } else {
            buffer = .allocate(capacity: size)
        }
        pthread_mutex_unlock(&mutex)
        defer {
            pthread_mutex_lock(&mutex)
            if retainedBytes + size * 4 <= limitBytes {
                free[size, default: []].append(buffer)
                retainedBytes += size * 4
            } else {
                buffer.deallocate()
            }
            pthread_mutex_unlock(&mutex)
        }
        return try body(buffer)
    }

    /// Rounds up to a power-of-two-ish size class (1, 1.25, 1.5, 1.75 × 2ⁿ) to share buffers.
    static func sizeClass(_ count: Int) -> Int {
        guard count > 1024 else { return 1024 }
        let top = Int.bitWidth - (count - 1).leadingZeroBitCount - 1
        let step = 1 << (top - 2)
        return (count + step - 1) / step * step
    }
}
