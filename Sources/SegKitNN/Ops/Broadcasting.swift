/// NumPy-style broadcasting of two shapes (aligned on the right, size-1 dimensions stretch).
struct Broadcast {
    let shape: [Int]
    /// Strides (0 on stretched dimensions) of each operand over the output's dimensions.
    let aStrides: [Int], bStrides: [Int]

    init(_ a: [Int], _ b: [Int], op: String) throws(SegKitError) {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var shape = [Int](repeating: 0, count: rank)
        for i in 0..<rank {
            guard pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1 else {
                throw .shapeMismatch("\(op): shapes \(a) and \(b) cannot be broadcast together")
            }
            shape[i] = pa[i] == 1 ? pb[i] : pa[i]
        }
        self.shape = shape
        aStrides = Broadcast.strides(pa, shape)
        bStrides = Broadcast.strides(pb, shape)
    }

    static func strides(_ padded: [Int], _ out: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: padded.count), s = 1
        for i in stride(from: padded.count - 1, through: 0, by: -1) {
            strides[i] = padded[i] == 1 && out[i] != 1 ? 0 : s
            s *= padded[i]
        }
        return strides
    }

    /// Calls `body(outIndex, aIndex, bIndex)` for every output element, in order.
    @inline(__always)
    func forEach(_ body: (Int, Int, Int) -> Void) {
        let rank = shape.count
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        var index = [Int](repeating: 0, count: rank)
        var ia = 0, ib = 0
        for o in 0..<total {
            body(o, ia, ib)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                ia += aStrides[d]
                ib += bStrides[d]
                if index[d] < shape[d] { break }
                ia -= aStrides[d] * shape[d]
                ib -= bStrides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Sums a gradient of the broadcast shape back to an operand's shape.
    static func reduce(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        let rank = gradient.rank
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        let strides = Broadcast.strides(padded, gradient.shape)
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        var index = [Int](repeating: 0, count: rank)
        var target = 0
        for o in 0..<gradient.count {
            out[target] += gradient.data[o]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                target += strides[d]
                if index[d] < gradient.shape[d] { break }
                target -= strides[d] * gradient.shape[d]
                index[d] = 0
                d -= 1
            }
        }
        return Tensor(unchecked: shape, out)
    }
}

/// Element-wise binary operations with broadcasting.
enum BinaryOp: Sendable {
    case add, subtract, multiply, divide

    var name: String {
        switch self {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        case .divide: "divide"
        }
    }

    @inline(__always)
    func apply(_ x: Float, _ y: Float) -> Float {
        switch self {
        case .add: x + y
        case .subtract: x - y
        case .multiply: x * y
        case .divide: x / y
        }
    }
}

extension Variable {
    static func binary(_ op: BinaryOp, _ a: Variable, _ b: Variable) throws(SegKitError) -> Variable {
        let av = a.value, bv = b.value
        let result: Tensor
        if av.shape == bv.shape {
            var out = av.data
            out.withUnsafeMutableBufferPointer { o in
                bv.data.withUnsafeBufferPointer { q in
                    let O = SendablePointer(o.baseAddress!), Q = SendableConstPointer(q.baseAddress!)
                    Parallel.forEachChunk(count: o.count, chunkSize: 1 << 16) { _, range in
                        for i in range { O[i] = op.apply(O[i], Q[i]) }
                    }
                }
            }
            result = Tensor(unchecked: av.shape, out)
        } else {
            let plan = try Broadcast(av.shape, bv.shape, op: op.name)
            var out = [Float](repeating: 0, count: plan.shape.reduce(1, *))
            av.data.withUnsafeBufferPointer { p in
                bv.data.withUnsafeBufferPointer { q in
                    out.withUnsafeMutableBufferPointer { o in plan.forEach { i, ia, ib in o[i] = op.apply(p[ia], q[ib]) } }
                }
            }
            result = Tensor(unchecked: plan.shape, out)
        }
        return Variable(result, inputs: [a, b]) { g in
            let ga: Tensor, gb: Tensor
            switch op {
            case .add:
                ga = g
                gb = g
            case .subtract:
                ga = g
                gb = Tensor(unchecked: g.shape, g.data.map { -$0 })
            case .multiply:
                ga = Tensor(unchecked: g.shape, Variable.broadcastMap(g, bv) { $0 * $1 })
                gb = Tensor(unchecked: g.shape, Variable.broadcastMap(g, av) { $0 * $1 })
            case .divide:
                ga = Tensor(unchecked: g.shape, Variable.broadcastMap(g, bv) { $0 / $1 })
                let num = Variable.broadcastMap(g, av) { $0 * $1 }
                let den = Variable.broadcastMap(Tensor(unchecked: g.shape, num), bv) { $0 / ($1 * $1) }
                gb = Tensor(unchecked: g.shape, den.map { -$0 })
            }
            return [Broadcast.reduce(ga, to: av.shape), Broadcast.reduce(gb, to: bv.shape)]
        }
    }

    /// f(g[i], other broadcast to g's shape) for every element of g.
    static func broadcastMap(_ g: Tensor, _ other: Tensor, _ f: (Float, Float) -> Float) -> [Float] {
        if other.shape == g.shape { return zip(g.data, other.data).map(f) }
        let plan = try! Broadcast(g.shape, other.shape, op: "broadcast")
        var out = [Float](repeating: 0, count: g.count)
        plan.forEach { i, ia, ib in out[i] = f(g.data[ia], other.data[ib]) }
        return out
    }
}

/// Element-wise arithmetic with NumPy broadcasting.
public func + (a: Variable, b: Variable) throws(SegKitError) -> Variable { try Variable.binary(.add, a, b) }
public func - (a: Variable, b: Variable) throws(SegKitError) -> Variable { try Variable.binary(.subtract, a, b) }
public func * (a: Variable, b: Variable) throws(SegKitError) -> Variable { try Variable.binary(.multiply, a, b) }
public func / (a: Variable, b: Variable) throws(SegKitError) -> Variable { try Variable.binary(.divide, a, b) }
