import Foundation
import Testing
import SegKitIO

@Suite struct CLIBasicsTests {
    @Test func versionAndHelp() throws {
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("convert") && help.stdout.contains("overlay"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let r = try CLIRunner.run(["convert"])
        #expect(r.status == 2)
        let bad = try CLIRunner.run(["overlay", "a.png", "b.png", "-o", "c.png", "--alpha", "3"])
        #expect(bad.status == 2)
        let unknown = try CLIRunner.run(["no-such-command"])
        #expect(unknown.status == 2)
    }
}

@Suite struct InfoCommandTests {
    @Test func describesImagesLabelsAndArrays() throws {
        let folder = try CLIRunner.temporaryFolder()
        try NumpyArray([Float](repeating: 0, count: 6), shape: [2, 3]).write(to: folder + "/a.npy")
        let r = try CLIRunner.run(["info", CLIRunner.examples + "/scene.png", CLIRunner.examples + "/scene-labels.png", folder + "/a.npy"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("scene.png: PNG 320×240, 3 channels, 8-bit"))
        #expect(r.stdout.contains("label map with 15 labels"))
        #expect(r.stdout.contains("a.npy: NPY float32, shape (2, 3)"))
    }

    @Test func oneBadFileIsReportedAndTheRestDescribed() throws {
        let folder = try CLIRunner.temporaryFolder()
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: folder + "/bad.png"))
        let r = try CLIRunner.run(["info", folder + "/bad.png", CLIRunner.examples + "/scene.png", folder + "/missing.jpg"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("scene.png: PNG"))
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("segkit: \(folder)/bad.png: ") })
        #expect(lines.contains { $0 == "segkit: \(folder)/missing.jpg: no such file" })
    }
}

@Suite struct ConvertCommandTests {
    @Test func labelsRoundTripExactlyThroughNpyAndPNG() throws {
        let folder = try CLIRunner.temporaryFolder()
        let labels = try LabelMap(width: 4, height: 3, labels: [0, 1, 2, 3, -1, 65534, 7, 7, 0, 0, 1, 1])
        try NumpyArray(labels).write(to: folder + "/l.npy")
        #expect(try CLIRunner.run(["convert", folder + "/l.npy", folder + "/l.png"]).status == 0)
        #expect(try LabelPNG.read(folder + "/l.png") == labels)
        #expect(try CLIRunner.run(["convert", folder + "/l.png", folder + "/back.npy"]).status == 0)
        #expect(try NumpyArray.read(folder + "/back.npy").labelMap() == labels)
    }

    @Test func outOfRangeLabelsAreAClearError() throws {
        let folder = try CLIRunner.temporaryFolder()
        try NumpyArray([Int64(0), 70000], shape: [1, 2]).write(to: folder + "/l.npy")
        let r = try CLIRunner.run(["convert", folder + "/l.npy", folder + "/l.png"])
        #expect(r.status == 1 && r.stderr.contains("65534") && r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/l.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["l.npy"], "no temporary files left")
    }

    @Test func imagesRoundTripThroughNpy() throws {
        let folder = try CLIRunner.temporaryFolder()
        let source = CLIRunner.examples + "/scene.png"
        #expect(try CLIRunner.run(["convert", source, folder + "/s.npy"]).status == 0)
        let array = try NumpyArray.read(folder + "/s.npy")
        #expect(array.dtype == .uint8 && array.shape == [240, 320, 3])
        #expect(try CLIRunner.run(["convert", folder + "/s.npy", folder + "/s.png"]).status == 0)
        #expect(try ImageFile.read(folder + "/s.png").pixels == ImageFile.read(source).pixels)
        #expect(try CLIRunner.run(["convert", source, folder + "/f.npy", "--float"]).status == 0)
        #expect(try CLIRunner.run(["convert", folder + "/f.npy", folder + "/f.jpg"]).status == 0)
        #expect(try ImageFile.header(folder + "/f.jpg").format == .jpeg)
    }

    @Test func floatsOutsideTheUnitRangeAreRefused() throws {
        let folder = try CLIRunner.temporaryFolder()
        try NumpyArray([Float(0.5), 1.5], shape: [1, 2]).write(to: folder + "/f.npy")
        let r = try CLIRunner.run(["convert", folder + "/f.npy", folder + "/f.png"])
        #expect(r.status == 1 && r.stderr.hasPrefix("segkit: \(folder)/f.npy: "))
    }

    @Test func badInputsGiveOneLineAndNoOutput() throws {
        let folder = try CLIRunner.temporaryFolder()
        let truncated = try Data(contentsOf: URL(fileURLWithPath: CLIRunner.examples + "/scene.png")).prefix(500)
        try truncated.write(to: URL(fileURLWithPath: folder + "/cut.png"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.jpg"))
        let cases: [[String]] = [
            ["convert", folder + "/missing.png", folder + "/o.png"],
            ["convert", folder + "/cut.png", folder + "/o.png"],
            ["convert", folder + "/empty.jpg", folder + "/o.png"],
            ["convert", CLIRunner.examples + "/scene.png", folder + "/o.tiff"],
            ["convert", CLIRunner.examples + "/scene.png", folder + "/o.png", "--max-pixels", "1000"],
            ["convert", CLIRunner.examples + "/scene-labels.png", folder + "/o.jpg"],
            ["convert", CLIRunner.examples + "/scene.png", CLIRunner.examples + "/../examples/scene.png"],
        ]
        for arguments in cases {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 1, "\(arguments)")
            #expect(r.stderr.hasPrefix("segkit: ") && r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["cut.png", "empty.jpg"])
    }
}

@Suite struct OverlayCommandTests {
    @Test func drawsTheExample() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["overlay", CLIRunner.examples + "/scene.png", CLIRunner.examples + "/scene-labels.png",
                                   "-o", folder + "/o.png", "--boundaries", "--alpha", "0.4"])
        #expect(r.status == 0, "\(r.stderr)")
        let header = try ImageFile.header(folder + "/o.png")
        #expect(header.width == 320 && header.height == 240 && header.channels == 3)
    }

    @Test func sizeMismatchAndOverwriteAreRefused() throws {
        let folder = try CLIRunner.temporaryFolder()
        try LabelPNG.write(LabelMap(width: 5, height: 5, repeating: 0), to: folder + "/small.png")
        let mismatch = try CLIRunner.run(["overlay", CLIRunner.examples + "/scene.png", folder + "/small.png", "-o", folder + "/o.png"])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("5×5") && mismatch.stderr.contains("320×240"))
        let overwrite = try CLIRunner.run(["overlay", CLIRunner.examples + "/scene.png", folder + "/small.png", "-o", folder + "/small.png"])
        #expect(overwrite.status == 1 && overwrite.stderr.contains("overwrite"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["small.png"])
    }
}

@Suite struct ScenesCommandTests {
    @Test func writesDeterministicScenes() throws {
        let a = try CLIRunner.temporaryFolder(), b = try CLIRunner.temporaryFolder()
        for folder in [a, b] {
            let r = try CLIRunner.run(["scenes", "-o", folder, "--count", "2", "--seed", "5", "--size", "48"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: a).sorted()
        #expect(files == ["scene-0000-labels.png", "scene-0000.png", "scene-0001-labels.png", "scene-0001.png"])
        for f in files { #expect(FileManager.default.contentsEqual(atPath: a + "/" + f, andPath: b + "/" + f)) }
        #expect(try CLIRunner.run(["scenes", "-o", a + "/scene-0000.png"]).status == 1)  // a file, not a folder
    }
}
