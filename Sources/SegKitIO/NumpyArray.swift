/// An n-dimensional array in NumPy's `.npy` format (versions 1.0, 2.0 and 3.0), C order.
///
/// Samples are kept as little-endian bytes; typed accessors convert. Reading accepts little- and
/// big-endian files of the dtypes in ``DType``; writing always produces version 1.0 (or 2.0 when
/// the header needs it), little-endian, C order — loadable by `numpy.load`.
/// Fortran-order arrays, object/structured/string dtypes and malformed files are errors.
public struct NumpyArray: Sendable, Equatable {
    /// Element types SegKit reads and writes.
    public enum DType: String, Sendable, CaseIterable {
        case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .int8, .uint8: 1
            case .int16, .uint16: 2
            case .int32, .uint32, .float32: 4
            case .int64, .uint64, .float64: 8
            }
        }

        /// True for the integer and bool types.
        public var isInteger: Bool { self != .float32 && self != .float64 }

        /// NumPy's type code without byte order (`f4`, `i8`, `b1`, …).
        var code: String {
            switch self {
            case .bool: "b1"
            case .int8: "i1"
            case .uint8: "u1"
            case .int16: "i2"
            case .uint16: "u2"
            case .int32: "i4"
            case .uint32: "u4"
            case .int64: "i8"
            case .uint64: "u8"
            case .float32: "f4"
            case .float64: "f8"
            }
        }

        init?(code: String) {
            guard let match = DType.allCases.first(where: { $0.code == code }) else { return nil }
            self = match
        }
    }

    /// Dimensions, outermost first (empty for a 0-d scalar).
    public let shape: [Int]
    public let dtype: DType
    /// `count * dtype.size` little-endian bytes in C order.
    public let bytes: [UInt8]

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// An array over little-endian bytes.
    /// - Throws: `SegKitError.invalidArgument` when the byte count does not match shape × dtype.
    public init(shape: [Int], dtype: DType, littleEndianBytes: [UInt8]) throws(SegKitError) {
        guard let n = NumpyArray.elementCount(shape), n.multipliedReportingOverflow(by: dtype.size).overflow == false,
              n * dtype.size == littleEndianBytes.count
        else {
            throw .invalidArgument("\(littleEndianBytes.count) bytes do not fill a \(dtype.rawValue) array of shape \(shape)")
        }
        self.shape = shape
        self.dtype = dtype
        self.bytes = littleEndianBytes
    }

    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }
}

// MARK: - Typed construction and access

extension NumpyArray {
    /// A float32 array.
    public init(_ values: [Float], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .float32, littleEndianBytes: NumpyArray.pack(values.map { $0.bitPattern }))
    }

    /// A float64 array.
    public init(_ values: [Double], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .float64, littleEndianBytes: NumpyArray.pack(values.map { $0.bitPattern }))
    }

    /// An int32 array.
    public init(_ values: [Int32], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .int32, littleEndianBytes: NumpyArray.pack(values.map { UInt32(bitPattern: $0) }))
    }

    /// An int64 array.
    public init(_ values: [Int64], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .int64, littleEndianBytes: NumpyArray.pack(values.map { UInt64(bitPattern: $0) }))
    }

    /// A uint8 array.
    public init(_ values: [UInt8], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .uint8, littleEndianBytes: values)
    }

    /// A bool array.
    public init(_ values: [Bool], shape: [Int]) throws(SegKitError) {
        try self.init(shape: shape, dtype: .bool, littleEndianBytes: values.map { $0 ? 1 : 0 })
    }

    static func pack<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self) }
        }
        return out
    }

    @inline(__always)
    private func load<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ i: Int, as _: T.Type) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
    }

    /// Every element as Double (integers converted exactly up to 2⁵³).
    public func doubles() -> [Double] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Double in
                switch dtype {
                case .bool, .uint8: Double(raw[i])
                case .int8: Double(Int8(bitPattern: raw[i]))
                case .int16: Double(Int16(bitPattern: load(raw, i, as: UInt16.self)))
                case .uint16: Double(load(raw, i, as: UInt16.self))
                case .int32: Double(Int32(bitPattern: load(raw, i, as: UInt32.self)))
                case .uint32: Double(load(raw, i, as: UInt32.self))
                case .int64: Double(Int64(bitPattern: load(raw, i, as: UInt64.self)))
                case .uint64: Double(load(raw, i, as: UInt64.self))
                case .float32: Double(Float(bitPattern: load(raw, i, as: UInt32.self)))
                case .float64: Double(bitPattern: load(raw, i, as: UInt64.self))
                }
            }
        }
    }

    /// Every element as Float (float64 and wide integers rounded to nearest).
    public func floats() -> [Float] {
        if dtype == .float32 {
            return bytes.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: load(raw, $0, as: UInt32.self)) } }
        }
        return doubles().map { Float($0) }
    }

    /// Every element as Int64.
    /// - Throws: `SegKitError.invalidData` for float dtypes, or uint64 values above Int64.max.
    public func integers() throws(SegKitError) -> [Int64] {
        guard dtype.isInteger else { throw .invalidData("expected an integer array, got dtype \(dtype.rawValue)") }
        var overflow: UInt64?
        let out = bytes.withUnsafeBytes { raw -> [Int64] in
            var out = [Int64](repeating: 0, count: count)
            for i in 0..<count {
                switch dtype {
                case .bool, .uint8: out[i] = Int64(raw[i])
                case .int8: out[i] = Int64(Int8(bitPattern: raw[i]))
                case .int16: out[i] = Int64(Int16(bitPattern: load(raw, i, as: UInt16.self)))
                case .uint16: out[i] = Int64(load(raw, i, as: UInt16.self))
                case .int32: out[i] = Int64(Int32(bitPattern: load(raw, i, as: UInt32.self)))
                case .uint32: out[i] = Int64(load(raw, i, as: UInt32.self))
                case .int64: out[i] = Int64(bitPattern: load(raw, i, as: UInt64.self))
                case .uint64:
                    let v = load(raw, i, as: UInt64.self)
                    if v > UInt64(Int64.max) { overflow = v } else { out[i] = Int64(v) }
                case .float32, .float64: break
                }
            }
            return out
        }
        if let overflow { throw .invalidData("uint64 value \(overflow) does not fit Int64") }
        return out
    }
}

