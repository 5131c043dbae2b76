extension Variable {
    /// Rows of a rank-2 tensor [M, D] at `indices` → [K, D] (gradient: scatter-add).
    public func gatherRows(_ indices: [Int32]) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard shape.count == 2 else { throw .shapeMismatch("gatherRows: needs [M, D], got \(shape)") }
        let (m, d) = (shape[0], shape[1])
        guard indices.allSatisfy({ $0 >= 0 && Int($0) < m }) else { throw .shapeMismatch("gatherRows: index outside 0..<\(m)") }
        var out = [Float](repeating: 0, count: indices.count * d)
        for (r, i) in indices.enumerated() { out.replaceSubrange((r * d)..<((r + 1) * d), with: value.data[(Int(i) * d)..<(Int(i) * d + d)]) }
        return Variable(Tensor(unchecked: [indices.count, d], out), inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: m * d)
            for (r, i) in indices.enumerated() { for j in 0..<d { dx[Int(i) * d + j] += g.data[r * d + j] } }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    /// Per-segment sums: row r of [M, D] is added to output row `segments[r]` of [S, D]
    /// (rows with a negative segment are skipped). The building block of segment losses.
    public func scatterAdd(segments: [Int32], segmentCount s: Int) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard shape.count == 2, segments.count == shape[0] else {
            throw .shapeMismatch("scatterAdd: needs [M, D] and M segment ids, got \(shape) and \(segments.count)")
        }
        guard s >= 0, segments.allSatisfy({ Int($0) < s }) else { throw .shapeMismatch("scatterAdd: segment id ≥ \(s)") }
        let d = shape[1]
        var out = [Float](repeating: 0, count: s * d)
        for (r, seg) in segments.enumerated() where seg >= 0 { for j in 0..<d { out[Int(seg) * d + j] += value.data[r * d + j] } }
        return Variable(Tensor(unchecked: [s, d], out), inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: shape[0] * d)
            for (r, seg) in segments.enumerated() where seg >= 0 {
                dx.replaceSubrange((r * d)..<((r + 1) * d), with: g.data[(Int(seg) * d)..<(Int(seg) * d + d)])
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    /// Per-segment means (empty segments give zero rows).
    public func segmentMeans(segments: [Int32], segmentCount s: Int) throws(SegKitError) -> Variable {
        let sums = try scatterAdd(segments: segments, segmentCount: s)
        var counts = [Float](repeating: 0, count: s)
        for seg in segments where seg >= 0 { counts[Int(seg)] += 1 }
        let scale = Variable(Tensor(unchecked: [s, 1], counts.map { $0 > 0 ? 1 / $0 : 0 }))
        return try sums * scale
    }
}
