import Foundation
import Testing
import _TestSupport
@testable import SegKitEvaluation

@Suite struct HungarianTests {
    /// Same assignments (not only totals) as scipy.optimize.linear_sum_assignment.
    @Test func matchesScipy() throws {
        for c in try Fixtures.cases("hungarian.json") {
            let matrix = (c["cost"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
            let rows = matrix.count, columns = matrix[0].count
            let pairs = try Hungarian.assign(cost: matrix.flatMap { $0 }, rows: rows, columns: columns, maximize: c["maximize"] as! Bool)
            #expect(pairs.map(\.row) == c["rows"] as! [Int], "\(matrix)")
            #expect(pairs.map(\.column) == c["cols"] as! [Int], "\(matrix)")
            let total = pairs.reduce(0.0) { $0 + matrix[$1.row][$1.column] }
            #expect(abs(total - (c["total"] as! NSNumber).doubleValue) < 1e-9)
        }
    }

    /// Brute force over permutations on small random matrices.
    @Test func isOptimal() throws {
        var g = SeededGenerator(seed: 3)
        func permutations(_ n: Int) -> [[Int]] {
            n == 0 ? [[]] : permutations(n - 1).flatMap { p in (0...p.count).map { var q = p; q.insert(n - 1, at: $0); return q } }
        }
        for _ in 0..<20 {
            let n = g.nextInt(in: 1...5)
            let cost = (0..<(n * n)).map { _ in Double(g.nextInt(in: 0...9)) }
            let best = permutations(n).map { p in (0..<n).reduce(0.0) { $0 + cost[$1 * n + p[$1]] } }.min()!
            let pairs = try Hungarian.assign(cost: cost, rows: n, columns: n)
            #expect(pairs.reduce(0.0) { $0 + cost[$1.row * n + $1.column] } == best)
        }
    }

    @Test func badInput() {
        #expect(throws: SegKitError.self) { try Hungarian.assign(cost: [1, 2, 3], rows: 2, columns: 2) }
        #expect(throws: SegKitError.self) { try Hungarian.assign(cost: [1, .nan], rows: 1, columns: 2) }
        #expect(try! Hungarian.assign(cost: [], rows: 0, columns: 3).isEmpty)
    }
}

@Suite struct BoundaryIoUTests {
    func mask(_ bits: String, _ w: Int, _ h: Int) -> Mask { try! Mask(width: w, height: h, pixels: bits.map { $0 == "1" }) }

    /// Identical to boundary-iou-api (OpenCV erosion on a zero-padded mask).
    @Test func matchesBoundaryIoUAPI() throws {
        for c in try Fixtures.cases("boundary_iou.json") {
            let w = c["w"] as! Int, h = c["h"] as! Int
            let gt = mask(c["gt"] as! String, w, h), dt = mask(c["dt"] as! String, w, h)
            let d = BoundaryIoU.dilation(width: w, height: h)
            #expect(BoundaryIoU.boundary(gt, dilation: d) == mask(c["gtBoundary"] as! String, w, h), "\(w)×\(h)")
            #expect(abs(BoundaryIoU.iou(gt, dt) - (c["iou"] as! NSNumber).doubleValue) < 1e-12)
        }
    }

    @Test func dilationFollowsTheDiagonal() {
        #expect(BoundaryIoU.dilation(width: 640, height: 480) == 16)
        #expect(BoundaryIoU.dilation(width: 10, height: 10) == 1)
    }
}

@Suite struct EntityMetricsTests {
    @Test func perfectPredictionScoresOneAndPermutationsDoNotMatter() throws {
        let (_, gt) = Synthetic.blocks(columns: 3, rows: 2, blockSize: 10)
        let report = try EntityMetrics.evaluate(prediction: gt, groundTruth: gt)
        #expect(report.meanIoU == 1 && report.recall == 1 && report.meanBoundaryIoU == 1)
        var permuted = gt
        permuted.labels = gt.labels.map { ($0 * 7 + 3) % 11 }
        #expect(try EntityMetrics.evaluate(prediction: permuted, groundTruth: gt) == report)
    }

    @Test func handComputedCase() throws {
        // GT: left half 0, right half 1 (4×1). Prediction: one segment covering 3 pixels + one.
        let gt = try LabelMap(width: 4, height: 1, labels: [0, 0, 1, 1])
        let pred = try LabelMap(width: 4, height: 1, labels: [5, 5, 5, 9])
        let r = try EntityMetrics.evaluate(prediction: pred, groundTruth: gt)
        // GT 0: IoU with 5 = 2/3. GT 1: IoU with 5 = 1/4, with 9 = 1/2 → 1/2 (not > 0.5).
        #expect(abs(r.bestIoU[0] - 2.0 / 3) < 1e-12 && r.bestIoU[1] == 0.5)
        #expect(r.recall == 0.5)
        // Void pixels are ignored: a void GT pixel does not hurt the prediction.
        let voided = try LabelMap(width: 4, height: 1, labels: [0, 0, -1, 1])
        #expect(try EntityMetrics.evaluate(prediction: pred, groundTruth: voided).bestIoU[1] == 1)
    }

    @Test func sizeMismatch() {
        #expect(throws: SegKitError.self) {
            try EntityMetrics.evaluate(prediction: LabelMap(width: 2, height: 2, repeating: 0), groundTruth: LabelMap(width: 3, height: 2, repeating: 0))
        }
    }
}
