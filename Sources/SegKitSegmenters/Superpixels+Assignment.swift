import CSegKitKernels

extension SuperpixelState {
    /// SLIC's hard E-step for one block of rows: every pixel goes to the nearest centre of its
    /// search window (the grid rows rowWindows[2y]…rowWindows[2y + 1] and columns
    /// columnWindows[2x]…columnWindows[2x + 1]) under D² = ‖f − f_c‖² + spatial · ‖p − p_c‖², and
    /// its features, position and a count of 1 are added to that centre's running sums (Double,
    /// `channels + 3` per centre).
    ///
    /// The arithmetic and the candidate order (grid rows, then columns, first strict minimum) are
    /// those of the soft E-step's distances, so the result does not depend on which kernel runs.
    /// Three channels (CIELAB) go to `sk_slic_assign3` in CSegKitKernels, vectorised across the
    /// pixels of a row that share their candidates, with an AVX2 version chosen at run time.
    /// - Parameters:
    ///   - features: planar features (`channels` planes of width × height).
    ///   - centers: centre features (centre-major), positions `centerX`, `centerY`.
    static func assignNearest(rows: Range<Int>, width w: Int, height h: Int, channels ch: Int, gridColumns cols: Int,
                              spatial: Float, features F: UnsafePointer<Float>, centers CF: UnsafePointer<Float>,
                              centerX CX: UnsafePointer<Float>, centerY CY: UnsafePointer<Float>,
                              columnWindows: UnsafePointer<Int32>, rowWindows: UnsafePointer<Int32>,
                              labels L: UnsafeMutablePointer<Int32>, sums: UnsafeMutablePointer<Double>) {
        if ch == 3 {
            sk_slic_assign3(Int64(rows.lowerBound), Int64(rows.upperBound), Int64(w), Int64(h), Int64(cols), spatial,
                            F, CF, CX, CY, columnWindows, rowWindows, L, sums)
            return
        }
        let plane = w * h, stride = ch + 3
        let pixel = UnsafeMutablePointer<Float>.allocate(capacity: max(ch, 1))
        defer { pixel.deallocate() }
        for y in rows {
            let cy0 = Int(rowWindows[2 * y]), cy1 = Int(rowWindows[2 * y + 1])
            let fy = Float(y)
            for x in 0..<w {
                let cx0 = Int(columnWindows[2 * x]), cx1 = Int(columnWindows[2 * x + 1])
                let i = y * w + x, fx = Float(x)
                var best = 0, bestDistance = Float.infinity
                for q in 0..<ch { pixel[q] = F[q * plane + i] }
                for cy in cy0...cy1 {
                    for cx in cx0...cx1 {
                        let c = cy * cols + cx, cf = CF + ch * c
                        var dist: Float = 0
                        for q in 0..<ch {
                            let t = pixel[q] - cf[q]
                            dist += t * t
                        }
                        let ex = fx - CX[c], ey = fy - CY[c]
                        dist += spatial * (ex * ex + ey * ey)
                        if dist < bestDistance { bestDistance = dist; best = c }
                    }
                }
                L[i] = Int32(best)
                let o = sums + best * stride
                for q in 0..<ch { o[q] += Double(F[q * plane + i]) }
                o[ch] += Double(x)
                o[ch + 1] += Double(y)
                o[ch + 2] += 1
            }
        }
    }
}

extension Superpixels {
    /// Runs `body` with CSegKitKernels' AVX2 versions forbidden (the portable versions run),
    /// then restores the setting. Both give identical labels; tests compare them.
    static func withPortableKernels<T>(_ body: () throws -> T) rethrows -> T {
        let previous = sk_kernels_allow_avx2(0)
        defer { _ = sk_kernels_allow_avx2(previous) }
        return try body()
    }
}
