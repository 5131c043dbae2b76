/// A folder of photographs with their label maps side by side — the layout `segkit scenes`
/// writes, and the ground-truth naming `segkit eval` accepts:
///
/// ```
/// DIR/NAME.jpg   (or NAME.jpeg, NAME.png)    the image
/// DIR/NAME-labels.png (or NAME-labels.npy)   its label map, same width and height
/// ```
///
/// Label maps are 16-bit label PNGs (label L stored as L, 65535 = void → −1), 8-bit gray or
/// palette PNGs (values are labels, no void), or integer `.npy` arrays (H × W, −1 = void); see
/// ``LabelMapFile``. Every image must have a label map and every label map an image; other files
/// (and hidden ones) are ignored. Examples are in file-name order; nothing is decoded until
/// ``example(_:)``.
public struct LabelFolderDataset: LabelledImageDataset {
    /// One image and its label map (paths).
    public struct Pair: Sendable, Equatable {
        public var image: String
        public var labels: String

        public init(image: String, labels: String) {
            self.image = image
            self.labels = labels
        }
    }

    /// The folder given at creation.
    public let folder: String
    /// The examples, sorted by image file name.
    public let pairs: [Pair]
    /// Decoding limit: images and label PNGs with more pixels (width × height) are refused.
    public let maxPixels: Int

    /// Image file extensions (lowercase) recognised as photographs.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]
    /// Suffix of label-map stems: `NAME-labels.png` labels `NAME.jpg`.
    public static let labelSuffix = "-labels"

    /// Lists and pairs the folder's files (decodes nothing).
    /// - Parameter maxPixels: decoding limit per file (width × height), default 10⁸.
    /// - Throws: `SegKitError` naming the folder when it is missing or holds no images, the image
    ///   when it has no label map, the label map when it has no image.
    public init(folder: String, maxPixels: Int = 100_000_000) throws(SegKitError) {
        let names = try FileAccess.entries(in: folder)
        var images: [String: String] = [:], labels: [String: String] = [:]
        for name in names {
            let ext = FileAccess.fileExtension(name)
            guard ext == "npy" || Self.imageExtensions.contains(ext) else { continue }
            let stem = String(name.dropLast(ext.count + 1))
            if stem.hasSuffix(Self.labelSuffix), ext == "png" || ext == "npy" {
                let key = String(stem.dropLast(Self.labelSuffix.count))
                if let other = labels[key] {
                    throw SegKitError(.invalidData, "two label maps for \(key): \(other) and \(name)", path: folder)
                }
                labels[key] = name
            } else if ext != "npy" {
                if let other = images[stem] {
                    throw SegKitError(.invalidData, "two images named \(stem): \(other) and \(name)", path: folder)
                }
                images[stem] = name
            }
        }
        var pairs: [Pair] = []
        for (stem, image) in images.sorted(by: { $0.value.unicodeScalars.lexicographicallyPrecedes($1.value.unicodeScalars) }) {
            guard let label = labels.removeValue(forKey: stem) else {
                throw SegKitError(.invalidData, "no label map for this image (expected \(stem)\(Self.labelSuffix).png or \(stem)\(Self.labelSuffix).npy next to it)",
                                  path: folder + "/" + image)
            }
            pairs.append(Pair(image: folder + "/" + image, labels: folder + "/" + label))
        }
        if let orphan = labels.values.sorted().first {
            throw SegKitError(.invalidData, "label map without an image (expected the image next to it as .jpg, .jpeg or .png)", path: folder + "/" + orphan)
        }
        guard !pairs.isEmpty else {
            throw SegKitError(.invalidData, "no images (NAME.jpg, NAME.jpeg or NAME.png with NAME-labels.png or NAME-labels.npy) found", path: folder)
        }
        self.folder = folder
        self.pairs = pairs
        self.maxPixels = maxPixels
    }

    public var count: Int { pairs.count }

    public func imagePath(_ index: Int) -> String { pairs[index].image }

    /// Decodes pair `index`. - Throws: `SegKitError` naming the image or label file that is
    /// corrupt, or the label file when its size differs from the image's.
    public func example(_ index: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap) {
        let pair = pairs[index]
        let image = try Self.readRGB(pair.image, maxPixels: maxPixels)
        let labels = try LabelMapFile.read(pair.labels, maxPixels: maxPixels)
        try Self.requireMatchingSize(labels, pair.labels, image: image, pair.image)
        return (image, labels)
    }
}
