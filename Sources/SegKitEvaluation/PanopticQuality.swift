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

    /// Accumulates images.
    public struct Accumulator: Sendable {
        public let categories: [Category]
        public private(set) var statistics: [Int: CategoryStatistics] = [:]

        public init(categories: [Category]) { self.categories = categories }

        /// Adds one image pair.
        /// - Throws: as panopticapi: a predicted id present in the pixels but not described (or the
        ///   reverse), an unknown category, a ground-truth segment without area, or sizes that differ.
        public mutating func add(groundTruth gt: Annotation, prediction pred: Annotation) throws(SegKitError) {
            guard gt.width == pred.width, gt.height == pred.height else {
                throw .shapeMismatch("prediction is \(pred.width)×\(pred.height), ground truth \(gt.width)×\(gt.height)")
            }
            let known = Set(categories.map(\.id))
            var gtSegments: [Int: Segment] = [:], predSegments: [Int: Segment] = [:]
            for s in gt.segments {
                guard s.area != nil else { throw .invalidData("ground-truth segment \(s.id) has no area") }
                gtSegments[s.id] = s
            }
            for s in pred.segments { predSegments[s.id] = s }
            var predArea: [Int: Int] = [:]
            for id in pred.ids { predArea[id, default: 0] += 1 }
            for (id, _) in predArea where id != 0 {
                guard let s = predSegments[id] else { throw .invalidData("segment \(id) is in the prediction's pixels but not in its segments") }
                guard known.contains(s.categoryID) else { throw .invalidData("predicted segment \(id) has unknown category \(s.categoryID)") }
            }
            for id in predSegments.keys where predArea[id] == nil {
                throw .invalidData("segment \(id) is in the prediction's segments but not in its pixels")
            }
            var intersections: [Int64: Int] = [:]
            let offset: Int64 = 1 << 32
            for i in 0..<gt.ids.count { intersections[Int64(gt.ids[i]) * offset + Int64(pred.ids[i]), default: 0] += 1 }
            var gtMatched = Set<Int>(), predMatched = Set<Int>()
            for (key, inter) in intersections {
                let g = Int(key / offset), p = Int(key % offset)
                guard let gs = gtSegments[g], let ps = predSegments[p], !gs.isCrowd, gs.categoryID == ps.categoryID else { continue }
                let union = predArea[p]! + gs.area! - inter - (intersections[Int64(p)] ?? 0)
                let iou = Double(inter) / Double(union)
                if iou > 0.5 {
                    statistics[gs.categoryID, default: .init()].truePositives += 1
                    statistics[gs.categoryID, default: .init()].iou += iou
                    gtMatched.insert(g)
                    predMatched.insert(p)
                }
            }
            var crowd: [Int: Int] = [:]
            // In annotation order, so that the last crowd region of a category wins, as in panopticapi.
            for s in gt.segments where gtSegments[s.id] == s && !gtMatched.contains(s.id) {
                let g = s.id
                if s.isCrowd {
                    crowd[s.categoryID] = g
                    continue
                }
                statistics[s.categoryID, default: .init()].falseNegatives += 1
            }
            for (p, s) in predSegments where !predMatched.contains(p) {
                var ignored = intersections[Int64(p)] ?? 0
                if let c = crowd[s.categoryID] { ignored += intersections[Int64(c) * offset + Int64(p)] ?? 0 }
                if Double(ignored) / Double(predArea[p]!) > 0.5 { continue }
                statistics[s.categoryID, default: .init()].falsePositives += 1
            }
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
