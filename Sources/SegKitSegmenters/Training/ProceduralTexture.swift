#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An RGB colour with components in [0, 1].
struct RGB: Sendable, Equatable {
    var r: Float, g: Float, b: Float

    static func hsv(_ h: Float, _ s: Float, _ v: Float) -> RGB {
        let hh = (h - h.rounded(.down)) * 6
        let i = Int(hh) % 6, f = hh - Float(Int(hh))
        let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
        switch i {
        case 0: return RGB(r: v, g: t, b: p)
        case 1: return RGB(r: q, g: v, b: p)
        case 2: return RGB(r: p, g: v, b: t)
        case 3: return RGB(r: p, g: q, b: v)
        case 4: return RGB(r: t, g: p, b: v)
        default: return RGB(r: v, g: p, b: q)
        }
    }

    /// A random colour spread over hue, saturation and value (including near-grays and darks).
    static func random(_ g: inout SeededGenerator) -> RGB {
        let s = g.nextFloat() < 0.2 ? g.nextFloat(in: 0, 0.15) : g.nextFloat(in: 0.2, 1)
        return hsv(g.nextFloat(), s, g.nextFloat(in: 0.08, 1))
    }

    /// The same colour moved by up to `amount` in value, for two-tone textures.
    func shifted(_ amount: Float, _ rng: inout SeededGenerator) -> RGB {
        let d = rng.nextFloat(in: amount * 0.4, amount) * (rng.nextFloat() < 0.5 ? -1 : 1)
        func c(_ v: Float) -> Float { min(1, max(0, v + d)) }
        return RGB(r: c(r), g: c(g), b: c(b))
    }

    @inline(__always)
    func mix(_ other: RGB, _ t: Float) -> RGB {
        RGB(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
    }
}

/// The surface pattern of one procedural entity (or of the background).
///
/// Every pattern is a pure function of the pixel position, so entities can be rasterised in any
/// order and in parallel.
struct ProceduralTexture: Sendable {
    enum Kind: CaseIterable, Sendable {
        case flat, gradient, stripes, checkers, fractal, natural
    }

    let kind: Kind
    let base: RGB
    let second: RGB
    let third: RGB
    /// Unit direction of gradients and stripes.
    let direction: (Float, Float)
    /// Period of stripes / checkers, or feature size of noise, in pixels.
    let scale: Float
    let phase: Float
    let noise: ValueNoise

    /// A random texture of `kind` whose dominant colour is `base`.
    static func random(kind: Kind, base: RGB, _ g: inout SeededGenerator) -> ProceduralTexture {
        let angle = g.nextFloat() * 2 * .pi
        let contrast: Float = g.nextFloat(in: 0.15, 0.6)
        let second = g.nextFloat() < 0.5 ? base.shifted(contrast, &g) : RGB.random(&g).mix(base, 0.4)
        return ProceduralTexture(
            kind: kind, base: base, second: second, third: base.shifted(contrast * 0.7, &g),
            direction: (cosf(angle), sinf(angle)),
            scale: kind == .gradient ? g.nextFloat(in: 20, 160) : g.nextFloat(in: 3, 18),
            phase: g.nextFloat() * 100, noise: ValueNoise(seed: g.next()))
    }

    /// Colour at pixel centre (x, y).
    func colour(x: Float, y: Float) -> RGB {
        let u = x * direction.0 + y * direction.1
        switch kind {
        case .flat:
            return base
        case .gradient:
            let t = 0.5 + 0.5 * sinf((u + phase) / scale)
            return base.mix(second, t)
        case .stripes:
            let t = (u / scale + phase).truncatingRemainder(dividingBy: 1)
            return (t < 0 ? t + 1 : t) < 0.5 ? base : second
        case .checkers:
            let v = -x * direction.1 + y * direction.0
            let a = Int((u / scale + phase).rounded(.down)), b = Int((v / scale + phase).rounded(.down))
            return (a + b) & 1 == 0 ? base : second
        case .fractal:
            let n = noise.fractal(x: x / scale, y: y / scale, octaves: 4)
            return base.mix(second, min(1, max(0, (n - 0.5) * 2.2 + 0.5)))
        case .natural:
            // Marble/wood-like: a sinusoid of position warped by fractal turbulence, three tones.
            let turbulence = noise.fractal(x: x / (scale * 3), y: y / (scale * 3), octaves: 5)
            let t = 0.5 + 0.5 * sinf(u / scale + 9 * turbulence + phase)
            let grain = noise.value(x: x * 0.9, y: y * 0.9)
            return base.mix(second, t).mix(third, grain * 0.35)
        }
    }
}
