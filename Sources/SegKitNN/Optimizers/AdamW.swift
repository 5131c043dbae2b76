/// AdamW (Loshchilov & Hutter): Adam moments with decoupled weight decay, as PyTorch's
/// `torch.optim.AdamW` (β₁ 0.9, β₂ 0.999, ε 1e-8, weight decay 0.01 by default).
public struct AdamW: Optimizer {
    public let namedParameters: [(String, Variable)]
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0.01
    private var m: [[Float]]
    private var v: [[Float]]
    private(set) var steps = 0

    public init(_ parameters: [(String, Variable)], weightDecay: Float = 0.01) {
        namedParameters = parameters
        self.weightDecay = weightDecay
        m = parameters.map { [Float](repeating: 0, count: $0.1.value.count) }
        v = m
    }

    public mutating func step(learningRate lr: Float) {
        steps += 1
        let c1 = 1 - pow(beta1, steps), c2 = 1 - pow(beta2, steps)
        for (k, (_, p)) in namedParameters.enumerated() {
            guard let g = p.gradient else { continue }
            var value = p.value
            let (b1, b2, eps, decay) = (beta1, beta2, epsilon, weightDecay)
            value.data.withUnsafeMutableBufferPointer { w in
                m[k].withUnsafeMutableBufferPointer { mk in
                    v[k].withUnsafeMutableBufferPointer { vk in
                        for i in 0..<w.count {
                            let gi = g.data[i]
                            w[i] -= lr * decay * w[i]
                            mk[i] = b1 * mk[i] + (1 - b1) * gi
                            vk[i] = b2 * vk[i] + (1 - b2) * gi * gi
                            let mh = mk[i] / c1, vh = vk[i] / c2
                            w[i] -= lr * mh / (vh.squareRoot() + eps)
                        }
                    }
                }
            }
            p.assign(value)
        }
    }

    private func pow(_ x: Float, _ n: Int) -> Float {
        var r: Float = 1
        for _ in 0..<n { r *= x }
        return r
    }

    public var state: [String: Tensor] {
        var out: [String: Tensor] = ["optimizer.step": Tensor(scalar: Float(steps))]
        for (k, (name, p)) in namedParameters.enumerated() {
            out["optimizer.m.\(name)"] = Tensor(unchecked: p.shape, m[k])
            out["optimizer.v.\(name)"] = Tensor(unchecked: p.shape, v[k])
        }
        return out
    }

    public mutating func restore(_ state: [String: Tensor]) throws(SegKitError) {
        guard let s = state["optimizer.step"], s.count == 1 else { throw .invalidData("optimizer state has no step count") }
        for (k, (name, p)) in namedParameters.enumerated() {
            guard let mt = state["optimizer.m.\(name)"], let vt = state["optimizer.v.\(name)"], mt.shape == p.shape, vt.shape == p.shape else {
                throw .invalidData("optimizer state for \(name) is missing or has the wrong shape")
            }
            m[k] = mt.data
            v[k] = vt.data
        }
        steps = Int(s.scalar)
    }
}

/// Stochastic gradient descent with momentum and (coupled, L2) weight decay, as PyTorch's SGD.
public struct SGD: Optimizer {
    public let namedParameters: [(String, Variable)]
    public var momentum: Float
    public var weightDecay: Float
    private var velocity: [[Float]]

    public init(_ parameters: [(String, Variable)], momentum: Float = 0.9, weightDecay: Float = 0) {
        namedParameters = parameters
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = parameters.map { [Float](repeating: 0, count: $0.1.value.count) }
    }

    public mutating func step(learningRate lr: Float) {
        for (k, (_, p)) in namedParameters.enumerated() {
            guard let g = p.gradient else { continue }
            var value = p.value
            for i in value.data.indices {
                let gi = g.data[i] + weightDecay * value.data[i]
                velocity[k][i] = momentum * velocity[k][i] + gi
                value.data[i] -= lr * velocity[k][i]
            }
            p.assign(value)
        }
    }

    public var state: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters.enumerated().map { k, pair in
            ("optimizer.velocity.\(pair.0)", Tensor(unchecked: pair.1.shape, velocity[k]))
        })
    }

    public mutating func restore(_ state: [String: Tensor]) throws(SegKitError) {
        for (k, (name, p)) in namedParameters.enumerated() {
            guard let t = state["optimizer.velocity.\(name)"], t.shape == p.shape else {
                throw .invalidData("optimizer state for \(name) is missing or has the wrong shape")
            }
            velocity[k] = t.data
        }
    }
}
