#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSegKitKernels

/// Colour-space conversions between sRGB, linear RGB and CIELAB (D65 white, 2° observer).
///
/// - sRGB ↔ linear: the IEC 61966-2-1 transfer function (linear segment below 0.04045 / 0.0031308).
/// - linear RGB ↔ XYZ: the sRGB primaries matrix (Lindbloom), white D65 = (0.95047, 1, 1.08883).
/// - XYZ ↔ Lab: CIE 1976 with ε = 216/24389 and κ = 24389/27.
///
/// Images hold Float samples; RGB in [0, 1], L in [0, 100], a and b roughly in [-128, 127].
/// Only the first three channels are converted; a fourth (alpha) is copied unchanged.
public enum ColorSpace {
    /// D65 reference white in XYZ (Y = 1).
    public static let whiteD65: (x: Float, y: Float, z: Float) = (0.95047, 1.0, 1.08883)

    @inlinable
    public static func srgbToLinear(_ v: Float) -> Float {
        v <= 0.04045 ? v / 12.92 : powf((v + 0.055) / 1.055, 2.4)
    }

    @inlinable
    public static func linearToSRGB(_ v: Float) -> Float {
        v <= 0.003_130_8 ? v * 12.92 : 1.055 * powf(v, 1 / 2.4) - 0.055
    }

    /// Linear RGB → CIELAB for one pixel.
    @inlinable
    public static func linearRGBToLab(_ r: Float, _ g: Float, _ b: Float) -> (l: Float, a: Float, b: Float) {
        let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / whiteD65.x
        let y = (0.212_672_9 * r + 0.715_152_2 * g + 0.072_175_0 * b) / whiteD65.y
        let z = (0.019_333_9 * r + 0.119_192_0 * g + 0.950_304_1 * b) / whiteD65.z
        let fx = labF(x), fy = labF(y), fz = labF(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// CIELAB → linear RGB for one pixel (not clamped: out-of-gamut colours leave [0, 1]).
    @inlinable
    public static func labToLinearRGB(_ l: Float, _ a: Float, _ bb: Float) -> (r: Float, g: Float, b: Float) {
        let fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - bb / 200
        let x = labFInverse(fx) * whiteD65.x, y = labFInverse(fy) * whiteD65.y, z = labFInverse(fz) * whiteD65.z
        return (3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
                -0.969_266_0 * x + 1.876_010_8 * y + 0.041_556_0 * z,
                0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z)
    }

    @inlinable
    static func labF(_ t: Float) -> Float {
        t > 216 / 24389 ? cubeRoot(t) : (24389 / 27 * t + 16) / 116
    }

    /// ∛t for t > 0, within an ulp of `cbrtf` and several times faster, without a division: a
    /// bit-level guess of t^(−1/3) (≈ 3.4 % off), four Newton steps y ← y (4 − t y³) / 3 in Double
    /// (quadratic convergence: 3.4e-2 → 2e-3 → 1e-5 → 2e-10 → Double rounding), then t · y² rounded
    /// to Float. CSegKitKernels' `sk_srgb_to_lab` performs the same operations. For t > 0 (labF
    /// passes t > 216/24389); infinity and NaN go to `cbrtf`.
    @inlinable
    static func cubeRoot(_ t: Float) -> Float {
        guard t.isFinite else { return cbrtf(t) }
        let guess = Float(bitPattern: 1_419_916_118 &- t.bitPattern / 3)
        var y = Double(guess)
        let a = Double(t)
        for _ in 0..<4 { y = y * (4 - a * y * y * y) * (1.0 / 3.0) }
        return Float(a * y * y)
    }

    @inlinable
    static func labFInverse(_ f: Float) -> Float {
        let f3 = f * f * f
        return f3 > 216 / 24389 ? f3 : (116 * f - 16) / (24389 / 27)
    }

    /// sRGB image → linear RGB image (alpha copied).
    /// - Throws: `SegKitError.invalidArgument` unless the image has 3 or 4 channels.
    public static func srgbToLinear(_ image: Image<Float>) throws(SegKitError) -> Image<Float> {
        try requireRGB(image)
        return mapRGB(image) { r, g, b in (srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)) }
    }

    /// Linear RGB image → sRGB image (alpha copied).
    public static func linearToSRGB(_ image: Image<Float>) throws(SegKitError) -> Image<Float> {
        try requireRGB(image)
        return mapRGB(image) { r, g, b in (linearToSRGB(r), linearToSRGB(g), linearToSRGB(b)) }
    }

    /// sRGB image → CIELAB image (L, a, b planes; alpha copied). Gray images are converted as
    /// R = G = B.
    /// - Throws: `SegKitError.invalidArgument` for images with more than 4 channels.
    public static func srgbToLab(_ image: Image<Float>) throws(SegKitError) -> Image<Float> {
        let rgb = image.channels <= 2 ? image.rgb() : image
        try requireRGB(rgb)
        var out = rgb
        let n = rgb.pixelCount
        // CSegKitKernels' sk_srgb_to_lab: the per-pixel functions above, vectorised (and with
        // 8-bit samples looked up in a table filled by srgbToLinear itself): the same results.
        linearOf8Bit.withUnsafeBufferPointer { table in
            out.data.withUnsafeMutableBufferPointer { buffer in
                let p = SendablePointer(buffer.baseAddress!), lut = SendableConstPointer(table.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 16_384) { _, range in
                    let start = p.base + range.lowerBound
                    sk_srgb_to_lab(start, start + n, start + 2 * n, start, start + n, start + 2 * n,
                                   Int64(range.count), lut.base)
                }
            }
        }
        return out
    }

    /// srgbToLinear of the 256 8-bit sample values.
    static let linearOf8Bit: [Float] = (0...255).map { srgbToLinear(UInt8($0).normalizedFloat) }

    /// CIELAB image → sRGB image, clamped to [0, 1] (alpha copied).
    public static func labToSRGB(_ image: Image<Float>) throws(SegKitError) -> Image<Float> {
        try requireRGB(image)
        return mapRGB(image) { l, a, b in
            let rgb = labToLinearRGB(l, a, b)
            return (min(max(linearToSRGB(max(rgb.r, 0)), 0), 1),
                    min(max(linearToSRGB(max(rgb.g, 0)), 0), 1),
                    min(max(linearToSRGB(max(rgb.b, 0)), 0), 1))
        }
    }

    static func requireRGB(_ image: Image<Float>) throws(SegKitError) {
        guard image.channels == 3 || image.channels == 4 else {
            throw .invalidArgument("colour conversion needs a 3- or 4-channel image, got \(image.channels) channels")
        }
    }

    static func mapRGB(_ image: Image<Float>, _ f: @Sendable (Float, Float, Float) -> (Float, Float, Float)) -> Image<Float> {
        var out = image
        let n = image.pixelCount
        out.data.withUnsafeMutableBufferPointer { buf in
            let p = SendablePointer(buf.baseAddress!)
            Parallel.forEachChunk(count: n, chunkSize: 16_384) { _, range in
                for i in range {
                    let v = f(p[i], p[n + i], p[2 * n + i])
                    p[i] = v.0
                    p[n + i] = v.1
                    p[2 * n + i] = v.2
                }
            }
        }
        return out
    }
}
