/// A dense Float32 array of rank 0–5, stored contiguously in row-major order (NCHW for images).
///
/// A value type: copies are cheap until written (the storage is a Swift array); reshaping never
/// copies. Shapes coming from users are checked and reported as `SegKitError`s naming the op.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// Dimensions, outermost first; empty for a scalar.
    public private(set) var shape: [Int]
    /// `count` values in row-major order.
    public var data: [Float]

    /// Maximum rank supported by the engine.
    public static let maximumRank = 5

    /// A tensor over existing values.
    /// - Throws: `SegKitError.shapeMismatch` when the values do not fill the shape, or the
    ///   shape has a negative dimension or rank above 5.
    public init(shape: [Int], data: [Float]) throws(SegKitError) {
        try Tensor.check(shape, "Tensor")
        guard data.count == shape.reduce(1, *) else {
            throw .shapeMismatch("Tensor: \(data.count) values do not fill shape \(shape)")
        }
        self.shape = shape
        self.data = data
    }

    /// A tensor filled with `value`.
    /// - Precondition: a valid shape (programmer error otherwise).
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.count <= Tensor.maximumRank && shape.allSatisfy { $0 >= 0 }, "invalid tensor shape \(shape)")
        self.shape = shape
        data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    @usableFromInline
    init(unchecked shape: [Int], _ data: [Float]) {
        self.shape = shape
        self.data = data
    }

    /// A rank-0 tensor.
    public init(scalar: Float) { self.init(unchecked: [], [scalar]) }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with \(count) values")
        return data[0]
    }

    /// The same values under another shape (one dimension may be -1, inferred).
    public func reshaped(_ newShape: [Int]) throws(SegKitError) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else { throw .shapeMismatch("reshape: cannot infer \(newShape) from \(shape)") }
            s[i] = count / known
        }
        try Tensor.check(s, "reshape")
        guard s.reduce(1, *) == count else { throw .shapeMismatch("reshape: \(shape) has \(count) values, \(newShape) needs \(s.reduce(1, *))") }
        return Tensor(unchecked: s, data)
    }

    static func check(_ shape: [Int], _ op: String) throws(SegKitError) {
        guard shape.count <= maximumRank, shape.allSatisfy({ $0 >= 0 }) else {
            throw .shapeMismatch("\(op): shape \(shape) is invalid (rank ≤ \(maximumRank), non-negative dimensions)")
        }
    }

    public var description: String { "Tensor\(shape)" }

    /// Uniform random values in [low, high) from a seeded generator.
    public static func uniform(_ shape: [Int], low: Float, high: Float, _ g: inout SeededGenerator) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.data.indices { t.data[i] = g.nextFloat(in: low, high) }
        return t
    }

    /// Normal random values with the given standard deviation.
    public static func normal(_ shape: [Int], standardDeviation: Float, _ g: inout SeededGenerator) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.data.indices { t.data[i] = standardDeviation * g.nextNormal() }
        return t
    }
}
