import Testing
@testable import SegKitSegmenters

@Suite struct ProceduralScenesTests {
    @Test func scenesAreDeterministicPerSeedAndIndex() throws {
        let generator = try ProceduralSceneGenerator(seed: 11)
        #expect(generator.scene(3) == generator.scene(3))
        #expect(generator.scene(3) != generator.scene(4))
        let other = try ProceduralSceneGenerator(seed: 12)
        #expect(other.scene(3) != generator.scene(3))
    }

    @Test func scenesAreWellFormed() throws {
        var configuration = ProceduralSceneConfiguration()
        configuration.width = 96
        configuration.height = 64
        let generator = try ProceduralSceneGenerator(configuration: configuration, seed: 5)
        var sawVoid = false, sawManyEntities = false
        for i in 0..<24 {
            let scene = generator.scene(i)
            #expect(scene.image.width == 96 && scene.image.height == 64 && scene.image.channels == 3)
            #expect(scene.image.data.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
            #expect(scene.labels.isContiguous)
            #expect(scene.labels.areas().allSatisfy { $0 >= configuration.minimumEntityArea })
            sawVoid = sawVoid || scene.labels.labels.contains(-1)
            sawManyEntities = sawManyEntities || scene.labels.segmentCount >= 5
        }
        #expect(sawVoid && sawManyEntities)
    }

    /// Every entity is visibly distinct from the rest of the picture on average: the image carries
    /// the information the labels claim (guards against labels drifting from the painted pixels).
    @Test func labelsFollowThePaintedPixels() throws {
        var configuration = ProceduralSceneConfiguration()
        configuration.blurProbability = 0
        configuration.noiseProbability = 0
        configuration.jpegProbability = 0
        configuration.lightingProbability = 0
        configuration.unlabeledBackgroundProbability = 0
        configuration.sameColourNeighbourProbability = 0
        let generator = try ProceduralSceneGenerator(configuration: configuration, seed: 21)
        for i in 0..<8 {
            let scene = generator.scene(i)
            let n = scene.image.pixelCount
            // Along every horizontal label change, the colour changes too in most places.
            var changes = 0, colourChanges = 0
            for y in 0..<scene.labels.height {
                for x in 1..<scene.labels.width where scene.labels[x, y] != scene.labels[x - 1, y] {
                    changes += 1
                    let a = y * scene.labels.width + x, b = a - 1
                    let d = (0..<3).map { abs(scene.image.data[$0 * n + a] - scene.image.data[$0 * n + b]) }.max()!
                    if d > 0.01 { colourChanges += 1 }
                }
            }
            #expect(changes == 0 || Double(colourChanges) / Double(changes) > 0.7)
        }
    }

    @Test func invalidConfigurationIsAnError() {
        var configuration = ProceduralSceneConfiguration()
        configuration.width = 4
        #expect(throws: SegKitError.self) { try ProceduralSceneGenerator(configuration: configuration) }
        configuration = ProceduralSceneConfiguration()
        configuration.noiseProbability = 1.5
        #expect(throws: SegKitError.self) { try ProceduralSceneGenerator(configuration: configuration) }
    }
}
