extension Variable {
    public enum UpsampleMode: Sendable { case bilinear, nearest }

    /// Resizes NCHW to `height` × `width`. Bilinear uses PyTorch's `align_corners=False`
    /// convention (source = (dst + 0.5)·in/out − 0.5, clamped at 0); nearest takes
    /// ⌊dst · in/out⌋ (PyTorch's `nearest`).
    public func upsampled(height ho: Int, width wo: Int, mode: UpsampleMode = .bilinear) throws(SegKitError) -> Variable {
        let x = value
        guard x.rank == 4, ho >= 1, wo >= 1 else { throw .shapeMismatch("upsample: needs NCHW and a positive size, got \(x.shape)") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ys = Variable.taps(h, ho, mode), xs = Variable.taps(w, wo, mode)
        var out = [Float](repeating: 0, count: n * c * ho * wo)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let S = SendableConstPointer(src.baseAddress!), D = SendablePointer(dst.baseAddress!)
                Parallel.forEach(n * c) { p in
                    let plane = S.base + p * h * w, o = D.base + p * ho * wo
                    for oy in 0..<ho {
                        let (y0, y1, fy) = ys[oy]
                        for ox in 0..<wo {
                            let (x0, x1, fx) = xs[ox]
                            let top = plane[y0 * w + x0] * (1 - fx) + plane[y0 * w + x1] * fx
                            let bottom = plane[y1 * w + x0] * (1 - fx) + plane[y1 * w + x1] * fx
                            o[oy * wo + ox] = top * (1 - fy) + bottom * fy
                        }
                    }
                }
            }
        }
        let shape = x.shape
        return Variable(Tensor(unchecked: [n, c, ho, wo], out), inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: shape.reduce(1, *))
            g.data.withUnsafeBufferPointer { gp in
                dx.withUnsafeMutableBufferPointer { dp in
                    let G = SendableConstPointer(gp.baseAddress!), D = SendablePointer(dp.baseAddress!)
                    Parallel.forEach(n * c) { p in
                        let plane = D.base + p * h * w, grad = G.base + p * ho * wo
                        for oy in 0..<ho {
                            let (y0, y1, fy) = ys[oy]
                            for ox in 0..<wo {
                                let (x0, x1, fx) = xs[ox]
                                let v = grad[oy * wo + ox]
                                plane[y0 * w + x0] += v * (1 - fy) * (1 - fx)
                                plane[y0 * w + x1] += v * (1 - fy) * fx
                                plane[y1 * w + x0] += v * fy * (1 - fx)
                                plane[y1 * w + x1] += v * fy * fx
                            }
                        }
                    }
                }
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    static func taps(_ input: Int, _ output: Int, _ mode: UpsampleMode) -> [(Int, Int, Float)] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            switch mode {
            case .nearest:
                let i = Swift.min(input - 1, Int(Float(o) * scale))
                return (i, i, 0)
            case .bilinear:
                let s = Swift.max(0, (Float(o) + 0.5) * scale - 0.5)
                let i0 = Swift.min(Int(s), input - 1), i1 = Swift.min(i0 + 1, input - 1)
                return (i0, i1, i0 == i1 ? 0 : s - Float(i0))
            }
        }
    }
}
