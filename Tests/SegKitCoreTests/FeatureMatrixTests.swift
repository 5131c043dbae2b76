import Testing
import _TestSupport
@testable import SegKitCore

@Suite struct FeatureMatrixTests {
    @Test func imageRoundTrip() {
        let image = Synthetic.noiseImage(width: 5, height: 3, channels: 4)
        let m = FeatureMatrix(image: image)
        #expect(m.count == 15 && m.dimension == 4)
        #expect(m.row(7) == (0..<4).map { image[x: 2, y: 1, channel: $0] })
        #expect(m.image(width: 5, height: 3) == image)
    }

    @Test func normalisationAndNorms() throws {
        let m = try FeatureMatrix(count: 2, dimension: 2, values: [3, 4, 0, 0])
        #expect(m.squaredRowNorms() == [25, 0])
        #expect(m.l2NormalizedRows().values == [0.6, 0.8, 0, 0])
        #expect(m.rows([1, 0]).values == [0, 0, 3, 4])
    }

    @Test func nonFiniteValuesAreReported() throws {
        let m = try FeatureMatrix(count: 2, dimension: 2, values: [0, 1, .infinity, 0])
        #expect(throws: SegKitError.self) { try m.requireFinite() }
        #expect(throws: SegKitError.self) { try FeatureMatrix(count: 2, dimension: 2, values: [1]) }
    }
}
