/// How ``Image/resized(width:height:method:)`` interpolates.
public enum ResizeMethod: String, Sendable, CaseIterable {
    /// Bilinear with pixel centres at half-integers (OpenCV `INTER_LINEAR`, PyTorch
    /// `align_corners=False`), edges clamped. Good for enlarging and mild shrinking.
    case bilinear
    /// Exact area averaging: each output pixel is the mean of the input area it covers, weighted by
    /// overlap. Anti-aliased shrinking (OpenCV `INTER_AREA` when downscaling).
    case area
}

extension Image where Scalar == Float {
    /// The image resampled to `width`×`height`.
    /// - Precondition: `width`, `height` ≥ 1.
    /// - Complexity: O(output pixels × channels) for bilinear; O(input + output pixels) per
    ///   channel for area.
    public func resized(width newWidth: Int, height newHeight: Int, method: ResizeMethod = .bilinear) -> Image<Float> {
        precondition(newWidth >= 1 && newHeight >= 1, "resize target must be positive")
        if newWidth == width && newHeight == height { return self }
        switch method {
        case .bilinear:
            return resizeSeparable(newWidth, newHeight, xTaps: bilinearTaps(width, newWidth), yTaps: bilinearTaps(height, newHeight))
        case .area:
            return resizeSeparable(newWidth, newHeight, xTaps: areaTaps(width, newWidth), yTaps: areaTaps(height, newHeight))
        }
    }

    /// Separable resampling: rows first (into a width-resized buffer), then columns.
    private func resizeSeparable(_ nw: Int, _ nh: Int, xTaps: [Taps], yTaps: [Taps]) -> Image<Float> {
        let w = width, h = height
        var out = [Float](repeating: 0, count: nw * nh * channels)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = SendableConstPointer(src.baseAddress!), d = SendablePointer(dst.baseAddress!)
                Parallel.forEach(channels) { c in
                    var tmp = [Float](repeating: 0, count: nw * h)
                    let plane = s.base + c * w * h
                    for y in 0..<h {
                        let row = plane + y * w
                        for x in 0..<nw {
                            var acc: Float = 0
                            for (i, wt) in xTaps[x].entries { acc += row[i] * wt }
                            tmp[y * nw + x] = acc
                        }
                    }
                    let outPlane = d.base + c * nw * nh
                    for y in 0..<nh {
                        let taps = yTaps[y].entries
                        for x in 0..<nw {
                            var acc: Float = 0
                            for (i, wt) in taps { acc += tmp[i * nw + x] * wt }
                            outPlane[y * nw + x] = acc
                        }
                    }
                }
            }
        }
        return Image(width: nw, height: nh, channels: channels, data: out, unchecked: ())
    }
}

extension LabelMap {
    /// The map resampled by nearest neighbour (label maps must never be interpolated).
    /// Output pixel x takes input column `min(floor((x + 0.5) · W / w), W − 1)`.
    /// - Precondition: `width`, `height` ≥ 1.
    public func resized(width newWidth: Int, height newHeight: Int) -> LabelMap {
        precondition(newWidth >= 1 && newHeight >= 1, "resize target must be positive")
        let xs = nearestIndices(width, newWidth), ys = nearestIndices(height, newHeight)
        var out = [Int32](repeating: 0, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let row = ys[y] * width
            for x in 0..<newWidth { out[y * newWidth + x] = labels[row + xs[x]] }
        }
        return LabelMap(width: newWidth, height: newHeight, unchecked: out)
    }
}

/// Source index of each destination index for nearest-neighbour resampling (centre-aligned).
func nearestIndices(_ source: Int, _ destination: Int) -> [Int] {
    (0..<destination).map { min(source - 1, Int((Double($0) + 0.5) * Double(source) / Double(destination))) }
}

/// Interpolation weights of one output sample.
struct Taps { var entries: [(Int, Float)] }

/// Half-pixel-centred bilinear weights, clamped at the borders.
func bilinearTaps(_ source: Int, _ destination: Int) -> [Taps] {
    let scale = Double(source) / Double(destination)
    return (0..<destination).map { x in
        let s = max(0, (Double(x) + 0.5) * scale - 0.5)
        let i0 = min(Int(s), source - 1), i1 = min(i0 + 1, source - 1)
        let f = Float(s - Double(i0))
        return i0 == i1 ? Taps(entries: [(i0, 1)]) : Taps(entries: [(i0, 1 - f), (i1, f)])
    }
}

/// Area weights: output pixel x covers source interval [x·s, (x+1)·s); weights are overlaps / s.
func areaTaps(_ source: Int, _ destination: Int) -> [Taps] {
    let scale = Double(source) / Double(destination)
    return (0..<destination).map { x in
        let lo = Double(x) * scale, hi = Double(x + 1) * scale
        var entries: [(Int, Float)] = []
        var i = Int(lo)
        while Double(i) < hi && i < source {
            let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
            if overlap > 1e-12 { entries.append((i, Float(overlap / scale))) }
            i += 1
        }
        return Taps(entries: entries)
    }
}
