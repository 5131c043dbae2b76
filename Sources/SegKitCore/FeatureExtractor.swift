/// Something that turns an image into a dense per-pixel feature map: colour + position, a filter
/// bank, or a trained embedding network. Segmenters depend on this protocol, not on SegKitNN.
public protocol FeatureExtractor: Sendable {
    /// Number of feature channels produced, ≥ 1.
    var dimension: Int { get }

    /// Features for every pixel of `image` (an sRGB Float image in [0, 1]).
    ///
    /// - Returns: a planar image with ``dimension`` channels, the same width and height as `image`.
    /// - Throws: `SegKitError` when the image cannot be processed (wrong channel count, too small).
    func features(for image: Image<Float>) throws(SegKitError) -> Image<Float>
}
