import Testing
import SegKitCore
import SegKitRefinement
import _TestSupport
@testable import SegKitSegmenters

@Suite struct EntitySegmenterTests {
    /// An untrained two-stage network with 8-dimensional features (fast enough for tests).
    static func tinyNetwork(seed: UInt64) -> EmbeddingNetwork {
        var nc = EmbeddingNetwork.Configuration()
        nc.widths = [8, 16]
        nc.dimension = 8
        nc.groups = 4
        return EmbeddingNetwork(configuration: nc, seed: seed)
    }

    /// Invariants every result must satisfy, whatever the model.
    func checkInvariants(_ r: EntitySegmenter.Result, width: Int, height: Int, minimumArea: Int) {
        #expect(r.labels.width == width && r.labels.height == height)
        #expect(r.labels.labels.allSatisfy { $0 >= 0 }, "every pixel belongs to a segment")
        #expect(r.labels.isContiguous)
        #expect(Invariants.everySegmentIsConnected(r.labels))
        #expect(r.segments.count == r.labels.segmentCount)
        #expect(r.segments.map(\.area).reduce(0, +) == width * height)
        for s in r.segments {
            var minX = width, minY = height, maxX = -1, maxY = -1, area = 0
            for y in 0..<height { for x in 0..<width where r.labels[x, y] == s.label {
                area += 1
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            } }
            #expect(area == s.area)
            #expect(s.boundingBox == BoundingBox(x: Double(minX), y: Double(minY), width: Double(maxX - minX + 1), height: Double(maxY - minY + 1)))
            #expect((0...1).contains(s.score) && (0...1).contains(s.stability))
            #expect(area >= minimumArea || r.segments.count == 1)
        }
    }

    @Test(arguments: [EntitySegmenter.Model.classic, .mergedSuperpixels])
    func recoversFlatColourBlocks(model: EntitySegmenter.Model) throws {
        let (image, truth) = Synthetic.blocks(columns: 4, rows: 3, blockSize: 24)
        var c = EntitySegmenter.Configuration()
        c.superpixels = 96
        let r = try EntitySegmenter(model: model, configuration: c).segment(image)
        checkInvariants(r, width: image.width, height: image.height, minimumArea: c.minimumArea)
        // Segments never straddle blocks (purity); merged superpixels also recover them whole, while
        // joint spatial–range mean-shift may split a large flat block into spatial modes.
        var counts: [Int32: [Int32: Int]] = [:]
        for (p, t) in zip(r.labels.labels, truth.labels) { counts[p, default: [:]][t, default: 0] += 1 }
        for (p, row) in counts {
            let purity = Double(row.values.max()!) / Double(row.values.reduce(0, +))
            #expect(purity > 0.95, "segment \(p) is only \(purity) pure for \(model)")
        }
        let ari = Clusters.adjustedRandIndex(r.labels.labels, truth.labels)
        let isClassic = if case .classic = model { true } else { false }
        #expect(ari > (isClassic ? 0.85 : 0.95), "adjusted Rand index \(ari) for \(model)")
    }

    @Test func networkModelAtTwoResolutionsIsDeterministic() throws {
        let network = Self.tinyNetwork(seed: 3)
        let image = Synthetic.smoothImage(width: 90, height: 70)
        var c = EntitySegmenter.Configuration()
        c.resolutions = [48, 90]
        c.superpixels = 60
        c.minimumArea = 20
        c.guidedRefinement = true
        let segmenter = EntitySegmenter(model: .network(network), configuration: c)
        let one = try Parallel.withThreadLimit(1) { try segmenter.segment(image) }
        let two = try Parallel.withThreadLimit(2) { try segmenter.segment(image) }
        checkInvariants(two, width: 90, height: 70, minimumArea: c.minimumArea)
        #expect(one.labels == two.labels && one.segments == two.segments)
        #expect(two.features?.channels == 8 && two.features?.width == 90)
        #expect(two.timing["network"] != nil && two.timing["clustering"] != nil)
    }

