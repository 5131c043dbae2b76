import CSegKitKernels

extension SuperpixelState {
    /// SLIC's hard E-step for one block of rows: every pixel goes to the nearest centre of its own
    /// and the 8 neighbouring grid cells under D² = ‖f − f_c‖² + spatial · ‖p − p_c‖², and its
    /// features, position and a count of 1 are added to that centre's running sums (Double,
    /// `channels + 3` per centre).
    ///
    /// The arithmetic and the candidate order (grid rows, then columns, first strict minimum) are
    /// those of the general E-step, so the result does not depend on which kernel runs. Pointer
    /// loops with per-column grid cells computed once; three channels (CIELAB) have their own loop.
    /// - Parameters:
    ///   - features: planar features (`channels` planes of width × height).
    ///   - centers: centre features (centre-major), positions `centerX`, `centerY`.
    ///   - columnCells: grid column of every image column.
    static func assignNearest(rows: Range<Int>, width w: Int, height h: Int, channels ch: Int,
                              gridColumns cols: Int, gridRows rws: Int, stepY sy: Float, spatial: Float,
                              features F: UnsafePointer<Float>, centers CF: UnsafePointer<Float>,
                              centerX CX: UnsafePointer<Float>, centerY CY: UnsafePointer<Float>,
                              columnCells: UnsafePointer<Int32>, labels L: UnsafeMutablePointer<Int32>,
                              sums: UnsafeMutablePointer<Double>) {
        if ch == 3 {
            assignNearest3(rows: rows, width: w, height: h, gridColumns: cols, gridRows: rws, stepY: sy, spatial: spatial,
                           features: F, centers: CF, centerX: CX, centerY: CY, columnCells: columnCells, labels: L, sums: sums)
            return
        }
        let plane = w * h, stride = ch + 3
        let pixel = UnsafeMutablePointer<Float>.allocate(capacity: max(ch, 1))
        defer { pixel.deallocate() }
        for y in rows {
            let gy = min(rws - 1, Int(Float(y) / sy))
            let cy0 = max(0, gy - 1), cy1 = min(rws - 1, gy + 1)
            let fy = Float(y)
            for x in 0..<w {
                let gx = Int(columnCells[x])
                let cx0 = max(0, gx - 1), cx1 = min(cols - 1, gx + 1)
                let i = y * w + x, fx = Float(x)
                var best = 0, bestDistance = Float.infinity
                do {
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

    /// ``assignNearest(rows:width:height:channels:gridColumns:gridRows:stepY:spatial:features:centers:centerX:centerY:columnCells:labels:sums:)``
    /// for three channels (CIELAB), with the same arithmetic per candidate and the same choice:
    /// `sk_slic_assign3` in CSegKitKernels, vectorised across the pixels of a grid cell (which
    /// share their 9 candidates), with an AVX2 version chosen at run time.
    static func assignNearest3(rows: Range<Int>, width w: Int, height h: Int,
                               gridColumns cols: Int, gridRows rws: Int, stepY sy: Float, spatial: Float,
                               features F: UnsafePointer<Float>, centers CF: UnsafePointer<Float>,
                               centerX CX: UnsafePointer<Float>, centerY CY: UnsafePointer<Float>,
                               columnCells: UnsafePointer<Int32>, labels L: UnsafeMutablePointer<Int32>,
                               sums: UnsafeMutablePointer<Double>) {
        sk_slic_assign3(Int64(rows.lowerBound), Int64(rows.upperBound), Int64(w), Int64(h), Int64(cols), Int64(rws),
                        sy, spatial, F, CF, CX, CY, columnCells, L, sums)
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
