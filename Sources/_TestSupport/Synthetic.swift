import SegKitCore

/// Synthetic inputs with known answers, shared by every test target.
public enum Synthetic {
    /// An RGB image of `columns`×`rows` flat-colour blocks, each `blockSize` pixels square, and its
    /// ground-truth label map (block index, row-major). Colours are distinct and well separated.
    public static func blocks(columns: Int, rows: Int, blockSize: Int) -> (image: Image<Float>, labels: LabelMap) {
        let w = columns * blockSize, h = rows * blockSize
        var image = Image<Float>(width: w, height: h, channels: 3)
        var labels = LabelMap(width: w, height: h, repeating: 0)
        for y in 0..<h {
            for x in 0..<w {
                let b = (y / blockSize) * columns + x / blockSize
                let colour = palette(b)
                for c in 0..<3 { image[x: x, y: y, channel: c] = colour[c] }
                labels[x, y] = Int32(b)
            }
        }
        return (image, labels)
    }

    /// A distinct, well-separated colour for index `i` (deterministic).
    public static func palette(_ i: Int) -> [Float] {
        let hue = Float(i) * 0.618_034
        let h = hue - hue.rounded(.down)
        let v: Float = i % 2 == 0 ? 0.9 : 0.55
        return hsv(h, 0.85, v)
    }

    static func hsv(_ h: Float, _ s: Float, _ v: Float) -> [Float] {
        let i = Int(h * 6) % 6, f = h * 6 - Float(Int(h * 6))
        let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
        switch i {
        case 0: return [v, t, p]
        case 1: return [q, v, p]
        case 2: return [p, v, t]
        case 3: return [p, q, v]
        case 4: return [t, p, v]
        default: return [v, p, q]
        }
    }

    /// A smooth, deterministic test image (gradients and waves) with values in [0, 1].
    public static func smoothImage(width: Int, height: Int, channels: Int = 3, seed: UInt64 = 1) -> Image<Float> {
        var rng = SeededGenerator(seed: seed)
        let phases = (0..<channels).map { _ in rng.nextFloat() * 6.28 }
        var image = Image<Float>(width: width, height: height, channels: channels)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    let u = Float(x) / Float(max(width - 1, 1)), v = Float(y) / Float(max(height - 1, 1))
                    let s = 0.5 + 0.25 * (u - v) + 0.2 * sinApprox(7 * u + 5 * v + phases[c])
                    image[x: x, y: y, channel: c] = min(1, max(0, s))
                }
            }
        }
        return image
    }

    /// Uniform random image in [0, 1].
    public static func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64 = 7) -> Image<Float> {
        var rng = SeededGenerator(seed: seed)
        var image = Image<Float>(width: width, height: height, channels: channels)
        for i in image.data.indices { image.data[i] = rng.nextFloat() }
        return image
    }

    /// sin(x) without Foundation (Bhaskara-free Taylor on a reduced range; error < 1e-4).
    static func sinApprox(_ x: Float) -> Float {
        var t = x.truncatingRemainder(dividingBy: 2 * .pi)
        if t > .pi { t -= 2 * .pi } else if t < -.pi { t += 2 * .pi }
        let t2 = t * t
        return t * (1 - t2 / 6 * (1 - t2 / 20 * (1 - t2 / 42 * (1 - t2 / 72))))
    }
}
