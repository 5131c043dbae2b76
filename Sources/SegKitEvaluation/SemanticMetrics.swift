/// Unsupervised semantic segmentation scores (STEGO / U2Seg / HSG protocol): predicted cluster
/// ids are mapped to ground-truth classes — one-to-one by Hungarian matching on the pixel
/// confusion matrix, or many-to-one by majority vote — then pixel accuracy, per-class IoU and
/// mIoU follow. Void ground-truth pixels (−1) are ignored.
public enum SemanticMetrics {
    /// Pixel counts `counts[class * clusters + cluster]`.
    public struct ConfusionMatrix: Sendable, Equatable, Codable {
        public let classes: Int
        public let clusters: Int
        public private(set) var counts: [Int]

        public init(classes: Int, clusters: Int) {
            precondition(classes >= 1 && clusters >= 1, "confusion matrix needs ≥ 1 class and cluster")
            self.classes = classes
            self.clusters = clusters
            counts = [Int](repeating: 0, count: classes * clusters)
        }

        /// Adds one image. Ground truth must be in −1…classes−1 and predictions in 0…clusters−1
        /// (−1 predictions count as a miss).
        /// - Throws: on size mismatch or out-of-range labels.
        public mutating func add(prediction: LabelMap, groundTruth: LabelMap) throws(SegKitError) {
            try groundTruth.requireSize(width: prediction.width, height: prediction.height, of: "the prediction")
            for i in 0..<prediction.pixelCount {
                let g = Int(groundTruth.labels[i]), p = Int(prediction.labels[i])
                guard g >= 0 else { continue }
                guard g < classes else { throw .invalidData("ground-truth class \(g) ≥ \(classes)") }
                guard p < clusters else { throw .invalidData("predicted cluster \(p) ≥ \(clusters)") }
                if p >= 0 { counts[g * clusters + p] += 1 }
            }
        }

        /// Pixels of each class (including those predicted −1).
        var classTotals: [Int] { (0..<classes).map { c in (0..<clusters).reduce(0) { $0 + counts[c * clusters + $1] } } }
    }

    public enum Mapping: String, Sendable, Codable, CaseIterable {
        /// One-to-one (scipy's linear_sum_assignment maximising matched pixels); extra clusters
        /// map to no class.
        case hungarian
        /// Each cluster to the class it overlaps most (over-clustering evaluation).
        case majority
    }

    public struct Report: Sendable, Equatable, Codable {
        public var pixelAccuracy: Double
        public var meanIoU: Double
        public var perClassIoU: [Double]
        /// Class of each cluster (−1 = unmatched).
        public var clusterToClass: [Int]
    }

    /// Scores the matrix under a mapping; void pixels never enter `matrix`, unmatched clusters
    /// count as errors. Classes absent from both ground truth and mapped predictions are left out
    /// of the mean.
    public static func evaluate(_ matrix: ConfusionMatrix, mapping: Mapping) throws(SegKitError) -> Report {
        let k = matrix.classes, m = matrix.clusters
        var map = [Int](repeating: -1, count: m)
        switch mapping {
        case .hungarian:
            let cost = (0..<(m * k)).map { Double(matrix.counts[($0 % k) * m + $0 / k]) }  // clusters × classes
            for pair in try Hungarian.assign(cost: cost, rows: m, columns: k, maximize: true) { map[pair.row] = pair.column }
        case .majority:
            for p in 0..<m {
                var best = -1, bestCount = 0
                for c in 0..<k where matrix.counts[c * m + p] > bestCount {
                    best = c
                    bestCount = matrix.counts[c * m + p]
                }
                map[p] = best
            }
        }
        var mapped = [Int](repeating: 0, count: k * k)  // true × predicted class
        for c in 0..<k { for p in 0..<m where map[p] >= 0 { mapped[c * k + map[p]] += matrix.counts[c * m + p] } }
        let totals = matrix.classTotals
        let total = totals.reduce(0, +)
        var correct = 0, ious: [Double] = [], present: [Double] = []
        for c in 0..<k {
            let tp = mapped[c * k + c]
            correct += tp
            let predicted = (0..<k).reduce(0) { $0 + mapped[$1 * k + c] }
            let union = totals[c] + predicted - tp
            let iou = union > 0 ? Double(tp) / Double(union) : 0
            ious.append(iou)
            if union > 0 { present.append(iou) }
        }
        return Report(pixelAccuracy: total > 0 ? Double(correct) / Double(total) : 0,
                      meanIoU: present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count), perClassIoU: ious, clusterToClass: map)
    }
}