// MARK: - SegKit types

extension NumpyArray {
    /// A float32 array of shape (count, dimension).
    public init(_ matrix: FeatureMatrix) {
        // Sizes agree by construction.
        try! self.init(matrix.values, shape: [matrix.count, matrix.dimension])
    }

    /// The array as a feature matrix: rank 2 (N, D), or rank 1 (N) read as N×1. Any numeric
    /// dtype; values must be finite.
    /// - Throws: `SegKitError.invalidData` for other ranks, zero columns or non-finite values.
    public func featureMatrix() throws(SegKitError) -> FeatureMatrix {
        let (n, d): (Int, Int)
        switch shape.count {
        case 1: (n, d) = (shape[0], 1)
        case 2: (n, d) = (shape[0], shape[1])
        default: throw .invalidData("expected a 2-D array (points × features), got shape \(shape)")
        }
        guard d >= 1 else { throw .invalidData("feature array has no columns (shape \(shape))") }
        let matrix = try FeatureMatrix(count: n, dimension: d, values: floats())
        try matrix.requireFinite()
        return matrix
    }

    /// An int32 array of shape (height, width).
    public init(_ labels: LabelMap) {
        try! self.init(labels.labels, shape: [labels.height, labels.width])
    }

    /// The array as a label map: rank 2 (height, width), integer or bool dtype, values in
    /// -1…Int32.max (-1 = void).
    public func labelMap() throws(SegKitError) -> LabelMap {
        guard shape.count == 2, shape[0] > 0, shape[1] > 0 else {
            throw .invalidData("expected a 2-D label array (height × width), got shape \(shape)")
        }
        let values = try integers()
        var labels = [Int32](repeating: 0, count: values.count)
        for (i, v) in values.enumerated() {
            guard v >= -1, v <= Int64(Int32.max) else {
                throw .invalidData("label \(v) at flat index \(i) is outside -1…\(Int32.max)")
            }
            labels[i] = Int32(v)
        }
        return try LabelMap(width: shape[1], height: shape[0], labels: labels)
    }

    /// A float32 array of the image in height × width × channels order (HWC; HW for one channel).
    public init(_ image: Image<Float>) {
        let shape = image.channels == 1 ? [image.height, image.width] : [image.height, image.width, image.channels]
        try! self.init(image.interleaved(), shape: shape)
    }

    /// The array as a Float image: shape (H, W) or (H, W, C) with C ≥ 1 (HWC, as NumPy and
    /// OpenCV lay images out). Float dtypes are taken as is; integer dtypes are divided by their
    /// full scale (uint8 by 255, uint16 by 65535) — other integer types are an error.
    public func image() throws(SegKitError) -> Image<Float> {
        guard (shape.count == 2 || shape.count == 3), shape[0] > 0, shape[1] > 0, shape.count == 2 || shape[2] > 0 else {
            throw .invalidData("expected an image array of shape (H, W) or (H, W, C), got \(shape)")
        }
        let channels = shape.count == 3 ? shape[2] : 1
        let scale: Double
        switch dtype {
        case .float32, .float64: scale = 1
        case .uint8, .bool: scale = dtype == .bool ? 1 : 1 / 255
        case .uint16: scale = 1 / 65535
        default: throw .unsupported("images from \(dtype.rawValue) arrays are ambiguous; use float32, uint8 or uint16")
        }
        let values = dtype == .float32 ? floats() : doubles().map { Float($0 * scale) }
        return try Image(width: shape[1], height: shape[0], channels: channels, interleaved: values)
    }
}
