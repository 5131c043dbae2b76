/// Mean over a (2r+1) × (2r+1) window, in O(1) per pixel (running sums), for every plane.
///
/// Borders follow OpenCV's `BORDER_REFLECT` (…cba|abcd…|dcb…: the edge pixel is repeated), the
/// convention of OpenCV's `ximgproc.guidedFilter`; the window always holds (2r+1)² samples.
/// Sums run in Double, so the result equals a direct windowed mean to ~1e-7 (and
/// `cv2.boxFilter(…, borderType=cv2.BORDER_REFLECT)` on float32, which also sums in Double).
public enum BoxFilter {
    /// - Precondition: `radius` ≥ 0.
    /// - Complexity: O(pixels × channels), independent of the radius; bands of rows are
    ///   processed in parallel.
    public static func mean(_ image: Image<Float>, radius: Int) -> Image<Float> {
        precondition(radius >= 0, "box filter radius must be non-negative")
        guard radius > 0, image.pixelCount > 0 else { return image }
        let w = image.width, plane = image.pixelCount, channels = image.channels
        return Image.filled(width: w, height: image.height, channels: channels) { out in
            image.data.withUnsafeBufferPointer { src in
                let S = SendableConstPointer(src.baseAddress!)
                slidingMeans(width: w, height: image.height, planes: channels, radius: radius, planeStride: plane, source: { y, _ in
                    S.base + y * w
                }, into: out)
            }
        }
    }

    /// Source index of positions −r … n−1+r under BORDER_REFLECT (any r, repeated reflections).
    static func reflectedIndices(_ n: Int, _ r: Int) -> [Int] {
        (-r..<(n + r)).map { reflect($0, n) }
    }

    static func reflect(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        var i = i
        while i < 0 || i >= n {
            if i < 0 { i = -i - 1 }
            if i >= n { i = 2 * n - i - 1 }
        }
        return i
    }
}
