extension Variable {
    /// Sum of all elements (a scalar).
    public func sum() -> Variable {
        let s = value.data.reduce(0.0) { $0 + Double($1) }
        let shape = value.shape
        return Variable(Tensor(scalar: Float(s)), inputs: [self]) { g in
            [Tensor(unchecked: shape, [Float](repeating: g.data[0], count: shape.reduce(1, *)))]
        }
    }

    /// Mean of all elements (a scalar; 0 for an empty tensor).
    public func mean() -> Variable {
        let n = value.count
        return sum().affine(scale: n > 0 ? 1 / Float(n) : 0)
    }

    /// Sum along `axes`, keeping them as size-1 dimensions when `keepDimensions`.
    public func sum(axes: [Int], keepDimensions: Bool = false) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard axes.allSatisfy({ $0 >= 0 && $0 < shape.count }) else {
            throw .shapeMismatch("sum: axes \(axes) out of range for shape \(shape)")
        }
        let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let reduced = Broadcast.reduce(value, to: kept)
        let outShape = keepDimensions ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return Variable(Tensor(unchecked: outShape, reduced.data), inputs: [self]) { g in
            let expanded = Tensor(unchecked: kept, g.data)
            return [Tensor(unchecked: shape, Variable.broadcastMap(Tensor(shape: shape), expanded) { _, e in e })]
        }
    }

    /// Mean along `axes`.
    public func mean(axes: [Int], keepDimensions: Bool = false) throws(SegKitError) -> Variable {
        let n = axes.reduce(1) { $0 * (value.shape.indices.contains($1) ? value.shape[$1] : 1) }
        return try sum(axes: axes, keepDimensions: keepDimensions).affine(scale: n > 0 ? 1 / Float(n) : 0)
    }

    /// Maximum along one axis (gradient flows to the first maximal element).
    public func max(axis: Int, keepDimensions: Bool = false) throws(SegKitError) -> Variable {
        let shape = value.shape
        guard axis >= 0, axis < shape.count, shape[axis] > 0 else { throw .shapeMismatch("max: axis \(axis) invalid for shape \(shape)") }
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner), arg = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = o * n * inner + i
                for k in 1..<n where value.data[(o * n + k) * inner + i] > value.data[best] { best = (o * n + k) * inner + i }
                out[o * inner + i] = value.data[best]
                arg[o * inner + i] = best
            }
        }
        var outShape = shape
        if keepDimensions { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        return Variable(Tensor(unchecked: outShape, out), inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: shape.reduce(1, *))
            for (j, index) in arg.enumerated() { dx[index] += g.data[j] }
            return [Tensor(unchecked: shape, dx)]
        }
    }
}
