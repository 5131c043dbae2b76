/// Removes small regions by merging each into its most similar neighbour.
public enum SmallRegionMerging {
    /// Regions smaller than `minimumSize` pixels are merged, smallest first, into the 4-adjacent
    /// region whose mean feature is closest (Euclidean; ties to the lower label); means and sizes
    /// are updated after each merge, and a region that is still small after absorbing another is
    /// visited again at its new size. Regions with no neighbour stay. Void stays void. The
    /// result's labels are contiguous from 0 in row-major order of first pixel.
    ///
    /// Only small regions keep neighbour lists (runs of boundary pixels, spliced in O(1) on a
    /// merge), and a bucket queue over sizes orders them, so a map shattered into hundreds of
    /// thousands of pieces (SLIC on a noisy image) is cleaned in a few passes over the pixels.
    /// - Throws: `SegKitError` when sizes differ or `minimumSize` < 1.
    /// - Complexity: O(pixels · D) plus, per merge, O(boundary length of the merged region · D).
    public static func merge(_ labels: LabelMap, features: Image<Float>, minimumSize: Int) throws(SegKitError) -> LabelMap {
        guard minimumSize >= 1 else { throw .invalidArgument("minimum region size must be at least 1") }
        try labels.requireSize(width: features.width, height: features.height, of: "the feature image")
        let compact = labels.isContiguous ? labels : labels.relabeledContiguously().map
        return merge(contiguous: compact, segmentCount: compact.segmentCount, features: features, minimumSize: minimumSize)
    }

    /// ``merge(_:features:minimumSize:)`` of a map whose labels are exactly `0..<segmentCount`
    /// (unchecked), with features of its size and `minimumSize` ≥ 1.
    package static func merge(contiguous compact: LabelMap, segmentCount r: Int, features: Image<Float>,
                              minimumSize: Int) -> LabelMap {
        let d = features.channels, n = compact.pixelCount
        var size = [Int32](repeating: 0, count: r)
        var sums = [Double](repeating: 0, count: r * d)  // r × d, row-major
        compact.labels.withUnsafeBufferPointer { L in
            features.data.withUnsafeBufferPointer { F in
                size.withUnsafeMutableBufferPointer { Z in
                    sums.withUnsafeMutableBufferPointer { S in
                        // One pass; each region's sums still add its pixels in row-major order.
                        for i in 0..<n where L[i] >= 0 {
                            let l = Int(L[i])
                            Z[l] += 1
                            for c in 0..<d { S[l * d + c] += Double(F[c * n + i]) }
                        }
                    }
                }
            }
        }
        let minimum = Int32(clamping: minimumSize)
        guard size.contains(where: { $0 < minimum }) else { return compact }
        let adjacency = SmallRegionAdjacency(labels: compact, isSmall: size.map { $0 < minimum })
        // Per-region state in one record (one cache line holds four regions): union–find parent,
        // size, the region whose candidate list last took it, and the last run of its chain.
        var regions = (0..<r).map { RegionState(parent: Int32($0), size: size[$0], seen: -1, tail: Int32($0)) }
        // Neighbour lists as chains of runs of `entries`: run k is entries[runStart[k]..<runEnd[k]],
        // chains link runs through `runNext`; region k's chain starts at its boundary run k. A
        // processed region leaves one run with its distinct neighbours, spliced onto the target's
        // chain when the target is still small (else never read again).
        var entries = adjacency.entries
        var runStart = Array(adjacency.start.dropLast()), runEnd = Array(adjacency.start.dropFirst())
        var runNext = [Int32](repeating: -1, count: r)
        // Monotone bucket queue by size: a merged region is larger than the one just taken, so the
        // smallest non-empty bucket never moves back. Buckets are first in, first out: ties go by
        // label, and a region still small after a merge goes after its equals.
        var buckets = [[Int32]](repeating: [], count: min(minimumSize, n + 1))
        for region in 0..<r where size[region] < minimum { buckets[Int(size[region])].append(Int32(region)) }
        var candidates = [Int32](repeating: 0, count: 64)
        var rootMean = [Double](repeating: 0, count: d)
        for bucket in buckets.indices {
            // A merge only queues into larger buckets, so this one is complete.
            let queued = buckets[bucket]
            buckets[bucket] = []
            for root32 in queued {
                let root = Int(root32)
                // Skip entries of regions merged away or grown since they were queued.
                guard regions[root].parent == root32, Int(regions[root].size) == bucket else { continue }
                var count = 0
                regions.withUnsafeMutableBufferPointer { R in
                    var run = root
                    while run >= 0 {
                        for e in Int(runStart[run])..<Int(runEnd[run]) {
                            let o = find(R, Int(entries[e]))
                            if o != root && R[o].seen != root32 {
                                R[o].seen = root32
                                if count == candidates.count { candidates.append(contentsOf: candidates) }
                                candidates[count] = Int32(o)
                                count += 1
                            }
                        }
                        run = Int(runNext[run])
                    }
                }
                guard count > 0 else { continue }
                var target = -1, best = Double.infinity
                sums.withUnsafeBufferPointer { S in
                    let rootSize = Double(regions[root].size), own = S.baseAddress! + root * d
                    for c in 0..<d { rootMean[c] = own[c] / rootSize }
                    for k in 0..<count {
                        let o = Int(candidates[k])
                        let otherSize = Double(regions[o].size), other = S.baseAddress! + o * d
                        var s = 0.0
                        for c in 0..<d {
                            let t = rootMean[c] - other[c] / otherSize
                            s += t * t
                        }
                        if s < best || (s == best && o < target) { best = s; target = o }
                    }
                }
                regions[root].parent = Int32(target)
                regions[target].size += regions[root].size
                for c in 0..<d { sums[target * d + c] += sums[root * d + c] }
                guard regions[target].size < minimum else { continue }
                runStart.append(Int32(entries.count))
                for k in 0..<count where Int(candidates[k]) != target { entries.append(candidates[k]) }
                runEnd.append(Int32(entries.count))
                runNext.append(-1)
                let run = Int32(runStart.count - 1)
                runNext[Int(regions[target].tail)] = run
                regions[target].tail = run
                buckets[Int(regions[target].size)].append(Int32(target))
            }
        }
        // Each region's root once, then names in row-major order of first pixel.
        let rootOf = regions.withUnsafeMutableBufferPointer { P in (0..<r).map { Int32(find(P, $0)) } }
        var names = [Int32](repeating: -1, count: r)
        var count: Int32 = 0
        let renamed = compact.labels.withUnsafeBufferPointer { L in
            [Int32](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    guard L[i] >= 0 else { out[i] = LabelMap.void; continue }
                    let root = Int(rootOf[Int(L[i])])
                    if names[root] < 0 { names[root] = count; count += 1 }
                    out[i] = names[root]
                }
                initialized = n
            }
        }
        return LabelMap(width: compact.width, height: compact.height, unchecked: renamed)
    }

    /// Root of `x` in the union–find forest, halving the path on the way.
    @inline(__always)
    static func find(_ regions: UnsafeMutableBufferPointer<RegionState>, _ x: Int) -> Int {
        var x = x
        while Int(regions[x].parent) != x {
            regions[x].parent = regions[Int(regions[x].parent)].parent
            x = Int(regions[x].parent)
        }
        return x
    }
}

