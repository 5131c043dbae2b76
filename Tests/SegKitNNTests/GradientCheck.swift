import Testing
@testable import SegKitNN

/// Finite-difference gradient check. The loss is Σ op(inputs) ⊙ R for a fixed random R, so every
/// output element's gradient is exercised; central differences with step `h`, sums in Double.
/// Passes when max |numeric − analytic| / max(1, |numeric|) ≤ `tolerance` over all inputs.
func checkGradients(_ inputs: [Tensor], step h: Float = 1e-2, tolerance: Double = 2e-2, seed: UInt64 = 1,
                    _ op: ([Variable]) throws -> Variable) throws {
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    let output = try op(variables)
    var g = SeededGenerator(seed: seed)
    let weights = Tensor.uniform(output.shape, low: -1, high: 1, &g)
    let loss = try (output * Variable(weights)).sum()
    loss.backward()
    func evaluate(_ values: [Tensor]) throws -> Double {
        let out = try Autodiff.withoutGradients { try op(values.map { Variable($0) }) }
        return zip(out.value.data, weights.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for (k, input) in inputs.enumerated() {
        let analytic = variables[k].gradient ?? Tensor(shape: input.shape)
        for i in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[k].data[i] += h
            minus[k].data[i] -= h
            let numeric = (try evaluate(plus) - evaluate(minus)) / Double(2 * h)
            let error = abs(numeric - Double(analytic.data[i])) / max(1, abs(numeric))
            #expect(error <= tolerance, "input \(k) element \(i): numeric \(numeric), analytic \(analytic.data[i])")
            if error > tolerance { return }
        }
    }
}

/// Random tensor in [-1, 1) with entries kept at least `margin` away from 0 (kinks of relu/abs).
func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0) -> Tensor {
    var g = SeededGenerator(seed: seed)
    var t = Tensor.uniform(shape, low: -1, high: 1, &g)
    if margin > 0 { for i in t.data.indices where abs(t.data[i]) < margin { t.data[i] = t.data[i] < 0 ? -margin - 0.1 : margin + 0.1 } }
    return t
}
