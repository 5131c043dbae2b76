/// Mean over a (2r+1) × (2r+1) window, in O(1) per pixel (running sums), for every plane.
///
/// Borders follow OpenCV's `BORDER_REFLECT` (…cba|abcd…|dcb…: the edge pixel is repeated), the
/// convention of OpenCV's `ximgproc.guidedFilter`; the window always holds (2r+1)² samples.
/// Sums run in Double, so the result equals a direct windowed mean to ~1e-7.
public enum BoxFilter {
    /// - Precondition: `radius` ≥ 0.
    /// - Complexity: O(pixels × channels), independent of the radius; rows and columns are
    ///   processed in parallel.
    public static func mean(_ image: Image<Float>, radius: Int) -> Image<Float> {
        precondition(radius >= 0, "box filter radius must be non-negative")
        guard radius > 0 else { return image }
        var out = image
        let w = image.width, h = image.height, plane = w * h
        let xIndex = reflectedIndices(w, radius), yIndex = reflectedIndices(h, radius)
        let norm = 1 / Double((2 * radius + 1) * (2 * radius + 1))
        var rowSums = [Double](repeating: 0, count: plane)
        for c in 0..<image.channels {
            image.data.withUnsafeBufferPointer { src in
                rowSums.withUnsafeMutableBufferPointer { tmp in
                    let S = SendableConstPointer(src.baseAddress! + c * plane), T = SendablePointer(tmp.baseAddress!)
                    // Horizontal running sums, one row per iteration.
                    Parallel.forEachChunk(count: h, chunkSize: 16) { _, rows in
                        for y in rows {
                            let row = S.base + y * w, t = T.base + y * w
                            var s = 0.0
                            for k in 0..<(2 * radius + 1) { s += Double(row[xIndex[k]]) }
                            t[0] = s
                            for x in 1..<max(w, 1) {
                                s += Double(row[xIndex[x + 2 * radius]]) - Double(row[xIndex[x - 1]])
                                t[x] = s
                            }
                        }
                    }
                }
            }
            rowSums.withUnsafeBufferPointer { tmp in
                out.data.withUnsafeMutableBufferPointer { dst in
                    let T = SendableConstPointer(tmp.baseAddress!), D = SendablePointer(dst.baseAddress! + c * plane)
                    // Vertical running sums over column strips.
                    Parallel.forEachChunk(count: w, chunkSize: 256) { _, columns in
                        let width = columns.count
                        var acc = [Double](repeating: 0, count: width)
                        for k in 0..<(2 * radius + 1) {
                            let r = T.base + yIndex[k] * w + columns.lowerBound
                            for j in 0..<width { acc[j] += r[j] }
                        }
                        for j in 0..<width { D[columns.lowerBound + j] = Float(acc[j] * norm) }
                        for y in 1..<max(h, 1) {
                            let add = T.base + yIndex[y + 2 * radius] * w + columns.lowerBound
                            let sub = T.base + yIndex[y - 1] * w + columns.lowerBound
                            let o = D.base + y * w + columns.lowerBound
                            for j in 0..<width {
                                acc[j] += add[j] - sub[j]
                                o[j] = Float(acc[j] * norm)
                            }
                        }
                    }
                }
            }
        }
        return out
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
