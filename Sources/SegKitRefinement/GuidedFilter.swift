/// The guided filter of He, Sun and Tang (TPAMI 2013), as used by the "two tricks" paper to
/// refine coarse masks against the image: an edge-preserving smoothing of `input` whose edges
/// follow the `guide`.
///
/// Per window, the output is a linear function of the guide, q = a·I + b, with
/// a = (Σ + ε U)⁻¹ cov(I, p) and b = mean(p) − aᵀ mean(I) (Σ the guide's covariance in the window;
/// scalar for a gray guide, 3 × 3 for a colour guide); a and b are then averaged over the windows
/// covering each pixel. Windows are (2r+1)² with OpenCV's reflected borders.
///
/// **ε convention**: ε is in the squared units of the guide. SegKit's guides are Float images in
/// [0, 1], so ε = 1e-3 means a standard deviation of about 0.03 (8 grey levels). OpenCV's
/// `ximgproc.guidedFilter` takes 8-bit guides in 0–255: its eps equals SegKit's ε × 255².
///
/// **OpenCV conformance**: with the guide divided by 255 and ε = eps / 255², the output equals
/// `cv2.ximgproc.guidedFilter(guide, p, r, eps)` (float32 p) to 1e-4, gray and colour guides,
/// multi-channel inputs, radii larger than the image (fixtures from `bench/filters/make_fixtures.py`).
/// Both use BORDER_REFLECT windows of (2r+1)² samples; the remaining difference (≈2e-5) is
/// OpenCV's own float32 rounding: SegKit sums windows in Double and inverts the 3 × 3 covariance
/// in Double, and is within 1e-5 of a direct Double evaluation.
public enum GuidedFilter {
    /// Filters every plane of `input` with the given guide.
    /// - Parameters:
    ///   - guide: 1 channel (gray form) or 3 channels (colour form); a 4th (alpha) is ignored.
    ///   - radius: window radius in pixels, ≥ 1 (default 8).
    ///   - epsilon: regularisation ε > 0 in guide units squared (default 1e-3).
    ///   - subsampling: s ≥ 1 computes the coefficients at 1/s resolution (the fast guided filter
    ///     of He & Sun 2015; radius scaled by 1/s) and upsamples them bilinearly. Default 1 (exact).
    /// - Throws: `SegKitError` when sizes differ, the guide has an unsupported channel count, or
    ///   parameters are out of range.
    /// - Complexity: O(pixels × input channels), independent of the radius (O(pixels/s²) for
    ///   the coefficients with subsampling).
    public static func filter(_ input: Image<Float>, guide: Image<Float>, radius: Int = 8, epsilon: Float = 1e-3,
                              subsampling: Int = 1) throws(SegKitError) -> Image<Float> {
        guard input.width == guide.width, input.height == guide.height else {
            throw .shapeMismatch("guide is \(guide.width)×\(guide.height) but the input is \(input.width)×\(input.height)")
        }
        guard radius >= 1, epsilon > 0, epsilon.isFinite, subsampling >= 1 else {
            throw .invalidArgument("guided filter needs radius ≥ 1, epsilon > 0 and subsampling ≥ 1")
        }
        let colour: Bool
        switch guide.channels {
        case 1, 2: colour = false
        case 3, 4: colour = true
        default: throw .invalidArgument("guide must have 1 or 3 channels, got \(guide.channels)")
        }
        let g = guide.selecting(channels: colour ? [0, 1, 2] : [0])
        let w = input.width, h = input.height
        // Coefficients (possibly at reduced resolution).
        let sw = max(1, w / subsampling), sh = max(1, h / subsampling)
        let small = subsampling > 1
        let gs = small ? g.resized(width: sw, height: sh, method: .bilinear) : g
        let ps = small ? input.resized(width: sw, height: sh, method: .bilinear) : input
        let r = small ? max(1, radius / subsampling) : radius
        let coefficients = colour ? colourCoefficients(gs, ps, r, epsilon) : grayCoefficients(gs, ps, r, epsilon)
        var meanA = BoxFilter.mean(coefficients.a, radius: r), meanB = BoxFilter.mean(coefficients.b, radius: r)
        if small {
            meanA = meanA.resized(width: w, height: h, method: .bilinear)
            meanB = meanB.resized(width: w, height: h, method: .bilinear)
        }
        // q = mean(a)ᵀ I + mean(b), per input plane.
        let n = w * h, gc = g.channels
        var out = Image<Float>(width: w, height: h, channels: input.channels)
        for c in 0..<input.channels {
            for i in 0..<n {
                var q = meanB.data[c * n + i]
                for k in 0..<gc { q += meanA.data[(c * gc + k) * n + i] * g.data[k * n + i] }
                out.data[c * n + i] = q
            }
        }
        return out
    }

