import Foundation
import Testing
@testable import SegKitNN

/// The example of the "Writing a new loss" guide (SegKitNN.docc/WritingALoss.md), verbatim.
func segmentContrast(_ features: Variable, segments: [Int32], k: Int, temperature: Float = 0.1)
    throws(SegKitError) -> Variable
{
    let f = try features.l2Normalized(axis: 1)                    // unit rows
    let means = try f.segmentMeans(segments: segments, segmentCount: k)
        .l2Normalized(axis: 1)                                      // [k, d] unit segment means
        .detached()                                                 // targets: no gradient through them
    let logits = try f.matmul(means, transposeOther: true)          // [N, k] cosine similarities
        .affine(scale: 1 / temperature)
        .logSoftmax(axis: 1)
    // Pick each row's own segment with a constant one-hot weight: −mean log p(own segment).
    var pick = [Float](repeating: 0, count: segments.count * k)
    for (i, s) in segments.enumerated() { pick[i * k + Int(s)] = -1 / Float(segments.count) }
    return try (logits * Variable(Tensor(shape: [segments.count, k], data: pick))).sum()
}

@Suite struct LossGuideTests {
    static let segments: [Int32] = [0, 0, 1, 2, 1, 2, 0, 1, 2, 2]

    /// Central differences of the loss in Double with the (detached) segment means held fixed.
    @Test func guideLossHasExactGradients() throws {
        let x = randomTensor([10, 4], seed: 21)
        let v = Variable(x, requiresGradient: true)
        try segmentContrast(v, segments: Self.segments, k: 3).backward()
        // Fixed targets from the unperturbed features.
        func unit(_ r: [Double]) -> [Double] { let n = r.reduce(0) { $0 + $1 * $1 }.squareRoot(); return r.map { $0 / n } }
        let rows = (0..<10).map { i in unit((0..<4).map { Double(x.data[i * 4 + $0]) }) }
        let means = (0..<3).map { k in
            unit((0..<4).map { j in (0..<10).filter { Self.segments[$0] == k }.reduce(0.0) { $0 + rows[$1][j] } })
        }
        func loss(_ data: [Double]) -> Double {
            var total = 0.0
            for i in 0..<10 {
                let f = unit(Array(data[(i * 4)..<(i * 4 + 4)]))
                let logits = means.map { m in zip(f, m).reduce(0) { $0 + $1.0 * $1.1 } / 0.1 }
                let top = logits.max()!
                total -= logits[Int(Self.segments[i])] - top - Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) })
            }
            return total / 10
        }
        var data = x.data.map(Double.init)
        for i in data.indices {
            let saved = data[i]
            data[i] = saved + 1e-6
            let plus = loss(data)
            data[i] = saved - 1e-6
            let minus = loss(data)
            data[i] = saved
            let numeric = (plus - minus) / 2e-6
            #expect(abs(numeric - Double(v.gradient!.data[i])) <= 1e-3 * max(1, abs(numeric)), "element \(i)")
        }
    }

    @Test func guideLossRejectsMismatchedShapes() {
        let v = Variable(randomTensor([4, 3], seed: 1))
        #expect(throws: SegKitError.self) { try segmentContrast(v, segments: [0, 1, 1], k: 2) }
    }
}
