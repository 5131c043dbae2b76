extension Image where Scalar == Float {
    /// An image whose planar data `body` writes completely (no zero-filling first; filters write
    /// every element of their output).
    static func filled(width: Int, height: Int, channels: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> Image<Float> {
        let count = width * height * channels
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { body(buffer.baseAddress!) }
            initialized = count
        }
        return try! Image(width: width, height: height, channels: channels, data: data)
    }
}
