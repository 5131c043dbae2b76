/// COCO detection and instance-segmentation evaluation, identical to pycocotools' `COCOeval`
/// (`evaluate()`, `accumulate()`, `summarize()`): greedy score-ordered matching per IoU threshold
/// with crowd handling, area ranges from the ground truth's annotated `area`, 101-point
/// interpolated precision, maxDets 1/10/100, class-agnostic mode (`useCategories = false`), and
/// Boundary AP (IoU = min(mask IoU, boundary IoU), as boundary-iou-api).
public enum COCOEvaluation {
    public enum IoUType: String, Sendable, Codable, CaseIterable { case bbox, segm, boundary }

    public struct Parameters: Sendable, Equatable {
        /// 0.50:0.05:0.95, computed as NumPy's `linspace` does.
        public var iouThresholds: [Double] = linspace(0.5, 0.95, 10)
        /// 0:0.01:1.
        public var recallThresholds: [Double] = linspace(0, 1, 101)
        public var maxDetections: [Int] = [1, 10, 100]
        /// all, small, medium, large.
        public var areaRanges: [(Double, Double)] = [(0, 1e10), (0, 1024), (1024, 9216), (9216, 1e10)]
        public var useCategories = true
        /// Boundary width ratio of the image diagonal for `.boundary` (boundary-iou-api: 0.02).
        public var boundaryDilationRatio = 0.02
        public init() {}

        public static func == (a: Parameters, b: Parameters) -> Bool {
            a.iouThresholds == b.iouThresholds && a.recallThresholds == b.recallThresholds && a.maxDetections == b.maxDetections
                && a.areaRanges.elementsEqual(b.areaRanges) { $0 == $1 } && a.useCategories == b.useCategories
        }
    }

    public struct Image: Sendable, Equatable { public var id: Int; public var width: Int; public var height: Int
        public init(id: Int, width: Int, height: Int) { self.id = id; self.width = width; self.height = height }
    }

    public struct GroundTruth: Sendable, Equatable {
        public var id: Int
        public var imageID: Int
        public var categoryID: Int
        public var isCrowd: Bool
        /// The annotated area (area ranges use it).
        public var area: Double
        public var box: BoundingBox
        /// The mask for segm/boundary evaluation.
        public var mask: RunLengthMask?
        public init(id: Int, imageID: Int, categoryID: Int, isCrowd: Bool, area: Double, box: BoundingBox, mask: RunLengthMask?) {
            self.id = id; self.imageID = imageID; self.categoryID = categoryID; self.isCrowd = isCrowd
            self.area = area; self.box = box; self.mask = mask
        }
    }

    public struct Detection: Sendable, Equatable {
        public var imageID: Int
        public var categoryID: Int
        public var score: Double
        public var box: BoundingBox
        public var mask: RunLengthMask?
        /// The area used for area ranges. pycocotools' `loadRes` takes the box area whenever a
        /// result has a box (even in segm evaluation) and the mask area otherwise.
        public var area: Double
        public init(imageID: Int, categoryID: Int, score: Double, box: BoundingBox, mask: RunLengthMask?, area: Double? = nil) {
            self.imageID = imageID; self.categoryID = categoryID; self.score = score; self.box = box; self.mask = mask
            self.area = area ?? box.width * box.height
        }
    }

    public struct Result: Sendable, Equatable {
        /// The 12 numbers of `COCOeval.summarize()`: AP, AP50, AP75, APs, APm, APl, AR1, AR10,
        /// AR100, ARs, ARm, ARl (−1 where undefined).
        public var stats: [Double]
        /// precision[t][r][k][a][m] flattened (T × R × K × A × M), −1 for absent categories.
        public var precision: [Double]
        /// recall[t][k][a][m] flattened.
        public var recall: [Double]
        public var categoryIDs: [Int]
    }

