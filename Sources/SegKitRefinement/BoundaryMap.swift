/// Boundaries of a segmentation as binary masks.
public enum BoundaryMap {
    public enum Mode: String, Sendable, CaseIterable {
        /// Pixels with a 4-neighbour of another label (both sides of every boundary).
        case thick
        /// Pixels whose right or lower neighbour differs: a 1-pixel-wide boundary on the
        /// upper/left side of each edge.
        case inner
        /// Pixels whose left or upper neighbour differs — a 1-pixel boundary on the other side.
        case outer
    }

    /// - Complexity: O(pixels).
    public static func boundaries(_ labels: LabelMap, mode: Mode = .thick) -> Mask {
        let w = labels.width, h = labels.height
        var out = Mask(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x, l = labels.labels[i]
                let right = x + 1 < w && labels.labels[i + 1] != l
                let down = y + 1 < h && labels.labels[i + w] != l
                let left = x > 0 && labels.labels[i - 1] != l
                let up = y > 0 && labels.labels[i - w] != l
                switch mode {
                case .thick: out.pixels[i] = right || down || left || up
                case .inner: out.pixels[i] = right || down
                case .outer: out.pixels[i] = left || up
                }
            }
        }
        return out
    }
}
