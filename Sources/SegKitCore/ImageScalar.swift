/// A sample type an ``Image`` can hold: `Float` (computation), `UInt8` and `UInt16` (storage).
///
/// Every scalar maps to a normalised `Float` in [0, 1] (`UInt8` by /255, `UInt16` by /65535,
/// `Float` as is), which is how images convert between sample types.
public protocol ImageScalar: Sendable, Hashable {
    /// The zero sample.
    static var zero: Self { get }
    /// Bits per sample on disk (8, 16, or 32 for `Float`).
    static var bitDepth: Int { get }
    /// The sample as a normalised `Float` (1 = full scale).
    var normalizedFloat: Float { get }
    /// The sample nearest to a normalised value, clamped to the representable range
    /// (`Float` keeps the value unclamped).
    init(normalizedFloat value: Float)
}

extension Float: ImageScalar {
    public static var bitDepth: Int { 32 }
    @inlinable public var normalizedFloat: Float { self }
    @inlinable public init(normalizedFloat value: Float) { self = value }
}

extension UInt8: ImageScalar {
    public static var bitDepth: Int { 8 }
    @inlinable public var normalizedFloat: Float { Float(self) * (1 / 255) }
    @inlinable public init(normalizedFloat value: Float) {
        let v = value * 255 + 0.5
        // NaN compares false on both sides and ends at 0.
        self = v >= 255 ? 255 : (v > 0 ? UInt8(v) : 0)
    }
}

extension UInt16: ImageScalar {
    public static var bitDepth: Int { 16 }
    @inlinable public var normalizedFloat: Float { Float(self) * (1 / 65535) }
    @inlinable public init(normalizedFloat value: Float) {
        let v = value * 65535 + 0.5
        self = v >= 65535 ? 65535 : (v > 0 ? UInt16(v) : 0)
    }
}
