/// Binary erosion and dilation with square or disk structuring elements.
public enum Morphology {
    public enum Element: Sendable, Equatable {
        /// (2r+1) × (2r+1) square.
        case square(radius: Int)
        /// All offsets with dx² + dy² ≤ r².
        case disk(radius: Int)

        var offsets: [(Int, Int)] {
            switch self {
            case .square(let r): return (-r...r).flatMap { dy in (-r...r).map { ($0, dy) } }
            case .disk(let r): return (-r...r).flatMap { dy in (-r...r).filter { $0 * $0 + dy * dy <= r * r }.map { ($0, dy) } }
            }
        }

        var radius: Int {
            switch self {
            case .square(let r), .disk(let r): r
            }
        }
    }

    /// Pixels whose whole neighbourhood (clipped at the image border) is inside the mask.
    /// Pixels outside the image count as inside, so shapes touching the border are not eroded
    /// from it (scikit-image's `binary_erosion` with `border_value=1`).
    /// - Complexity: O(pixels) for squares (separable running counts), O(pixels · r) for disks.
    public static func erode(_ mask: Mask, _ element: Element) -> Mask {
        invert(dilate(invert(mask), element))
    }

    /// Pixels with any neighbourhood pixel inside the mask.
    /// - Complexity: O(pixels) for squares, O(pixels · r) for disks.
    public static func dilate(_ mask: Mask, _ element: Element) -> Mask {
        let r = element.radius
        guard r > 0 else { return mask }
        let w = mask.width, h = mask.height
        switch element {
        case .square:
            // Separable: horizontal then vertical running OR via distance to the nearest set pixel.
            let horizontal = runOr(mask.pixels, w, h, r, horizontal: true)
            return try! Mask(width: w, height: h, pixels: runOr(horizontal, w, h, r, horizontal: false))
        case .disk:
            // Row spans: offset dy contributes a horizontal dilation of half-width ⌊√(r² − dy²)⌋.
            var out = [Bool](repeating: false, count: w * h)
            var spans: [Int: [Bool]] = [:]
            for dy in -r...r {
                let half = Int(Double(r * r - dy * dy).squareRoot())
                let dilated = spans[half] ?? runOr(mask.pixels, w, h, half, horizontal: true)
                spans[half] = dilated
                for y in 0..<h {
                    let sy = y + dy
                    guard sy >= 0 && sy < h else { continue }
                    for x in 0..<w where dilated[sy * w + x] { out[y * w + x] = true }
                }
            }
            return try! Mask(width: w, height: h, pixels: out)
        }
    }

    static func invert(_ mask: Mask) -> Mask {
        var m = mask
        for i in m.pixels.indices { m.pixels[i].toggle() }
        return m
    }

    /// OR over a window of ±r along rows or columns (pixels beyond the border are unset).
    static func runOr(_ pixels: [Bool], _ w: Int, _ h: Int, _ r: Int, horizontal: Bool) -> [Bool] {
        guard r > 0 else { return pixels }
        var out = [Bool](repeating: false, count: w * h)
        let (lines, length) = horizontal ? (h, w) : (w, h)
        for line in 0..<lines {
            @inline(__always) func index(_ t: Int) -> Int { horizontal ? line * w + t : t * w + line }
            var last = Int.min / 2  // position of the most recent set pixel
            // Forward pass: nearest set pixel at or before t; backward: at or after t.
            var before = [Int](repeating: Int.min / 2, count: length)
            for t in 0..<length {
                if pixels[index(t)] { last = t }
                before[t] = last
            }
            var next = Int.max / 2
            for t in stride(from: length - 1, through: 0, by: -1) {
                if pixels[index(t)] { next = t }
                out[index(t)] = t - before[t] <= r || next - t <= r
            }
        }
        return out
    }
}
