import Testing
import _TestSupport
@testable import SegKitRefinement

/// BoundaryMerging against a direct transcription of its documented rule: segments start as the
/// connected parts of the groups; every step recomputes, from the base boundaries, the mean
/// strength between every adjacent pair of segments and merges the least (ties to the pair with
/// the lowest first regions) while it is below the threshold.
@Suite struct BoundaryMergingTests {
    static func reference(groups: [Int32], boundaries: [BoundaryMerging.Boundary], threshold: Double) -> [Int32] {
        let r = groups.count
        // Connected parts of the groups by repeated relaxation to the lowest reachable region.
        var owner = Array(0..<r)
        var changed = true
        while changed {
            changed = false
            for e in boundaries where groups[e.a] == groups[e.b] && owner[e.a] != owner[e.b] {
                let m = min(owner[e.a], owner[e.b])
                for i in 0..<r where owner[i] == owner[e.a] || owner[i] == owner[e.b] { owner[i] = m }
                changed = true
            }
        }
        // A segment is named by its first region, which is also its lowest member.
        while true {
            var sums: [[Int]: (Double, Double)] = [:]
            for e in boundaries where owner[e.a] != owner[e.b] {
                let key = [min(owner[e.a], owner[e.b]), max(owner[e.a], owner[e.b])]
                sums[key, default: (0, 0)].0 += e.strength * e.length
                sums[key, default: (0, 0)].1 += e.length
            }
            let candidates = sums.map { (mean: $0.value.0 / $0.value.1, a: $0.key[0], b: $0.key[1]) }
            guard let best = candidates.min(by: { ($0.mean, $0.a, $0.b) < ($1.mean, $1.a, $1.b) }), best.mean < threshold else { break }
            for i in 0..<r where owner[i] == best.b { owner[i] = best.a }
        }
        var names: [Int: Int32] = [:]
        return owner.map { o in
            if let n = names[o] { return n }
            names[o] = Int32(names.count)
            return names[o]!
        }
    }

    /// A w × h grid of regions with random groups, 4-neighbour boundaries of dyadic strengths and
    /// integer lengths (so every sum is exact and ties happen), some listed twice.
    static func grid(_ w: Int, _ h: Int, groups k: Int32, seed: UInt64) -> ([Int32], [BoundaryMerging.Boundary]) {
        var random = SeededGenerator(seed: seed)
        let groups = (0..<(w * h)).map { _ in Int32.random(in: 0..<k, using: &random) }
        var boundaries: [BoundaryMerging.Boundary] = []
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                for j in [x + 1 < w ? i + 1 : -1, y + 1 < h ? i + w : -1] where j >= 0 && Int.random(in: 0..<10, using: &random) > 0 {
                    let strength = Double(Int.random(in: 0...8, using: &random)) / 8
                    let length = Double(Int.random(in: 1...4, using: &random))
                    boundaries.append(.init(a: i, b: j, strength: strength, length: length))
                    if Int.random(in: 0..<8, using: &random) == 0 { boundaries.append(.init(a: j, b: i, strength: 0.25, length: 1)) }
                }
            }
        }
        return (groups, boundaries)
    }

    @Test(arguments: 0..<12)
    func matchesTheDirectRule(seed: Int) throws {
        let (groups, boundaries) = Self.grid(7 + seed % 3, 6, groups: Int32(2 + seed % 4), seed: UInt64(seed))
        for threshold in [0.0, 0.3, 0.5, 0.75, 2] {
            let fast = try BoundaryMerging.merge(groups: groups, boundaries: boundaries, threshold: threshold)
            let slow = Self.reference(groups: groups, boundaries: boundaries, threshold: threshold)
            #expect(fast == slow, "seed \(seed), threshold \(threshold)")
        }
    }

    @Test func gradientJoinsAndEdgeStays() throws {
        // A row of 8 regions in 3 groups: weak boundaries everywhere except one strong edge
        // between regions 4 and 5. Groups 0 and 1 join across weak boundaries; 5… stays apart.
        let groups: [Int32] = [0, 0, 1, 1, 1, 2, 2, 0]
        let strengths = [0.1, 0.2, 0.1, 0.1, 3.0, 0.1, 0.4]
        let boundaries = strengths.enumerated().map { BoundaryMerging.Boundary(a: $0.offset, b: $0.offset + 1, strength: $0.element, length: 1) }
        #expect(try BoundaryMerging.merge(groups: groups, boundaries: boundaries, threshold: 1) == [0, 0, 0, 0, 0, 1, 1, 1])
        // Threshold 0: only the connected parts of the groups (region 7 is apart from group 0's start).
        #expect(try BoundaryMerging.merge(groups: groups, boundaries: boundaries, threshold: 0) == [0, 0, 1, 1, 1, 2, 2, 3])
        // A long strong boundary outweighs a short weak one between the same two segments.
        let mixed: [BoundaryMerging.Boundary] = [.init(a: 0, b: 1, strength: 0, length: 1), .init(a: 0, b: 1, strength: 2, length: 3)]
        #expect(try BoundaryMerging.merge(groups: [0, 1], boundaries: mixed, threshold: 1) == [0, 1])
        // No boundaries: every region stays alone.
        #expect(try BoundaryMerging.merge(groups: [4, 4, 4], boundaries: [], threshold: 10) == [0, 1, 2])
    }

    @Test func badBoundariesAreErrors() {
        let good = BoundaryMerging.Boundary(a: 0, b: 1, strength: 0.5, length: 1)
        var bad: [BoundaryMerging.Boundary] = []
        for edit in [{ (b: inout BoundaryMerging.Boundary) in b.b = 2 }, { $0.a = -1 }, { $0.b = 0 }, { $0.strength = -1 },
                     { $0.strength = .nan }, { $0.strength = .infinity }, { $0.length = 0 }, { $0.length = .infinity }] {
            var b = good
            edit(&b)
            bad.append(b)
        }
        for b in bad {
            #expect(throws: SegKitError.self) { try BoundaryMerging.merge(groups: [0, 1], boundaries: [good, b], threshold: 1) }
        }
        #expect(throws: SegKitError.self) { try BoundaryMerging.merge(groups: [0, 1], boundaries: [good], threshold: .nan) }
    }
}
