#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded parameter initialisation.
public enum Initialization {
    /// Kaiming/He normal for ReLU networks: N(0, 2 / fanIn).
    public static func kaimingNormal(_ shape: [Int], fanIn: Int, _ g: inout SeededGenerator) -> Tensor {
        Tensor.normal(shape, standardDeviation: (2 / Float(max(fanIn, 1))).squareRoot(), &g)
    }

    /// Xavier/Glorot uniform: U(−a, a), a = √(6 / (fanIn + fanOut)).
    public static func xavierUniform(_ shape: [Int], fanIn: Int, fanOut: Int, _ g: inout SeededGenerator) -> Tensor {
        let a = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
        return Tensor.uniform(shape, low: -a, high: a, &g)
    }
}
