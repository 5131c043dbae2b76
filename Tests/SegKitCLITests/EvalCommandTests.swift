import Foundation
import Testing
import _TestSupport
import SegKitIO
import SegKitEvaluation

@Suite struct EvalCommandTests {
    @Test func entityAndSuperpixelsOnTheExample() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["eval", "entity", "--pred", CLIRunner.examples + "/scene-labels.png", "--gt", CLIRunner.examples + "/scene-labels.png",
                                   "--json", folder + "/e.json", "--per-image", folder + "/e.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1.0000  1.0000  1.0000"))
        let base = try CLIRunner.run(["eval", "entity", "--pred", CLIRunner.examples + "/scene-labels.png", "--gt", CLIRunner.examples + "/scene-labels.png",
                                      "--baseline", folder + "/e.json"])
        #expect(base.stdout.contains("+0.0%"))
        let sp = try CLIRunner.run(["eval", "superpixels", "--pred", CLIRunner.examples + "/scene-labels.png", "--gt", CLIRunner.examples + "/scene-labels.png"])
        #expect(sp.status == 0 && sp.stdout.contains("1.0000"))
    }

    @Test func semanticRegionsAndSaliencyFolders() throws {
        let gtFolder = try CLIRunner.temporaryFolder(), predFolder = try CLIRunner.temporaryFolder()
        let (_, truth) = Synthetic.blocks(columns: 2, rows: 2, blockSize: 6)
        var permuted = truth
        permuted.labels = truth.labels.map { 3 - $0 }
        try LabelPNG.write(truth, to: gtFolder + "/a.png")
        try LabelPNG.write(permuted, to: predFolder + "/a.png")
        let semantic = try CLIRunner.run(["eval", "semantic", "--pred", predFolder, "--gt", gtFolder])
        #expect(semantic.status == 0 && semantic.stdout.contains("1.0000  1.0000"), "\(semantic.stdout)\(semantic.stderr)")
        // Two annotators as a_1, a_2 in a separate folder.
        let annotators = try CLIRunner.temporaryFolder()
        try LabelPNG.write(truth, to: annotators + "/a_1.png")
        try LabelPNG.write(permuted, to: annotators + "/a_2.png")
        let regions = try CLIRunner.run(["eval", "regions", "--pred", predFolder, "--gt", annotators])
        #expect(regions.status == 0 && regions.stdout.contains("1.0000  1.0000  1.0000"), "\(regions.stdout)\(regions.stderr)")
        let saliency = try CLIRunner.run(["eval", "saliency", "--pred", gtFolder, "--gt", gtFolder])
        #expect(saliency.status == 0, "\(saliency.stderr)")
        let missing = try CLIRunner.run(["eval", "semantic", "--pred", annotators, "--gt", gtFolder])
        #expect(missing.status == 1 && missing.stderr.contains("no prediction for a"))
    }

    /// BSDS500's layout as downloaded: groundTruth/NAME.mat (several annotators) against NAME.png.
    @Test func regionsAgainstBSDSGroundTruthFiles() throws {
        let gtFolder = try CLIRunner.temporaryFolder(), predFolder = try CLIRunner.temporaryFolder()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SegKitIOTests/Fixtures/mat").path
        try FileManager.default.copyItem(atPath: fixtures + "/bsds-compressed.mat", toPath: gtFolder + "/100007.mat")
        let annotators = try LabelMapFile.readAnnotations(gtFolder + "/100007.mat")
        #expect(annotators.count == 3)
        try LabelPNG.write(annotators[1], to: predFolder + "/100007.png")
        let r = try CLIRunner.run(["eval", "regions", "--pred", predFolder, "--gt", gtFolder])
        #expect(r.status == 0 && r.stdout.contains("0  1  1.0000"), "\(r.stdout)\(r.stderr)")
        // `segkit segment`'s layout: NAME/labels.png beside a colour overlay.
        let segmentFolder = try CLIRunner.temporaryFolder()
        try FileManager.default.createDirectory(atPath: segmentFolder + "/100007", withIntermediateDirectories: true)
        try LabelPNG.write(annotators[1], to: segmentFolder + "/100007/labels.png")
        try FileManager.default.copyItem(atPath: CLIRunner.examples + "/scene.png", toPath: segmentFolder + "/100007/overlay.png")
        let segmented = try CLIRunner.run(["eval", "regions", "--pred", segmentFolder, "--gt", gtFolder])
        #expect(segmented.status == 0 && segmented.stdout.contains("0  1  1.0000"), "\(segmented.stdout)\(segmented.stderr)")
        // Superpixels against the three annotators: the mean of the three scores.
        let sp = try CLIRunner.run(["eval", "superpixels", "--pred", predFolder, "--gt", gtFolder])
        let asa = annotators.map { try! SuperpixelMetrics.evaluate(superpixels: annotators[1], groundTruth: $0).achievableSegmentationAccuracy }
        #expect(sp.status == 0 && sp.stdout.contains(String(format: "%.4f", asa.reduce(0, +) / 3)) && asa.contains { $0 < 1 },
                "\(sp.stdout)\(sp.stderr) \(asa)")
        // A MAT-file that is not BSDS ground truth is named in the error.
        try Data([UInt8](repeating: 1, count: 200)).write(to: URL(fileURLWithPath: gtFolder + "/100007.mat"))
        let bad = try CLIRunner.run(["eval", "regions", "--pred", predFolder, "--gt", gtFolder])
        #expect(bad.status == 1 && bad.stderr.contains("100007.mat"), "\(bad.stderr)")
    }

    @Test func instanceEvaluation() throws {
        let folder = try CLIRunner.temporaryFolder()
        var dataset = COCODataset(images: [.init(id: 1, width: 8, height: 6, fileName: "a.png")], annotations: [],
                                  categories: [.init(id: 1, name: "thing")])
        var mask = Mask(width: 8, height: 6)
        for y in 1..<4 { for x in 2..<6 { mask[x, y] = true } }
        let rle = RunLengthMask(mask)
        dataset.annotations = [.init(id: 1, imageID: 1, categoryID: 1, segmentation: .rle(rle, compressed: true), area: Double(rle.area),
                                     bbox: rle.boundingBox)]
        try dataset.write(to: folder + "/gt.json")
        try COCOResult.writeList([.init(imageID: 1, categoryID: 1, segmentation: .rle(rle, compressed: true), bbox: nil, score: 0.9)],
                                 to: folder + "/dt.json")
        let r = try CLIRunner.run(["eval", "instance", "--pred", folder + "/dt.json", "--gt", folder + "/gt.json", "--type", "segm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000")
            || r.stdout.contains("= 1.000"), "\(r.stdout)")
        let bad = try CLIRunner.run(["eval", "instance", "--pred", folder + "/gt.json", "--gt", folder + "/gt.json"])
        #expect(bad.status == 1)
    }

    @Test func panopticEvaluation() throws {
        let folder = try CLIRunner.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/png", withIntermediateDirectories: true)
        var image = Image<UInt8>(width: 4, height: 2, channels: 3)
        for x in 0..<4 { for y in 0..<2 { image[x: x, y: y, channel: 0] = x < 2 ? 1 : 2 } }
        try ImageFile.write(image, to: folder + "/png/a.png")
        let json = """
            {"annotations": [{"image_id": 1, "file_name": "a.png", "segments_info": [
              {"id": 1, "category_id": 1, "iscrowd": 0, "area": 4}, {"id": 2, "category_id": 2, "iscrowd": 0, "area": 4}]}],
             "categories": [{"id": 1, "isthing": 1}, {"id": 2, "isthing": 0}]}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/pan.json"))
        let r = try CLIRunner.run(["eval", "panoptic", "--gt", folder + "/png", "--gt-json", folder + "/pan.json",
                                   "--pred", folder + "/png", "--pred-json", folder + "/pan.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("All       | 100.0  100.0  100.0  2"), "\(r.stdout)")
    }
}
