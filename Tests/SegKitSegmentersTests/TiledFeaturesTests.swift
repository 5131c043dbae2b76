import Testing
import SegKitCore
import _TestSupport
@testable import SegKitSegmenters

@Suite struct TiledFeaturesTests {
    static let network: EmbeddingNetwork = {
        var c = EmbeddingNetwork.Configuration()
        c.widths = [8, 16]
        c.dimension = 6
        c.groups = 4
        return EmbeddingNetwork(configuration: c, seed: 4)
    }()

    /// |cos| between pixel i of `a` and pixel j of `b`.
    func alignment(_ a: Image<Float>, _ i: Int, _ b: Image<Float>, _ j: Int) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for c in 0..<a.channels {
            let x = a.data[c * a.pixelCount + i], y = b.data[c * b.pixelCount + j]
            dot += x * y; na += x * x; nb += y * y
        }
        return abs(dot) / (na * nb).squareRoot()
    }

    @Test func anImageThatFitsIsProcessedWhole() throws {
        let image = Synthetic.smoothImage(width: 40, height: 30)
        let whole = try Self.network.features(for: image)
        #expect(try Self.network.features(for: image, tileSize: 64, overlap: 16).data == whole.data)
    }

    /// Without overlap every pixel belongs to one tile: it carries that tile's feature (up to sign).
    @Test func disjointTilesCarryTheirOwnFeatures() throws {
        let image = Synthetic.smoothImage(width: 64, height: 64)
        let tiled = try Self.network.features(for: image, tileSize: 32, overlap: 0)
        for (tx, ty) in [(0, 0), (32, 0), (0, 32), (32, 32)] {
            let rect = PixelRect(x: tx, y: ty, width: 32, height: 32)
            let tile = try Self.network.features(for: try image.cropped(to: rect))
            for (x, y) in [(0, 0), (31, 31), (20, 5)] {
                let a = alignment(tiled, (ty + y) * 64 + tx + x, tile, y * 32 + x)
                #expect(abs(a - 1) < 1e-5, "tile (\(tx), \(ty)) pixel (\(x), \(y)): |cos| \(a)")
            }
        }
    }

    @Test func overlappingTilesGiveUnitFeaturesDeterministically() throws {
        let image = Synthetic.smoothImage(width: 100, height: 70)
        let one = try Parallel.withThreadLimit(1) { try Self.network.features(for: image, tileSize: 48, overlap: 12) }
        let two = try Parallel.withThreadLimit(2) { try Self.network.features(for: image, tileSize: 48, overlap: 12) }
        #expect(one.data == two.data && one.width == 100 && one.height == 70 && one.channels == 6)
        for i in stride(from: 0, to: one.pixelCount, by: 37) {
            let norm = (0..<6).reduce(Float(0)) { $0 + one.data[$1 * one.pixelCount + i] * one.data[$1 * one.pixelCount + i] }
            #expect(abs(norm - 1) < 1e-4)
        }
        // A pixel only the first tile covers keeps the first tile's feature.
        let first = try Self.network.features(for: try image.cropped(to: PixelRect(x: 0, y: 0, width: 48, height: 48)))
        #expect(abs(alignment(one, 5 * 100 + 5, first, 5 * 48 + 5) - 1) < 1e-5)
    }

    @Test func rampWeightsAndBadSettings() throws {
        #expect(EmbeddingNetwork.rampWeight(0, 10, 4, atStart: true, atEnd: true) == 1)
        #expect(EmbeddingNetwork.rampWeight(0, 10, 4, atStart: false, atEnd: true) == 0.2)
        #expect(EmbeddingNetwork.rampWeight(9, 10, 4, atStart: true, atEnd: false) == 0.2)
        #expect(EmbeddingNetwork.rampWeight(5, 10, 0, atStart: false, atEnd: false) == 1)
        let image = Synthetic.smoothImage(width: 40, height: 30)
        #expect(throws: SegKitError.self) { try Self.network.features(for: image, tileSize: 16) }
        #expect(throws: SegKitError.self) { try Self.network.features(for: image, tileSize: 64, overlap: 40) }
    }
}
