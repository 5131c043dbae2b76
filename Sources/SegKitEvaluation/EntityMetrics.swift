/// Class-agnostic entity segmentation quality, as the bottom-up paper reports it (Tables 1–3):
/// every ground-truth segment is matched to the predicted segment of highest IoU; the mean of
/// those IoUs (mIoU), the Boundary IoU of the same pairs, and Recall = the fraction of
/// ground-truth segments whose best IoU exceeds 0.5. **False positives are not penalised**
/// (extra predicted segments cost nothing), as in the paper. Void ground-truth pixels (−1) are
/// ignored: they belong to no ground-truth segment and are removed from predicted segments.
public enum EntityMetrics {
    public struct ImageReport: Sendable, Equatable, Codable {
        /// Best IoU of each ground-truth segment (in label order).
        public var bestIoU: [Double]
        /// Boundary IoU of each ground-truth segment with its best match.
        public var boundaryIoU: [Double]
        public var meanIoU: Double { bestIoU.isEmpty ? 0 : bestIoU.reduce(0, +) / Double(bestIoU.count) }
        public var meanBoundaryIoU: Double { boundaryIoU.isEmpty ? 0 : boundaryIoU.reduce(0, +) / Double(boundaryIoU.count) }
        public var recall: Double { bestIoU.isEmpty ? 0 : Double(bestIoU.filter { $0 > 0.5 }.count) / Double(bestIoU.count) }
        public var predictedSegments: Int
    }

    /// - Throws: when sizes differ.
    /// - Complexity: O(pixels + pairs) for IoUs; O(pixels) per ground-truth segment for Boundary IoU.
    public static func evaluate(prediction: LabelMap, groundTruth: LabelMap) throws(SegKitError) -> ImageReport {
        try groundTruth.requireSize(width: prediction.width, height: prediction.height, of: "the prediction")
        let n = prediction.pixelCount
        let gtCompact = groundTruth.relabeledContiguously().map, predCompact = prediction.relabeledContiguously().map
        let g = gtCompact.segmentCount, p = predCompact.segmentCount
        var table: [Int: Int] = [:], gtArea = [Int](repeating: 0, count: g), predArea = [Int](repeating: 0, count: max(p, 1))
        for i in 0..<n {
            let a = Int(gtCompact.labels[i]), b = Int(predCompact.labels[i])
            guard a >= 0 else { continue }
            gtArea[a] += 1
            guard b >= 0 else { continue }
            predArea[b] += 1
            table[a * max(p, 1) + b, default: 0] += 1
        }
        var best = [Double](repeating: 0, count: g), bestLabel = [Int](repeating: -1, count: g)
        for (key, inter) in table {
            let a = key / max(p, 1), b = key % max(p, 1)
            let iou = Double(inter) / Double(gtArea[a] + predArea[b] - inter)
            if iou > best[a] || (iou == best[a] && (bestLabel[a] < 0 || b < bestLabel[a])) {
                best[a] = iou
                bestLabel[a] = b
            }
        }
        // Boundary IoU of the matched pairs; predicted masks exclude void ground-truth pixels.
        let d = BoundaryIoU.dilation(width: prediction.width, height: prediction.height)
        var boundary = [Double](repeating: 0, count: g)
        for a in 0..<g where bestLabel[a] >= 0 {
            let gtMask = gtCompact.mask(for: Int32(a))
            var predMask = predCompact.mask(for: Int32(bestLabel[a]))
            for i in 0..<n where gtCompact.labels[i] < 0 { predMask.pixels[i] = false }
            boundary[a] = BoundaryIoU.boundary(gtMask, dilation: d).iou(BoundaryIoU.boundary(predMask, dilation: d))
        }
        return ImageReport(bestIoU: best, boundaryIoU: boundary, predictedSegments: p)
    }

    /// Dataset summary: means over all ground-truth segments pooled, and means of per-image means.
    public struct Summary: Sendable, Equatable, Codable {
        public var images: Int
        public var groundTruthSegments: Int
        public var meanIoU: Double
        public var meanBoundaryIoU: Double
        public var recall: Double
        public var meanOfImageMeanIoU: Double
        public var meanPredictedSegments: Double

        public init(_ reports: [ImageReport]) {
            let all = reports.flatMap(\.bestIoU), boundaries = reports.flatMap(\.boundaryIoU)
            images = reports.count
            groundTruthSegments = all.count
            meanIoU = all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count)
            meanBoundaryIoU = boundaries.isEmpty ? 0 : boundaries.reduce(0, +) / Double(boundaries.count)
            recall = all.isEmpty ? 0 : Double(all.filter { $0 > 0.5 }.count) / Double(all.count)
            let withSegments = reports.filter { !$0.bestIoU.isEmpty }
            meanOfImageMeanIoU = withSegments.isEmpty ? 0 : withSegments.map(\.meanIoU).reduce(0, +) / Double(withSegments.count)
            meanPredictedSegments = reports.isEmpty ? 0 : Double(reports.map(\.predictedSegments).reduce(0, +)) / Double(reports.count)
        }
    }
}
