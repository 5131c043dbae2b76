#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Variable {
    /// Softmax along `axis` (numerically stabilised).
    public func softmax(axis: Int) throws(SegKitError) -> Variable {
        let (outer, n, inner) = try splitAxis(axis, "softmax")
        var y = value.data
        for o in 0..<outer {
            for i in 0..<inner {
                var top = -Float.infinity
                for k in 0..<n { top = Swift.max(top, y[(o * n + k) * inner + i]) }
                var total: Float = 0
                for k in 0..<n {
                    let e = expf(y[(o * n + k) * inner + i] - top)
                    y[(o * n + k) * inner + i] = e
                    total += e
                }
                for k in 0..<n { y[(o * n + k) * inner + i] /= total }
            }
        }
        let shape = value.shape
        return Variable(Tensor(unchecked: shape, y), inputs: [self]) { g in
            // dx = y ⊙ (g − Σ g·y)
            var dx = [Float](repeating: 0, count: y.count)
            for o in 0..<outer {
                for i in 0..<inner {
                    var dot: Float = 0
                    for k in 0..<n { dot += g.data[(o * n + k) * inner + i] * y[(o * n + k) * inner + i] }
                    for k in 0..<n {
                        let t = (o * n + k) * inner + i
                        dx[t] = y[t] * (g.data[t] - dot)
                    }
                }
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    /// log(softmax) along `axis`.
    public func logSoftmax(axis: Int) throws(SegKitError) -> Variable {
        let (outer, n, inner) = try splitAxis(axis, "logSoftmax")
        var y = value.data
        for o in 0..<outer {
            for i in 0..<inner {
                var top = -Float.infinity
                for k in 0..<n { top = Swift.max(top, y[(o * n + k) * inner + i]) }
                var total: Float = 0
                for k in 0..<n { total += expf(y[(o * n + k) * inner + i] - top) }
                let lse = top + logf(total)
                for k in 0..<n { y[(o * n + k) * inner + i] -= lse }
            }
        }
        let shape = value.shape
        return Variable(Tensor(unchecked: shape, y), inputs: [self]) { g in
            // dx = g − softmax · Σ g
            var dx = [Float](repeating: 0, count: y.count)
            for o in 0..<outer {
                for i in 0..<inner {
                    var total: Float = 0
                    for k in 0..<n { total += g.data[(o * n + k) * inner + i] }
                    for k in 0..<n {
                        let t = (o * n + k) * inner + i
                        dx[t] = g.data[t] - expf(y[t]) * total
                    }
                }
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    /// Each vector along `axis` scaled to unit Euclidean length: x / max(‖x‖, ε)
    /// (PyTorch's `F.normalize`, ε = 1e-12 by default).
    public func l2Normalized(axis: Int, epsilon: Float = 1e-12) throws(SegKitError) -> Variable {
        let (outer, n, inner) = try splitAxis(axis, "l2Normalized")
        var y = value.data
        var norms = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var s: Float = 0
                for k in 0..<n { s += y[(o * n + k) * inner + i] * y[(o * n + k) * inner + i] }
                let norm = Swift.max(s.squareRoot(), epsilon)
                norms[o * inner + i] = norm
                for k in 0..<n { y[(o * n + k) * inner + i] /= norm }
            }
        }
        let shape = value.shape, x = value.data
        return Variable(Tensor(unchecked: shape, y), inputs: [self]) { g in
            // Above ε: dx = (g − y (y·g)) / ‖x‖; clamped (‖x‖ < ε): dx = g / ε.
            var dx = [Float](repeating: 0, count: y.count)
            for o in 0..<outer {
                for i in 0..<inner {
                    let norm = norms[o * inner + i]
                    var raw: Float = 0
                    for k in 0..<n { raw += x[(o * n + k) * inner + i] * x[(o * n + k) * inner + i] }
                    let clamped = raw.squareRoot() < epsilon
                    var dot: Float = 0
                    if !clamped { for k in 0..<n { dot += y[(o * n + k) * inner + i] * g.data[(o * n + k) * inner + i] } }
                    for k in 0..<n {
                        let t = (o * n + k) * inner + i
                        dx[t] = (g.data[t] - (clamped ? 0 : y[t] * dot)) / norm
                    }
                }
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }

    func splitAxis(_ axis: Int, _ op: String) throws(SegKitError) -> (Int, Int, Int) {
        let shape = value.shape
        guard axis >= 0, axis < shape.count else { throw .shapeMismatch("\(op): axis \(axis) out of range for \(shape)") }
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }
}
