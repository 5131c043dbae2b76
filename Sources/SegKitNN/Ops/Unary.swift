#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Variable {
    /// y = f(x) element-wise, with dy/dx = derivative(x, y); large tensors are processed in
    /// parallel chunks (element-wise, so the result does not depend on the thread count).
    func unary(_ f: @escaping @Sendable (Float) -> Float, derivative: @escaping @Sendable (Float, Float) -> Float) -> Variable {
        let x = value
        var out = x.data
        out.withUnsafeMutableBufferPointer { o in
            let O = SendablePointer(o.baseAddress!)
            Parallel.forEachChunk(count: o.count, chunkSize: 1 << 16) { _, range in for i in range { O[i] = f(O[i]) } }
        }
        let y = Tensor(unchecked: x.shape, out)
        return Variable(y, inputs: [self]) { g in
            var dx = g.data
            dx.withUnsafeMutableBufferPointer { d in
                x.data.withUnsafeBufferPointer { xp in
                    y.data.withUnsafeBufferPointer { yp in
                        let D = SendablePointer(d.baseAddress!), X = SendableConstPointer(xp.baseAddress!), Y = SendableConstPointer(yp.baseAddress!)
                        Parallel.forEachChunk(count: d.count, chunkSize: 1 << 16) { _, range in
                            for i in range { D[i] *= derivative(X[i], Y[i]) }
                        }
                    }
                }
            }
            return [Tensor(unchecked: g.shape, dx)]
        }
    }

    public func relu() -> Variable { unary({ Swift.max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 }) }

    /// LeakyReLU with slope `negativeSlope` (default 0.01) for x < 0.
    public func leakyRelu(negativeSlope: Float = 0.01) -> Variable {
        unary({ $0 > 0 ? $0 : negativeSlope * $0 }, derivative: { x, _ in x > 0 ? 1 : negativeSlope })
    }

    /// GELU, exact form x·Φ(x) with the error function (PyTorch's default).
    public func gelu() -> Variable {
        unary({ 0.5 * $0 * (1 + erff($0 / 2.0.squareRoot().float)) }, derivative: { x, _ in
            let cdf = 0.5 * (1 + erff(x / 2.0.squareRoot().float))
            let pdf = expf(-0.5 * x * x) / (2 * Float.pi).squareRoot()
            return cdf + x * pdf
        })
    }

    public func tanh() -> Variable { unary({ tanhf($0) }, derivative: { _, y in 1 - y * y }) }
    public func sigmoid() -> Variable { unary({ 1 / (1 + expf(-$0)) }, derivative: { _, y in y * (1 - y) }) }
    /// |x|, with derivative sign(x) (0 at 0).
    public func abs() -> Variable { unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    public func square() -> Variable { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    public func sqrt() -> Variable { unary({ $0.squareRoot() }, derivative: { _, y in y > 0 ? 0.5 / y : 0 }) }
    public func exp() -> Variable { unary({ expf($0) }, derivative: { _, y in y }) }
    public func log() -> Variable { unary({ logf($0) }, derivative: { x, _ in 1 / x }) }
    /// min(max(x, lower), upper); gradient 1 strictly inside, 0 outside.
    public func clamp(_ lower: Float, _ upper: Float) -> Variable {
        unary({ Swift.min(Swift.max($0, lower), upper) }, derivative: { x, _ in x > lower && x < upper ? 1 : 0 })
    }
    /// x · s + t.
    public func affine(scale s: Float, shift t: Float = 0) -> Variable { unary({ $0 * s + t }, derivative: { _, _ in s }) }
}

private extension Double {
    var float: Float { Float(self) }
}
