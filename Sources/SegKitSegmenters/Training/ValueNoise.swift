/// Seeded 2-D value noise and its fractal (fBm) sum, for procedural textures.
///
/// Lattice values come from a hash of the integer coordinates and the seed, interpolated with a
/// quintic fade; the result of ``value(x:y:)`` lies in [0, 1]. Deterministic for a given seed.
struct ValueNoise: Sendable {
    let seed: UInt64

    @inline(__always)
    private func lattice(_ ix: Int, _ iy: Int) -> Float {
        var h = seed &+ UInt64(bitPattern: Int64(ix)) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: Int64(iy)) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return Float(h >> 40) * 0x1p-24
    }

    @inline(__always)
    private static func fade(_ t: Float) -> Float { t * t * t * (t * (t * 6 - 15) + 10) }

    /// Noise at a point, in [0, 1]; one lattice cell per unit.
    func value(x: Float, y: Float) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int(fx), iy = Int(fy)
        let tx = Self.fade(x - fx), ty = Self.fade(y - fy)
        let a = lattice(ix, iy), b = lattice(ix + 1, iy), c = lattice(ix, iy + 1), d = lattice(ix + 1, iy + 1)
        let top = a + (b - a) * tx, bottom = c + (d - c) * tx
        return top + (bottom - top) * ty
    }

    /// Fractal sum of `octaves` octaves (lacunarity 2, gain `gain`), normalised to [0, 1].
    func fractal(x: Float, y: Float, octaves: Int, gain: Float = 0.5) -> Float {
        var sum: Float = 0, amplitude: Float = 1, total: Float = 0, frequency: Float = 1
        for o in 0..<octaves {
            // Offset each octave so lattice points do not line up.
            sum += amplitude * value(x: x * frequency + Float(o) * 17.31, y: y * frequency - Float(o) * 9.73)
            total += amplitude
            amplitude *= gain
            frequency *= 2
        }
        return sum / total
    }
}
