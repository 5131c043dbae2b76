/// Greedy merging of adjacent segments across their weakest boundaries (the greedy merge behind
/// an ultrametric contour map): segments are groups of base regions (superpixels), every boundary
/// between two base regions has a strength and a length, and the strength of the boundary between
/// two segments is the length-weighted mean over the base boundaries they share.
public enum BoundaryMerging {
    /// The boundary between two adjacent base regions.
    public struct Boundary: Sendable, Equatable {
        public var a: Int
        public var b: Int
        /// How strongly the two regions differ, ≥ 0, in the caller's units (merging stops at
        /// ``merge(groups:boundaries:threshold:)``'s threshold in the same units).
        public var strength: Double
        /// The weight of this boundary in a segment boundary's mean, > 0 (e.g. its length in
        /// pixel pairs).
        public var length: Double

        public init(a: Int, b: Int, strength: Double, length: Double) {
            self.a = a
            self.b = b
            self.strength = strength
            self.length = length
        }
    }

    /// Merges segments, weakest boundary first, while the weakest is below `threshold`.
    ///
    /// The starting segments are the connected parts of `groups`: base regions with one group
    /// label that are joined through boundaries between them form one segment, so a group split
    /// into disjoint places starts as several segments. Each step merges the adjacent pair whose
    /// mean boundary strength is least (ties to the pair whose first base regions are lowest) and
    /// sums the merged pair's boundaries with every neighbour. Regions without boundaries stay
    /// alone.
    /// - Parameters:
    ///   - groups: the starting group of each base region (any labels; one entry per region).
    ///   - boundaries: boundaries between base regions `0..<groups.count`; a pair may appear more
    ///     than once (its entries then count as one boundary).
    ///   - threshold: merging stops when no adjacent pair has a mean strength below it.
    /// - Returns: the segment of each base region, contiguous from 0 in order of each segment's
    ///   first base region.
    /// - Throws: `SegKitError.invalidArgument` for a boundary outside the regions or joining a
    ///   region to itself, a negative or non-finite strength, a length that is not positive and
    ///   finite, or a threshold that is not a number.
    /// - Complexity: O(R + P log P) for R regions, where P, the candidate pairs ever queued, is
    ///   the number of adjacent segment pairs at the start plus, per merge, the merged segment's
    ///   neighbours (stale candidates are skipped when they surface).
    public static func merge(groups: [Int32], boundaries: [Boundary], threshold: Double) throws(SegKitError) -> [Int32] {
        let r = groups.count
        guard !threshold.isNaN else { throw .invalidArgument("boundary merging threshold is not a number") }
        for e in boundaries {
            guard (0..<r).contains(e.a), (0..<r).contains(e.b), e.a != e.b else {
                throw .invalidArgument("boundary \(e.a)–\(e.b) does not join two of the \(r) regions")
            }
            guard e.strength >= 0, e.strength.isFinite, e.length > 0, e.length.isFinite else {
                throw .invalidArgument("boundary \(e.a)–\(e.b) needs a finite strength ≥ 0 and a finite length > 0")
            }
        }
        // Starting segments: connected parts of the groups, numbered in order of first region.
        var sameGroup = [[Int]](repeating: [], count: r)
        for e in boundaries where groups[e.a] == groups[e.b] {
            sameGroup[e.a].append(e.b)
            sameGroup[e.b].append(e.a)
        }
        var segmentOf = [Int](repeating: -1, count: r), stack: [Int] = []
        var k = 0
        for start in 0..<r where segmentOf[start] < 0 {
            segmentOf[start] = k
            stack.append(start)
            while let i = stack.popLast() {
                for j in sameGroup[i] where segmentOf[j] < 0 {
                    segmentOf[j] = k
                    stack.append(j)
                }
            }
            k += 1
        }
        // Shared boundary sums (Σ strength · length, Σ length) per adjacent pair of segments.
        var neighbours = [[Int: (sum: Double, length: Double)]](repeating: [:], count: k)
        for e in boundaries {
            let a = segmentOf[e.a], b = segmentOf[e.b]
            guard a != b else { continue }
            neighbours[a][b, default: (0, 0)].sum += e.strength * e.length
            neighbours[a][b, default: (0, 0)].length += e.length
            neighbours[b][a] = neighbours[a][b]
        }
        var version = [Int](repeating: 0, count: k)
        var heap = PairHeap()
        for a in 0..<k {
            for (b, s) in neighbours[a] where a < b { heap.push(.init(mean: s.sum / s.length, a: a, b: b, versionA: 0, versionB: 0)) }
        }
        // Segment ids stay in order of first region: the survivor of a merge is the lower id, and
        // its first region is the lower of the two.
        var mergedInto = Array(0..<k)
        while let top = heap.pop(), top.mean < threshold {
            let (a, c) = (top.a, top.b)
            guard mergedInto[a] == a, mergedInto[c] == c, version[a] == top.versionA, version[c] == top.versionB else { continue }
            mergedInto[c] = a
            neighbours[a][c] = nil
            for o in neighbours[c].keys.sorted() where o != a {
                let s = neighbours[c][o]!
                var t = neighbours[a][o] ?? (0, 0)
                t.sum += s.sum
                t.length += s.length
                neighbours[a][o] = t
                neighbours[o][a] = t
                neighbours[o][c] = nil
            }
            neighbours[c] = [:]
            version[a] += 1
            for (o, s) in neighbours[a] {
                let (x, y) = a < o ? (a, o) : (o, a)
                heap.push(.init(mean: s.sum / s.length, a: x, b: y, versionA: version[x], versionB: version[y]))
            }
        }
        // Final segments, renumbered in order of first region (a survivor's id is always lower).
        var label = [Int32](repeating: -1, count: k), next: Int32 = 0
        for s in 0..<k {
            if mergedInto[s] == s {
                label[s] = next
                next += 1
            } else {
                label[s] = label[mergedInto[s]]
            }
        }
        return segmentOf.map { label[$0] }
    }

    /// A candidate merge: valid while both segments are alive at the recorded versions.
    struct Pair {
        var mean: Double
        var a: Int
        var b: Int
        var versionA: Int
        var versionB: Int

        func precedes(_ o: Pair) -> Bool { (mean, a, b) < (o.mean, o.a, o.b) }
    }

    /// A binary min-heap of pairs ordered by (mean, a, b).
    struct PairHeap {
        private var items: [Pair] = []

        mutating func push(_ p: Pair) {
            items.append(p)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[i].precedes(items[parent]) else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> Pair? {
            guard let first = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count, items[l].precedes(items[m]) { m = l }
                    if r < items.count, items[r].precedes(items[m]) { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return first
        }
    }
}
