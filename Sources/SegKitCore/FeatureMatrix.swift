/// N feature vectors of dimension D, stored row-major (`values[i * dimension + j]`), Float32.
///
/// This is what clustering consumes: one row per pixel, superpixel, patch or sample.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of rows (points), ≥ 0.
    public let count: Int
    /// Number of columns (features per point), ≥ 1.
    public let dimension: Int
    /// `count * dimension` values, row-major.
    public var values: [Float]

    /// A matrix over existing row-major values.
    /// - Throws: `SegKitError.invalidArgument` when `dimension < 1`, `count < 0` or
    ///   `values.count != count * dimension`.
    public init(count: Int, dimension: Int, values: [Float]) throws(SegKitError) {
        guard dimension >= 1, count >= 0, values.count == count * dimension else {
            throw .invalidArgument("\(values.count) values do not fill a \(count)×\(dimension) feature matrix")
        }
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// A zero matrix.
    /// - Precondition: `count` ≥ 0, `dimension` ≥ 1.
    public init(count: Int, dimension: Int) {
        precondition(count >= 0 && dimension >= 1, "feature matrix dimensions out of range")
        self.count = count
        self.dimension = dimension
        self.values = [Float](repeating: 0, count: count * dimension)
    }

    /// One row per pixel (row-major pixel order), one column per channel: the transpose of the
    /// image's planar CHW layout.
    /// - Complexity: O(pixels × channels).
    public init<S: ImageScalar>(image: Image<S>) {
        let n = image.pixelCount, d = image.channels
        count = n
        dimension = d
        values = [Float](unsafeUninitializedCapacity: n * d) { out, initialized in
            image.data.withUnsafeBufferPointer { src in
                for c in 0..<d {
                    let plane = src.baseAddress! + c * n
                    for i in 0..<n { (out.baseAddress! + i * d + c).initialize(to: plane[i].normalizedFloat) }
                }
            }
            initialized = n * d
        }
    }

    /// Row `i` as a new array.
    @inlinable
    public func row(_ i: Int) -> [Float] {
        Array(values[(i * dimension)..<((i + 1) * dimension)])
    }

    /// The matrix back as a planar `width`×`height` image with `dimension` channels.
    /// - Precondition: `count == width * height`.
    public func image(width: Int, height: Int) -> Image<Float> {
        precondition(count == width * height && count > 0, "feature matrix does not have width × height rows")
        var out = [Float](repeating: 0, count: values.count)
        let d = dimension, n = count
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    for c in 0..<d { dst[c * n + i] = src[i * d + c] }
                }
            }
        }
        return Image(width: width, height: height, channels: d, data: out, unchecked: ())
    }

    /// Throws if any value is NaN or infinite, naming the first offending row.
    public func requireFinite() throws(SegKitError) {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidData("feature row \(i / dimension), column \(i % dimension) is \(values[i])")
        }
    }

    /// Squared Euclidean norm of every row.
    public func squaredRowNorms() -> [Float] {
        var out = [Float](repeating: 0, count: count)
        let d = dimension
        values.withUnsafeBufferPointer { v in
            for i in 0..<count {
                var s: Float = 0
                let r = v.baseAddress! + i * d
                for j in 0..<d { s += r[j] * r[j] }
                out[i] = s
            }
        }
        return out
    }

    /// Every row scaled to unit Euclidean length; all-zero rows stay zero.
    public func l2NormalizedRows() -> FeatureMatrix {
        var copy = self
        let norms = squaredRowNorms()
        let d = dimension
        copy.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<count where norms[i] > 0 {
                let s = 1 / norms[i].squareRoot()
                for j in 0..<d { v[i * d + j] *= s }
            }
        }
        return copy
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * dimension)
        for i in indices { out += values[(i * dimension)..<((i + 1) * dimension)] }
        return FeatureMatrix(count: indices.count, dimension: dimension, unchecked: out)
    }

    @usableFromInline
    init(count: Int, dimension: Int, unchecked values: [Float]) {
        self.count = count
        self.dimension = dimension
        self.values = values
    }
}
