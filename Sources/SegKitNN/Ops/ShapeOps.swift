extension Variable {
    /// The same values under another shape (-1 infers one dimension).
    public func reshaped(_ shape: [Int]) throws(SegKitError) -> Variable {
        let original = value.shape
        return Variable(try value.reshaped(shape), inputs: [self]) { g in [Tensor(unchecked: original, g.data)] }
    }

    /// Dimensions reordered: output dimension i is input dimension `order[i]`.
    public func permuted(_ order: [Int]) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard order.count == shape.count, Set(order) == Set(0..<shape.count) else {
            throw .shapeMismatch("permute: \(order) is not a permutation of the \(shape.count) dimensions of \(shape)")
        }
        let out = permute(value, order)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Variable(out, inputs: [self]) { g in [permute(g, inverse)] }
    }

    /// Concatenation along `axis` (channels of NCHW tensors: axis 1).
    public static func concatenate(_ parts: [Variable], axis: Int) throws(SegKitError) -> Variable {
        guard let first = parts.first else { throw .shapeMismatch("concatenate: no tensors") }
        let rank = first.value.rank
        guard axis >= 0, axis < rank else { throw .shapeMismatch("concatenate: axis \(axis) out of range for \(first.shape)") }
        for p in parts {
            guard p.value.rank == rank, (0..<rank).allSatisfy({ $0 == axis || p.shape[$0] == first.shape[$0] }) else {
                throw .shapeMismatch("concatenate: shapes \(parts.map(\.shape)) differ outside axis \(axis)")
            }
        }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let sizes = parts.map { $0.shape[axis] }
        let total = sizes.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total * inner)
        var offset = 0
        for (p, size) in zip(parts, sizes) {
            for o in 0..<outer {
                let src = o * size * inner, dst = (o * total + offset) * inner
                out.replaceSubrange(dst..<(dst + size * inner), with: p.value.data[src..<(src + size * inner)])
            }
            offset += size
        }
        var shape = first.shape
        shape[axis] = total
        return Variable(Tensor(unchecked: shape, out), inputs: parts) { g in
            var grads: [Tensor?] = []
            var offset = 0
            for (p, size) in zip(parts, sizes) {
                var d = [Float](repeating: 0, count: outer * size * inner)
                for o in 0..<outer {
                    let src = (o * total + offset) * inner
                    d.replaceSubrange((o * size * inner)..<((o + 1) * size * inner), with: g.data[src..<(src + size * inner)])
                }
                grads.append(Tensor(unchecked: p.shape, d))
                offset += size
            }
            return grads
        }
    }

    /// Elements `range` along `axis` (e.g. a slice of channels).
    public func slice(axis: Int, _ range: Range<Int>) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard axis >= 0, axis < shape.count, range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw .shapeMismatch("slice: \(range) along axis \(axis) is outside \(shape)")
        }
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let m = range.count
        var out = [Float](repeating: 0, count: outer * m * inner)
        for o in 0..<outer {
            let src = (o * n + range.lowerBound) * inner
            out.replaceSubrange((o * m * inner)..<((o + 1) * m * inner), with: value.data[src..<(src + m * inner)])
        }
        var outShape = shape
        outShape[axis] = m
        return Variable(Tensor(unchecked: outShape, out), inputs: [self]) { g in
            var d = [Float](repeating: 0, count: shape.reduce(1, *))
            for o in 0..<outer {
                let dst = (o * n + range.lowerBound) * inner
                d.replaceSubrange(dst..<(dst + m * inner), with: g.data[(o * m * inner)..<((o + 1) * m * inner)])
            }
            return [Tensor(unchecked: shape, d)]
        }
    }
}

/// Tensor with permuted dimensions (copy).
func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
    let shape = x.shape, rank = shape.count
    let outShape = order.map { shape[$0] }
    var inStrides = [Int](repeating: 1, count: rank)
    for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
    let strides = order.map { inStrides[$0] }
    var out = [Float](repeating: 0, count: x.count)
    var index = [Int](repeating: 0, count: rank)
    var source = 0
    for o in 0..<x.count {
        out[o] = x.data[source]
        var d = rank - 1
        while d >= 0 {
            index[d] += 1
            source += strides[d]
            if index[d] < outShape[d] { break }
            source -= strides[d] * outShape[d]
            index[d] = 0
            d -= 1
        }
    }
    return Tensor(unchecked: outShape, out)
}
