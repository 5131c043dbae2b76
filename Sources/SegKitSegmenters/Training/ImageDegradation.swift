#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Camera-like degradations applied to procedural scenes so that a network trained on them meets
/// the nuisances of photographs: uneven lighting, defocus blur, sensor noise and JPEG blocking.
/// All take an RGB `Image<Float>` in [0, 1] and return one; randomness comes from the caller's
/// generator.
enum ImageDegradation {
    /// Multiplies by a smooth illumination field: a linear ramp plus a soft spot (or shadow),
    /// spanning about ±`strength`.
    static func lighting(_ image: Image<Float>, strength: Float, _ g: inout SeededGenerator) -> Image<Float> {
        var out = image
        let w = image.width, h = image.height, n = image.pixelCount
        let angle = g.nextFloat() * 2 * .pi
        let dx = cosf(angle) / Float(max(w, h)), dy = sinf(angle) / Float(max(w, h))
        let ramp = g.nextFloat(in: -strength, strength)
        let spot = g.nextFloat(in: -strength, strength)
        let sx = g.nextFloat() * Float(w), sy = g.nextFloat() * Float(h)
        let radius = g.nextFloat(in: 0.2, 0.7) * Float(max(w, h))
        let tint = (g.nextFloat(in: 0.93, 1.07), g.nextFloat(in: 0.93, 1.07), g.nextFloat(in: 0.93, 1.07))
        for y in 0..<h {
            for x in 0..<w {
                let px = Float(x) - Float(w) / 2, py = Float(y) - Float(h) / 2
                let qx = Float(x) - sx, qy = Float(y) - sy
                let f = 1 + ramp * (px * dx + py * dy) * 2 + spot * expf(-(qx * qx + qy * qy) / (radius * radius))
                let i = y * w + x
                out.data[i] = min(1, max(0, out.data[i] * f * tint.0))
                out.data[n + i] = min(1, max(0, out.data[n + i] * f * tint.1))
                out.data[2 * n + i] = min(1, max(0, out.data[2 * n + i] * f * tint.2))
            }
        }
        return out
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (radius 3σ, edges clamped).
    static func gaussianBlur(_ image: Image<Float>, sigma: Float) -> Image<Float> {
        guard sigma > 0.05 else { return image }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let w = image.width, h = image.height
        var out = image
        var tmp = [Float](repeating: 0, count: w * h)
        for c in 0..<image.channels {
            let base = c * w * h
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for k in -radius...radius { s += kernel[k + radius] * image.data[base + y * w + min(w - 1, max(0, x + k))] }
                    tmp[y * w + x] = s
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for k in -radius...radius { s += kernel[k + radius] * tmp[min(h - 1, max(0, y + k)) * w + x] }
                    out.data[base + y * w + x] = s
                }
            }
        }
        return out
    }

    /// Adds signal-dependent Gaussian noise: σ² = σ_read² + gain·value (shot noise), per channel,
    /// plus a little luminance-correlated noise.
    static func sensorNoise(_ image: Image<Float>, sigma: Float, _ g: inout SeededGenerator) -> Image<Float> {
        var out = image
        let n = image.pixelCount
        let gain = sigma * sigma * g.nextFloat(in: 0, 2)
        for i in 0..<n {
            let shared = g.nextNormal() * sigma * 0.5
            for c in 0..<3 {
                let v = out.data[c * n + i]
                let sd = (sigma * sigma + gain * v).squareRoot()
                out.data[c * n + i] = min(1, max(0, v + shared + g.nextNormal() * sd))
            }
        }
        return out
    }

    /// JPEG-like compression artefacts: YCbCr conversion, 8×8 DCT, quantisation with the standard
    /// JPEG tables scaled for `quality` (1–100, libjpeg's scaling), inverse DCT. Chroma is
    /// quantised with the chroma table at full resolution (no subsampling).
    static func jpegArtefacts(_ image: Image<Float>, quality: Int) -> Image<Float> {
        let w = image.width, h = image.height, n = image.pixelCount
        var ycc = [[Float]](repeating: [Float](repeating: 0, count: n), count: 3)
        for i in 0..<n {
            let r = image.data[i] * 255, gg = image.data[n + i] * 255, b = image.data[2 * n + i] * 255
            ycc[0][i] = 0.299 * r + 0.587 * gg + 0.114 * b - 128
            ycc[1][i] = -0.168_736 * r - 0.331_264 * gg + 0.5 * b
            ycc[2][i] = 0.5 * r - 0.418_688 * gg - 0.081_312 * b
        }
        let q = max(1, min(100, quality))
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        let tables = [lumaTable, chromaTable].map { t in t.map { Float(max(1, min(255, ($0 * scale + 50) / 100))) } }
        for c in 0..<3 {
            let table = tables[c == 0 ? 0 : 1]
            var block = [Float](repeating: 0, count: 64)
            for by in stride(from: 0, to: h, by: 8) {
                for bx in stride(from: 0, to: w, by: 8) {
                    for v in 0..<8 { for u in 0..<8 {
                        block[v * 8 + u] = ycc[c][min(h - 1, by + v) * w + min(w - 1, bx + u)]
                    } }
                    var coefficients = dct(block)
                    for k in 0..<64 { coefficients[k] = (coefficients[k] / table[k]).rounded() * table[k] }
                    let back = inverseDCT(coefficients)
                    for v in 0..<8 where by + v < h { for u in 0..<8 where bx + u < w {
                        ycc[c][(by + v) * w + bx + u] = back[v * 8 + u]
                    } }
                }
            }
        }
        var out = image
        for i in 0..<n {
            let y = ycc[0][i] + 128, cb = ycc[1][i], cr = ycc[2][i]
            out.data[i] = min(1, max(0, (y + 1.402 * cr) / 255))
            out.data[n + i] = min(1, max(0, (y - 0.344_136 * cb - 0.714_136 * cr) / 255))
            out.data[2 * n + i] = min(1, max(0, (y + 1.772 * cb) / 255))
        }
        return out
    }

    private static let cosines: [Float] = (0..<64).map { i in
        let x = i / 8, u = i % 8
        return cosf(Float(2 * x + 1) * Float(u) * .pi / 16) * (u == 0 ? (0.125 as Float).squareRoot() : 0.5)
    }

    /// Orthonormal 2-D DCT-II of an 8×8 block (row-major).
    private static func dct(_ block: [Float]) -> [Float] {
        var tmp = [Float](repeating: 0, count: 64), out = [Float](repeating: 0, count: 64)
        for y in 0..<8 { for u in 0..<8 {
            var s: Float = 0
            for x in 0..<8 { s += block[y * 8 + x] * cosines[x * 8 + u] }
            tmp[y * 8 + u] = s
        } }
        for v in 0..<8 { for u in 0..<8 {
            var s: Float = 0
            for y in 0..<8 { s += tmp[y * 8 + u] * cosines[y * 8 + v] }
            out[v * 8 + u] = s
        } }
        return out
    }

    private static func inverseDCT(_ coefficients: [Float]) -> [Float] {
        var tmp = [Float](repeating: 0, count: 64), out = [Float](repeating: 0, count: 64)
        for v in 0..<8 { for x in 0..<8 {
            var s: Float = 0
            for u in 0..<8 { s += coefficients[v * 8 + u] * cosines[x * 8 + u] }
            tmp[v * 8 + x] = s
        } }
        for y in 0..<8 { for x in 0..<8 {
            var s: Float = 0
            for v in 0..<8 { s += tmp[v * 8 + x] * cosines[y * 8 + v] }
            out[y * 8 + x] = s
        } }
        return out
    }

    /// The quantisation tables of the JPEG standard (Annex K), natural (row-major) order.
    private static let lumaTable: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]
    private static let chromaTable: [Int] = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ]
}
