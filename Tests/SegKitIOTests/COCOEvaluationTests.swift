import Foundation
import Testing
import SegKitEvaluation
import SegKitIO

/// The 12 summary numbers equal pycocotools' COCOeval (bench/rle/make_fixtures.py).
@Suite struct COCOEvaluationConformanceTests {
    let fixture: [String: Any]
    init() throws { fixture = try Fixtures.json("cocoeval_conformance.json") }

    func inputs() throws -> (COCODataset, [COCOResult]) {
        let dataset = try COCODataset(jsonBytes: JSONSerialization.data(withJSONObject: fixture["dataset"]!))
        let results = try COCOResult.decodeList(jsonBytes: JSONSerialization.data(withJSONObject: fixture["results"]!))
        return (dataset, results)
    }

    @Test(arguments: [("bbox", true), ("segm", true), ("segm", false)])
    func statsMatchPycocotools(type: String, useCategories: Bool) throws {
        let (dataset, results) = try inputs()
        var p = COCOEvaluation.Parameters()
        p.useCategories = useCategories
        let result = try dataset.evaluate(results: results, type: type == "bbox" ? .bbox : .segm, parameters: p)
        let expected = (fixture["\(type)_\(useCategories ? 1 : 0)"] as! [NSNumber]).map(\.doubleValue)
        for i in 0..<12 { #expect(abs(result.stats[i] - expected[i]) < 1e-6, "\(type) stat \(i): \(result.stats[i]) vs \(expected[i])") }
    }

    @Test func perfectResultsScoreOne() throws {
        let (dataset, _) = try inputs()
        let results = dataset.annotations.filter { !$0.isCrowd }.map {
            COCOResult(imageID: $0.imageID, categoryID: $0.categoryID, segmentation: $0.segmentation, bbox: $0.bbox, score: 1)
        }
        let r = try dataset.evaluate(results: results, type: .segm)
        #expect(abs(r.stats[0] - 1) < 1e-9)
        let boundary = try dataset.evaluate(results: results, type: .boundary)
        #expect(abs(boundary.stats[0] - 1) < 1e-9)
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let (dataset, results) = try inputs()
        for type in [COCOEvaluation.IoUType.segm, .bbox, .boundary] {
            for agnostic in [false, true] {
                var p = COCOEvaluation.Parameters()
                p.useCategories = !agnostic
                let one = try Parallel.withThreadLimit(1) { try dataset.evaluate(results: results, type: type, parameters: p) }
                let many = try Parallel.withThreadLimit(4) { try dataset.evaluate(results: results, type: type, parameters: p) }
                #expect(one == many, "\(type) agnostic \(agnostic)")
            }
        }
    }

    /// loadRes gives mask-only results the box toBbox(mask): bbox evaluation of such results equals
    /// that of the same results carrying those boxes (area ranges aside: "all"-area stats compared).
    @Test func boxEvaluationOfMaskOnlyResults() throws {
        let (dataset, results) = try inputs()
        let sizes = Dictionary(dataset.images.map { ($0.id, ($0.height, $0.width)) }, uniquingKeysWith: { _, b in b })
        let masksOnly = results.filter { $0.segmentation != nil }.map {
            COCOResult(imageID: $0.imageID, categoryID: $0.categoryID, segmentation: $0.segmentation, bbox: nil, score: $0.score)
        }
        let withBoxes = try masksOnly.map { r in
            let (h, w) = sizes[r.imageID]!
            let box = try r.segmentation!.runLengthMask(height: h, width: w).boundingBox
            return COCOResult(imageID: r.imageID, categoryID: r.categoryID, segmentation: nil, bbox: box, score: r.score)
        }
        #expect(!masksOnly.isEmpty)
        let a = try dataset.evaluate(results: masksOnly, type: .bbox), b = try dataset.evaluate(results: withBoxes, type: .bbox)
        for i in [0, 1, 2, 6, 7, 8] { #expect(a.stats[i] == b.stats[i], "stat \(i)") }
        let empty = [COCOResult(imageID: dataset.images[0].id, categoryID: 1, segmentation: nil, bbox: nil, score: 1)]
        #expect(throws: SegKitError.self) { try dataset.evaluate(results: empty, type: .bbox) }
    }

    @Test func unknownImagesAreRejected() throws {
        let (dataset, _) = try inputs()
        let bad = [COCOResult(imageID: 999, categoryID: 1, segmentation: nil, bbox: BoundingBox(x: 0, y: 0, width: 1, height: 1), score: 1)]
        #expect(throws: SegKitError.self) { try dataset.evaluate(results: bad, type: .bbox) }
    }
}
