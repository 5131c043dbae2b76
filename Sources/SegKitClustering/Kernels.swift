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

    /// The dot products of x with four rows c, c + d, c + 2d, c + 3d (d floats each), with four
    /// independent accumulators (x is read once).
    @inline(__always)
    static func dot4(_ x: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ d: Int) -> SIMD4<Float> {
        var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
        let c1 = c + d, c2 = c + 2 * d, c3 = c + 3 * d
        var j = 0
        while j + 8 <= d {
            let xv = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            a0 += xv * UnsafeRawPointer(c + j).loadUnaligned(as: SIMD8<Float>.self)
            a1 += xv * UnsafeRawPointer(c1 + j).loadUnaligned(as: SIMD8<Float>.self)
            a2 += xv * UnsafeRawPointer(c2 + j).loadUnaligned(as: SIMD8<Float>.self)
            a3 += xv * UnsafeRawPointer(c3 + j).loadUnaligned(as: SIMD8<Float>.self)
            j += 8
        }
        var out = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while j < d {
            out += SIMD4(c[j], c1[j], c2[j], c3[j]) * x[j]
            j += 1
        }
        return out
    }
}
