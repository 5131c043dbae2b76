import Foundation
import Testing
import SegKitEvaluation

@Suite struct SuperpixelMetricsTests {
    /// Hand-computed 4×2 case. Ground truth: left half 0, right half 1.
    /// Superpixels: columns 0–2 are segment 0, column 3 segment 1.
    @Test func handComputedTinyCase() throws {
        let gt = try LabelMap(width: 4, height: 2, labels: [0, 0, 1, 1, 0, 0, 1, 1])
        let sp = try LabelMap(width: 4, height: 2, labels: [0, 0, 0, 1, 0, 0, 0, 1])
        let r = try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: gt, tolerance: 0)
        // ASA: segment 0 best overlap 4 (gt 0), segment 1 best 2 → 6/8.
        #expect(r.achievableSegmentationAccuracy == 0.75)
        // UE: segment 0 ∩ gt0 = 4, min(4, 6−4=2) = 2; segment 0 ∩ gt1 = 2, min(2, 4) = 2;
        // segment 1 ∩ gt1 = 2, min(2, 0) = 0 → 4/8.
        #expect(r.undersegmentationError == 0.5)
        // 4-connected boundary pixels (both sides of an edge): GT columns 1 and 2 (4 pixels), SP
        // columns 2 and 3. Tolerance 0: the two GT pixels of column 2 hit → 2/4; tolerance 1 → 1.
        #expect(r.boundaryRecall == 0.5)
        #expect(try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: gt, tolerance: 1).boundaryRecall == 1)
        // Compactness: segment 0 area 6, perimeter 3+3+2+2 = 10 → 6/8·4π·6/100; segment 1 area 2,
        // perimeter 6 → 2/8·4π·2/36.
        let first: Double = 0.75 * 4 * Double.pi * 6 / 100
        let second: Double = 0.25 * 4 * Double.pi * 2 / 36
        let expected = first + second
        #expect(abs(r.compactness - expected) < 1e-12)
        #expect(r.segmentCount == 2)
    }

    @Test func perfectSuperpixelsScoreOne() throws {
        let gt = try LabelMap(width: 6, height: 4, labels: (0..<24).map { (i: Int) -> Int32 in Int32((i % 6) / 3 + 2 * (i / 12)) })
        let r = try SuperpixelMetrics.evaluate(superpixels: gt, groundTruth: gt)
        #expect(r.achievableSegmentationAccuracy == 1 && r.undersegmentationError == 0 && r.boundaryRecall == 1)
    }

    @Test func voidIsIgnoredAndBadInputRejected() throws {
        let gt = try LabelMap(width: 2, height: 1, labels: [0, -1])
        let sp = try LabelMap(width: 2, height: 1, labels: [0, 1])
        #expect(try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: gt).achievableSegmentationAccuracy == 1)
        #expect(throws: SegKitError.self) { try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: LabelMap(width: 3, height: 1, repeating: 0)) }
        #expect(throws: SegKitError.self) { try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: LabelMap(width: 2, height: 1)) }
    }

    /// Against `bench/superpixels/make_fixtures.py`, an independent NumPy transcription of the
    /// superpixel benchmark's definitions (Stutz et al. 2018), including void and degenerate cases.
    @Test func matchesTheNumPyReference() throws {
        let cases = try Fixtures.cases("superpixel_metrics.json")
        #expect(cases.count >= 6)
        for c in cases {
            let w = c["w"] as! Int, h = c["h"] as! Int, name = c["name"] as! String
            let sp = labels(c["superpixels"]!, w, h), gt = labels(c["truth"]!, w, h)
            for (tolerance, expected) in c["results"] as! [String: [String: Any]] {
                let r = try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: gt, tolerance: Int(tolerance)!)
                func value(_ key: String) -> Double { (expected[key] as! NSNumber).doubleValue }
                #expect(abs(r.achievableSegmentationAccuracy - value("asa")) < 1e-9, "\(name) ASA")
                #expect(abs(r.boundaryRecall - value("br")) < 1e-9, "\(name) BR r=\(tolerance)")
                #expect(abs(r.undersegmentationError - value("ue")) < 1e-9, "\(name) UE")
                #expect(abs(r.compactness - value("co")) < 1e-9, "\(name) CO")
                #expect(r.segmentCount == expected["count"] as! Int, "\(name) count")
            }
        }
    }

    @Test func groundTruthWithoutBoundariesHasZeroRecall() throws {
        // As in the superpixel benchmark: no ground-truth boundary pixel → recall 0.
        let gt = LabelMap(width: 4, height: 3, repeating: 0)
        let sp = try LabelMap(width: 4, height: 3, labels: [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1])
        #expect(try SuperpixelMetrics.evaluate(superpixels: sp, groundTruth: gt).boundaryRecall == 0)
    }
}
