/// Random views of a labelled photograph for training: a square crop at a random scale and
/// position resized to the training size, a horizontal flip and colour jitter (brightness,
/// contrast, saturation).
///
/// Geometry is applied identically to the image and its label map (image resampled smoothly,
/// labels by nearest neighbour, so void stays void and no label is invented), then the labels are
/// renumbered `0, 1, …` in order of first appearance in the view (void stays −1). Colour jitter
/// changes the image only. Every random draw comes from the caller's generator in a fixed order,
/// so a view depends only on the generator's state: give it a generator derived from
/// (seed, step, batch index) and training stays resumable bit for bit.
public struct TrainingAugmentation: Sendable, Equatable, Codable {
    /// Smallest crop side as a fraction of the image's shorter side, in (0, 1]; default 0.5.
    public var minimumScale: Double = 0.5
    /// Largest crop side as a fraction of the image's shorter side, in [`minimumScale`, 1];
    /// default 1 (the whole shorter side). The crop side is uniform in between.
    public var maximumScale: Double = 1
    /// Probability of a horizontal flip, in [0, 1]; default 0.5.
    public var flipProbability: Double = 0.5
    /// Brightness jitter: pixel values are multiplied by a factor uniform in [1 − b, 1 + b];
    /// b in [0, 1), default 0.3 (0 = off).
    public var brightness: Float = 0.3
    /// Contrast jitter: values are blended with the image's mean luma by a factor uniform in
    /// [1 − c, 1 + c]; c in [0, 1), default 0.3 (0 = off).
    public var contrast: Float = 0.3
    /// Saturation jitter: each pixel is blended with its own luma by a factor uniform in
    /// [1 − s, 1 + s]; s in [0, 1), default 0.3 (0 = off).
    public var saturation: Float = 0.3

    /// The default augmentation (scale 0.5–1, flips, ±0.3 colour jitter).
    public init() {}

    /// No colour jitter (geometry only), e.g. for tests and label-colour consistency checks.
    public var withoutColourJitter: TrainingAugmentation {
        var copy = self
        copy.brightness = 0
        copy.contrast = 0
        copy.saturation = 0
        return copy
    }

    /// - Throws: `SegKitError.invalidArgument` when a field is outside its documented range.
    public func validate() throws(SegKitError) {
        guard minimumScale > 0, minimumScale <= maximumScale, maximumScale <= 1, (0...1).contains(flipProbability),
              [brightness, contrast, saturation].allSatisfy({ $0 >= 0 && $0 < 1 })
        else { throw .invalidArgument("augmentation out of range (0 < minimum scale ≤ maximum scale ≤ 1, flip probability in [0, 1], jitter in [0, 1))") }
    }

    /// One random `size`×`size` view of `image` and `labels`.
    ///
    /// Draws, in order: the crop side, its x and y position, the flip, the brightness, contrast
    /// and saturation factors (all seven always, so the sequence does not depend on settings).
    /// The crop is resampled with area averaging when it shrinks and bilinearly when it enlarges.
    /// - Parameters:
    ///   - image: RGB (3 channels), values in [0, 1].
    ///   - labels: same width and height; entities ≥ 0, −1 = unlabelled.
    ///   - size: output side in pixels, ≥ 1.
    /// - Returns: an RGB image in [0, 1] and labels renumbered from 0 (−1 kept), both `size`×`size`.
    /// - Throws: `SegKitError.shapeMismatch` when the sizes differ, `.invalidArgument` for a non-RGB
    ///   image or settings out of range.
    public func apply(image: Image<Float>, labels: LabelMap, size: Int, generator g: inout SeededGenerator)
        throws(SegKitError) -> (image: Image<Float>, labels: LabelMap)
    {
        try validate()
        try Self.check(image, labels, size)
        let shorter = min(image.width, image.height)
        let scale = minimumScale + (maximumScale - minimumScale) * g.nextDouble()
        let side = min(shorter, max(1, Int((scale * Double(shorter)).rounded())))
        let x = g.nextInt(below: image.width - side + 1), y = g.nextInt(below: image.height - side + 1)
        let flip = g.nextDouble() < flipProbability
        let b = 1 + g.nextFloat(in: -brightness, brightness)
        let c = 1 + g.nextFloat(in: -contrast, contrast)
        let s = 1 + g.nextFloat(in: -saturation, saturation)
        var (view, map) = try Self.view(image, labels, PixelRect(x: x, y: y, width: side, height: side), size: size)
        if flip { (view, map) = (Self.flipped(view), Self.flipped(map)) }
        return (Self.jittered(view, brightness: b, contrast: c, saturation: s), try Self.renumbered(map))
    }

