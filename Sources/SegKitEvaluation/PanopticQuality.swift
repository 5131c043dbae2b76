/// Panoptic quality (Kirillov et al. 2019), computed exactly as panopticapi's `pq_compute`:
/// VOID is segment id 0; a ground-truth and a predicted segment match when they share the
/// category, the ground truth is not crowd, and IoU > 0.5 where the union leaves out predicted
/// pixels on VOID; unmatched non-crowd ground truths are false negatives; an unmatched
/// prediction is a false positive unless more than half of it lies on VOID or on a crowd region
/// of its category. Ground-truth areas come from the annotation (as panopticapi), predicted
/// areas from the pixels.
public enum PanopticQuality {
    public struct Segment: Sendable, Equatable, Codable {
        public var id: Int
        public var categoryID: Int
        public var isCrowd: Bool
        /// Area stated by the annotation (ground truth); ignored for predictions.
        public var area: Int?
        public init(id: Int, categoryID: Int, isCrowd: Bool = false, area: Int? = nil) {
            self.id = id
            self.categoryID = categoryID
            self.isCrowd = isCrowd
            self.area = area
        }
    }

    /// One image: a segment id per pixel (0 = VOID) and the segments' descriptions.
    public struct Annotation: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var ids: [Int]
        public var segments: [Segment]
        public init(width: Int, height: Int, ids: [Int], segments: [Segment]) throws(SegKitError) {
            guard width >= 1, height >= 1, ids.count == width * height else {
                throw .shapeMismatch("panoptic ids do not fill a \(width)×\(height) image")
            }
            self.width = width
            self.height = height
            self.ids = ids
            self.segments = segments
        }
    }

    public struct Category: Sendable, Equatable, Codable {
        public var id: Int
        public var isThing: Bool
        public init(id: Int, isThing: Bool) {
            self.id = id
            self.isThing = isThing
        }
    }

    /// Per-category sums.
    public struct CategoryStatistics: Sendable, Equatable, Codable {
        public var iou = 0.0
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
    }

    public struct Scores: Sendable, Equatable, Codable {
        public var pq: Double
        public var sq: Double
        public var rq: Double
        /// Categories averaged (those with at least one TP, FP or FN).
        public var count: Int
    }

    public struct Report: Sendable, Equatable, Codable {
        public var all: Scores
        public var things: Scores
        public var stuff: Scores
        public var perCategory: [Int: Scores]
    }

    /// What one image pair adds to the per-category sums, in panopticapi's order.
    public struct ImageStatistics: Sendable, Equatable {
        /// A true positive: its category and IoU.
        public struct Match: Sendable, Equatable {
            public var categoryID: Int
            public var iou: Double
        }
        /// True positives in panopticapi's order (ground-truth id, then predicted id, ascending), so
        /// that summing IoUs image after image gives panopticapi's single-process sums bit for bit.
        public var matches: [Match] = []
        /// False negatives and false positives per category.
        public var falseNegatives: [Int: Int] = [:]
        public var falsePositives: [Int: Int] = [:]
    }

    /// Compares one image pair (panopticapi's `pq_compute_single_core` for one image).
    /// - Throws: as panopticapi: a predicted id present in the pixels but not described (or the
    ///   reverse), an unknown category, a ground-truth segment without area, or sizes that differ.
    /// - Complexity: O(pixels + gt segments × predicted segments).
    public static func statistics(groundTruth gt: Annotation, prediction pred: Annotation, categoryIDs known: Set<Int>)
        throws(SegKitError) -> ImageStatistics
    {
        guard gt.width == pred.width, gt.height == pred.height else {
            throw .shapeMismatch("prediction is \(pred.width)×\(pred.height), ground truth \(gt.width)×\(gt.height)")
        }
        return try gt.ids.withUnsafeBufferPointer { g throws(SegKitError) in
            try pred.ids.withUnsafeBufferPointer { p throws(SegKitError) in
                try statistics(groundTruthIDs: g, segments: gt.segments, predictionIDs: p, segments: pred.segments, categoryIDs: known)
            }
        }
    }

    /// ``statistics(groundTruth:prediction:categoryIDs:)`` on pixel ids in any integer buffers
    /// (no `Annotation` needs to be built).
    /// - Precondition: both buffers have the same length.
    @inlinable
    public static func statistics<G: BinaryInteger, P: BinaryInteger>(
        groundTruthIDs: UnsafeBufferPointer<G>, segments gtList: [Segment], predictionIDs: UnsafeBufferPointer<P>,
        segments predList: [Segment], categoryIDs known: Set<Int>
    ) throws(SegKitError) -> ImageStatistics {
        precondition(groundTruthIDs.count == predictionIDs.count, "id maps differ in size")
        let (predIndex, predIDs) = denseIndices(predictionIDs)
        let (gtIndex, gtIDs) = denseIndices(groundTruthIDs)
        return try gtIndex.withUnsafeBufferPointer { g throws(SegKitError) in
            try predIndex.withUnsafeBufferPointer { p throws(SegKitError) in
                try statistics(groundTruthIndex: g, ids: gtIDs, segments: gtList, predictionIndex: p, ids: predIDs, segments: predList,
                               categoryIDs: known)
            }
        }
    }

    /// ``statistics(groundTruth:prediction:categoryIDs:)`` on id maps stored as dense indices:
    /// pixel `i` of the ground truth has id `gtIDs[groundTruthIndex[i]]`, and likewise for the
    /// prediction; each id is listed once (file readers build these in one pass over the pixels).
    /// - Precondition: both index maps have the same length; every index is valid.
    public static func statistics(groundTruthIndex: UnsafeBufferPointer<Int32>, ids gtIDs: [Int], segments gtList: [Segment],
                                  predictionIndex: UnsafeBufferPointer<Int32>, ids predIDs: [Int], segments predList: [Segment],
                                  categoryIDs known: Set<Int>) throws(SegKitError) -> ImageStatistics {
        precondition(groundTruthIndex.count == predictionIndex.count, "id maps differ in size")
        let n = predictionIndex.count, ng = gtIDs.count, np = predIDs.count
        var counts = [Int](repeating: 0, count: ng * np)
        // Four interleaved tables: consecutive pixels mostly hit the same cell, and increments of
        // one memory cell would wait on each other.
        let cells = ng * np
        var partial = [Int32](repeating: 0, count: 4 * cells)
        partial.withUnsafeMutableBufferPointer { c in
            @inline(__always) func cell(_ i: Int) -> Int {
                let g = Int(groundTruthIndex[i]), p = Int(predictionIndex[i])
                precondition(UInt(bitPattern: g) < UInt(ng) && UInt(bitPattern: p) < UInt(np), "id index out of range")
                return g * np + p
            }
            var i = 0
            while i + 4 <= n {
                let k0 = cell(i), k1 = cell(i + 1), k2 = cell(i + 2), k3 = cell(i + 3)
                c[k0] &+= 1
                c[cells + k1] &+= 1
                c[2 * cells + k2] &+= 1
                c[3 * cells + k3] &+= 1
                i += 4
            }
            while i < n {
                c[cell(i)] &+= 1
                i += 1
            }
        }
        for k in 0..<cells {
            counts[k] = Int(partial[k]) + Int(partial[cells + k]) + Int(partial[2 * cells + k]) + Int(partial[3 * cells + k])
        }
        var predArea = [Int](repeating: 0, count: np)
        for g in 0..<gtIDs.count { for p in 0..<np { predArea[p] += counts[g * np + p] } }
        return try match(gtIDs: gtIDs, predIDs: predIDs, predArea: predArea, intersections: counts, gtList: gtList, predList: predList,
                         known: known)
    }

    /// Per pixel, the index of its id among the distinct ids (in order of first appearance).
    @inlinable
    static func denseIndices<T: BinaryInteger>(_ ids: UnsafeBufferPointer<T>) -> (index: [Int32], distinct: [Int]) {
        var distinct: [Int] = []
        var table: [Int: Int32] = [:]
        let index = [Int32](unsafeUninitializedCapacity: ids.count) { out, count in
            var last = 0, lastIndex: Int32 = -1
            for i in 0..<ids.count {
                let v = Int(ids[i])
                if v != last || lastIndex < 0 {
                    if let k = table[v] { lastIndex = k } else {
                        lastIndex = Int32(distinct.count)
                        table[v] = lastIndex
                        distinct.append(v)
                    }
                    last = v
                }
                out[i] = lastIndex
            }
            count = ids.count
        }
        return (index, distinct)
    }

    @usableFromInline
    static func match(gtIDs: [Int], predIDs: [Int], predArea areaByIndex: [Int], intersections counts: [Int],
                      gtList: [Segment], predList: [Segment], known: Set<Int>) throws(SegKitError) -> ImageStatistics {
        let np = predIDs.count
        // Segment tables as Python dicts built from lists: the last entry of an id wins, iteration
        // follows first appearance.
        var gtSegments: [Int: Segment] = [:], gtOrder: [Int] = []
        for s in gtList {
            guard s.area != nil else { throw .invalidData("ground-truth segment \(s.id) has no area") }
            if gtSegments.updateValue(s, forKey: s.id) == nil { gtOrder.append(s.id) }
        }
        var predSegments: [Int: Segment] = [:], predOrder: [Int] = []
        for s in predList where predSegments.updateValue(s, forKey: s.id) == nil { predOrder.append(s.id) }
        // Sanity checks in panopticapi's order (ascending ids).
        let predSorted = predIDs.indices.sorted { predIDs[$0] < predIDs[$1] }
        var predArea: [Int: Int] = [:]
        for k in predSorted {
            let id = predIDs[k]
            guard let s = predSegments[id] else {
                if id == 0 { continue }
                throw .invalidData("segment \(id) is in the prediction's pixels but not in its segments")
            }
            predArea[id] = areaByIndex[k]
            guard known.contains(s.categoryID) else { throw .invalidData("predicted segment \(id) has unknown category \(s.categoryID)") }
        }
        for id in predOrder where predArea[id] == nil {
            throw .invalidData("segment \(id) is in the prediction's segments but not in its pixels")
        }
        let gtRow = Dictionary(uniqueKeysWithValues: gtIDs.enumerated().map { ($0.element, $0.offset * np) })
        let predColumn = Dictionary(uniqueKeysWithValues: predIDs.enumerated().map { ($0.element, $0.offset) })
        func intersection(_ g: Int, _ p: Int) -> Int {
            guard let r = gtRow[g], let c = predColumn[p] else { return 0 }
            return counts[r + c]
        }
        var out = ImageStatistics()
        var gtMatched = Set<Int>(), predMatched = Set<Int>()
        for gk in gtIDs.indices.sorted(by: { gtIDs[$0] < gtIDs[$1] }) {
            let g = gtIDs[gk]
            guard let gs = gtSegments[g], !gs.isCrowd else { continue }
            for pk in predSorted {
                let inter = counts[gk * np + pk]
                guard inter > 0 else { continue }
                let p = predIDs[pk]
                guard let ps = predSegments[p], gs.categoryID == ps.categoryID else { continue }
                let union = predArea[p]! + gs.area! - inter - intersection(0, p)
                let iou = Double(inter) / Double(union)
                if iou > 0.5 {
                    out.matches.append(.init(categoryID: gs.categoryID, iou: iou))
                    gtMatched.insert(g)
                    predMatched.insert(p)
                }
            }
        }
        var crowd: [Int: Int] = [:]
        for g in gtOrder where !gtMatched.contains(g) {
            let s = gtSegments[g]!
            if s.isCrowd {
                crowd[s.categoryID] = g  // the last crowd region of a category wins, as in panopticapi
                continue
            }
            out.falseNegatives[s.categoryID, default: 0] += 1
        }
        for p in predOrder where !predMatched.contains(p) {
            let s = predSegments[p]!
            var ignored = intersection(0, p)
            if let c = crowd[s.categoryID] { ignored += intersection(c, p) }
            if Double(ignored) / Double(predArea[p]!) > 0.5 { continue }
            out.falsePositives[s.categoryID, default: 0] += 1
        }
        return out
    }

    /// Accumulates images.
    public struct Accumulator: Sendable {
        public let categories: [Category]
        public private(set) var statistics: [Int: CategoryStatistics] = [:]

        public init(categories: [Category]) { self.categories = categories }

        /// Adds one image pair.
        /// - Throws: as ``PanopticQuality/statistics(groundTruth:prediction:categoryIDs:)``.
        public mutating func add(groundTruth gt: Annotation, prediction pred: Annotation) throws(SegKitError) {
            add(try PanopticQuality.statistics(groundTruth: gt, prediction: pred, categoryIDs: Set(categories.map(\.id))))
        }

        /// Adds the statistics of one image; adding images in order reproduces panopticapi's
        /// single-process sums exactly.
        public mutating func add(_ image: ImageStatistics) {
            for m in image.matches {
                statistics[m.categoryID, default: .init()].truePositives += 1
                statistics[m.categoryID, default: .init()].iou += m.iou
            }
            for (c, n) in image.falseNegatives { statistics[c, default: .init()].falseNegatives += n }
            for (c, n) in image.falsePositives { statistics[c, default: .init()].falsePositives += n }
        }

        /// PQ, SQ, RQ for all categories, things and stuff (panopticapi's `pq_average`).
        public var report: Report {
            var perCategory: [Int: Scores] = [:]
            func average(_ things: Bool?) -> Scores {
                var pq = 0.0, sq = 0.0, rq = 0.0, n = 0
                for c in categories where things == nil || c.isThing == things {
                    let s = statistics[c.id] ?? CategoryStatistics()
                    let tp = Double(s.truePositives), fp = Double(s.falsePositives), fn = Double(s.falseNegatives)
                    guard tp + fp + fn > 0 else {
                        perCategory[c.id] = Scores(pq: 0, sq: 0, rq: 0, count: 0)
                        continue
                    }
                    n += 1
                    let pqc = s.iou / (tp + 0.5 * fp + 0.5 * fn), sqc = tp > 0 ? s.iou / tp : 0, rqc = tp / (tp + 0.5 * fp + 0.5 * fn)
                    perCategory[c.id] = Scores(pq: pqc, sq: sqc, rq: rqc, count: 1)
                    pq += pqc
                    sq += sqc
                    rq += rqc
                }
                return n == 0 ? Scores(pq: 0, sq: 0, rq: 0, count: 0) : Scores(pq: pq / Double(n), sq: sq / Double(n), rq: rq / Double(n), count: n)
            }
            let all = average(nil), things = average(true), stuff = average(false)
            return Report(all: all, things: things, stuff: stuff, perCategory: perCategory)
        }
    }
}
