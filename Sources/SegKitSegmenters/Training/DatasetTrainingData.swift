import SegKitNN

/// Training batches from a finite set of labelled images (a folder of photographs with label
/// maps, COCO panoptic, …), each example augmented with ``TrainingAugmentation``.
///
/// The examples are visited epoch by epoch, each epoch in its own seeded permutation: the k-th
/// example drawn overall (k = step × batch size + b) is `permutation(epoch: k / count)[k % count]`.
/// The augmentation of batch element b at `step` uses a generator derived from (seed, step, b)
/// only. So a batch depends on (seed, step, batch size) alone and training resumes bit for bit.
///
/// Examples are decoded lazily, per batch, by the `load` closure (SegKitSegmenters does no file
/// I/O; SegKitIO's datasets provide loaders), the examples of a batch in parallel.
public struct DatasetTrainingData: EntityTrainingData {
    /// Loads example `index` (0..<count): an RGB image in [0, 1] and its entity labels of the same
    /// size (entities ≥ 0, −1 = unlabelled). Errors should name the file.
    public typealias Loader = @Sendable (_ index: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap)

    /// Number of examples, ≥ 1.
    public let count: Int
    /// Seed of the epoch permutations and the augmentations.
    public let seed: UInt64
    /// How each example is cropped, flipped and jittered.
    public let augmentation: TrainingAugmentation
    let load: Loader

    /// - Throws: `SegKitError.invalidArgument` when `count` < 1 or the augmentation is out of range.
    public init(count: Int, seed: UInt64, augmentation: TrainingAugmentation = TrainingAugmentation(), load: @escaping Loader) throws(SegKitError) {
        guard count >= 1 else { throw .invalidArgument("a training data set needs at least one example") }
        try augmentation.validate()
        self.count = count
        self.seed = seed
        self.augmentation = augmentation
        self.load = load
    }

    /// The order in which epoch `epoch` visits the examples (a permutation of `0..<count`).
    public func permutation(epoch: Int) -> [Int] {
        var order = Array(0..<count)
        var g = SeededGenerator(seed: seed ^ 0xE90C_0000_0000_0000, stream: UInt64(epoch))
        g.shuffle(&order)
        return order
    }

    /// The example indices of the batch at `step` (`size` of them).
    public func exampleIndices(step: Int, size: Int) -> [Int] {
        var permutations: [Int: [Int]] = [:]
        return (0..<size).map { b in
            let k = step * size + b, epoch = k / count
            if permutations[epoch] == nil { permutations[epoch] = permutation(epoch: epoch) }
            return permutations[epoch]![k % count]
        }
    }

    /// Augmented views of the batch's examples: images [size, 3, imageSize, imageSize] in [0, 1]
    /// and labels renumbered from 0 per view (−1 = unlabelled).
    /// - Throws: the loader's errors (naming the file) and size mismatches between an image and its labels.
    public func batch(step: Int, size: Int, imageSize: Int) throws(SegKitError) -> (images: Tensor, labels: [LabelMap]) {
        let indices = exampleIndices(step: step, size: size)
        let stepGenerator = SeededGenerator(seed: seed ^ 0xA06_0000_0000, stream: UInt64(step))
        var views = [Result<(image: Image<Float>, labels: LabelMap), SegKitError>?](repeating: nil, count: size)
        let (load, augmentation) = (self.load, self.augmentation)
        views.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            Parallel.forEach(size) { b in
                out[b] = Result { () throws(SegKitError) in
                    let example = try load(indices[b])
                    var g = stepGenerator.derived(stream: UInt64(b))
                    return try augmentation.apply(image: example.image, labels: example.labels, size: imageSize, generator: &g)
                }
            }
        }
        var data: [Float] = [], labels: [LabelMap] = []
        data.reserveCapacity(size * 3 * imageSize * imageSize)
        for view in views {
            let v = try view!.get()
            data += v.image.data
            labels.append(v.labels)
        }
        return (try Tensor(shape: [size, 3, imageSize, imageSize], data: data), labels)
    }

    /// Example `index` without randomness (``TrainingAugmentation/centreView(image:labels:size:)``),
    /// for validation.
    public func validationExample(_ index: Int, imageSize: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap) {
        precondition(index >= 0 && index < count, "example \(index) is outside 0..<\(count)")
        let example = try load(index)
        return try TrainingAugmentation.centreView(image: example.image, labels: example.labels, size: imageSize)
    }
}
