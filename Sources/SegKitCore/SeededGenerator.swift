#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SegKit's deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// A generator is identified by `(seed, stream)`. Independent streams let parallel work draw
/// random numbers per *work item* (chunk, image, restart) rather than per thread, so results do not
/// depend on the thread count. The sequence for a given `(seed, stream)` is fixed forever: all
/// derived draws (floats, ranges, normals, shuffles) are implemented here, not by the standard
/// library, whose algorithms may change between Swift versions.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The default seed used across SegKit when a user gives none.
    public static let defaultSeed: UInt64 = 0x5E6_C17

    /// - Parameters:
    ///   - seed: any value; equal seeds give equal sequences.
    ///   - stream: selects an independent sequence for the same seed (default 0).
    public init(seed: UInt64 = SeededGenerator.defaultSeed, stream: UInt64 = 0) {
        var sm = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ (stream == 0 ? 0 : 0xD1B5_4A32_D192_ED03)
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&sm)
        s1 = splitmix(&sm)
        s2 = splitmix(&sm)
        s3 = splitmix(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// A generator for sub-stream `stream` of this generator's current state (does not advance self).
    public func derived(stream: UInt64) -> SeededGenerator {
        SeededGenerator(seed: s0 ^ (s1 << 1) ^ (s2 >> 1) ^ s3, stream: stream &+ 1)
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in `0..<bound` (Lemire's unbiased multiply-shift method).
    /// - Precondition: `bound` ≥ 1.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound >= 1, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Uniform integer in `range`.
    @inlinable
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + nextInt(below: range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in `lower..<upper`.
    @inlinable
    public mutating func nextFloat(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextFloat()
    }

    /// Standard normal sample (Box–Muller; uses two uniforms per call).
    public mutating func nextNormal() -> Float {
        let u1 = max(nextDouble(), 0x1p-60), u2 = nextDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Fisher–Yates shuffle with this generator.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }

    /// `k` distinct indices from `0..<n` in random order (partial Fisher–Yates).
    /// - Precondition: 0 ≤ k ≤ n.
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "cannot sample \(k) of \(n)")
        if k * 4 < n {
            // Sparse: rejection via a set of taken indices.
            var taken = Set<Int>(minimumCapacity: k)
            var out = [Int]()
            out.reserveCapacity(k)
            while out.count < k {
                let i = nextInt(below: n)
                if taken.insert(i).inserted { out.append(i) }
            }
            return out
        }
        var all = Array(0..<n)
        for i in 0..<k { all.swapAt(i, i + nextInt(below: n - i)) }
        return Array(all[0..<k])
    }
}