    /// a (planes: input channel × 1) and b for a gray guide.
    static func grayCoefficients(_ g: Image<Float>, _ p: Image<Float>, _ r: Int, _ eps: Float) -> (a: Image<Float>, b: Image<Float>) {
        let n = g.pixelCount, pc = p.channels
        // Stack I, I², then p_c and I·p_c, filtered together.
        var stack = Image<Float>(width: g.width, height: g.height, channels: 2 + 2 * pc)
        for i in 0..<n {
            let v = g.data[i]
            stack.data[i] = v
            stack.data[n + i] = v * v
            for c in 0..<pc {
                stack.data[(2 + 2 * c) * n + i] = p.data[c * n + i]
                stack.data[(3 + 2 * c) * n + i] = v * p.data[c * n + i]
            }
        }
        let m = BoxFilter.mean(stack, radius: r)
        var a = Image<Float>(width: g.width, height: g.height, channels: pc), b = a
        for c in 0..<pc {
            for i in 0..<n {
                let mi = m.data[i], mii = m.data[n + i], mp = m.data[(2 + 2 * c) * n + i], mip = m.data[(3 + 2 * c) * n + i]
                let ac = (mip - mi * mp) / (mii - mi * mi + eps)
                a.data[c * n + i] = ac
                b.data[c * n + i] = mp - ac * mi
            }
        }
        return (a, b)
    }

    /// a (planes: input channel × 3) and b for a colour guide, via the 3 × 3 covariance.
    static func colourCoefficients(_ g: Image<Float>, _ p: Image<Float>, _ r: Int, _ eps: Float) -> (a: Image<Float>, b: Image<Float>) {
        let n = g.pixelCount, pc = p.channels
        // Planes: I0, I1, I2, I00, I01, I02, I11, I12, I22, then per input channel p, I0p, I1p, I2p.
        var stack = Image<Float>(width: g.width, height: g.height, channels: 9 + 4 * pc)
        let pairs = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]
        for i in 0..<n {
            let v = (g.data[i], g.data[n + i], g.data[2 * n + i])
            let vs = [v.0, v.1, v.2]
            for k in 0..<3 { stack.data[k * n + i] = vs[k] }
            for (t, (x, y)) in pairs.enumerated() { stack.data[(3 + t) * n + i] = vs[x] * vs[y] }
            for c in 0..<pc {
                let pv = p.data[c * n + i]
                stack.data[(9 + 4 * c) * n + i] = pv
                for k in 0..<3 { stack.data[(10 + 4 * c + k) * n + i] = vs[k] * pv }
            }
        }
        let m = BoxFilter.mean(stack, radius: r)
        var a = Image<Float>(width: g.width, height: g.height, channels: 3 * pc)
        var b = Image<Float>(width: g.width, height: g.height, channels: pc)
        for i in 0..<n {
            let mu = (0..<3).map { m.data[$0 * n + i] }
            // Σ + εU (symmetric), in Double for a stable inverse.
            var s = [[Double]](repeating: [0, 0, 0], count: 3)
            for (t, (x, y)) in pairs.enumerated() {
                let v = Double(m.data[(3 + t) * n + i]) - Double(mu[x]) * Double(mu[y]) + (x == y ? Double(eps) : 0)
                s[x][y] = v
                s[y][x] = v
            }
            let inv = inverse3(s)
            for c in 0..<pc {
                let mp = Double(m.data[(9 + 4 * c) * n + i])
                let cov = (0..<3).map { Double(m.data[(10 + 4 * c + $0) * n + i]) - Double(mu[$0]) * mp }
                var bc = mp
                for k in 0..<3 {
                    let ak = inv[k][0] * cov[0] + inv[k][1] * cov[1] + inv[k][2] * cov[2]
                    a.data[(3 * c + k) * n + i] = Float(ak)
                    bc -= ak * Double(mu[k])
                }
                b.data[c * n + i] = Float(bc)
            }
        }
        return (a, b)
    }

    /// Inverse of a symmetric positive-definite 3 × 3 matrix (adjugate / determinant).
    static func inverse3(_ m: [[Double]]) -> [[Double]] {
        let c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1]
        let c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2]
        let c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0]
        let det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02
        let c11 = m[0][0] * m[2][2] - m[0][2] * m[2][0]
        let c12 = m[0][2] * m[1][0] - m[0][0] * m[1][2]
        let c22 = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        return [[c00 / det, c01 / det, c02 / det], [c01 / det, c11 / det, c12 / det], [c02 / det, c12 / det, c22 / det]]
    }
}
