#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// ClustSeg's soft E-step (Eq. 3) for one block of rows: every pixel's weights over the centres
    /// of its search window are the softmax of −D²/τ (D² as in
    /// ``assignNearest(rows:width:height:channels:gridColumns:spatial:features:centers:centerX:centerY:columnWindows:rowWindows:labels:sums:)``),
    /// and each of those centres' running sums gains the pixel's features and position times its
    /// weight, and the weight itself. The pixel's label is its nearest centre.
    static func assignSoft(rows: Range<Int>, width w: Int, height h: Int, channels ch: Int, gridColumns cols: Int,
                           spatial: Float, temperature: Float, features F: UnsafePointer<Float>, centers CF: UnsafePointer<Float>,
                           centerX CX: UnsafePointer<Float>, centerY CY: UnsafePointer<Float>,
                           columnWindows: UnsafePointer<Int32>, rowWindows: UnsafePointer<Int32>,
                           labels L: UnsafeMutablePointer<Int32>, sums: UnsafeMutablePointer<Double>) {
        let plane = w * h, stride = ch + 3
        var candidates = [Int](repeating: 0, count: 4), distances = [Float](repeating: 0, count: 4)
        for y in rows {
            for x in 0..<w {
                let i = y * w + x
                var count = 0, best = 0, bestDistance = Float.infinity
                for cy in Int(rowWindows[2 * y])...Int(rowWindows[2 * y + 1]) {
                    for cx in Int(columnWindows[2 * x])...Int(columnWindows[2 * x + 1]) {
                        let c = cy * cols + cx
                        var dist: Float = 0
                        for q in 0..<ch {
                            let t = F[q * plane + i] - CF[c * ch + q]
                            dist += t * t
                        }
                        let ex = Float(x) - CX[c], ey = Float(y) - CY[c]
                        dist += spatial * (ex * ex + ey * ey)
                        candidates[count] = c
                        distances[count] = dist
                        count += 1
                        if dist < bestDistance { bestDistance = dist; best = c }
                    }
                }
                L[i] = Int32(best)
                var total: Float = 0
                for s in 0..<count {
                    distances[s] = expf(-(distances[s] - bestDistance) / temperature)
                    total += distances[s]
                }
                for s in 0..<count {
                    let a = Double(distances[s] / total), o = sums + candidates[s] * stride
                    for q in 0..<ch { o[q] += a * Double(F[q * plane + i]) }
                    o[ch] += a * Double(x)
                    o[ch + 1] += a * Double(y)
                    o[ch + 2] += a
                }
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
