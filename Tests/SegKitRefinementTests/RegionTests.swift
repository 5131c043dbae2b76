import Testing
import _TestSupport
@testable import SegKitRefinement

func randomMask(_ w: Int, _ h: Int, _ p: Float, seed: UInt64) -> Mask {
    var g = SeededGenerator(seed: seed)
    return try! Mask(width: w, height: h, pixels: (0..<(w * h)).map { _ in g.nextFloat() < p })
}

@Suite struct MorphologyTests {
    func bruteDilate(_ m: Mask, _ offsets: [(Int, Int)]) -> Mask {
        var out = Mask(width: m.width, height: m.height)
        for y in 0..<m.height { for x in 0..<m.width {
            out[x, y] = offsets.contains { (dx, dy) in
                let sx = x + dx, sy = y + dy
                return sx >= 0 && sy >= 0 && sx < m.width && sy < m.height && m[sx, sy]
            }
        } }
        return out
    }

    @Test(arguments: [Morphology.Element.square(radius: 1), .square(radius: 3), .disk(radius: 2), .disk(radius: 4)])
    func dilationAndErosionMatchBruteForce(element: Morphology.Element) {
        let m = randomMask(19, 14, 0.15, seed: 2)
        #expect(Morphology.dilate(m, element) == bruteDilate(m, element.offsets))
        // Erosion is the complement of dilating the complement (outside counts as inside).
        let dense = randomMask(19, 14, 0.85, seed: 3)
        let inverted = Morphology.invert(dense)
        #expect(Morphology.erode(dense, element) == Morphology.invert(bruteDilate(inverted, element.offsets)))
    }

    @Test func diskShape() {
        var point = Mask(width: 9, height: 9)
        point[4, 4] = true
        let disk = Morphology.dilate(point, .disk(radius: 2))
        #expect(disk.area == 13)
        #expect(Morphology.dilate(point, .square(radius: 2)).area == 25)
    }
}

@Suite struct ConnectedComponentsTests {
    @Test func fourAndEightConnectivity() throws {
        // Diagonal pixels: two components with 4-connectivity, one with 8.
        let mask = try Mask(width: 3, height: 3, pixels: [true, false, false, false, true, false, false, false, true])
        #expect(ConnectedComponents.label(mask, connectivity: .four).segmentCount == 3)
        #expect(ConnectedComponents.label(mask, connectivity: .eight).segmentCount == 1)
    }

    @Test func splitsDisconnectedLabelsAndMatchesFloodFill() throws {
        var g = SeededGenerator(seed: 9)
        let map = try LabelMap(width: 25, height: 18, labels: (0..<(25 * 18)).map { _ in Int32(g.nextInt(below: 3)) - (g.nextFloat() < 0.1 ? 1 : 0) })
        let components = ConnectedComponents.label(map)
        #expect(Invariants.everySegmentIsConnected(components))
        #expect(components.isContiguous)
        // Same partition as the input refined: equal component ⇒ equal input label.
        for i in map.labels.indices where components.labels[i] >= 0 {
            for j in map.labels.indices where components.labels[j] == components.labels[i] { #expect(map.labels[j] == map.labels[i]) }
            break
        }
        #expect(components.labels.map { $0 < 0 } == map.labels.map { $0 < 0 })
    }

    @Test func largestComponent() throws {
        let mask = try Mask(width: 5, height: 1, pixels: [true, false, true, true, false])
        #expect(ConnectedComponents.largest(mask).pixels == [false, false, true, true, false])
    }
}

@Suite struct RegionGraphAndMergingTests {
    @Test func adjacencyAndMeans() throws {
        let labels = try LabelMap(width: 3, height: 2, labels: [0, 0, 1, 2, 2, 1])
        let features = try Image<Float>(width: 3, height: 2, channels: 1, data: [1, 3, 10, 5, 7, 20])
        let graph = try RegionAdjacencyGraph(labels: labels, features: features)
        #expect(graph.sizes == [2, 2, 2])
        #expect(graph.featureMeans.values == [2, 15, 6])
        #expect(graph.edges.map { [$0.a, $0.b, $0.boundaryLength] } == [[0, 1, 1], [0, 2, 2], [1, 2, 1]])
    }

    @Test func smallRegionsJoinTheMostSimilarNeighbour() throws {
        // A 1-pixel region (value 9) between regions valued 10 and 0 joins the 10s.
        let labels = try LabelMap(width: 5, height: 1, labels: [0, 0, 1, 2, 2])
        let features = try Image<Float>(width: 5, height: 1, channels: 1, data: [0, 0, 9, 10, 10])
        let merged = try SmallRegionMerging.merge(labels, features: features, minimumSize: 2)
        #expect(merged.labels == [0, 0, 1, 1, 1])
        #expect(throws: SegKitError.self) { try SmallRegionMerging.merge(labels, features: features, minimumSize: 0) }
    }

    @Test func boundaryModes() throws {
        let labels = try LabelMap(width: 4, height: 1, labels: [0, 0, 1, 1])
        #expect(BoundaryMap.boundaries(labels, mode: .thick).pixels == [false, true, true, false])
        #expect(BoundaryMap.boundaries(labels, mode: .inner).pixels == [false, true, false, false])
        #expect(BoundaryMap.boundaries(labels, mode: .outer).pixels == [false, false, true, false])
    }
}
