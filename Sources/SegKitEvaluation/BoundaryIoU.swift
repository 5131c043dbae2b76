/// Boundary IoU (Cheng et al. 2021), exactly as boundary-iou-api: a mask's boundary is the mask
/// minus its erosion by a 3×3 kernel applied d times, on the mask zero-padded by one pixel (so
/// the image border counts as boundary), with d = max(1, round(0.02 × image diagonal)).
public enum BoundaryIoU {
    /// The dilation d for an image (boundary-iou-api's `dilation_ratio` default 0.02).
    public static func dilation(width: Int, height: Int, ratio: Double = 0.02) -> Int {
        max(1, Int((ratio * Double(width * width + height * height).squareRoot()).rounded(.toNearestOrEven)))
    }

    /// The boundary band of `mask` of width `dilation` pixels.
    /// - Complexity: O(pixels) (2-D prefix sums).
    public static func boundary(_ mask: Mask, dilation d: Int) -> Mask {
        let w = mask.width, h = mask.height
        // Prefix sums of the mask: a pixel survives the erosion when its (2d+1)² window lies inside
        // the image (the padding ring is 0) and is entirely inside the mask.
        var prefix = [Int32](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var row: Int32 = 0
            for x in 0..<w {
                row += mask.pixels[y * w + x] ? 1 : 0
                prefix[(y + 1) * (w + 1) + x + 1] = prefix[y * (w + 1) + x + 1] + row
            }
        }
        let full = Int32((2 * d + 1) * (2 * d + 1))
        var out = mask
        for y in 0..<h {
            for x in 0..<w where mask.pixels[y * w + x] {
                let inside = x >= d && y >= d && x + d < w && y + d < h
                var eroded = false
                if inside {
                    let x0 = x - d, y0 = y - d, x1 = x + d + 1, y1 = y + d + 1
                    let s = prefix[y1 * (w + 1) + x1] - prefix[y0 * (w + 1) + x1] - prefix[y1 * (w + 1) + x0] + prefix[y0 * (w + 1) + x0]
                    eroded = s == full
                }
                out.pixels[y * w + x] = !eroded
            }
        }
        return out
    }

    /// Boundary IoU of two masks of one size (0 when both boundaries are empty, as the reference
    /// divides 0 by 0 only for two empty masks).
    /// - Precondition: equal sizes.
    public static func iou(_ a: Mask, _ b: Mask, ratio: Double = 0.02) -> Double {
        precondition(a.width == b.width && a.height == b.height, "mask sizes differ")
        let d = dilation(width: a.width, height: a.height, ratio: ratio)
        return boundary(a, dilation: d).iou(boundary(b, dilation: d))
    }
}
