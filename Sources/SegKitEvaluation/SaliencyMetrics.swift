/// Saliency / object-discovery scores of the "two tricks" paper: per-image pixel accuracy and
/// IoU of the binarised map, maxFβ over thresholds (β² = 0.3), and CorLoc.
public enum SaliencyMetrics {
    /// Accumulates images for dataset scores.
    public struct Accumulator: Sendable {
        /// Number of thresholds: a map value v (in [0, 1]) is foreground at threshold t when
        /// ⌊v · 255⌋ > t for t = 0…254 (255 thresholds).
        public static let thresholds = 255
        var precision = [Double](repeating: 0, count: thresholds)
        var recall = [Double](repeating: 0, count: thresholds)
        var accuracy: [Double] = []
        var iou: [Double] = []
        var hits = 0
        public private(set) var images = 0

        public init() {}

        /// Adds one image: a soft or binary map in [0, 1] and the binary ground truth.
        /// - Parameter groundTruthBoxes: boxes for CorLoc; default: the boxes of the ground
        ///   truth's 8-connected components.
        /// - Throws: on size mismatch or values outside [0, 1].
        public mutating func add(map: Image<Float>, groundTruth: Mask, groundTruthBoxes: [BoundingBox]? = nil) throws(SegKitError) {
            guard map.channels == 1, map.width == groundTruth.width, map.height == groundTruth.height else {
                throw .shapeMismatch("saliency map \(map.width)×\(map.height)×\(map.channels) does not match the \(groundTruth.width)×\(groundTruth.height) mask")
            }
            guard map.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw .invalidData("saliency values must lie in [0, 1]") }
            let n = map.pixelCount
            // Histogram of quantised values for positives and all pixels → P/R at every threshold.
            var positives = [Int](repeating: 0, count: 256), all = [Int](repeating: 0, count: 256)
            var correct = 0, inter = 0, union = 0
            var binary = Mask(width: map.width, height: map.height)
            let gtCount = groundTruth.pixels.filter { $0 }.count
            for i in 0..<n {
                let q = min(255, Int(map.data[i] * 255))
                all[q] += 1
                if groundTruth.pixels[i] { positives[q] += 1 }
                let fg = map.data[i] >= 0.5
                binary.pixels[i] = fg
                if fg == groundTruth.pixels[i] { correct += 1 }
                if fg && groundTruth.pixels[i] { inter += 1 }
                if fg || groundTruth.pixels[i] { union += 1 }
            }
            var tp = 0, predicted = 0
            // Sweep thresholds from high to low: foreground = values > t.
            for t in stride(from: Self.thresholds - 1, through: 0, by: -1) {
                tp += positives[t + 1]
                predicted += all[t + 1]
                precision[t] += predicted > 0 ? Double(tp) / Double(predicted) : 0
                recall[t] += gtCount > 0 ? Double(tp) / Double(gtCount) : 0
            }
            accuracy.append(Double(correct) / Double(n))
            iou.append(union > 0 ? Double(inter) / Double(union) : 1)
            // CorLoc: box of the largest 8-connected component of the binarised map.
            let predictedBox = largestComponentBox(binary)
            let boxes = groundTruthBoxes ?? componentBoxes(groundTruth)
            if let predictedBox, boxes.contains(where: { $0.iou(predictedBox) >= 0.5 }) { hits += 1 }
            images += 1
        }

        public struct Summary: Sendable, Equatable, Codable {
            public var pixelAccuracy: Double
            public var iou: Double
            /// maxₜ Fβ(P̄ₜ, R̄ₜ) with P, R averaged over images per threshold; β² = 0.3.
            public var maxFBeta: Double
            public var corLoc: Double
        }

        public var summary: Summary {
            let m = Double(max(images, 1)), beta2 = 0.3
            var best = 0.0
            for t in 0..<Self.thresholds {
                let p = precision[t] / m, r = recall[t] / m
                if p + r > 0 { best = max(best, (1 + beta2) * p * r / (beta2 * p + r)) }
            }
            return Summary(pixelAccuracy: accuracy.reduce(0, +) / m, iou: iou.reduce(0, +) / m, maxFBeta: best, corLoc: Double(hits) / m)
        }
    }

    /// Boxes of the 8-connected components of a mask.
    static func componentBoxes(_ mask: Mask) -> [BoundingBox] {
        components(mask).map(\.box)
    }

    static func largestComponentBox(_ mask: Mask) -> BoundingBox? {
        components(mask).max { $0.area < $1.area }?.box
    }

    static func components(_ mask: Mask) -> [(area: Int, box: BoundingBox)] {
        let w = mask.width, h = mask.height
        var seen = [Bool](repeating: false, count: w * h), out: [(Int, BoundingBox)] = []
        for start in 0..<(w * h) where mask.pixels[start] && !seen[start] {
            var stack = [start], area = 0, x0 = w, y0 = h, x1 = -1, y1 = -1
            seen[start] = true
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                area += 1
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
                for dy in -1...1 { for dx in -1...1 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                    let q = ny * w + nx
                    if mask.pixels[q] && !seen[q] { seen[q] = true; stack.append(q) }
                } }
            }
            out.append((area, BoundingBox(x: Double(x0), y: Double(y0), width: Double(x1 - x0 + 1), height: Double(y1 - y0 + 1))))
        }
        return out
    }
}
