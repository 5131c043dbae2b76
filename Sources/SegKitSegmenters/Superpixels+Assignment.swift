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
    /// for three channels (CIELAB), with the same arithmetic per candidate and the same choice.
    ///
    /// For each grid cell of the current grid row, the 9 candidate centres are laid out as 8 SIMD
    /// lanes plus one (missing neighbours at the image border get an infinite feature, so they are
    /// never nearest); a pixel's 9 distances are computed at once and the first minimum in
    /// candidate order is kept. The chosen centre's running sums stay in registers while
    /// consecutive pixels share it.
    static func assignNearest3(rows: Range<Int>, width w: Int, height h: Int,
                               gridColumns cols: Int, gridRows rws: Int, stepY sy: Float, spatial: Float,
                               features F: UnsafePointer<Float>, centers CF: UnsafePointer<Float>,
                               centerX CX: UnsafePointer<Float>, centerY CY: UnsafePointer<Float>,
                               columnCells: UnsafePointer<Int32>, labels L: UnsafeMutablePointer<Int32>,
                               sums: UnsafeMutablePointer<Double>) {
        let plane = w * h, entry = 48  // per grid column: f0, f1, f2, x, y as 8 lanes each, then the 9th candidate
        let table = UnsafeMutablePointer<Float>.allocate(capacity: cols * entry)
        let ids = UnsafeMutablePointer<Int32>.allocate(capacity: cols * 9)
        defer { table.deallocate(); ids.deallocate() }
        let laneIndex = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        var tableRow = -1
        for y in rows {
            let gy = min(rws - 1, Int(Float(y) / sy))
            if gy != tableRow {
                tableRow = gy
                for gx in 0..<cols {
                    let t = table + gx * entry
                    var lane = 0
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let cy = gy + dy, cx = gx + dx
                            // Lanes 0–7: t[lane + 8·field]; the 9th candidate: t[40 + field].
                            let slot = lane < 8 ? t + lane : t + 40
                            let step = lane < 8 ? 8 : 1
                            if cy >= 0 && cy < rws && cx >= 0 && cx < cols {
                                let c = cy * cols + cx
                                slot[0] = CF[3 * c]; slot[step] = CF[3 * c + 1]; slot[2 * step] = CF[3 * c + 2]
                                slot[3 * step] = CX[c]; slot[4 * step] = CY[c]
                                ids[gx * 9 + lane] = Int32(c)
                            } else {
                                slot[0] = .infinity; slot[step] = 0; slot[2 * step] = 0; slot[3 * step] = 0; slot[4 * step] = 0
                                ids[gx * 9 + lane] = -1
                            }
                            lane += 1
                        }
                    }
                }
            }
            let fy = Float(y), row = y * w
            var current = -1
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, sx = 0.0, syy = 0.0, n = 0.0
            for x in 0..<w {
                let gx = Int(columnCells[x]), t = UnsafeRawPointer(table + gx * entry), ninth = table + gx * entry + 40
                let i = row + x, fx = Float(x)
                let f0 = F[i], f1 = F[plane + i], f2 = F[2 * plane + i]
                var u = SIMD8(repeating: f0) - t.loadUnaligned(as: SIMD8<Float>.self)
                var d = u * u
                u = SIMD8(repeating: f1) - t.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                d += u * u
                u = SIMD8(repeating: f2) - t.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                d += u * u
                let ex = SIMD8(repeating: fx) - t.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                let ey = SIMD8(repeating: fy) - t.loadUnaligned(fromByteOffset: 128, as: SIMD8<Float>.self)
                d += spatial * (ex * ex + ey * ey)
                let t0 = f0 - ninth[0], t1 = f1 - ninth[1], t2 = f2 - ninth[2]
                var d9: Float = t0 * t0
                d9 += t1 * t1
                d9 += t2 * t2
                let ex9 = fx - ninth[3], ey9 = fy - ninth[4]
                d9 += spatial * (ex9 * ex9 + ey9 * ey9)
                let m = smallest(d)
                let lane = d9 < m ? 8 : Int(smallest(laneIndex.replacing(with: 8, where: d .!= SIMD8(repeating: m))))
                let best = Int(ids[gx * 9 + lane])
                L[i] = Int32(best)
                if best != current {
                    if current >= 0 {
                        let o = sums + current * 6
                        o[0] = s0; o[1] = s1; o[2] = s2; o[3] = sx; o[4] = syy; o[5] = n
                    }
                    current = best
                    let o = sums + best * 6
                    s0 = o[0]; s1 = o[1]; s2 = o[2]; sx = o[3]; syy = o[4]; n = o[5]
                }
                s0 += Double(f0); s1 += Double(f1); s2 += Double(f2)
                sx += Double(x); syy += Double(y); n += 1
            }
            if current >= 0 {
                let o = sums + current * 6
                o[0] = s0; o[1] = s1; o[2] = s2; o[3] = sx; o[4] = syy; o[5] = n
            }
        }
    }

    /// The smallest lane, as a tree of pairwise minima (the generic `SIMD.min()` and
    /// `pointwiseMin` are not inlined and were a third of the E-step).
    @inline(__always)
    static func smallest(_ v: SIMD8<Float>) -> Float {
        let four = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .< v.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .< four.lowHalf)
        return two[1] < two[0] ? two[1] : two[0]
    }
}
