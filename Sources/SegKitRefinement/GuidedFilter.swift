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
        let gc = colour ? 3 : 1
        let g = guide.channels == gc ? guide : guide.selecting(channels: colour ? [0, 1, 2] : [0])
        guard subsampling > 1 else {
            return smoothedLinearModel(coefficients(g, input, radius, epsilon), guide: g, inputChannels: input.channels, radius: radius)
        }
        // Fast guided filter: coefficients at reduced resolution, upsampled bilinearly.
        let w = input.width, h = input.height
        let sw = max(1, w / subsampling), sh = max(1, h / subsampling)
        let gs = g.resized(width: sw, height: sh, method: .bilinear)
        let ps = input.resized(width: sw, height: sh, method: .bilinear)
        let r = max(1, radius / subsampling)
        let means = BoxFilter.mean(coefficients(gs, ps, r, epsilon), radius: r).resized(width: w, height: h, method: .bilinear)
        return linearModel(means, guide: g, inputChannels: input.channels)
    }

    /// Per-window coefficients in one image: a in planes c · gc + k (input channel c, guide
    /// channel k), then b in planes pc · gc + c.
    static func coefficients(_ g: Image<Float>, _ p: Image<Float>, _ r: Int, _ eps: Float) -> Image<Float> {
        let w = g.width, h = g.height, plane = g.pixelCount, pc = p.channels, gc = g.channels
        return Image.filled(width: w, height: h, channels: pc * (gc + 1)) { ab in
            g.data.withUnsafeBufferPointer { gp in
                p.data.withUnsafeBufferPointer { pp in
                    let G = SendableConstPointer(gp.baseAddress!), P = SendableConstPointer(pp.baseAddress!)
                    let A = SendablePointer(ab), B = SendablePointer(ab + pc * gc * plane)
                    if gc == 1 {
                        grayCoefficients(G, P, A, B, width: w, height: h, plane: plane, inputChannels: pc, r: r, eps: eps)
                    } else {
                        colourCoefficients(G, P, A, B, width: w, height: h, plane: plane, inputChannels: pc, r: r, eps: eps)
                    }
                }
            }
        }
    }

    /// Gray guide: window means of I, I², and per input channel p and I·p (planes in that order),
    /// then a = cov(I, p) / (var(I) + ε), b = mean(p) − a · mean(I).
    static func grayCoefficients(_ G: SendableConstPointer<Float>, _ P: SendableConstPointer<Float>,
                                 _ A: SendablePointer<Float>, _ B: SendablePointer<Float>,
                                 width w: Int, height h: Int, plane: Int, inputChannels pc: Int, r: Int, eps: Float) {
        BoxFilter.slidingMeans(width: w, height: h, planes: 2 + 2 * pc, radius: r, planeStride: w, source: { y, row in
            let gi = G.base + y * w
            row.update(from: gi, count: w)
            product(gi, gi, row + w, w)
            for c in 0..<pc {
                let pr = P.base + c * plane + y * w, mp = row + (2 + 2 * c) * w
                mp.update(from: pr, count: w)
                product(gi, pr, mp + w, w)
            }
            return UnsafePointer(row)
        }, sink: { y, m in
            let mi = m, mii = m + w
            for c in 0..<pc {
                let mp = m + (2 + 2 * c) * w, mip = mp + w, ar = A.base + c * plane + y * w, br = B.base + c * plane + y * w
                for x in 0..<w {
                    let ac = (mip[x] - mi[x] * mp[x]) / (mii[x] - mi[x] * mi[x] + eps)
                    ar[x] = ac
                    br[x] = mp[x] - ac * mi[x]
                }
            }
        })
    }

    /// Colour guide: window means of I₀, I₁, I₂, the six products IₖIₗ (k ≤ l), and per input
    /// channel p, I₀p, I₁p, I₂p; then a = (Σ + εU)⁻¹ cov(I, p) (cofactors, in Double) and
    /// b = mean(p) − aᵀ mean(I).
    static func colourCoefficients(_ G: SendableConstPointer<Float>, _ P: SendableConstPointer<Float>,
                                   _ A: SendablePointer<Float>, _ B: SendablePointer<Float>,
                                   width w: Int, height h: Int, plane: Int, inputChannels pc: Int, r: Int, eps: Float) {
        BoxFilter.slidingMeans(width: w, height: h, planes: 9 + 4 * pc, radius: r, planeStride: w, source: { y, row in
            let g0 = G.base + y * w, g1 = g0 + plane, g2 = g1 + plane
            // One simple loop per plane (each vectorises; the rows stay in L1).
            row.update(from: g0, count: w)
            (row + w).update(from: g1, count: w)
            (row + 2 * w).update(from: g2, count: w)
            product(g0, g0, row + 3 * w, w)
            product(g0, g1, row + 4 * w, w)
            product(g0, g2, row + 5 * w, w)
            product(g1, g1, row + 6 * w, w)
            product(g1, g2, row + 7 * w, w)
            product(g2, g2, row + 8 * w, w)
            for c in 0..<pc {
                let pr = P.base + c * plane + y * w, o = row + (9 + 4 * c) * w
                o.update(from: pr, count: w)
                product(g0, pr, o + w, w)
                product(g1, pr, o + 2 * w, w)
                product(g2, pr, o + 3 * w, w)
            }
            return UnsafePointer(row)
        }, sink: { y, m in
            let e = Double(eps)
            for c in 0..<pc {
                let o = m + (9 + 4 * c) * w, i = y * w
                let a0 = A.base + 3 * c * plane + i, a1 = a0 + plane, a2 = a1 + plane, b = B.base + c * plane + i
                let m0 = m, m1 = m + w, m2 = m + 2 * w, m00 = m + 3 * w, m01 = m + 4 * w, m02 = m + 5 * w
                let m11 = m + 6 * w, m12 = m + 7 * w, m22 = m + 8 * w, mp = o, mp0 = o + w, mp1 = o + 2 * w, mp2 = o + 3 * w
                for x in 0..<w {
                    let mu0 = Double(m0[x]), mu1 = Double(m1[x]), mu2 = Double(m2[x])
                    let s00 = Double(m00[x]) - mu0 * mu0 + e, s01 = Double(m01[x]) - mu0 * mu1
                    let s02 = Double(m02[x]) - mu0 * mu2, s11 = Double(m11[x]) - mu1 * mu1 + e
                    let s12 = Double(m12[x]) - mu1 * mu2, s22 = Double(m22[x]) - mu2 * mu2 + e
                    // Adjugate of the symmetric Σ + εU.
                    let c00 = s11 * s22 - s12 * s12, c01 = s12 * s02 - s01 * s22, c02 = s01 * s12 - s11 * s02
                    let c11 = s00 * s22 - s02 * s02, c12 = s02 * s01 - s00 * s12, c22 = s00 * s11 - s01 * s01
                    let inverseDeterminant = 1 / (s00 * c00 + s01 * c01 + s02 * c02)
                    let p = Double(mp[x])
                    let v0 = Double(mp0[x]) - mu0 * p, v1 = Double(mp1[x]) - mu1 * p, v2 = Double(mp2[x]) - mu2 * p
                    let k0 = (c00 * v0 + c01 * v1 + c02 * v2) * inverseDeterminant
                    let k1 = (c01 * v0 + c11 * v1 + c12 * v2) * inverseDeterminant
                    let k2 = (c02 * v0 + c12 * v1 + c22 * v2) * inverseDeterminant
                    a0[x] = Float(k0)
                    a1[x] = Float(k1)
                    a2[x] = Float(k2)
                    b[x] = Float(p - k0 * mu0 - k1 * mu1 - k2 * mu2)
                }
            }
        })
    }

    /// out[x] = u[x] · v[x] for x < n.
    @inline(__always)
    static func product(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        for x in 0..<n { out[x] = u[x] * v[x] }
    }

    /// q = mean(a)ᵀ I + mean(b) with the window means of the coefficients (layout of
    /// ``coefficients(_:_:_:_:)``) taken on the fly.
    static func smoothedLinearModel(_ ab: Image<Float>, guide g: Image<Float>, inputChannels pc: Int, radius r: Int) -> Image<Float> {
        let w = g.width, h = g.height, plane = g.pixelCount, gc = g.channels
        return Image.filled(width: w, height: h, channels: pc) { out in
            ab.data.withUnsafeBufferPointer { abp in
                g.data.withUnsafeBufferPointer { gp in
                    let AB = SendableConstPointer(abp.baseAddress!), G = SendableConstPointer(gp.baseAddress!)
                    let O = SendablePointer(out)
                    BoxFilter.slidingMeans(width: w, height: h, planes: pc * (gc + 1), radius: r, planeStride: plane, source: { y, _ in
                        AB.base + y * w
                    }, sink: { y, m in
                        for c in 0..<pc {
                            let o = O.base + c * plane + y * w
                            o.update(from: m + (pc * gc + c) * w, count: w)
                            for k in 0..<gc {
                                let ma = m + (c * gc + k) * w, gi = G.base + k * plane + y * w
                                for x in 0..<w { o[x] += ma[x] * gi[x] }
                            }
                        }
                    })
                }
            }
        }
    }

    /// q = mean(a)ᵀ I + mean(b) from already smoothed coefficients (layout of
    /// ``coefficients(_:_:_:_:)``).
    static func linearModel(_ means: Image<Float>, guide g: Image<Float>, inputChannels pc: Int) -> Image<Float> {
        let n = g.pixelCount, gc = g.channels
        var out = means.selecting(channels: (0..<pc).map { pc * gc + $0 })
        for c in 0..<pc {
            for k in 0..<gc {
                for i in 0..<n { out.data[c * n + i] += means.data[(c * gc + k) * n + i] * g.data[k * n + i] }
            }
        }
        return out
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
