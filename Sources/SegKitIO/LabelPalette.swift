/// The fixed, distinct colour palette used to draw label maps (palette PNGs and overlays).
///
/// Entry 0 is black and stands for void; label `l ≥ 0` uses entry `1 + l mod 255`, so colours
/// repeat only after 255 labels. Hues follow the golden angle with alternating saturation and
/// value, so neighbouring label numbers get very different colours.
public enum LabelPalette {
    /// 256 RGB entries.
    public static let colors: [(UInt8, UInt8, UInt8)] = {
        var out: [(UInt8, UInt8, UInt8)] = [(0, 0, 0)]
        for i in 0..<255 {
            let hue = Double(i) * 0.618_033_988_749_895
            let h = (hue - hue.rounded(.down)) * 6
            let s = [0.95, 0.6, 0.8][i % 3], v = [1.0, 0.8, 0.62][(i / 3) % 3]
            let k = Int(h), f = h - Double(k)
            let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
            let rgb: (Double, Double, Double) = switch k % 6 {
            case 0: (v, t, p)
            case 1: (q, v, p)
            case 2: (p, v, t)
            case 3: (p, q, v)
            case 4: (t, p, v)
            default: (v, p, q)
            }
            out.append((UInt8(rgb.0 * 255 + 0.5), UInt8(rgb.1 * 255 + 0.5), UInt8(rgb.2 * 255 + 0.5)))
        }
        return out
    }()

    /// Palette index of a label (0 for void).
    @inlinable
    public static func index(of label: Int32) -> Int { label < 0 ? 0 : 1 + Int(label) % 255 }

    /// The colour of a label as Float RGB in [0, 1].
    public static func color(of label: Int32) -> (Float, Float, Float) {
        let c = colors[index(of: label)]
        return (Float(c.0) / 255, Float(c.1) / 255, Float(c.2) / 255)
    }
}
