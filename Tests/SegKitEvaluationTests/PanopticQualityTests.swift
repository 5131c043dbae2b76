import Foundation
import Testing
@testable import SegKitEvaluation

@Suite struct PanopticQualityTests {
    func segments(_ any: Any) -> [PanopticQuality.Segment] {
        (any as! [[String: Any]]).map { s in
            PanopticQuality.Segment(id: s["id"] as! Int, categoryID: s["category_id"] as! Int,
                                    isCrowd: (s["iscrowd"] as! Int) != 0, area: s["area"] as? Int)
        }
    }

    @Test func matchesPanopticapi() throws {
        for c in try Fixtures.cases("panoptic.json") {
            let categories = (c["categories"] as! [[String: Int]]).map { PanopticQuality.Category(id: $0["id"]!, isThing: $0["isthing"]! == 1) }
            var accumulator = PanopticQuality.Accumulator(categories: categories)
            let w = c["w"] as! Int, h = c["h"] as! Int
            for image in c["images"] as! [[String: Any]] {
                let gt = try PanopticQuality.Annotation(width: w, height: h, ids: image["gtIds"] as! [Int], segments: segments(image["gt"]!))
                let pred = try PanopticQuality.Annotation(width: w, height: h, ids: image["predIds"] as! [Int], segments: segments(image["pred"]!))
                try accumulator.add(groundTruth: gt, prediction: pred)
            }
            let report = accumulator.report
            let expected = c["result"] as! [String: [String: NSNumber]]
            for (name, scores) in [("all", report.all), ("things", report.things), ("stuff", report.stuff)] {
                #expect(abs(scores.pq - expected[name]!["pq"]!.doubleValue) < 1e-9, "\(name) PQ")
                #expect(abs(scores.sq - expected[name]!["sq"]!.doubleValue) < 1e-9, "\(name) SQ")
                #expect(abs(scores.rq - expected[name]!["rq"]!.doubleValue) < 1e-9, "\(name) RQ")
                #expect(scores.count == expected[name]!["n"]!.intValue)
            }
        }
    }

    @Test func perfectPredictionScoresOne() throws {
        let ids = [1, 1, 2, 2, 0, 3]
        let segs = [PanopticQuality.Segment(id: 1, categoryID: 1, area: 2), .init(id: 2, categoryID: 2, area: 2), .init(id: 3, categoryID: 1, area: 1)]
        var a = PanopticQuality.Accumulator(categories: [.init(id: 1, isThing: true), .init(id: 2, isThing: false)])
        try a.add(groundTruth: .init(width: 3, height: 2, ids: ids, segments: segs), prediction: .init(width: 3, height: 2, ids: ids, segments: segs))
        #expect(a.report.all.pq == 1 && a.report.things.count == 1 && a.report.stuff.count == 1)
    }

    @Test func inconsistentPredictionsAreErrors() throws {
        var a = PanopticQuality.Accumulator(categories: [.init(id: 1, isThing: true)])
        let gt = try PanopticQuality.Annotation(width: 2, height: 1, ids: [1, 1], segments: [.init(id: 1, categoryID: 1, area: 2)])
        let missing = try PanopticQuality.Annotation(width: 2, height: 1, ids: [5, 5], segments: [])
        #expect(throws: SegKitError.self) { try a.add(groundTruth: gt, prediction: missing) }
        let unknown = try PanopticQuality.Annotation(width: 2, height: 1, ids: [5, 5], segments: [.init(id: 5, categoryID: 9)])
        #expect(throws: SegKitError.self) { try a.add(groundTruth: gt, prediction: unknown) }
    }
}
