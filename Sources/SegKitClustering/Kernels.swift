/// Small SIMD kernels shared by the clustering algorithms. Reductions run in a fixed order (eight
/// lanes, then the lanes summed), so results do not depend on threads or call sites.
enum Kernels {
    /// a · b over `count` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>.zero
        var j = 0
        while j + 8 <= count {
            acc += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            j += 8
        }
        var s = acc.sum()
        while j < count {
            s += a[j] * b[j]
            j += 1
        }
        return s
    }
}
