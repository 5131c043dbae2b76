#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable byte buffer for codec intermediates (interleaved samples between libjpeg and our
/// planar images). Large fresh allocations are served by `mmap` and pay a page fault per 4 KiB on
/// first touch — about 20 ms for a 12 MP RGB image on the build machine — so one buffer is kept
/// and reused. Callers that find it busy (another thread) get a private buffer instead.
final class ScratchBuffer: @unchecked Sendable {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0
    private var busy = false
    private var mutex = pthread_mutex_t()

    /// The shared instance used by the codecs.
    static let shared = ScratchBuffer()

    /// Largest buffer kept between calls (bigger requests are served and freed): 512 MiB.
    static let retainLimit = 512 << 20

    init() { pthread_mutex_init(&mutex, nil) }

    /// Calls `body` with at least `count` writable bytes (contents unspecified).
    func withBytes<R>(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(SegKitError) -> R) throws(SegKitError) -> R {
        pthread_mutex_lock(&mutex)
        let mine = !busy && count <= ScratchBuffer.retainLimit
        if mine {
            busy = true
            if capacity < count {
                storage?.deallocate()
                storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
                capacity = count
            }
        }
        pthread_mutex_unlock(&mutex)
        if mine {
            defer {
                pthread_mutex_lock(&mutex)
                busy = false
                pthread_mutex_unlock(&mutex)
            }
            return try body(UnsafeMutableRawBufferPointer(start: storage, count: count))
        }
        let temporary = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        defer { temporary.deallocate() }
        return try body(UnsafeMutableRawBufferPointer(start: temporary, count: count))
    }
}
