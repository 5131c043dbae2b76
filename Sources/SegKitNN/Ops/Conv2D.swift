/// Geometry of a 2-D convolution.
public struct Conv2DGeometry: Sendable, Equatable {
    public var stride: Int = 1
    public var padding: Int = 0
    public var dilation: Int = 1
    public var groups: Int = 1
    public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }
}

extension Variable {
    /// 2-D convolution (cross-correlation, as PyTorch's `conv2d`) of an NCHW input with
    /// weights [C_out, C_in / groups, kh, kw] and an optional bias [C_out], via im2col + sgemm.
    /// - Throws: when shapes, groups or the output size do not work out, naming the shapes.
    /// - Complexity: O(N · C_out · C_in/groups · kh · kw · H_out · W_out).
    public func conv2d(weight: Variable, bias: Variable? = nil, geometry g: Conv2DGeometry = .init()) throws(SegKitError) -> Variable {
        let x = value, w = weight.value
        guard x.rank == 4, w.rank == 4 else { throw .shapeMismatch("conv2d: needs NCHW input and 4-D weights, got \(x.shape), \(w.shape)") }
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (co, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        guard g.stride >= 1, g.padding >= 0, g.dilation >= 1, g.groups >= 1, c % g.groups == 0, co % g.groups == 0, cg == c / g.groups else {
            throw .shapeMismatch("conv2d: input \(x.shape) and weights \(w.shape) do not fit groups \(g.groups)")
        }
        if let bias, bias.shape != [co] { throw .shapeMismatch("conv2d: bias \(bias.shape) must be [\(co)]") }
        let ho = (h + 2 * g.padding - g.dilation * (kh - 1) - 1) / g.stride + 1
        let wo = (wd + 2 * g.padding - g.dilation * (kw - 1) - 1) / g.stride + 1
        guard ho >= 1, wo >= 1 else { throw .shapeMismatch("conv2d: input \(x.shape) is too small for kernel \(kh)×\(kw)") }
        let plan = ConvPlan(n: n, c: c, h: h, w: wd, co: co, kh: kh, kw: kw, ho: ho, wo: wo, geometry: g)
        var out = plan.forward(x.data, w.data)
        if let b = bias?.value.data {
            for i in 0..<n { for o in 0..<co { for p in 0..<(ho * wo) { out[(i * co + o) * ho * wo + p] += b[o] } } }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Variable(Tensor(unchecked: [n, co, ho, wo], out), inputs: inputs) { grad in
            let (dx, dw) = plan.backward(x.data, w.data, grad.data)
            var result: [Tensor?] = [Tensor(unchecked: x.shape, dx), Tensor(unchecked: w.shape, dw)]
            if bias != nil {
                var db = [Float](repeating: 0, count: co)
                for i in 0..<n { for o in 0..<co {
                    var s: Float = 0
                    let base = (i * co + o) * ho * wo
                    for p in 0..<(ho * wo) { s += grad.data[base + p] }
                    db[o] += s
                } }
                result.append(Tensor(unchecked: [co], db))
            }
            return result
        }
    }
}

/// im2col convolution kernels for one input/weight geometry.
struct ConvPlan: Sendable {
    let n: Int, c: Int, h: Int, w: Int, co: Int, kh: Int, kw: Int, ho: Int, wo: Int
    let geometry: Conv2DGeometry
    var groups: Int { geometry.groups }
    var cg: Int { c / groups }
    var cog: Int { co / groups }
    var k: Int { cg * kh * kw }
    var pixels: Int { ho * wo }
    /// 1×1, stride 1, no padding: the input plane is already the column matrix.
    var pointwise: Bool { kh == 1 && kw == 1 && geometry.stride == 1 && geometry.padding == 0 }

    /// Output columns ox whose input column ox·s − p + b·d lies inside [0, w).
    @inline(__always)
    func validColumns(_ b: Int) -> Range<Int> {
        let s = geometry.stride, offset = b * geometry.dilation - geometry.padding
        // ox·s + offset ≥ 0  and  ox·s + offset ≤ w − 1
        let lo = offset >= 0 ? 0 : (-offset + s - 1) / s
        let hi = w - 1 - offset < 0 ? 0 : min(wo, (w - 1 - offset) / s + 1)
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Fills `col` (k × (rows.count · wo)) for output rows `rows` of image `i`, group `gi`.
    func im2col(_ x: UnsafePointer<Float>, image i: Int, group gi: Int, rows: Range<Int>? = nil, into col: UnsafeMutablePointer<Float>) {
        let s = geometry.stride, p = geometry.padding, d = geometry.dilation
        let rows = rows ?? 0..<ho
        let stripPixels = rows.count * wo
        var row = 0
        for ci in 0..<cg {
            let plane = x + ((i * c) + gi * cg + ci) * h * w
            for a in 0..<kh {
                for b in 0..<kw {
                    let out = col + row * stripPixels
                    let columns = validColumns(b)
                    let offset = b * d - p
                    for oy in rows {
                        let y = oy * s - p + a * d
                        let dst = out + (oy - rows.lowerBound) * wo
                        guard y >= 0 && y < h, !columns.isEmpty else {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        if columns.lowerBound > 0 { dst.update(repeating: 0, count: columns.lowerBound) }
                        if columns.upperBound < wo { (dst + columns.upperBound).update(repeating: 0, count: wo - columns.upperBound) }
                        let src = plane + y * w + offset
                        if s == 1 {
                            (dst + columns.lowerBound).update(from: src + columns.lowerBound, count: columns.count)
                        } else {
                            for ox in columns { dst[ox] = src[ox * s] }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds `col` (k × (rows.count · wo)) for output rows `rows` back into the input gradient of
    /// image `i`, group `gi`.
    func col2im(_ col: UnsafePointer<Float>, image i: Int, group gi: Int, rows: Range<Int>? = nil, into dx: UnsafeMutablePointer<Float>) {
        let s = geometry.stride, p = geometry.padding, d = geometry.dilation
        let rows = rows ?? 0..<ho
        let stripPixels = rows.count * wo
        var row = 0
        for ci in 0..<cg {
            let plane = dx + ((i * c) + gi * cg + ci) * h * w
            for a in 0..<kh {
                for b in 0..<kw {
                    let src = col + row * stripPixels
                    let columns = validColumns(b)
                    let offset = b * d - p
                    for oy in rows {
                        let y = oy * s - p + a * d
                        guard y >= 0 && y < h else { continue }
                        let dst = plane + y * w + offset, line = src + (oy - rows.lowerBound) * wo
                        if s == 1 {
                            for ox in columns { dst[ox] += line[ox] }
                        } else {
                            for ox in columns { dst[ox * s] += line[ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Images are processed in parallel when there are several; a single image lets sgemm
    /// split its columns instead.
    var parallelImages: Bool { n > 1 }

    func forward(_ x: [Float], _ weights: [Float]) -> [Float] {
        // Every output element is written by sgemm (β = 0): no need to zero the buffer.
        var out = [Float](unsafeUninitializedCapacity: n * co * pixels) { _, count in count = n * co * pixels }
        let rowsPerStrip = self.rowsPerStrip  // read here: task-locals do not reach worker threads
        x.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    let X = SendableConstPointer(xp.baseAddress!), W = SendableConstPointer(wp.baseAddress!), O = SendablePointer(op.baseAddress!)
                    let body: @Sendable (Int) -> Void = { i in
                        for gi in 0..<self.groups {
                            let out = O.base + (i * self.co + gi * self.cog) * self.pixels
                            if self.pointwise {
                                self.gemm(W.base + gi * self.cog * self.k, X.base + (i * self.c + gi * self.cg) * self.pixels, out)
                            } else {
                                // Strips of output rows bound the column buffer (≈ 16 MB) whatever the image size.
                                BufferPool.shared.withBuffer(self.k * rowsPerStrip * self.wo) { col in
                                    for start in stride(from: 0, to: self.ho, by: rowsPerStrip) {
                                        let rows = start..<min(self.ho, start + rowsPerStrip)
                                        self.im2col(X.base, image: i, group: gi, rows: rows, into: col)
                                        LinearAlgebra.gemm(m: self.cog, n: rows.count * self.wo, k: self.k, a: W.base + gi * self.cog * self.k,
                                                           lda: self.k, b: UnsafePointer(col), ldb: rows.count * self.wo,
                                                           c: out + start * self.wo, ldc: self.pixels, parallel: !self.parallelImages)
                                    }
                                }
                            }
                        }
                    }
                    if parallelImages { Parallel.forEach(n, body) } else { for i in 0..<n { body(i) } }
                }
            }
        }
        return out
    }

    /// Floats of im2col columns per strip in the forward pass (tests lower it to exercise strips).
    @TaskLocal static var columnBudget = 4_194_304

    /// Output rows per im2col strip in the forward pass: about `columnBudget` floats, at least one row.
    var rowsPerStrip: Int { max(1, min(ho, Self.columnBudget / max(1, k * wo))) }

    private func gemm(_ w: UnsafePointer<Float>, _ col: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        LinearAlgebra.gemm(m: cog, n: pixels, k: k, a: w, lda: k, b: col, ldb: pixels, c: out, ldc: pixels, parallel: !parallelImages)
    }

    /// Gradients of the input and of the weights (per-image partial weight gradients are summed
    /// in image order, so the result does not depend on the thread count).
    func backward(_ x: [Float], _ weights: [Float], _ gradient: [Float]) -> ([Float], [Float]) {
        var dx = [Float](repeating: 0, count: n * c * h * w)
        // Every partial weight gradient is written by sgemm (β = 0).
        var partial = [Float](unsafeUninitializedCapacity: n * weights.count) { _, count in count = n * weights.count }
        let wsize = weights.count
        let rowsPerStrip = self.rowsPerStrip  // read here: task-locals do not reach worker threads
        x.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                gradient.withUnsafeBufferPointer { gp in
                    dx.withUnsafeMutableBufferPointer { dxp in
                        partial.withUnsafeMutableBufferPointer { pp in
                            let X = SendableConstPointer(xp.baseAddress!), W = SendableConstPointer(wp.baseAddress!)
                            let G = SendableConstPointer(gp.baseAddress!), DX = SendablePointer(dxp.baseAddress!)
                            let P = SendablePointer(pp.baseAddress!)
                            let par = !self.parallelImages
                            let body: @Sendable (Int) -> Void = { i in
                                for gi in 0..<self.groups {
                                    let g = G.base + (i * self.co + gi * self.cog) * self.pixels
                                    let dW = P.base + i * wsize + gi * self.cog * self.k
                                    let wg = W.base + gi * self.cog * self.k
                                    if self.pointwise {
                                        let source = X.base + (i * self.c + gi * self.cg) * self.pixels
                                        // dW_g = dOut_g · Xᵀ; dX_g = W_gᵀ · dOut_g.
                                        LinearAlgebra.gemm(transposeB: true, m: self.cog, n: self.k, k: self.pixels, a: g, lda: self.pixels,
                                                           b: source, ldb: self.pixels, c: dW, ldc: self.k, parallel: par)
                                        LinearAlgebra.gemm(transposeA: true, m: self.k, n: self.pixels, k: self.cog, a: wg, lda: self.k,
                                                           b: g, ldb: self.pixels, beta: 0, c: DX.base + (i * self.c + gi * self.cg) * self.pixels,
                                                           ldc: self.pixels, parallel: par)
                                        continue
                                    }
                                    // In strips of output rows (as the forward pass): dW_g += dOut_strip · col_stripᵀ,
                                    // dCol_strip = W_gᵀ · dOut_strip added back into the image.
                                    BufferPool.shared.withBuffer(self.k * rowsPerStrip * self.wo) { colPtr in
                                        for start in stride(from: 0, to: self.ho, by: rowsPerStrip) {
                                            let rows = start..<min(self.ho, start + rowsPerStrip)
                                            let stripPixels = rows.count * self.wo
                                            self.im2col(X.base, image: i, group: gi, rows: rows, into: colPtr)
                                            LinearAlgebra.gemm(transposeB: true, m: self.cog, n: self.k, k: stripPixels, a: g + start * self.wo,
                                                               lda: self.pixels, b: colPtr, ldb: stripPixels, beta: start == 0 ? 0 : 1,
                                                               c: dW, ldc: self.k, parallel: par)
                                            LinearAlgebra.gemm(transposeA: true, m: self.k, n: stripPixels, k: self.cog, a: wg, lda: self.k,
                                                               b: g + start * self.wo, ldb: self.pixels, c: colPtr, ldc: stripPixels, parallel: par)
                                            self.col2im(UnsafePointer(colPtr), image: i, group: gi, rows: rows, into: DX.base)
                                        }
                                    }
                                }
                            }
                            if parallelImages { Parallel.forEach(n, body) } else { for i in 0..<n { body(i) } }
                        }
                    }
                }
            }
        }
        var dw = [Float](repeating: 0, count: wsize)
        for i in 0..<n { for t in 0..<wsize { dw[t] += partial[i * wsize + t] } }
        return (dx, dw)
    }
}
