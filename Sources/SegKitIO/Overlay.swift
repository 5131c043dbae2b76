/// Drawing label maps over images for viewing.
public enum Overlay {
    /// The image with each segment tinted in its ``LabelPalette`` colour.
    ///
    /// - Parameters:
    ///   - image: sRGB Float image in [0, 1] (gray images are drawn as RGB, alpha dropped).
    ///   - labels: same width and height; void pixels are left untinted.
    ///   - alpha: opacity of the tint in [0, 1], default 0.5.
    ///   - boundaries: when true, 1-pixel boundaries are drawn in white: a pixel is on a boundary
    ///     when its right or lower neighbour carries a different label.
    /// - Returns: an RGB image.
    /// - Throws: `SegKitError.shapeMismatch` when sizes differ, `.invalidArgument` for alpha
    ///   outside [0, 1].
    /// - Complexity: O(pixels).
    public static func render(image: Image<Float>, labels: LabelMap, alpha: Float = 0.5, boundaries: Bool = false) throws(SegKitError) -> Image<Float> {
        try labels.requireSize(width: image.width, height: image.height, of: "the image")
        guard alpha >= 0, alpha <= 1 else { throw .invalidArgument("overlay alpha must lie in [0, 1], got \(alpha)") }
        var out = image.rgb()
        let w = image.width, h = image.height, n = w * h
        let colors = LabelPalette.colors.map { (Float($0.0) / 255, Float($0.1) / 255, Float($0.2) / 255) }
        out.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let l = labels.labels[i]
                guard l >= 0 else { continue }
                let c = colors[LabelPalette.index(of: l)]
                p[i] += (c.0 - p[i]) * alpha
                p[n + i] += (c.1 - p[n + i]) * alpha
                p[2 * n + i] += (c.2 - p[2 * n + i]) * alpha
            }
            guard boundaries else { return }
            for y in 0..<h {
                for x in 0..<w {
                    let i = y * w + x, l = labels.labels[i]
                    let edge = (x + 1 < w && labels.labels[i + 1] != l) || (y + 1 < h && labels.labels[i + w] != l)
                    if edge {
                        p[i] = 1
                        p[n + i] = 1
                        p[2 * n + i] = 1
                    }
                }
            }
        }
        return out
    }
}
