/// Quality measures of superpixels against a ground-truth segmentation, as defined by the
/// superpixel benchmark of Stutz, Hermans and Leibe (CVIU 2018, `lib_eval/evaluation.cpp` of
/// davidstutz/superpixel-benchmark), with Neubert & Protzel's (2012) undersegmentation error and
/// Schick et al.'s (2012) compactness. `bench/superpixels/make_fixtures.py` is an independent NumPy
/// transcription of those definitions; the tests match it to 1e-9.
///
/// Void ground truth (−1), which the benchmark does not have, is excluded: void pixels are left out
/// of N and of every overlap and superpixel size, and are never ground-truth boundary pixels (a
/// labelled pixel next to void is one). N is the number of non-void pixels, except for
/// compactness, which ignores the ground truth and uses all W·H pixels.
///
/// The benchmark's boundary tolerance is r = round(0.0025 · image diagonal) pixels (1 on BSDS500);
/// ``evaluate(superpixels:groundTruth:tolerance:)`` takes r directly.
public enum SuperpixelMetrics {
    public struct Report: Sendable, Equatable, Codable {
        /// Achievable segmentation accuracy, (1/N) Σ_s max_g |s ∩ g|. Higher is better, ≤ 1.
        public var achievableSegmentationAccuracy: Double
        /// Boundary recall: the fraction of ground-truth boundary pixels with a superpixel boundary
        /// pixel within `tolerance` (Chebyshev distance, window clipped at the image border).
        /// Boundary pixels are 4-connected boundary pixels: some 4-neighbour has another label, so
        /// both sides of an edge count. 0 when the ground truth has no boundary pixel (as in the
        /// superpixel benchmark). Higher is better.
        public var boundaryRecall: Double
        /// Undersegmentation error (Neubert–Protzel): (1/N) Σ_g Σ_{s∩g≠∅} min(|s ∩ g|, |s \ g|).
        /// Lower is better.
        public var undersegmentationError: Double
        /// Compactness (Schick et al.): Σ_s (|s|/N) · 4π|s| / P(s)², with P(s) the number of unit
        /// pixel edges on the superpixel's outline (image border included). ≤ 1 (a disc), higher is
        /// more compact.
        public var compactness: Double
        /// Number of superpixels.
        public var segmentCount: Int
    }

    /// - Parameters:
    ///   - superpixels: labels ≥ 0 (void superpixel pixels count as their own segment −1).
    ///   - groundTruth: same size; void pixels are ignored.
    ///   - tolerance: boundary-recall tolerance in pixels, ≥ 0, default 2.
    /// - Throws: `SegKitError` when sizes differ, the tolerance is negative, or the ground truth is
    ///   all void.
    /// - Complexity: O(pixels · (1 + tolerance²) + segments · labels).
    public static func evaluate(superpixels: LabelMap, groundTruth: LabelMap, tolerance: Int = 2) throws(SegKitError) -> Report {
        try groundTruth.requireSize(width: superpixels.width, height: superpixels.height, of: "the superpixel map")
        guard tolerance >= 0 else { throw .invalidArgument("boundary tolerance must be ≥ 0") }
        let w = superpixels.width, h = superpixels.height, n = w * h
        // Overlap table |s ∩ g| over non-void ground truth.
        var overlap: [Int64: Int] = [:], sizeS: [Int32: Int] = [:], sizeG: [Int32: Int] = [:]
        var valid = 0
        for i in 0..<n {
            let g = groundTruth.labels[i]
            guard g >= 0 else { continue }
            let s = superpixels.labels[i]
            valid += 1
            overlap[Int64(s) << 32 | Int64(g), default: 0] += 1
            sizeS[s, default: 0] += 1
            sizeG[g, default: 0] += 1
        }
        guard valid > 0 else { throw .invalidData("ground truth is void everywhere") }
        var best: [Int32: Int] = [:]
        var ue = 0
        for (key, count) in overlap {
            let s = Int32(truncatingIfNeeded: key >> 32)
            best[s] = max(best[s] ?? 0, count)
            ue += min(count, sizeS[s]! - count)
        }
        let asa = Double(best.values.reduce(0, +)) / Double(valid)
        // Boundary recall over 4-connected boundary pixels (both sides of an edge).
        func isBoundary(_ map: LabelMap, _ x: Int, _ y: Int) -> Bool {
            let i = y * w + x, l = map.labels[i]
            return (x + 1 < w && map.labels[i + 1] != l) || (x > 0 && map.labels[i - 1] != l)
                || (y + 1 < h && map.labels[i + w] != l) || (y > 0 && map.labels[i - w] != l)
        }
        var spBoundary = [Bool](repeating: false, count: n)
        for y in 0..<h { for x in 0..<w { spBoundary[y * w + x] = isBoundary(superpixels, x, y) } }
        var truePositives = 0, gtBoundaries = 0
        for y in 0..<h {
            for x in 0..<w where groundTruth.labels[y * w + x] >= 0 && isBoundary(groundTruth, x, y) {
                gtBoundaries += 1
                var hit = false
                search: for dy in -tolerance...tolerance {
                    let yy = y + dy
                    guard yy >= 0 && yy < h else { continue }
                    for dx in -tolerance...tolerance {
                        let xx = x + dx
                        if xx >= 0 && xx < w && spBoundary[yy * w + xx] { hit = true; break search }
                    }
                }
                if hit { truePositives += 1 }
            }
        }
        let recall = gtBoundaries == 0 ? 0 : Double(truePositives) / Double(gtBoundaries)
        // Compactness over all superpixel pixels.
        var area: [Int32: Int] = [:], perimeter: [Int32: Int] = [:]
        for y in 0..<h {
            for x in 0..<w {
                let l = superpixels.labels[y * w + x]
                area[l, default: 0] += 1
                var edges = 0
                if x == 0 || superpixels.labels[y * w + x - 1] != l { edges += 1 }
                if x == w - 1 || superpixels.labels[y * w + x + 1] != l { edges += 1 }
                if y == 0 || superpixels.labels[(y - 1) * w + x] != l { edges += 1 }
                if y == h - 1 || superpixels.labels[(y + 1) * w + x] != l { edges += 1 }
                perimeter[l, default: 0] += edges
            }
        }
        var compactness = 0.0
        for (l, a) in area {
            let p = Double(perimeter[l]!)
            compactness += Double(a) / Double(n) * 4 * Double.pi * Double(a) / (p * p)
        }
        return Report(achievableSegmentationAccuracy: asa, boundaryRecall: recall,
                      undersegmentationError: Double(ue) / Double(valid), compactness: compactness, segmentCount: area.count)
    }
}
