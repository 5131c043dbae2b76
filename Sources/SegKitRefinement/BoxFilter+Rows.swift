extension BoxFilter {
    /// Provides source row y: either fills `scratch` (`planes` runs of `width` values, plane-major)
    /// and returns it, or returns a pointer into existing planes. Plane q of the row starts at
    /// `returned + q · planeStride`.
    typealias RowSource = @Sendable (_ y: Int, _ scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    /// Receives the window means of one row: `planes` runs of `width` values (plane-major).
    typealias RowSink = @Sendable (_ y: Int, _ means: UnsafePointer<Float>) -> Void

    /// Rows per band of the sliding window engine. Depends only on the height, so results are
    /// bit-identical on any thread count.
    static func bandRows(height: Int) -> Int { max(64, (height + 7) / 8) }

    /// The engine behind every box mean in this module: window means of `planes` planes whose rows
    /// come from `source` (so products like I·p never exist as whole planes), handed row by row to
    /// `sink`.
    ///
    /// Rows are split into bands processed in parallel. In a band, per-column vertical window sums
    /// (Double) move down one row at a time: the entering row is added and the leaving row, asked
    /// from `source` again rather than kept, is subtracted (recomputing a row of products is
    /// cheaper than keeping 2r+1 rows of many planes in cache). Each output row is then a
    /// horizontal running sum over the column sums, with reflected columns. Out-of-image rows and
    /// columns follow BORDER_REFLECT (any radius). `source` is called about twice per row and
    /// must be deterministic; `sink` is called exactly once per row, from the band's thread.
    /// - Parameter planeStride: distance between planes of a source row: `width` for rows built in
    ///   the scratch buffer, the plane size for rows read in place from planar images.
    /// - Complexity: O((height + bands · 2r) · width · planes), independent of the radius otherwise.
    static func slidingMeans(width w: Int, height h: Int, planes: Int, radius r: Int, planeStride: Int,
                             source: RowSource, sink: RowSink) {
        slidingMeans(width: w, height: h, planes: planes, radius: r, planeStride: planeStride, source: source,
                     destination: nil, sink: sink)
    }

    /// ``slidingMeans(width:height:planes:radius:planeStride:source:sink:)`` writing the means
    /// straight into planar storage (`planes` planes of `width` × `height`).
    static func slidingMeans(width w: Int, height h: Int, planes: Int, radius r: Int, planeStride: Int,
                             source: RowSource, into destination: UnsafeMutablePointer<Float>) {
        slidingMeans(width: w, height: h, planes: planes, radius: r, planeStride: planeStride, source: source,
                     destination: SendablePointer(destination), sink: { _, _ in })
    }

    static func slidingMeans(width w: Int, height h: Int, planes: Int, radius r: Int, planeStride: Int,
                             source: RowSource, destination: SendablePointer<Float>?, sink: RowSink) {
        precondition(w > 0 && h > 0 && planes > 0 && r >= 0)
        let span = 2 * r + 1, rowLength = planes * w, paddedWidth = w + 2 * r
        let norm = 1 / Double(span * span)
        let edges = ReflectedColumns(left: (0..<r).map { reflect($0 - r, w) }, right: (0..<r).map { reflect(w + $0, w) })
        Parallel.forEachChunk(count: h, chunkSize: bandRows(height: h)) { _, band in
            let scratchIn = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            let scratchOut = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            // Column sums per plane, with r reflected columns on each side (column x at r + x).
            let acc = UnsafeMutablePointer<Double>.allocate(capacity: planes * paddedWidth)
            let means = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            defer { scratchIn.deallocate(); scratchOut.deallocate(); acc.deallocate(); means.deallocate() }
            acc.initialize(repeating: 0, count: planes * paddedWidth)
            // Window of the band's first row: rows band.lowerBound − r … band.lowerBound + r.
            for j in 0..<span {
                let row = source(reflect(band.lowerBound - r + j, h), scratchIn)
                for q in 0..<planes {
                    let a = acc + q * paddedWidth + r, s = row + q * planeStride
                    for x in 0..<w { a[x] += Double(s[x]) }
                }
            }
            for y in band {
                for q in 0..<planes {
                    let a = acc + q * paddedWidth
                    for k in 0..<r { a[k] = a[r + edges.left[k]]; a[r + w + k] = a[r + edges.right[k]] }
                }
                // Horizontal running sums, four independent add chains at a time.
                let (out, outStride) = destination.map { ($0.base + y * w, w * h) } ?? (means, w)
                var q = 0
                while q + 4 <= planes {
                    let a = acc + q * paddedWidth, o = out + q * outStride
                    horizontalMeans4(a, a + paddedWidth, a + 2 * paddedWidth, a + 3 * paddedWidth,
                                     o, o + outStride, o + 2 * outStride, o + 3 * outStride, w, span, norm)
                    q += 4
                }
                // Remaining planes: four segments of the row at a time, then the last < 4 columns.
                while q < planes {
                    let a = acc + q * paddedWidth, o = out + q * outStride, n = w / 4
                    if n > 0 {
                        horizontalMeans4(a, a + n, a + 2 * n, a + 3 * n, o, o + n, o + 2 * n, o + 3 * n, n, span, norm)
                    }
                    if 4 * n < w { horizontalMeans(a + 4 * n, o + 4 * n, w - 4 * n, span, norm) }
                    q += 1
                }
                if destination == nil { sink(y, means) }
                guard y + 1 < band.upperBound else { break }
                // Slide down: row y + r + 1 enters, row y − r leaves.
                let entering = source(reflect(y + r + 1, h), scratchIn)
                let leaving = source(reflect(y - r, h), scratchOut)
                for q in 0..<planes {
                    let a = acc + q * paddedWidth + r, e = entering + q * planeStride, l = leaving + q * planeStride
                    for x in 0..<w { a[x] += Double(e[x]) - Double(l[x]) }
                }
            }
        }
    }

    /// out[x] = norm · Σ_{k < span} a[x + k] for x < w, by a running sum.
    @inline(__always)
    static func horizontalMeans(_ a: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Float>, _ w: Int, _ span: Int, _ norm: Double) {
        var s = 0.0
        for k in 0..<span { s += a[k] }
        out[0] = Float(s * norm)
        var x = 1
        while x < w {
            s += a[x + span - 1] - a[x - 1]
            out[x] = Float(s * norm)
            x += 1
        }
    }

    /// ``horizontalMeans(_:_:_:_:_:)`` for four independent (input, output) pairs of the same length
    /// — four planes, or four segments of one row — interleaved so the four add chains overlap.
    @inline(__always)
    static func horizontalMeans4(_ a0: UnsafePointer<Double>, _ a1: UnsafePointer<Double>, _ a2: UnsafePointer<Double>,
                                 _ a3: UnsafePointer<Double>, _ o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>,
                                 _ o2: UnsafeMutablePointer<Float>, _ o3: UnsafeMutablePointer<Float>,
                                 _ n: Int, _ span: Int, _ norm: Double) {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        for k in 0..<span { s0 += a0[k]; s1 += a1[k]; s2 += a2[k]; s3 += a3[k] }
        o0[0] = Float(s0 * norm); o1[0] = Float(s1 * norm); o2[0] = Float(s2 * norm); o3[0] = Float(s3 * norm)
        var x = 1
        let back = span - 1
        while x < n {
            s0 += a0[x + back] - a0[x - 1]
            s1 += a1[x + back] - a1[x - 1]
            s2 += a2[x + back] - a2[x - 1]
            s3 += a3[x + back] - a3[x - 1]
            o0[x] = Float(s0 * norm); o1[x] = Float(s1 * norm); o2[x] = Float(s2 * norm); o3[x] = Float(s3 * norm)
            x += 1
        }
    }
}

/// Reflected column indices left and right of a row, shareable with parallel bands.
struct ReflectedColumns: Sendable {
    let left: [Int], right: [Int]
}
