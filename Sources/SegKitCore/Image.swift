/// A planar image: `channels` planes of `height` rows of `width` samples.
///
/// Sample `(x, y, c)` lives at `data[c * width * height + y * width + x]`. Colour images are sRGB
/// by convention (Float samples in [0, 1]); nothing in the type enforces a colour space, so
/// functions that need one (``ColorSpace``) say so. Any channel count ≥ 1 is allowed: 1 (gray),
/// 2 (gray + alpha), 3 (RGB), 4 (RGBA) for pictures, and D ≥ 1 for dense feature maps
/// (the CHW layout of a network's output).
public struct Image<Scalar: ImageScalar>: Sendable, Equatable {
    /// Width in pixels, ≥ 1.
    public let width: Int
    /// Height in pixels, ≥ 1.
    public let height: Int
    /// Number of planes, ≥ 1.
    public let channels: Int
    /// Planar samples, `channels * height * width` of them.
    public var data: [Scalar]

    /// An image filled with one value.
    /// - Precondition: `width`, `height`, `channels` ≥ 1.
    @inlinable
    public init(width: Int, height: Int, channels: Int, repeating value: Scalar = .zero) {
        precondition(width >= 1 && height >= 1 && channels >= 1, "image dimensions must be positive")
        self.width = width
        self.height = height
        self.channels = channels
        self.data = [Scalar](repeating: value, count: width * height * channels)
    }

