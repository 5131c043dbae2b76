import Testing
import _TestSupport
@testable import SegKitSegmenters

@Suite struct SuperpixelsTests {
    /// Flat colour blocks are recovered exactly when K matches the blocks.
    @Test(arguments: [(4, 3), (6, 6), (8, 5)])
    func recoversFlatBlocks(columns: Int, rows: Int) throws {
        let (image, truth) = Synthetic.blocks(columns: columns, rows: rows, blockSize: 12)
        var c = Superpixels.Configuration(segmentCount: columns * rows)
        c.compactness = 5
        let labels = try Superpixels.segment(image: image, configuration: c)
        #expect(Clusters.adjustedRandIndex(labels.labels, truth.labels) == 1)
    }

    @Test func connectedContiguousAndNearK() throws {
        var image = Synthetic.smoothImage(width: 120, height: 90)
        var g = SeededGenerator(seed: 2)
        for i in image.data.indices { image.data[i] = min(1, max(0, image.data[i] + 0.03 * g.nextNormal())) }
        for k in [10, 50, 200] {
            let labels = try Superpixels.segment(image: image, configuration: .init(segmentCount: k))
            #expect(Invariants.everySegmentIsConnected(labels))
            #expect(labels.isContiguous)
            #expect(labels.segmentCount >= k / 2 && labels.segmentCount <= 2 * k, "k=\(k): \(labels.segmentCount)")
            #expect(!labels.labels.contains(-1))
        }
    }

    @Test func deterministicOnAnyThreadCount() throws {
        let image = Synthetic.smoothImage(width: 160, height: 100)
        let a = try Parallel.withThreadLimit(1) { try Superpixels.segment(image: image) }
        let b = try Parallel.withThreadLimit(2) { try Superpixels.segment(image: image) }
        #expect(a == b)
    }

    @Test func softAssignmentAndFeatureMaps() throws {
        let (image, truth) = Synthetic.blocks(columns: 3, rows: 3, blockSize: 10)
        var c = Superpixels.Configuration(segmentCount: 9)
        c.assignment = .soft(temperature: 5)
        c.compactness = 5
        let soft = try Superpixels.segment(image: image, configuration: c)
        #expect(Clusters.adjustedRandIndex(soft.labels, truth.labels) == 1)
        // Any feature map: a 5-channel map built from the image works the same way.
        let lab = try ColorSpace.srgbToLab(image)
        let features = lab.selecting(channels: [0, 1, 2, 0, 1])
        c.assignment = .hard
        let fromFeatures = try Superpixels.segment(features: features, configuration: c)
        #expect(Clusters.adjustedRandIndex(fromFeatures.labels, truth.labels) == 1)
    }

    /// Three channels take the C E-step (AVX2 or portable); a fourth, all-zero channel adds exactly
    /// 0 to every distance and sends the same map through the general Swift E-step: labels must be
    /// identical. Widths below 8 and not a multiple of 8 exercise the kernel's partial groups.
    @Test(arguments: [(150, 110), (13, 40), (5, 30), (97, 61)])
    func labKernelAgreesWithTheGeneralKernel(width: Int, height: Int) throws {
        var image = Synthetic.smoothImage(width: width, height: height, seed: 3)
        var g = SeededGenerator(seed: 4)
        for i in image.data.indices { image.data[i] = min(1, max(0, image.data[i] + 0.05 * g.nextNormal())) }
        let lab = try ColorSpace.srgbToLab(image)
        var padded = Image<Float>(width: lab.width, height: lab.height, channels: 4)
        padded.data.replaceSubrange(0..<(3 * lab.pixelCount), with: lab.data)
        for k in [3, 20, 150] {
            let c = Superpixels.Configuration(segmentCount: k)
            let fast = try Superpixels.segment(features: lab, configuration: c)
            let portable = try Superpixels.withPortableKernels { try Superpixels.segment(features: lab, configuration: c) }
            let general = try Superpixels.segment(features: padded, configuration: c)
            #expect(fast == general, "k=\(k)")
            #expect(portable == general, "k=\(k)")
        }
    }

    /// Degenerate shapes and counts through both E-step versions (the C kernel's partial groups,
    /// widths below 8, one row or column, more superpixels than pixels): valid maps, same labels.
    @Test(arguments: [(1, 1), (1, 9), (9, 1), (2, 3), (7, 7), (8, 1), (17, 3), (33, 2)])
    func degenerateShapes(width: Int, height: Int) throws {
        var g = SeededGenerator(seed: UInt64(width * 100 + height))
        let image = try Image<Float>(width: width, height: height, channels: 3,
                                     data: (0..<(3 * width * height)).map { _ in g.nextFloat() })
        for k in [1, 2, 5, 100] {
            let c = Superpixels.Configuration(segmentCount: k)
            let labels = try Superpixels.segment(image: image, configuration: c)
            let portable = try Superpixels.withPortableKernels { try Superpixels.segment(image: image, configuration: c) }
            #expect(labels == portable, "\(width)×\(height) k=\(k)")
            #expect(labels.isContiguous && !labels.labels.contains(-1))
            #expect(Invariants.everySegmentIsConnected(labels))
        }
    }

    /// The search window along an axis is SLIC's ±S around the seeds: every cell of the window has
    /// its seed line (c + ½)·S within S of the pixel, every other cell at S or more, and the window
    /// is the pixel's own cell and at most one neighbour (ties at S to float rounding).
    @Test(arguments: [(481, 25), (321, 16), (100, 7), (10, 10), (9, 1), (1920, 27), (7, 3)])
    func searchWindowIsSLICsTwoSWindow(length: Int, cells: Int) {
        let step = Float(length) / Float(cells)
        for v in 0..<length {
            let window = SuperpixelState.window(v, step: step, cells: cells)
            let own = min(cells - 1, Int(Float(v) / step))
            #expect(window.count == 2 && window[0] <= own && own <= window[1] && window[1] - window[0] <= 1)
            for c in 0..<cells {
                let distance = abs(Float(v) - (Float(c) + 0.5) * step)
                if (Int(window[0])...Int(window[1])).contains(c) {
                    #expect(distance <= step * (1 + 1e-5), "v=\(v) c=\(c)")
                } else {
                    #expect(distance >= step * (1 - 1e-5), "v=\(v) c=\(c)")
                }
            }
        }
    }

    @Test func gridFollowsTheAspectRatio() {
        let g = Superpixels.grid(width: 1920, height: 1080, segmentCount: 400)
        #expect(abs(g.columns * g.rows - 400) < 30)
        #expect(abs(Double(g.columns) / Double(g.rows) - 16.0 / 9) < 0.2)
    }

    @Test func badInput() {
        let image = Image<Float>(width: 8, height: 8, channels: 3)
        var c = Superpixels.Configuration(segmentCount: 0)
        #expect(throws: SegKitError.self) { try Superpixels.segment(image: image, configuration: c) }
        c = Superpixels.Configuration(segmentCount: 4)
        c.assignment = .soft(temperature: 0)
        #expect(throws: SegKitError.self) { try Superpixels.segment(image: image, configuration: c) }
        var nan = image
        nan.data[0] = .nan
        #expect(throws: SegKitError.self) { try Superpixels.segment(features: nan) }
    }
}
