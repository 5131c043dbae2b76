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

    /// One (image, category, area range) evaluation.
    struct ImageEvaluation: Sendable {
        var dtScores: [Double]
        var dtMatched: [[Bool]]  // T × D
        var dtIgnore: [[Bool]]   // T × D
        var gtIgnore: [Bool]
    }

    /// - Throws: `SegKitError` for detections on unknown images, or missing masks for segm/boundary.
    /// - Complexity: O(Σ images (G·D·mask IoU) + T · D log D per category and area range).
    public static func evaluate(images: [Image], categoryIDs: [Int], groundTruths: [GroundTruth], detections: [Detection],
                                type: IoUType, parameters p: Parameters = .init()) throws(SegKitError) -> Result {
        let imageIDs = Array(Set(images.map(\.id))).sorted()
        let known = Set(imageIDs)
        guard detections.allSatisfy({ known.contains($0.imageID) }) else {
            throw .invalidData("results refer to images that are not in the ground truth")
        }
        if type != .bbox {
            guard groundTruths.allSatisfy({ $0.mask != nil }), detections.allSatisfy({ $0.mask != nil }) else {
                throw .invalidData("\(type.rawValue) evaluation needs a segmentation for every annotation and result")
            }
        }
        let cats = p.useCategories ? Array(Set(categoryIDs)).sorted() : [-1]
        let catOrder = Dictionary(uniqueKeysWithValues: Array(Set(categoryIDs)).sorted().enumerated().map { ($0.element, $0.offset) })
        let size = Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0) })
        // Group by (image, category); class-agnostic mode pools categories in category order.
        var gts: [Int: [GroundTruth]] = [:], dts: [Int: [Detection]] = [:]
        @Sendable func key(_ image: Int, _ cat: Int) -> Int { image &* 1_000_003 &+ cat }
        for g in groundTruths where catOrder[g.categoryID] != nil && known.contains(g.imageID) {
            gts[key(g.imageID, p.useCategories ? g.categoryID : -1), default: []].append(g)
        }
        for d in detections where catOrder[d.categoryID] != nil {
            dts[key(d.imageID, p.useCategories ? d.categoryID : -1), default: []].append(d)
        }
        if !p.useCategories {
            for (k, list) in gts { gts[k] = stableSorted(list) { catOrder[$0.categoryID]! < catOrder[$1.categoryID]! } }
            for (k, list) in dts { dts[k] = stableSorted(list) { catOrder[$0.categoryID]! < catOrder[$1.categoryID]! } }
        }
        // Detection ids: 1-based in results order (pycocotools' loadRes).
        let maxDet = p.maxDetections.max() ?? 100
        let T = p.iouThresholds.count, A = p.areaRanges.count
        // evalImgs[k][a][i]
        let pairs = cats.flatMap { c in imageIDs.map { (c, $0) } }
        var evaluations = [[ImageEvaluation?]](repeating: [ImageEvaluation?](repeating: nil, count: A), count: pairs.count)
        let gtGroups = gts, dtGroups = dts
        let boundaryCache = BoundaryCache(ratio: p.boundaryDilationRatio)
        evaluations.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            Parallel.forEach(pairs.count) { index in
                let (cat, image) = pairs[index]
                let g = gtGroups[key(image, cat)] ?? [], d = dtGroups[key(image, cat)] ?? []
                guard !(g.isEmpty && d.isEmpty) else { return }
                let sortedD = Array(stableSorted(d) { $0.score > $1.score }.prefix(maxDet))
                let ious = iouMatrix(sortedD, g, type: type, image: size[image]!, boundaryCache: boundaryCache)
                var perArea: [ImageEvaluation?] = []
                for a in 0..<A { perArea.append(evaluateImage(g, sortedD, ious, p, area: p.areaRanges[a], maxDet: maxDet, T: T)) }
                out[index] = perArea
            }
        }
        return accumulate(evaluations, cats: cats, imageCount: imageIDs.count, p)
    }

    /// IoU of sorted detections × ground truths, pycocotools' `maskUtils.iou` (crowd semantics).
    static func iouMatrix(_ d: [Detection], _ g: [GroundTruth], type: IoUType, image: Image, boundaryCache: BoundaryCache) -> [Double] {
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

    static func evaluateImage(_ gAll: [GroundTruth], _ d: [Detection], _ iousAll: [Double], _ p: Parameters, area: (Double, Double),
                              maxDet: Int, T: Int) -> ImageEvaluation {
        let ignore = gAll.map { $0.isCrowd || $0.area < area.0 || $0.area > area.1 }
        // Ground truths sorted with ignored last (stable).
        let order = stableSorted(Array(gAll.indices)) { !ignore[$0] && ignore[$1] }
        let g = order.map { gAll[$0] }, gtIg = order.map { ignore[$0] }
        let G = g.count, D = d.count
        var gtm = [[Int]](repeating: [Int](repeating: 0, count: G), count: T)
        var dtm = [[Int]](repeating: [Int](repeating: 0, count: D), count: T)
        var dtIg = [[Bool]](repeating: [Bool](repeating: false, count: D), count: T)
        if G > 0 && D > 0 {
            for t in 0..<T {
                for di in 0..<D {
                    var iou = min(p.iouThresholds[t], 1 - 1e-10), m = -1
                    for gi in 0..<G {
                        if gtm[t][gi] > 0 && !g[gi].isCrowd { continue }
                        if m > -1 && !gtIg[m] && gtIg[gi] { break }
                        let v = iousAll[di * gAll.count + order[gi]]
                        if v < iou { continue }
                        iou = v
                        m = gi
                    }
                    guard m != -1 else { continue }
                    dtIg[t][di] = gtIg[m]
                    dtm[t][di] = g[m].id
                    gtm[t][m] = di + 1  // any non-zero marker: matched
                }
            }
        }
        for (di, det) in d.enumerated() {
            let a = det.area
            if a < area.0 || a > area.1 { for t in 0..<T where dtm[t][di] == 0 { dtIg[t][di] = true } }
        }
        return ImageEvaluation(dtScores: d.map(\.score), dtMatched: dtm.map { $0.map { $0 != 0 } }, dtIgnore: dtIg, gtIgnore: gtIg)
    }

    static func accumulate(_ evaluations: [[ImageEvaluation?]], cats: [Int], imageCount: Int, _ p: Parameters) -> Result {
        let T = p.iouThresholds.count, R = p.recallThresholds.count, K = cats.count, A = p.areaRanges.count, M = p.maxDetections.count
        var precision = [Double](repeating: -1, count: T * R * K * A * M), recall = [Double](repeating: -1, count: T * K * A * M)
        for k in 0..<K {
            for a in 0..<A {
                let list = (0..<imageCount).compactMap { evaluations[k * imageCount + $0][a] }
                guard !list.isEmpty else { continue }
                for (m, maxDet) in p.maxDetections.enumerated() {
                    var scores: [Double] = [], matched: [[Bool]] = Array(repeating: [], count: T), ignored: [[Bool]] = Array(repeating: [], count: T)
                    var npig = 0
                    for e in list {
                        let n = min(maxDet, e.dtScores.count)
                        scores += e.dtScores.prefix(n)
                        for t in 0..<T {
                            matched[t] += e.dtMatched[t].prefix(n)
                            ignored[t] += e.dtIgnore[t].prefix(n)
                        }
                        npig += e.gtIgnore.filter { !$0 }.count
                    }
                    guard npig > 0 else { continue }
                    let order = stableSorted(Array(scores.indices)) { scores[$0] > scores[$1] }
                    for t in 0..<T {
                        // Cumulative sums over all detections in score order (ignored ones add nothing).
                        let full = cumulative(order.map { (matched[t][$0] && !ignored[t][$0], !matched[t][$0] && !ignored[t][$0]) }, npig)
                        let rc = full.recall
                        var pr = full.precision
                        let nd = rc.count
                        recall[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[nd - 1] : 0
                        if nd > 1 { for i in stride(from: nd - 1, to: 0, by: -1) where pr[i] > pr[i - 1] { pr[i - 1] = pr[i] } }
                        for (ri, threshold) in p.recallThresholds.enumerated() {
                            var lo = 0, hi = nd
                            while lo < hi {
                                let mid = (lo + hi) / 2
                                if rc[mid] < threshold { lo = mid + 1 } else { hi = mid }
                            }
                            let index = (((t * R + ri) * K + k) * A + a) * M + m
                            if lo < nd { precision[index] = pr[lo] } else {
                                // pycocotools stops filling at the first threshold beyond the curve: the rest stay 0.
                                for rj in ri..<R { precision[(((t * R + rj) * K + k) * A + a) * M + m] = 0 }
                                break
                            }
                        }
                    }
                }
            }
        }
        return Result(stats: summarize(precision, recall, K: K, p), precision: precision, recall: recall, categoryIDs: cats)
    }

    static func cumulative(_ flags: [(tp: Bool, fp: Bool)], _ npig: Int) -> (recall: [Double], precision: [Double]) {
        var tp = 0.0, fp = 0.0, rc: [Double] = [], pr: [Double] = []
        rc.reserveCapacity(flags.count)
        pr.reserveCapacity(flags.count)
        for f in flags {
            if f.tp { tp += 1 }
            if f.fp { fp += 1 }
            rc.append(tp / Double(npig))
            pr.append(tp / (fp + tp + Double.ulpOfOne))
        }
        return (rc, pr)
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