    /// An image over existing planar samples.
    /// - Throws: `SegKitError.invalidArgument` when a dimension is not positive or
    ///   `data.count != width * height * channels`.
    @inlinable
    public init(width: Int, height: Int, channels: Int, data: [Scalar]) throws(SegKitError) {
        guard width >= 1, height >= 1, channels >= 1 else {
            throw .invalidArgument("image dimensions must be positive, got \(width)×\(height)×\(channels)")
        }
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, product.multipliedReportingOverflow(by: channels).overflow == false,
              data.count == product * channels
        else {
            throw .invalidArgument("\(data.count) samples do not fill a \(width)×\(height)×\(channels) image")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data
    }

    /// An image from interleaved samples (`(y * width + x) * channels + c`), as decoders produce.
    /// - Throws: `SegKitError.invalidArgument` on a size mismatch.
    @inlinable
    public init(width: Int, height: Int, channels: Int, interleaved: [Scalar]) throws(SegKitError) {
        if channels == 1 && width >= 1 && height >= 1 && interleaved.count == width * height {
            self.init(width: width, height: height, channels: 1, data: interleaved, unchecked: ())
            return
        }
        let copy = interleaved.withUnsafeBufferPointer { source in
            Result<Image, SegKitError> { () throws(SegKitError) -> Image in
                try Image(width: width, height: height, channels: channels, interleaved: source)
            }
        }
        self = try copy.get()
    }

    /// An image from interleaved samples in a buffer (copied).
    /// - Throws: `SegKitError.invalidArgument` on a size mismatch.
    @inlinable
    public init(width: Int, height: Int, channels: Int, interleaved source: UnsafeBufferPointer<Scalar>) throws(SegKitError) {
        guard width >= 1, height >= 1, channels >= 1, source.count == width * height * channels else {
            throw .invalidArgument(
                "\(source.count) interleaved samples do not fill a \(width)×\(height)×\(channels) image")
        }
        let plane = width * height
        let planar = [Scalar](unsafeUninitializedCapacity: source.count) { out, initialized in
            // One sequential pass over the source, writing every plane (cache friendly).
            let s = source.baseAddress!, d = out.baseAddress!
            switch channels {
            case 1:
                d.initialize(from: s, count: plane)
            case 3:
                let g = d + plane, b = d + 2 * plane
                for i in 0..<plane {
                    (d + i).initialize(to: s[3 * i])
                    (g + i).initialize(to: s[3 * i + 1])
                    (b + i).initialize(to: s[3 * i + 2])
                }
            default:
                for i in 0..<plane {
                    for c in 0..<channels { (d + c * plane + i).initialize(to: s[i * channels + c]) }
                }
            }
            initialized = source.count
        }
        self.init(width: width, height: height, channels: channels, data: planar, unchecked: ())
    }

    @inlinable
    init(width: Int, height: Int, channels: Int, data: [Scalar], unchecked: Void) {
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data
    }

    /// Pixels per plane (`width * height`).
    @inlinable public var pixelCount: Int { width * height }

    /// Sample at column `x`, row `y`, plane `channel`.
    @inlinable
    public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> Scalar {
        get { data[(channel * height + y) * width + x] }
        set { data[(channel * height + y) * width + x] = newValue }
    }

    /// One plane as a new array of `width * height` samples.
    @inlinable
    public func plane(_ channel: Int) -> [Scalar] {
        precondition(channel >= 0 && channel < channels, "channel \(channel) out of range")
        return Array(data[(channel * pixelCount)..<((channel + 1) * pixelCount)])
    }

    /// Samples in interleaved order (`(y * width + x) * channels + c`), as encoders take them.
    @inlinable
    public func interleaved() -> [Scalar] {
        if channels == 1 { return data }
        return [Scalar](unsafeUninitializedCapacity: data.count) { out, initialized in
            interleave(into: UnsafeMutableRawBufferPointer(out))
            initialized = data.count
        }
    }

    /// Writes the samples in interleaved order into raw memory holding at least
    /// `data.count` samples of `Scalar` (uninitialised memory is fine: `Scalar` is trivial).
    @inlinable
    public func interleave(into raw: UnsafeMutableRawBufferPointer) {
        precondition(raw.count >= data.count * MemoryLayout<Scalar>.stride, "interleave buffer too small")
        let plane = pixelCount
        let d = raw.baseAddress!.bindMemory(to: Scalar.self, capacity: data.count)
        data.withUnsafeBufferPointer { src in
            let s = src.baseAddress!
            switch channels {
            case 1:
                d.initialize(from: s, count: plane)
            case 3:
                let g = s + plane, b = s + 2 * plane
                for i in 0..<plane {
                    (d + 3 * i).initialize(to: s[i])
                    (d + 3 * i + 1).initialize(to: g[i])
                    (d + 3 * i + 2).initialize(to: b[i])
                }
            default:
                for i in 0..<plane {
                    for c in 0..<channels { (d + i * channels + c).initialize(to: s[c * plane + i]) }
                }
            }
        }
    }

    /// The same pixels with another sample type, through normalised values
    /// (`UInt8` 255 ↔ `Float` 1.0 ↔ `UInt16` 65535; out-of-range floats are clamped).
    @inlinable
    public func converted<Target: ImageScalar>(to _: Target.Type = Target.self) -> Image<Target> {
        if let same = self as? Image<Target> { return same }
        let out = data.map { Target(normalizedFloat: $0.normalizedFloat) }
        return Image<Target>(width: width, height: height, channels: channels, data: out, unchecked: ())
    }

    /// An image of the selected planes, in the given order.
    /// - Precondition: every index is a valid channel.
    @inlinable
    public func selecting(channels selected: [Int]) -> Image<Scalar> {
        precondition(!selected.isEmpty && selected.allSatisfy { $0 >= 0 && $0 < channels })
        var out = [Scalar]()
        out.reserveCapacity(selected.count * pixelCount)
        for c in selected { out += data[(c * pixelCount)..<((c + 1) * pixelCount)] }
        return Image(width: width, height: height, channels: selected.count, data: out, unchecked: ())
    }
}

extension Image where Scalar == Float {
    /// A 3-channel image from a 1-, 2-, 3- or 4-channel picture: gray is replicated, alpha dropped.
    /// Returns `self` when it already has 3 channels; feature maps with > 4 channels are returned
    /// unchanged (callers that need RGB must check).
    public func rgb() -> Image<Float> {
        switch channels {
        case 1, 2: return selecting(channels: [0, 0, 0])
        case 4: return selecting(channels: [0, 1, 2])
        default: return self
        }
    }

    /// Luma (Rec. 601 weights 0.299, 0.587, 0.114) of an RGB(A) image; gray images pass through
    /// with alpha dropped.
    public func gray() -> Image<Float> {
        if channels < 3 { return selecting(channels: [0]) }
        let n = pixelCount
        var out = [Float](repeating: 0, count: n)
        data.withUnsafeBufferPointer { src in
            for i in 0..<n {
                out[i] = 0.299 * src[i] + 0.587 * src[n + i] + 0.114 * src[2 * n + i]
            }
        }
        return Image(width: width, height: height, channels: 1, data: out, unchecked: ())
    }
}
