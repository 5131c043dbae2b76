import Testing
import _TestSupport
@testable import SegKitRefinement

/// SmallRegionMerging against a direct transcription of its documented rule: repeatedly take the
/// small region that comes first by (size, queue position) — initial position = label, and a
/// region that absorbed another while staying small moves behind everything queued so far — and
/// merge it into the 4-adjacent region with the closest mean (ties to the lower label). Regions
/// without neighbours stay. Every step recomputes adjacency and means from the pixels.
@Suite struct SmallRegionMergingTests {
    static func reference(_ labels: LabelMap, features: Image<Float>, minimumSize: Int) -> LabelMap {
        var owner = labels.relabeledContiguously().map.labels  // pixel → current region
        let n = owner.count, w = labels.width, d = features.channels
        let r = Int((owner.max() ?? -1) + 1)
        var order = Array(0..<r), nextOrder = r
        var isolated = Set<Int32>()
        while true {
            var size = [Int](repeating: 0, count: r), sums = [Double](repeating: 0, count: r * d)
            for i in 0..<n where owner[i] >= 0 {
                let k = Int(owner[i])
                size[k] += 1
                for c in 0..<d { sums[k * d + c] += Double(features.data[c * n + i]) }
            }
            let pending = (0..<r).filter { size[$0] > 0 && size[$0] < minimumSize && !isolated.contains(Int32($0)) }
            guard let root = pending.min(by: { (size[$0], order[$0]) < (size[$1], order[$1]) }) else { break }
            var neighbours = Set<Int>()
            for i in 0..<n where owner[i] == Int32(root) {
                let x = i % w, y = i / w
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                    where nx >= 0 && ny >= 0 && nx < w && ny < labels.height {
                    let o = owner[ny * w + nx]
                    if o >= 0 && o != Int32(root) { neighbours.insert(Int(o)) }
                }
            }
            guard !neighbours.isEmpty else { isolated.insert(Int32(root)); continue }
            func distance(_ o: Int) -> Double {
                (0..<d).reduce(0.0) { s, c in
                    let t = sums[root * d + c] / Double(size[root]) - sums[o * d + c] / Double(size[o])
                    return s + t * t
                }
            }
            let target = neighbours.min { (distance($0), $0) < (distance($1), $1) }!
            for i in 0..<n where owner[i] == Int32(root) { owner[i] = Int32(target) }
            if size[target] + size[root] < minimumSize {
                order[target] = nextOrder
                nextOrder += 1
            }
        }
        return try! LabelMap(width: w, height: labels.height, labels: owner).relabeledContiguously().map
    }

    @Test(arguments: [(1, 3), (2, 4), (3, 9), (4, 25), (5, 6), (6, 15)])
    func matchesTheDirectRule(seed: UInt64, minimumSize: Int) throws {
        var g = SeededGenerator(seed: seed)
        let w = 23, h = 17
        // Few label values and some void: many pieces of many sizes, a few isolated by void.
        let raw = try LabelMap(width: w, height: h, labels: (0..<(w * h)).map { _ in
            g.nextFloat() < 0.05 ? -1 : Int32(g.nextInt(below: 3))
        })
        let pieces = ConnectedComponents.label(raw)
        var features = Image<Float>(width: w, height: h, channels: 2)
        // Quantised features make exact distance ties (and so the tie rule) common.
        for i in features.data.indices { features.data[i] = Float(g.nextInt(below: 4)) }
        let merged = try SmallRegionMerging.merge(pieces, features: features, minimumSize: minimumSize)
        #expect(merged == Self.reference(pieces, features: features, minimumSize: minimumSize))
        #expect(merged.isContiguous)
    }

    @Test func shatteredMapStaysFastAndConnected() throws {
        // A map of mostly 1-pixel pieces (the case SLIC produces on noisy images).
        var g = SeededGenerator(seed: 7)
        let w = 600, h = 400
        let raw = try LabelMap(width: w, height: h, labels: (0..<(w * h)).map { _ in Int32(g.nextInt(below: 50)) })
        let pieces = ConnectedComponents.label(raw)
        var features = Image<Float>(width: w, height: h, channels: 3)
        for i in features.data.indices { features.data[i] = g.nextFloat() }
        let merged = try SmallRegionMerging.merge(pieces, features: features, minimumSize: 40)
        #expect(Invariants.everySegmentIsConnected(merged))
        var sizes = [Int](repeating: 0, count: merged.segmentCount)
        for l in merged.labels { sizes[Int(l)] += 1 }
        #expect(sizes.allSatisfy { $0 >= 40 })
    }

    @Test func badInput() throws {
        let labels = try LabelMap(width: 4, height: 1, labels: [0, 0, 1, 1])
        let wrongSize = Image<Float>(width: 3, height: 1, channels: 1)
        #expect(throws: SegKitError.self) { try SmallRegionMerging.merge(labels, features: wrongSize, minimumSize: 2) }
        #expect(throws: SegKitError.self) {
            try SmallRegionMerging.merge(labels, features: Image<Float>(width: 4, height: 1, channels: 1), minimumSize: 0)
        }
    }
}