    /// The deterministic view used for validation: the centred square of the full shorter side,
    /// resized to `size`×`size`, no flip, no jitter; labels renumbered from 0 (−1 kept).
    /// - Throws: as ``apply(image:labels:size:generator:)``.
    public static func centreView(image: Image<Float>, labels: LabelMap, size: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap) {
        try check(image, labels, size)
        let side = min(image.width, image.height)
        let (view, map) = try view(image, labels, PixelRect(x: (image.width - side) / 2, y: (image.height - side) / 2, width: side, height: side),
                                   size: size)
        return (view, try renumbered(map))
    }

    static func check(_ image: Image<Float>, _ labels: LabelMap, _ size: Int) throws(SegKitError) {
        guard size >= 1 else { throw .invalidArgument("augmentation output size must be ≥ 1, got \(size)") }
        guard image.channels == 3 else { throw .invalidArgument("augmentation needs an RGB image, got \(image.channels) channels") }
        try labels.requireSize(width: image.width, height: image.height, of: "the image")
    }

    /// `rect` of both, resized to `size`×`size` (area when shrinking, bilinear when enlarging; labels nearest).
    static func view(_ image: Image<Float>, _ labels: LabelMap, _ rect: PixelRect, size: Int) throws(SegKitError) -> (Image<Float>, LabelMap) {
        let method: ResizeMethod = rect.width > size ? .area : .bilinear
        return (try image.cropped(to: rect).resized(width: size, height: size, method: method),
                try labels.cropped(to: rect).resized(width: size, height: size))
    }

    /// Mirrored left to right.
    static func flipped(_ image: Image<Float>) -> Image<Float> {
        var out = image
        let w = image.width
        for row in 0..<(image.channels * image.height) {
            for x in 0..<w { out.data[row * w + x] = image.data[row * w + w - 1 - x] }
        }
        return out
    }

    /// Mirrored left to right.
    static func flipped(_ labels: LabelMap) -> LabelMap {
        var out = labels
        let w = labels.width
        for y in 0..<labels.height {
            for x in 0..<w { out.labels[y * w + x] = labels.labels[y * w + w - 1 - x] }
        }
        return out
    }

    /// Brightness (scale), contrast (blend with the mean luma) and saturation (blend with each
    /// pixel's luma), in that order, clamping to [0, 1] after each. Factors of 1 leave the image as is.
    static func jittered(_ image: Image<Float>, brightness b: Float, contrast c: Float, saturation s: Float) -> Image<Float> {
        if b == 1 && c == 1 && s == 1 { return image }
        var out = image
        let n = image.pixelCount
        func clamp(_ v: Float) -> Float { min(1, max(0, v)) }
        out.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<(3 * n) { p[i] = clamp(p[i] * b) }
            var mean: Float = 0
            for i in 0..<n { mean += 0.299 * p[i] + 0.587 * p[n + i] + 0.114 * p[2 * n + i] }
            mean /= Float(n)
            for i in 0..<(3 * n) { p[i] = clamp(mean + c * (p[i] - mean)) }
            for i in 0..<n {
                let luma = 0.299 * p[i] + 0.587 * p[n + i] + 0.114 * p[2 * n + i]
                for k in 0..<3 { p[k * n + i] = clamp(luma + s * (p[k * n + i] - luma)) }
            }
        }
        return out
    }

    /// Labels renumbered 0, 1, … in order of first appearance (row-major); −1 stays −1. Unlike
    /// ``LabelMap/relabeledContiguously()`` its cost does not depend on the largest label.
    static func renumbered(_ labels: LabelMap) throws(SegKitError) -> LabelMap {
        var mapping: [Int32: Int32] = [:]
        let out = labels.labels.map { l -> Int32 in
            if l < 0 { return LabelMap.void }
            if let m = mapping[l] { return m }
            let m = Int32(mapping.count)
            mapping[l] = m
            return m
        }
        return try LabelMap(width: labels.width, height: labels.height, labels: out)
    }
}