    static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        let step = (b - a) / Double(n - 1)
        return (0..<n).map { $0 == n - 1 ? b : a + Double($0) * step }
    }

    /// Score order of detections as NumPy's stable `argsort(-score)`: higher scores first, ties in
    /// input order, NaN last.
    @inline(__always)
    static func scoreOrder(_ sa: Double, _ ia: Int, _ sb: Double, _ ib: Int) -> Bool {
        if sa.isNaN || sb.isNaN { return sa.isNaN == sb.isNaN ? ia < ib : sb.isNaN }
        return sa > sb || (sa == sb && ia < ib)
    }

    /// Per-detection evaluation flags: bit 0 = matched, bit 1 = ignored (one byte per detection,
    /// area range and IoU threshold).
    static let matchedFlag: UInt8 = 1, ignoredFlag: UInt8 = 2

    /// - Throws: `SegKitError` for detections on unknown images, or missing masks for segm/boundary.
    /// - Complexity: O(Σ images (G·D·mask IoU) + T · D log D per category and area range).
    ///
    /// Images × categories are evaluated in parallel (``Parallel``), then categories are
    /// accumulated in parallel; every sum is taken in a fixed order, so results are bit-identical
    /// whatever the thread count.
    public static func evaluate(images: [Image], categoryIDs: [Int], groundTruths: [GroundTruth], detections: [Detection],
                                type: IoUType, parameters p: Parameters = .init()) throws(SegKitError) -> Result {
        let imageIDs = Array(Set(images.map(\.id))).sorted()
        var imageIndex: [Int: Int] = [:]
        imageIndex.reserveCapacity(imageIDs.count)
        for (i, id) in imageIDs.enumerated() { imageIndex[id] = i }
        guard detections.allSatisfy({ imageIndex[$0.imageID] != nil }) else {
            throw .invalidData("results refer to images that are not in the ground truth")
        }
        if type != .bbox {
            guard groundTruths.allSatisfy({ $0.mask != nil }), detections.allSatisfy({ $0.mask != nil }) else {
                throw .invalidData("\(type.rawValue) evaluation needs a segmentation for every annotation and result")
            }
        }
        let sortedCategories = Array(Set(categoryIDs)).sorted()
        let catOrder = Dictionary(uniqueKeysWithValues: sortedCategories.enumerated().map { ($0.element, $0.offset) })
        let cats = p.useCategories ? sortedCategories : [-1]
        var sizes: [Image] = []
        sizes.reserveCapacity(imageIDs.count)
        do {
            var byID: [Int: Image] = [:]
            for image in images { byID[image.id] = image }  // the last entry of an id wins, as in pycocotools
            for id in imageIDs { sizes.append(byID[id]!) }
        }
        let I = imageIDs.count, K = cats.count, T = p.iouThresholds.count, A = p.areaRanges.count
        let maxDet = p.maxDetections.last ?? 100
        // Ground truths and detections grouped by (category, image) — category-major — keeping
        // input order within a group; class-agnostic groups pool categories in category order
        // (pycocotools' `[_ for cId in catIds for _ in _gts[imgId, cId]]`).
        func group(count: Int, imageOf: (Int) -> Int?, categoryOf: (Int) -> Int) -> (start: [Int], members: [Int32]) {
            var pair = [Int](repeating: -1, count: count), catIdx = [Int](repeating: -1, count: count)
            for j in 0..<count {
                guard let c = catOrder[categoryOf(j)], let i = imageOf(j) else { continue }
                catIdx[j] = c
                pair[j] = (p.useCategories ? c : 0) * I + i
            }
            // Stable counting sort by category index, then by pair.
            var byCategory = [Int](repeating: 0, count: sortedCategories.count + 1)
            for c in catIdx where c >= 0 { byCategory[c + 1] += 1 }
            for c in 0..<sortedCategories.count { byCategory[c + 1] += byCategory[c] }
            var order = [Int](repeating: 0, count: byCategory[sortedCategories.count])
            for j in 0..<count where catIdx[j] >= 0 {
                order[byCategory[catIdx[j]]] = j
                byCategory[catIdx[j]] += 1
            }
            var start = [Int](repeating: 0, count: K * I + 1)
            for j in order { start[pair[j] + 1] += 1 }
            for q in 0..<(K * I) { start[q + 1] += start[q] }
            var fill = start
            var members = [Int32](repeating: 0, count: order.count)
            for j in order {
                members[fill[pair[j]]] = Int32(j)
                fill[pair[j]] += 1
            }
            return (start, members)
        }
        let gtGroups = group(count: groundTruths.count, imageOf: { imageIndex[groundTruths[$0].imageID] },
                             categoryOf: { groundTruths[$0].categoryID })
        let dtGroups = group(count: detections.count, imageOf: { imageIndex[detections[$0].imageID] },
                             categoryOf: { detections[$0].categoryID })
        // Detection slots: each (category, image) keeps at most maxDet detections, by score.
        var slotStart = [Int](repeating: 0, count: K * I + 1)
        for q in 0..<(K * I) { slotStart[q + 1] = slotStart[q] + min(maxDet, dtGroups.start[q + 1] - dtGroups.start[q]) }
        let slots = slotStart[K * I]
        var scores = [Double](repeating: 0, count: slots)
        var ranks = [Int32](repeating: 0, count: slots)
        var flags = [UInt8](repeating: 0, count: slots * A * T)
        var nonIgnored = [Int32](repeating: 0, count: K * I * A)
        let boundaryCache = BoundaryCache(ratio: p.boundaryDilationRatio)
        let imageSizes = sizes, starts = slotStart
        scores.withUnsafeMutableBufferPointer { scoreBuffer in
            ranks.withUnsafeMutableBufferPointer { rankBuffer in
                flags.withUnsafeMutableBufferPointer { flagBuffer in
                    nonIgnored.withUnsafeMutableBufferPointer { npigBuffer in
                        let out = (SendablePointer(scoreBuffer.baseAddress!), SendablePointer(rankBuffer.baseAddress!),
                                   SendablePointer(flagBuffer.baseAddress!), SendablePointer(npigBuffer.baseAddress!))
                        Parallel.forEachChunk(count: K * I, chunkSize: 64) { _, range in
                            for q in range {
                                let gRange = gtGroups.start[q]..<gtGroups.start[q + 1], dRange = dtGroups.start[q]..<dtGroups.start[q + 1]
                                guard !(gRange.isEmpty && dRange.isEmpty) else { continue }
                                let g = gRange.map { groundTruths[Int(gtGroups.members[$0])] }
                                var dIndex = Array(dRange)
                                dIndex.sort { scoreOrder(detections[Int(dtGroups.members[$0])].score, $0, detections[Int(dtGroups.members[$1])].score, $1) }
                                let d = dIndex.prefix(maxDet).map { detections[Int(dtGroups.members[$0])] }
                                let ious = iouMatrix(d, g, type: type, image: imageSizes[q % I], boundaryCache: boundaryCache)
                                let first = starts[q]
                                for (r, det) in d.enumerated() {
                                    out.0[first + r] = det.score
                                    out.1[first + r] = Int32(r)
                                }
                                for a in 0..<A {
                                    let npig = evaluateImage(g, d, ious, p, area: p.areaRanges[a], T: T) { di, t, flag in
                                        out.2[((first + di) * A + a) * T + t] = flag
                                    }
                                    out.3[q * A + a] = Int32(npig)
                                }
                            }
                        }
                    }
                }
            }
        }
        return accumulate(scores: scores, ranks: ranks, flags: flags, nonIgnored: nonIgnored, slotStart: slotStart, cats: cats,
                          imageCount: I, p)
    }

    /// IoU of sorted detections × ground truths, pycocotools' `maskUtils.iou` (crowd semantics).
    static func iouMatrix(_ d: [Detection], _ g: [GroundTruth], type: IoUType, image: Image, boundaryCache: BoundaryCache) -> [Double] {
        guard !d.isEmpty, !g.isEmpty else { return [] }
        let crowd = g.map(\.isCrowd)
        switch type {
        case .bbox:
            var out = [Double](repeating: 0, count: d.count * g.count)
            for (i, dt) in d.enumerated() { for (j, gt) in g.enumerated() { out[i * g.count + j] = BoundingBox.cocoIoU(dt.box, gt.box, crowd: crowd[j]) } }
            return out
        case .segm:
            return RunLengthMask.iou(d.map { $0.mask! }, g.map { $0.mask! }, isCrowd: crowd)
        case .boundary:
            let masks = RunLengthMask.iou(d.map { $0.mask! }, g.map { $0.mask! }, isCrowd: crowd)
            let bd = d.map { boundaryCache.boundary($0.mask!) }, bg = g.map { boundaryCache.boundary($0.mask!) }
            let boundaries = RunLengthMask.iou(bd, bg, isCrowd: crowd)
            return zip(masks, boundaries).map { min($0, $1) }
        }
    }

    /// pycocotools' `evaluateImg` for one (image, category, area range): greedy matching per IoU
    /// threshold. Calls `set(detection, threshold, flags)` for every detection and threshold
    /// (flags: ``matchedFlag`` | ``ignoredFlag``) and returns the number of ground truths not ignored.
    static func evaluateImage(_ gAll: [GroundTruth], _ d: [Detection], _ iousAll: [Double], _ p: Parameters, area: (Double, Double),
                              T: Int, set: (Int, Int, UInt8) -> Void) -> Int {
        let G = gAll.count, D = d.count
        var ignore = [Bool](repeating: false, count: G)
        var notIgnored = 0
        for (j, g) in gAll.enumerated() {
            ignore[j] = g.isCrowd || g.area < area.0 || g.area > area.1
            if !ignore[j] { notIgnored += 1 }
        }
        // Ground truths sorted with ignored last (stable).
        var order = [Int](), gtIg = [Bool](), crowd = [Bool]()
        order.reserveCapacity(G)
        for j in 0..<G where !ignore[j] { order.append(j) }
        for j in 0..<G where ignore[j] { order.append(j) }
        for j in order {
            gtIg.append(ignore[j])
            crowd.append(gAll[j].isCrowd)
        }
        var gtm = [Bool](repeating: false, count: T * G)
        var dtFlags = [UInt8](repeating: 0, count: T * D)
        if G > 0 && D > 0 {
            for t in 0..<T {
                for di in 0..<D {
                    var iou = min(p.iouThresholds[t], 1 - 1e-10), m = -1
                    for gi in 0..<G {
                        if gtm[t * G + gi] && !crowd[gi] { continue }
                        if m > -1 && !gtIg[m] && gtIg[gi] { break }
                        let v = iousAll[di * G + order[gi]]
                        if v < iou { continue }
                        iou = v
                        m = gi
                    }
                    guard m != -1 else { continue }
                    dtFlags[t * D + di] = matchedFlag | (gtIg[m] ? ignoredFlag : 0)
                    gtm[t * G + m] = true
                }
            }
        }
        for di in 0..<D {
            let a = d[di].area
            let outside = a < area.0 || a > area.1
            for t in 0..<T {
                var f = dtFlags[t * D + di]
                if outside && f & matchedFlag == 0 { f |= ignoredFlag }
                set(di, t, f)
            }
        }
        return notIgnored
    }

    /// pycocotools' `accumulate`, one category at a time (in parallel).
    static func accumulate(scores: [Double], ranks: [Int32], flags: [UInt8], nonIgnored: [Int32], slotStart: [Int], cats: [Int],
                           imageCount I: Int, _ p: Parameters) -> Result {
        let T = p.iouThresholds.count, R = p.recallThresholds.count, K = cats.count, A = p.areaRanges.count, M = p.maxDetections.count
        var precision = [Double](repeating: -1, count: T * R * K * A * M), recall = [Double](repeating: -1, count: T * K * A * M)
        precision.withUnsafeMutableBufferPointer { pb in
            recall.withUnsafeMutableBufferPointer { rb in
                let precisionOut = SendablePointer(pb.baseAddress!), recallOut = SendablePointer(rb.baseAddress!)
                Parallel.forEach(K) { k in
                    let lo = slotStart[k * I], hi = slotStart[(k + 1) * I]
                    // All detections of the category in score order; ties keep image order, then
                    // in-image order (NumPy's stable argsort of the concatenation).
                    var order = Array(lo..<hi)
                    order.sort { scoreOrder(scores[$0], $0, scores[$1], $1) }
                    // Flags and in-image ranks in that order, one contiguous row per (area, threshold).
                    let n = order.count
                    var sortedFlags = [UInt8](repeating: 0, count: n * A * T), sortedRanks = [Int32](repeating: 0, count: n)
                    sortedFlags.withUnsafeMutableBufferPointer { out in
                        flags.withUnsafeBufferPointer { f in
                            for (position, s) in order.enumerated() {
                                sortedRanks[position] = ranks[s]
                                for at in 0..<(A * T) { out[at * n + position] = f[s * A * T + at] }
                            }
                        }
                    }
                    var rc: [Double] = [], pr: [Double] = []
                    rc.reserveCapacity(order.count)
                    pr.reserveCapacity(order.count)
                    for a in 0..<A {
                        var npig = 0
                        for i in 0..<I { npig += Int(nonIgnored[(k * I + i) * A + a]) }
                        guard npig > 0 else { continue }
                        for (m, maxDet) in p.maxDetections.enumerated() {
                            for t in 0..<T {
                                // Cumulative true/false positives in score order. Ignored detections add
                                // nothing and only repeat the previous point of the curve, which changes
                                // neither the interpolated precision nor the final recall: they are skipped.
                                rc.removeAll(keepingCapacity: true)
                                pr.removeAll(keepingCapacity: true)
                                var tp = 0.0, fp = 0.0
                                let row = (a * T + t) * n
                                sortedFlags.withUnsafeBufferPointer { f in
                                    sortedRanks.withUnsafeBufferPointer { r in
                                        for position in 0..<n where Int(r[position]) < maxDet {
                                            let flag = f[row + position]
                                            guard flag & ignoredFlag == 0 else { continue }
                                            if flag & matchedFlag != 0 { tp += 1 } else { fp += 1 }
                                            rc.append(tp / Double(npig))
                                            pr.append(tp / (fp + tp + Double.ulpOfOne))
                                        }
                                    }
                                }
                                let nd = rc.count
                                recallOut[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[nd - 1] : 0
                                if nd > 1 { for i in stride(from: nd - 1, to: 0, by: -1) where pr[i] > pr[i - 1] { pr[i - 1] = pr[i] } }
                                var lowest = 0
                                for (ri, threshold) in p.recallThresholds.enumerated() {
                                    var lo = 0, hi = nd
                                    // Thresholds ascend, so the search can start where the last one ended.
                                    if ri > 0 && threshold >= p.recallThresholds[ri - 1] { lo = lowest }
                                    while lo < hi {
                                        let mid = (lo + hi) / 2
                                        if rc[mid] < threshold { lo = mid + 1 } else { hi = mid }
                                    }
                                    lowest = lo
                                    let index = (((t * R + ri) * K + k) * A + a) * M + m
                                    if lo < nd { precisionOut[index] = pr[lo] } else {
                                        // pycocotools stops filling at the first threshold beyond the curve: the rest stay 0.
                                        for rj in ri..<R { precisionOut[(((t * R + rj) * K + k) * A + a) * M + m] = 0 }
                                        break
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Result(stats: summarize(precision, recall, K: K, p), precision: precision, recall: recall, categoryIDs: cats)
    }

    static func summarize(_ precision: [Double], _ recall: [Double], K: Int, _ p: Parameters) -> [Double] {
        let T = p.iouThresholds.count, R = p.recallThresholds.count, A = p.areaRanges.count, M = p.maxDetections.count
        func mean(ap: Bool, iou: Double? = nil, area: Int = 0, maxDets: Int = 100) -> Double {
            guard let m = p.maxDetections.firstIndex(of: maxDets) else { return -1 }
            let ts = iou.map { v in p.iouThresholds.indices.filter { p.iouThresholds[$0] == v } } ?? Array(0..<T)
            var values: [Double] = []
            for t in ts {
                for k in 0..<K {
                    if ap {
                        for r in 0..<R { values.append(precision[(((t * R + r) * K + k) * A + area) * M + m]) }
                    } else {
                        values.append(recall[((t * K + k) * A + area) * M + m])
                    }
                }
            }
            let valid = values.filter { $0 > -1 }
            return valid.isEmpty ? -1 : valid.reduce(0, +) / Double(valid.count)
        }
        let last = p.maxDetections.last ?? 100
        return [mean(ap: true, maxDets: last), mean(ap: true, iou: 0.5, maxDets: last), mean(ap: true, iou: 0.75, maxDets: last),
                mean(ap: true, area: 1, maxDets: last), mean(ap: true, area: 2, maxDets: last), mean(ap: true, area: 3, maxDets: last),
                mean(ap: false, maxDets: p.maxDetections[0]), mean(ap: false, maxDets: p.maxDetections.count > 1 ? p.maxDetections[1] : last),
                mean(ap: false, maxDets: last), mean(ap: false, area: 1, maxDets: last), mean(ap: false, area: 2, maxDets: last),
                mean(ap: false, area: 3, maxDets: last)]
    }

    /// NumPy's mergesort order: stable.
    static func stableSorted<T>(_ values: [T], by less: (T, T) -> Bool) -> [T] {
        values.enumerated().sorted { less($0.element, $1.element) || (!less($1.element, $0.element) && $0.offset < $1.offset) }.map(\.element)
    }
}

/// Boundary masks as RLEs, cached per mask (boundary AP computes each once).
final class BoundaryCache: @unchecked Sendable {
    let ratio: Double
    init(ratio: Double) { self.ratio = ratio }

    func boundary(_ rle: RunLengthMask) -> RunLengthMask {
        guard rle.height > 0, rle.width > 0 else { return rle }
        let d = BoundaryIoU.dilation(width: rle.width, height: rle.height, ratio: ratio)
        return RunLengthMask(BoundaryIoU.boundary(rle.mask(), dilation: d))
    }
}
