import ArgumentParser
import SegKit

struct ScenesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Generate labelled synthetic scenes (the procedural training and test data).",
        discussion: """
            Writes NAME-IIII.png (sRGB image) and NAME-IIII-labels.png (16-bit label map,
            65535 = unlabelled) for scenes FIRST…FIRST+COUNT-1. A scene depends only on
            --seed and its index, so held-out sets are other seeds or other index ranges.
            Example: segkit scenes -o data/test --count 200 --seed 7 --size 256
            """)

    @Option(name: .shortAndLong, help: "Output folder (created if missing).")
    var outputDir: String

    @Option(help: "Number of scenes.")
    var count: Int = 10

    @Option(help: "Index of the first scene.")
    var first: Int = 0

    @Option(help: "Random seed.")
    var seed: UInt64 = SeededGenerator.defaultSeed

    @Option(help: "Scene width and height in pixels (or use --width/--height).")
    var size: Int?

    @Option(help: "Scene width in pixels.")
    var width: Int = 128

    @Option(help: "Scene height in pixels.")
    var height: Int = 128

    @Option(help: "File name prefix.")
    var name: String = "scene"

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard count >= 1, first >= 0 else { throw ValidationError("--count must be ≥ 1 and --first ≥ 0") }
        guard (size ?? width) >= 8, (size ?? height) >= 8 else { throw ValidationError("scenes must be at least 8×8 pixels") }
    }

    func run() throws {
        try reportingErrors { () throws(SegKitError) in
            try prepareOutputFolder(outputDir)
            var configuration = ProceduralSceneConfiguration()
            configuration.width = size ?? width
            configuration.height = size ?? height
            let generator = try ProceduralSceneGenerator(configuration: configuration, seed: seed)
            var progress = Progress(total: count, label: "scenes", quiet: quiet)
            for index in first..<(first + count) {
                let scene = generator.scene(index)
                let stem = outputDir + "/" + name + "-" + String(repeating: "0", count: max(0, 4 - String(index).count)) + String(index)
                try ImageFile.write(scene.image, to: stem + ".png")
                try LabelPNG.write(scene.labels, to: stem + "-labels.png")
                progress.advance()
            }
            print("wrote \(count) scenes to \(outputDir)")
        }
    }
}
