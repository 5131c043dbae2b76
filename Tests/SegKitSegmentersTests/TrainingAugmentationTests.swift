import Testing
@testable import SegKitSegmenters

/// A 48×40 picture of uneven blocks (asymmetric, so a flip of one but not the other shows), each
/// block coloured by its label; block 4 is void (−1) and black.
private func colourCodedScene() throws -> (image: Image<Float>, labels: LabelMap) {
    let w = 48, h = 40, xs = [0, 7, 19, 30, 48], ys = [0, 11, 25, 40]
    var image = Image<Float>(width: w, height: h, channels: 3)
    var labels = [Int32](repeating: 0, count: w * h)
    for y in 0..<h {
        for x in 0..<w {
            let bx = xs.lastIndex { $0 <= x }!, by = ys.lastIndex { $0 <= y }!
            let block = by * 4 + bx
            let l = Int32(block == 4 ? -1 : block * 3 + 1)  // sparse labels: renumbering is exercised
            labels[y * w + x] = l
            let colour: [Float] = l < 0 ? [0, 0, 0] : [0.1 + 0.07 * Float(block), 0.9 - 0.05 * Float(block), Float(block % 3) * 0.4 + 0.1]
            for c in 0..<3 { image.data[c * w * h + y * w + x] = colour[c] }
        }
    }
    return (image, try LabelMap(width: w, height: h, labels: labels))
}

@Suite struct TrainingAugmentationTests {
    @Test func viewsKeepImageAndLabelsAligned() throws {
        let (image, labels) = try colourCodedScene()
        let augmentation = TrainingAugmentation().withoutColourJitter
        var sawVoid = false, sawSizes = Set<Int>()
        for seed in 0..<30 as Range<UInt64> {
            var g = SeededGenerator(seed: seed)
            let view = try augmentation.apply(image: image, labels: labels, size: 32, generator: &g)
            #expect(view.image.width == 32 && view.image.height == 32 && view.labels.width == 32)
            #expect(view.labels.isContiguous)
            sawSizes.insert(view.labels.segmentCount)
            // Away from label boundaries (5×5 window uniform) the colour is its label's colour, one
            // colour per label, different labels different colours, void exactly where black.
            var colourOf: [Int32: [Float]] = [:], problems: [String] = []
            let n = 32 * 32
            func same(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 } }
            for y in 0..<32 {
                for x in 0..<32 {
                    let l = view.labels[x, y]
                    let uniform = (-2...2).allSatisfy { dy in (-2...2).allSatisfy { dx in
                        view.labels[min(31, max(0, x + dx)), min(31, max(0, y + dy))] == l
                    } }
                    guard uniform else { continue }
                    let colour = (0..<3).map { view.image.data[$0 * n + y * 32 + x] }
                    if l < 0 {
                        sawVoid = true
                        if !same(colour, [0, 0, 0]) { problems.append("void pixel (\(x), \(y)) has colour \(colour)") }
                    } else if let known = colourOf[l] {
                        if !same(known, colour) { problems.append("label \(l) has colours \(known) and \(colour)") }
                    } else if same(colour, [0, 0, 0]) || colourOf.values.contains(where: { same($0, colour) }) {
                        problems.append("label \(l) at (\(x), \(y)) has the colour of void or another label: \(colour)")
                    } else {
                        colourOf[l] = colour
                    }
                }
            }
            #expect(problems.isEmpty, "seed \(seed): \(problems.count) misaligned pixels, first: \(problems.first ?? "")")
        }
        #expect(sawVoid)
        #expect(sawSizes.count > 1)  // crops differ
    }

    @Test func flipsMirrorBothAndJitterLeavesLabelsAlone() throws {
        let (image, labels) = try colourCodedScene()
        let flipped = TrainingAugmentation.flipped(image), flippedLabels = TrainingAugmentation.flipped(labels)
        #expect(flipped[x: 0, y: 3, channel: 1] == image[x: 47, y: 3, channel: 1] && flippedLabels[0, 3] == labels[47, 3])
        #expect(TrainingAugmentation.flipped(flipped) == image && TrainingAugmentation.flipped(flippedLabels) == labels)
        // Same generator: geometry identical with or without jitter; jitter changes colours, stays in [0, 1].
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let plain = try TrainingAugmentation().withoutColourJitter.apply(image: image, labels: labels, size: 24, generator: &g1)
        let jittered = try TrainingAugmentation().apply(image: image, labels: labels, size: 24, generator: &g2)
        #expect(plain.labels == jittered.labels)
        #expect(plain.image != jittered.image)
        #expect(jittered.image.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(g1.next() == g2.next())  // the same number of draws either way
    }

    @Test func centreViewAndBadInput() throws {
        let (image, labels) = try colourCodedScene()
        let view = try TrainingAugmentation.centreView(image: image, labels: labels, size: 40)
        let crop = try labels.cropped(to: PixelRect(x: 4, y: 0, width: 40, height: 40))
        #expect(view.labels == (try TrainingAugmentation.renumbered(crop)))
        var g = SeededGenerator(seed: 1)
        let small = LabelMap(width: 10, height: 10)
        #expect(throws: SegKitError.self) { try TrainingAugmentation().apply(image: image, labels: small, size: 16, generator: &g) }
        var bad = TrainingAugmentation()
        bad.minimumScale = 0
        #expect(throws: SegKitError.self) { try bad.validate() }
    }

    @Test func datasetBatchesDependOnlyOnSeedAndStep() throws {
        let (image, labels) = try colourCodedScene()
        let mirrored = (TrainingAugmentation.flipped(image), TrainingAugmentation.flipped(labels))
        let data = try DatasetTrainingData(count: 5, seed: 9) { (i) throws(SegKitError) in i % 2 == 0 ? (image, labels) : mirrored }
        let a = try data.batch(step: 1, size: 3, imageSize: 16), b = try data.batch(step: 1, size: 3, imageSize: 16)
        #expect(a.images == b.images && a.labels == b.labels)
        #expect(a.images.shape == [3, 3, 16, 16])
        let c = try data.batch(step: 2, size: 3, imageSize: 16)
        #expect(c.images != a.images)
        #expect(Parallel.withThreadLimit(1) { try? data.batch(step: 1, size: 3, imageSize: 16).images } == a.images)
        // Each epoch visits every example once, in an order that changes between epochs.
        let drawn = (0..<10).flatMap { data.exampleIndices(step: $0, size: 1) }
        #expect(Set(drawn[0..<5]) == Set(0..<5) && Set(drawn[5..<10]) == Set(0..<5))
        #expect((0..<4).map { data.permutation(epoch: $0) }.count { $0 != data.permutation(epoch: 0) } >= 2)
        #expect(data.exampleIndices(step: 3, size: 3) == Array(drawn[9..<10]) + data.exampleIndices(step: 10, size: 1)
            + data.exampleIndices(step: 11, size: 1))
        // A loader error surfaces unchanged (it names the file).
        let failing = try DatasetTrainingData(count: 2, seed: 1) { (i) throws(SegKitError) in
            throw SegKitError(.invalidData, "corrupt", path: "image-\(i).png")
        }
        #expect(throws: SegKitError(.invalidData, "corrupt", path: "image-1.png")) { try failing.validationExample(1, imageSize: 8) }
        #expect(throws: SegKitError.self) { try DatasetTrainingData(count: 0, seed: 1) { _ throws(SegKitError) in (image, labels) } }
    }
}
