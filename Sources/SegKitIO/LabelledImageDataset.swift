/// A finite, indexed set of photographs with entity label maps on disk, decoded on demand (one
/// example at a time, so data sets larger than memory work). Conformers: ``LabelFolderDataset``,
/// ``PanopticDataset``.
public protocol LabelledImageDataset: Sendable {
    /// Number of examples, ≥ 1.
    var count: Int { get }
    /// The image file of example `index` (0..<count).
    func imagePath(_ index: Int) -> String
    /// Decodes example `index` (0..<count): the RGB image in [0, 1] (gray replicated, alpha
    /// dropped) and its entity labels of the same size (entities ≥ 0, −1 = unlabelled).
    /// - Throws: `SegKitError` naming the file that is missing, corrupt or of the wrong size.
    func example(_ index: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap)
}

extension LabelledImageDataset {
    /// The image at `path` as RGB Float in [0, 1].
    static func readRGB(_ path: String, maxPixels: Int) throws(SegKitError) -> Image<Float> {
        let image = try ImageFile.read(path, options: DecodeOptions(maxPixels: maxPixels)).floatImage().rgb()
        guard image.channels == 3 else { throw SegKitError(.unsupported, "expected a gray or colour image, got \(image.channels) channels", path: path) }
        return image
    }

    /// Throws, naming `labelPath`, unless `labels` has the size of `image` (from `imagePath`).
    static func requireMatchingSize(_ labels: LabelMap, _ labelPath: String, image: Image<Float>, _ imagePath: String) throws(SegKitError) {
        try SegKitError.attributed(to: labelPath) { () throws(SegKitError) in
            try labels.requireSize(width: image.width, height: image.height, of: "its image \(imagePath)")
        }
    }
}
