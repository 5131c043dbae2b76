import Foundation
import Testing
import _TestSupport
import SegKitIO

@Suite struct SuperpixelsCommandTests {
    @Test func segmentsTheExample() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["superpixels", CLIRunner.examples + "/scene.png", "-n", "100", "-o", folder + "/l.png",
                                   "--overlay", folder + "/o.png"])
        #expect(r.status == 0, "\(r.stderr)")
        let labels = try LabelPNG.read(folder + "/l.png")
        #expect(labels.width == 320 && labels.height == 240 && labels.isContiguous)
        #expect(Invariants.everySegmentIsConnected(labels))
        #expect(labels.segmentCount > 50 && labels.segmentCount < 200)
        #expect(try ImageFile.header(folder + "/o.png").channels == 3)
    }

    @Test func batchModeSkipsBadFilesAndReports() throws {
        let folder = try CLIRunner.temporaryFolder()
        try Data("junk".utf8).write(to: URL(fileURLWithPath: folder + "/bad.png"))
        let r = try CLIRunner.run(["superpixels", CLIRunner.examples + "/scene.png", folder + "/bad.png", "-n", "50",
                                   "--output-dir", folder, "--overlays", "--quiet"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.png") && r.stderr.split(separator: "\n").count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["bad.png", "scene-labels.png", "scene-overlay.png"])
    }

    /// Batch outputs go to a folder that is created when missing (as `segment -o` does); a file in
    /// its place is an error naming it.
    @Test func outputFolderIsCreatedOrRefused() throws {
        let folder = try CLIRunner.temporaryFolder()
        let nested = folder + "/new/nested"
        let r = try CLIRunner.run(["superpixels", CLIRunner.examples + "/scene.png", "-n", "50", "--output-dir", nested, "--quiet"])
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: nested + "/scene-labels.png"), "\(r.stderr)")
        let scenes = try CLIRunner.run(["scenes", "-o", folder + "/scenes", "--count", "1", "--size", "32", "--quiet"])
        #expect(scenes.status == 0 && FileManager.default.fileExists(atPath: folder + "/scenes/scene-0000.png"), "\(scenes.stderr)")
        let file = nested + "/scene-labels.png"
        let refused = try CLIRunner.run(["superpixels", CLIRunner.examples + "/scene.png", "-n", "50", "--output-dir", file, "--quiet"])
        #expect(refused.status == 1 && refused.stderr.contains("is a file"), "\(refused.stderr)")
    }

    @Test func usageErrors() throws {
        #expect(try CLIRunner.run(["superpixels", "a.png", "b.png", "-o", "x.png"]).status == 2)
        #expect(try CLIRunner.run(["superpixels", "a.png", "-n", "0", "-o", "x.png"]).status == 2)
    }
}

@Suite struct FilterCommandTests {
    @Test func guidedFilterOfAMaskArray() throws {
        let folder = try CLIRunner.temporaryFolder()
        let mask = (0..<(240 * 320)).map { Float(($0 % 320) < 160 ? 1 : 0) }
        try NumpyArray(mask, shape: [240, 320]).write(to: folder + "/m.npy")
        let r = try CLIRunner.run(["filter", "guided", "--input", folder + "/m.npy", "--guide", CLIRunner.examples + "/scene.png",
                                   "--radius", "4", "--eps", "1e-3", "-o", folder + "/q.npy"])
        #expect(r.status == 0, "\(r.stderr)")
        let q = try NumpyArray.read(folder + "/q.npy")
        #expect(q.shape == [240, 320] && q.dtype == .float32)
        let mismatch = try CLIRunner.run(["filter", "guided", "--input", CLIRunner.examples + "/scene.png", "--guide", folder + "/m.npy",
                                          "-o", folder + "/x.png"])
        #expect(mismatch.status == 1)
        #expect(try CLIRunner.run(["filter", "guided", "--input", folder + "/m.npy", "--guide", CLIRunner.examples + "/scene.png",
                                   "--eps", "0", "-o", folder + "/y.npy"]).status == 2)
    }

    /// Batch mode: several inputs with one guide into a folder, one bad input reported and skipped
    /// (exit 1, the others written, no partial file), each output equal to the single-input run.
    @Test func batchIntoAFolder() throws {
        let folder = try CLIRunner.temporaryFolder()
        let out = folder + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, column) in [("a", 100), ("b", 200)] {
            try NumpyArray((0..<(240 * 320)).map { Float(($0 % 320) < column ? 1 : 0) }, shape: [240, 320]).write(to: folder + "/\(name).npy")
        }
        try NumpyArray([Float](repeating: 0, count: 10 * 10), shape: [10, 10]).write(to: folder + "/small.npy")
        let guide = CLIRunner.examples + "/scene.png"
        let r = try CLIRunner.run(["filter", "guided", "--input", folder + "/a.npy", folder + "/small.npy", folder + "/b.npy",
                                   "--guide", guide, "--radius", "4", "--output-dir", out])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("small.npy") || r.stderr.contains("scene.png"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(written == ["a-guided.npy", "b-guided.npy"])
        let single = try CLIRunner.run(["filter", "guided", "--input", folder + "/b.npy", "--guide", guide, "--radius", "4",
                                        "-o", folder + "/b-single.npy"])
        #expect(single.status == 0)
        #expect(try NumpyArray.read(out + "/b-guided.npy") == NumpyArray.read(folder + "/b-single.npy"))
        // PNG output on request; guide count must be 1 or match the inputs.
        #expect(try CLIRunner.run(["filter", "guided", "--input", folder + "/a.npy", "--guide", guide, "--output-dir", out,
                                   "--format", "png"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/a-guided.png"))
        #expect(try CLIRunner.run(["filter", "guided", "--input", folder + "/a.npy", folder + "/b.npy", "--guide", guide, guide, guide,
                                   "--output-dir", out]).status == 2)
    }
}
