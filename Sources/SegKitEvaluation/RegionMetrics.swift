#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Region-based comparison of a segmentation with one or several human annotations
/// (BSDS500 protocol, Arbeláez et al. 2011) and HSG's NFCovering (Eq. 10). Void ground-truth
/// pixels (−1) are ignored throughout; N counts the remaining pixels.
public enum RegionMetrics {
    public struct Report: Sendable, Equatable, Codable {
        /// Covering of the ground truth by the segmentation, C(S → G) = (1/N) Σ_{R∈G} |R| max_{R'∈S} IoU(R, R'):
        /// best and mean over annotators.
        public var bestCovering: Double
        public var meanCovering: Double
        /// Probabilistic Rand index: the Rand index averaged over annotators.
        public var probabilisticRandIndex: Double
        /// Variation of information H(S) + H(G) − 2 I(S; G) (natural logarithms), averaged over annotators.
        public var variationOfInformation: Double
        /// NFCovering (HSG Eq. 10): mean over foreground ground-truth regions of the best IoU with any
        /// predicted region, averaged over annotators.
        public var nfCovering: Double
    }

    /// Contingency table of one annotation against a segmentation.
    struct Table {
        var joint: [Int: Int] = [:]
        var truth: [Int32: Int] = [:]
        var predicted: [Int32: Int] = [:]
        var total = 0

        init(_ s: LabelMap, _ g: LabelMap) {
            for i in 0..<s.pixelCount {
                let a = g.labels[i], b = s.labels[i]
                guard a >= 0 else { continue }
                joint[Int(a) << 32 | Int(UInt32(bitPattern: b)), default: 0] += 1
                truth[a, default: 0] += 1
                predicted[b, default: 0] += 1
                total += 1
            }
        }
    }

    /// - Parameters:
    ///   - background: a ground-truth label excluded from NFCovering's foreground regions (nil = none).
    /// - Throws: when sizes differ, there are no annotations, or an annotation is entirely void.
    public static func evaluate(segmentation s: LabelMap, annotations: [LabelMap], background: Int32? = nil) throws(SegKitError) -> Report {
        guard !annotations.isEmpty else { throw .invalidArgument("region metrics need at least one annotation") }
        var coverings: [Double] = [], rands: [Double] = [], vis: [Double] = [], nfc: [Double] = []
        for g in annotations {
            try g.requireSize(width: s.width, height: s.height, of: "the segmentation")
            let t = Table(s, g)
            guard t.total > 0 else { throw .invalidData("an annotation is void everywhere") }
            var best: [Int32: Double] = [:]
            for (key, n) in t.joint {
                let a = Int32(truncatingIfNeeded: key >> 32), b = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
                let iou = Double(n) / Double(t.truth[a]! + t.predicted[b]! - n)
                best[a] = max(best[a] ?? 0, iou)
            }
            coverings.append(t.truth.reduce(0.0) { $0 + Double($1.value) * best[$1.key]! } / Double(t.total))
            let foreground = t.truth.keys.filter { $0 != background }
            nfc.append(foreground.isEmpty ? 0 : foreground.reduce(0.0) { $0 + best[$1]! } / Double(foreground.count))
            // Rand index from pair counts.
            func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
            let sumJoint = t.joint.values.reduce(0.0) { $0 + pairs($1) }
            let sumTruth = t.truth.values.reduce(0.0) { $0 + pairs($1) }, sumPred = t.predicted.values.reduce(0.0) { $0 + pairs($1) }
            let all = pairs(t.total)
            rands.append(all > 0 ? (all + 2 * sumJoint - sumTruth - sumPred) / all : 1)
            // Variation of information.
            let n = Double(t.total)
            func entropy(_ counts: Dictionary<Int32, Int>.Values) -> Double { -counts.reduce(0.0) { $0 + Double($1) / n * log(Double($1) / n) } }
            var mutual = 0.0
            for (key, c) in t.joint {
                let a = Int32(truncatingIfNeeded: key >> 32), b = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
                let p = Double(c) / n
                mutual += p * log(p / (Double(t.truth[a]!) / n * Double(t.predicted[b]!) / n))
            }
            vis.append(entropy(t.truth.values) + entropy(t.predicted.values) - 2 * mutual)
        }
        let m = Double(annotations.count)
        return Report(bestCovering: coverings.max()!, meanCovering: coverings.reduce(0, +) / m,
                      probabilisticRandIndex: rands.reduce(0, +) / m, variationOfInformation: vis.reduce(0, +) / m,
                      nfCovering: nfc.reduce(0, +) / m)
    }
}