    /// The colour split only cuts: at one resolution its labels refine both the network's own
    /// labels (split off) and the colour-merged superpixels at the same ΔE, and with an image of
    /// two flat colours far apart no segment straddles them.
    @Test func colourSplitRefinesBothPartitions() throws {
        let network = Self.tinyNetwork(seed: 5)
        var image = Synthetic.smoothImage(width: 80, height: 60, seed: 2)
        for y in 0..<60 { for x in 40..<80 { image[x: x, y: y, channel: 0] = 1; image[x: x, y: y, channel: 1] = 0.1; image[x: x, y: y, channel: 2] = 0.1 } }
        var c = EntitySegmenter.Configuration()
        c.superpixels = 60
        c.colourSplit = 40
        c.boundaryMerge = nil
        let timer = StageTimer()
        let split = try EntitySegmenter(model: .network(network), configuration: c).segmentLevel(image, timer).labels
        c.colourSplit = nil
        let plain = try EntitySegmenter(model: .network(network), configuration: c).segmentLevel(image, timer).labels
        c.mergeDistance = 40
        let colour = try EntitySegmenter(model: .mergedSuperpixels, configuration: c).segmentLevel(image, timer).labels
        func refines(_ fine: LabelMap, _ coarse: LabelMap) -> Bool {
            var owner: [Int32: Int32] = [:]
            for (f, k) in zip(fine.labels, coarse.labels) {
                if let o = owner[f], o != k { return false }
                owner[f] = k
            }
            return true
        }
        #expect(refines(split, plain))
        #expect(refines(split, colour))
        for y in 0..<60 { #expect(!split.labels[(y * 80)..<(y * 80 + 40)].contains { split.labels[(y * 80 + 40)..<(y * 80 + 80)].contains($0) }) }
    }

    /// Merging across weak boundaries only joins: at one resolution every connected piece of the
    /// unmerged labels lies inside one merged segment. With the embedding term capped below 1
    /// (threshold 2), a smooth colour gradient joins into one segment whatever the untrained
    /// network's clusters, and a strong colour edge (cut by the colour split) is never crossed.
    @Test func boundaryMergeJoinsGradientsAndKeepsEdges() throws {
        let network = Self.tinyNetwork(seed: 7)
        var image = Image<Float>(width: 80, height: 60, channels: 3)
        for y in 0..<60 {
            for x in 0..<80 {
                let t = Float(x) / 40
                let rgb: [Float] = x < 40 ? [0.05 + 0.3 * t, 0.1 + 0.6 * t, 0.3 + 0.6 * t] : [0.9, 0.1, 0.1]
                for c in 0..<3 { image[x: x, y: y, channel: c] = rgb[c] }
            }
        }
        var c = EntitySegmenter.Configuration()
        c.superpixels = 60
        c.colourSplit = 20
        c.boundaryMerge = nil
        let timer = StageTimer()
        let plain = try EntitySegmenter(model: .network(network), configuration: c).segmentLevel(image, timer).labels
        c.boundaryMerge = .init(embedding: 2, colour: 20)
        let merged = try EntitySegmenter(model: .network(network), configuration: c).segmentLevel(image, timer).labels
        let pieces = ConnectedComponents.label(plain, connectivity: .four)
        var owner: [Int32: Int32] = [:]
        for (p, m) in zip(pieces.labels, merged.labels) {
            #expect(owner[p] == nil || owner[p] == m, "piece \(p) of the unmerged labels is split")
            owner[p] = m
        }
        let before = Set((0..<60).flatMap { y in (0..<40).map { pieces[$0, y] } })
        #expect(before.count > 1, "the unmerged labels cut the gradient (else this test shows nothing)")
        let left = Set((0..<60).flatMap { y in (0..<40).map { merged[$0, y] } })
        let right = Set((0..<60).flatMap { y in (40..<80).map { merged[$0, y] } })
        #expect(left.count == 1 && right.count == 1 && left != right, "left \(left), right \(right)")
    }

    /// The §4.1 rule on hand-made maps: coarse = left | right halves.
    @Test func multiResolutionMergeRule() throws {
        let w = 20, h = 10
        func map(_ f: (Int, Int) -> Int32) throws -> LabelMap {
            var l = [Int32](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w { l[y * w + x] = f(x, y) } }
            return try LabelMap(width: w, height: h, labels: l)
        }
        let coarse = try map { x, _ in x < 10 ? 0 : 1 }
        var c = EntitySegmenter.Configuration()
        c.minimumArea = 4
        let segmenter = EntitySegmenter(model: .classic, configuration: c)
        // A sharper left/right boundary (shifted by one column) replaces the coarse one.
        let shifted = try segmenter.mergeResolution(coarse: coarse, fine: map { x, _ in x < 11 ? 0 : 1 })
        #expect(shifted == (try map { x, _ in x < 11 ? 0 : 1 }))
        // A small object inside the right half becomes a new segment; the rest keeps coarse labels.
        let fine = try map { x, y in (13..<16).contains(x) && (3..<6).contains(y) ? 2 : (x < 10 ? 0 : 1) }
        let split = try segmenter.mergeResolution(coarse: coarse, fine: fine)
        #expect(split.segmentCount == 3)
        #expect(split[14, 4] != split[18, 4] && split[18, 4] != split[2, 2])
        // A fine segment straddling both halves (IoU < 0.7, not contained) leaves the coarse labels.
        let straddle = try map { _, y in y < 5 ? 0 : 1 }
        #expect(try segmenter.mergeResolution(coarse: coarse, fine: straddle) == coarse)
    }

    @Test func badSettingsAndImagesAreErrors() throws {
        let image = Synthetic.smoothImage(width: 40, height: 30)
        for change in [{ (c: inout EntitySegmenter.Configuration) in c.resolutions = [] }, { $0.resolutions = [8] },
                       { $0.superpixels = 2 }, { $0.minimumArea = 0 }, { $0.bandwidth = -1 }, { $0.replaceIoU = 2 }, { $0.colourSplit = 0 },
                       { $0.boundaryMerge = .init(embedding: 0, colour: 20) }, { $0.boundaryMerge = .init(embedding: 0.5, colour: .nan) }] {
            var c = EntitySegmenter.Configuration()
            change(&c)
            #expect(throws: SegKitError.self) { try EntitySegmenter(model: .classic, configuration: c).segment(image) }
        }
        let fiveChannels = Image<Float>(width: 40, height: 30, channels: 5)
        #expect(throws: SegKitError.self) { try EntitySegmenter(model: .classic).segment(fiveChannels) }
    }
}
