import Foundation
import Testing
import _TestSupport
@testable import SegKitEvaluation

func labels(_ any: Any, _ w: Int, _ h: Int) -> LabelMap {
    try! LabelMap(width: w, height: h, labels: (any as! [Int]).map(Int32.init))
}

@Suite struct SemanticMetricsTests {
    @Test func matchesTheSTEGOProtocol() throws {
        for c in try Fixtures.cases("semantic.json") {
            let w = c["w"] as! Int, h = c["h"] as! Int
            var matrix = SemanticMetrics.ConfusionMatrix(classes: c["classes"] as! Int, clusters: c["clusters"] as! Int)
            try matrix.add(prediction: labels(c["prediction"]!, w, h), groundTruth: labels(c["truth"]!, w, h))
            let r = try SemanticMetrics.evaluate(matrix, mapping: .hungarian)
            #expect(abs(r.pixelAccuracy - (c["accuracy"] as! NSNumber).doubleValue) < 1e-12)
            #expect(abs(r.meanIoU - (c["miou"] as! NSNumber).doubleValue) < 1e-12)
        }
    }

    @Test func perfectAndPermutedPredictionsScoreOne() throws {
        let (_, gt) = Synthetic.blocks(columns: 3, rows: 2, blockSize: 4)
        var permuted = gt
        permuted.labels = gt.labels.map { (5 - $0) }
        for mapping in SemanticMetrics.Mapping.allCases {
            var m = SemanticMetrics.ConfusionMatrix(classes: 6, clusters: 6)
            try m.add(prediction: permuted, groundTruth: gt)
            let r = try SemanticMetrics.evaluate(m, mapping: mapping)
            #expect(r.pixelAccuracy == 1 && r.meanIoU == 1)
        }
        // Over-clustering: 12 clusters (each class split in two) score 1 under majority voting.
        var split = gt
        for i in split.labels.indices { split.labels[i] = gt.labels[i] * 2 + Int32(i % 2) }
        var m = SemanticMetrics.ConfusionMatrix(classes: 6, clusters: 12)
        try m.add(prediction: split, groundTruth: gt)
        #expect(try SemanticMetrics.evaluate(m, mapping: .majority).meanIoU == 1)
        #expect(try SemanticMetrics.evaluate(m, mapping: .hungarian).meanIoU < 1)
    }

    @Test func badLabels() {
        var m = SemanticMetrics.ConfusionMatrix(classes: 2, clusters: 2)
        #expect(throws: SegKitError.self) { try m.add(prediction: LabelMap(width: 1, height: 1, repeating: 5), groundTruth: LabelMap(width: 1, height: 1, repeating: 0)) }
        #expect(throws: SegKitError.self) { try m.add(prediction: LabelMap(width: 1, height: 1, repeating: 0), groundTruth: LabelMap(width: 1, height: 1, repeating: 9)) }
    }
}

@Suite struct RegionMetricsTests {
    @Test func randIndexAndVIMatchScikitLearn() throws {
        for c in try Fixtures.cases("regions.json") {
            let w = c["w"] as! Int, h = c["h"] as! Int
            let r = try RegionMetrics.evaluate(segmentation: labels(c["segmentation"]!, w, h), annotations: [labels(c["truth"]!, w, h)])
            #expect(abs(r.probabilisticRandIndex - (c["rand"] as! NSNumber).doubleValue) < 1e-12)
            #expect(abs(r.variationOfInformation - (c["vi"] as! NSNumber).doubleValue) < 1e-9)
        }
    }

    @Test func coveringByHand() throws {
        // GT: halves (4 px each) of a 4×2 image; S: first column alone, the rest together.
        let g = try LabelMap(width: 4, height: 2, labels: [0, 0, 1, 1, 0, 0, 1, 1])
        let s = try LabelMap(width: 4, height: 2, labels: [0, 1, 1, 1, 0, 1, 1, 1])
        let r = try RegionMetrics.evaluate(segmentation: s, annotations: [g, g])
        // Region 0 (4 px): best IoU max(2/4, 2/8) = 0.5; region 1 (4 px): IoU with S1 = 4/6.
        let covering = (4 * 0.5 + 4 * (4.0 / 6)) / 8
        #expect(abs(r.bestCovering - covering) < 1e-12 && abs(r.meanCovering - covering) < 1e-12)
        #expect(abs(r.nfCovering - (0.5 + 4.0 / 6) / 2) < 1e-12)
        #expect(abs(try RegionMetrics.evaluate(segmentation: s, annotations: [g], background: 0).nfCovering - 4.0 / 6) < 1e-12)
        let perfect = try RegionMetrics.evaluate(segmentation: g, annotations: [g])
        #expect(perfect.bestCovering == 1 && perfect.probabilisticRandIndex == 1 && abs(perfect.variationOfInformation) < 1e-12)
        #expect(throws: SegKitError.self) { try RegionMetrics.evaluate(segmentation: s, annotations: []) }
    }
}

@Suite struct SaliencyMetricsTests {
    @Test func perfectBinaryMap() throws {
        var mask = Mask(width: 10, height: 8)
        for y in 2..<6 { for x in 3..<7 { mask[x, y] = true } }
        var map = Image<Float>(width: 10, height: 8, channels: 1)
        for i in mask.pixels.indices where mask.pixels[i] { map.data[i] = 1 }
        var acc = SaliencyMetrics.Accumulator()
        try acc.add(map: map, groundTruth: mask)
        let s = acc.summary
        #expect(s.pixelAccuracy == 1 && s.iou == 1 && abs(s.maxFBeta - 1) < 1e-12 && s.corLoc == 1)
    }

    @Test func softMapPrecisionRecall() throws {
        // 4 pixels: GT = [1, 1, 0, 0]; map = [0.9, 0.3, 0.6, 0.1]. At t = 153 (0.6·255 = 153 → > 153
        // excludes 0.6): foreground {0.9}: P = 1, R = 0.5 → F = 1.3·0.5/(0.3 + 0.5) = 0.8125.
        // At t = 76: {0.9, 0.6, 0.3}: P = 2/3, R = 1 → F = 1.3·(2/3)/(0.2 + 1) = 0.7222. Max = 0.8125.
        let gt = try Mask(width: 4, height: 1, pixels: [true, true, false, false])
        let map = try Image<Float>(width: 4, height: 1, channels: 1, data: [0.9, 0.3, 0.6, 0.1])
        var acc = SaliencyMetrics.Accumulator()
        try acc.add(map: map, groundTruth: gt)
        #expect(abs(acc.summary.maxFBeta - 0.8125) < 1e-12)
        #expect(throws: SegKitError.self) { try acc.add(map: map, groundTruth: Mask(width: 3, height: 1)) }
    }

    @Test func corLocUsesTheLargestComponent() throws {
        var gt = Mask(width: 20, height: 10)
        for y in 1..<5 { for x in 1..<5 { gt[x, y] = true } }
        var map = Image<Float>(width: 20, height: 10, channels: 1)
        for y in 1..<5 { for x in 1..<5 { map[x: x, y: y] = 1 } }
        map[x: 15, y: 8] = 1  // a small distractor
        var acc = SaliencyMetrics.Accumulator()
        try acc.add(map: map, groundTruth: gt)
        #expect(acc.summary.corLoc == 1)
    }
}