/// A region's union–find and queue state during ``SmallRegionMerging/merge(_:features:minimumSize:)``.
struct RegionState {
    var parent: Int32
    var size: Int32
    var seen: Int32
    var tail: Int32
}

/// The 4-neighbours of the small regions of a contiguous label map, as one list per region
/// (compressed rows; a neighbour appears once per shared boundary run, large regions' lists are
/// empty).
struct SmallRegionAdjacency {
    /// Region k's neighbours are entries[start[k]..<start[k + 1]].
    var start: [Int32]
    var entries: [Int32]

    init(labels map: LabelMap, isSmall: [Bool]) {
        let r = isSmall.count, w = map.width, h = map.height
        // A scan collects (small region, neighbour) pairs, right and down, skipping a pair equal
        // to the previous one on the row (the same run of boundary); bands of rows scan in
        // parallel and their lists are read in band order, so the pairs come in row order
        // whatever the banding. A counting sort groups them by region.
        let bandRows = 32, bands = Parallel.chunkCount(count: h, chunkSize: bandRows)
        var bandPairs = [[SIMD2<Int32>]](repeating: [], count: bands)
        map.labels.withUnsafeBufferPointer { labels in
            isSmall.withUnsafeBufferPointer { smallFlags in
                bandPairs.withUnsafeMutableBufferPointer { out in
                    let L = SendableConstPointer(labels.baseAddress!), small = SendableConstPointer(smallFlags.baseAddress!)
                    let O = SendablePointer(out.baseAddress!)
                    Parallel.forEachChunk(count: h, chunkSize: bandRows) { band, rows in
                        var pairs: [SIMD2<Int32>] = []
                        for y in rows {
                            Self.scan(row: y, width: w, height: h, labels: L.base, small: small.base, into: &pairs)
                        }
                        O.base[band] = pairs
                    }
                }
            }
        }
        var start = [Int32](repeating: 0, count: r + 1)
        for pairs in bandPairs { for p in pairs { start[Int(p.x) + 1] += 1 } }
        for k in 0..<r { start[k + 1] += start[k] }
        var fill = start
        var entries = [Int32](repeating: 0, count: Int(start[r]))
        for pairs in bandPairs {
            for p in pairs {
                entries[Int(fill[Int(p.x)])] = p.y
                fill[Int(p.x)] += 1
            }
        }
        self.start = start
        self.entries = entries
    }

    /// The pairs of row y: with its right neighbours and with the row below.
    @inline(__always)
    static func scan(row y: Int, width w: Int, height h: Int, labels L: UnsafePointer<Int32>, small: UnsafePointer<Bool>,
                     into pairs: inout [SIMD2<Int32>]) {
        let row = y * w
        var lastA: Int32 = -2, lastB: Int32 = -2, lastDownA: Int32 = -2, lastDownB: Int32 = -2
        for x in 0..<w {
            let a = L[row + x]
            guard a >= 0 else { continue }
            if x + 1 < w {
                let b = L[row + x + 1]
                if b >= 0 && b != a && !(a == lastA && b == lastB) {
                    lastA = a; lastB = b
                    if small[Int(a)] { pairs.append(SIMD2(a, b)) }
                    if small[Int(b)] { pairs.append(SIMD2(b, a)) }
                }
            }
            if y + 1 < h {
                let b = L[row + w + x]
                if b >= 0 && b != a && !(a == lastDownA && b == lastDownB) {
                    lastDownA = a; lastDownB = b
                    if small[Int(a)] { pairs.append(SIMD2(a, b)) }
                    if small[Int(b)] { pairs.append(SIMD2(b, a)) }
                }
            }
        }
    }
}
