/// Updates parameters from their accumulated gradients.
public protocol Optimizer {
    /// The parameters being optimised, with names (for saving optimiser state).
    var namedParameters: [(String, Variable)] { get }
    /// Applies one update with learning rate `rate`; parameters without a gradient are skipped.
    mutating func step(learningRate rate: Float)
    /// Optimiser state (moments, step count) as named tensors, for exact resumption.
    var state: [String: Tensor] { get }
    /// Restores ``state``. - Throws: when names or shapes do not match.
    mutating func restore(_ state: [String: Tensor]) throws(SegKitError)
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters { if let g = p.gradient { total += g.data.reduce(0.0) { $0 + Double($1) * Double($1) } } }
    let norm = Float(total.squareRoot())
    if norm > maxNorm && norm > 0 {
        let s = maxNorm / norm
        for p in parameters { if var g = p.gradient { g.data = g.data.map { $0 * s }; p.gradient = g } }
    }
    return norm
}

/// Learning-rate schedules as functions of the step (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    case constant(Float)
    /// Linear warm-up from 0 over `warmup` steps, then cosine decay to `minimum` at `total`.
    case warmupCosine(peak: Float, warmup: Int, total: Int, minimum: Float)
    /// `base` × `factor`^⌊step / every⌋.
    case step(base: Float, factor: Float, every: Int)

    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let r): return r
        case .warmupCosine(let peak, let warmup, let total, let minimum):
            if step < warmup { return peak * Float(step + 1) / Float(max(warmup, 1)) }
            let progress = min(1, Float(step - warmup) / Float(max(total - warmup, 1)))
            return minimum + (peak - minimum) * 0.5 * (1 + cosine(Float.pi * progress))
        case .step(let base, let factor, let every):
            var r = base
            for _ in 0..<(step / max(every, 1)) { r *= factor }
            return r
        }
    }

    private func cosine(_ x: Float) -> Float {
        // cos via a short Taylor series on [0, π] (accurate to ~1e-7 after range symmetry).
        let t = x - Float.pi / 2
        var term = t, sum = t
        for k in stride(from: 2, to: 20, by: 2) {
            term *= -t * t / Float(k * (k + 1))
            sum += term
        }
        return -sum
    }
}
