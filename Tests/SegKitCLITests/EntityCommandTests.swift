import Foundation
import Testing
import _TestSupport
import SegKitIO

/// `segkit train entity` and `segkit segment` end to end, with a tiny network so CI stays fast.
@Suite(.serialized) struct EntityCommandTests {
    static let tinyNetwork = ["--widths", "8,16", "--dimension", "8", "--size", "32", "--batch", "2"]

    /// masks.json records: one per label, disjoint RLE masks covering the image, consistent fields.
    func checkMasks(_ folder: String, width: Int, height: Int) throws {
        let labels = try LabelPNG.read(folder + "/labels.png")
        #expect(labels.width == width && labels.height == height && labels.isContiguous)
        #expect(labels.labels.allSatisfy { $0 >= 0 })
        #expect(Invariants.everySegmentIsConnected(labels))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/masks.json"))) as! [[String: Any]]
        #expect(json.count == labels.segmentCount)
        var covered = [Int](repeating: 0, count: width * height)
        for record in json {
            let data = try JSONSerialization.data(withJSONObject: record["segmentation"]!)
            let rle = try JSONDecoder().decode(COCOSegmentation.self, from: data).runLengthMask(height: height, width: width)
            let mask = rle.mask()
            #expect(rle.area == record["area"] as! Int)
            let bbox = record["bbox"] as! [Double]
            #expect(bbox.count == 4 && bbox[2] >= 1 && bbox[3] >= 1)
            for s in ["predicted_iou", "stability_score"] {
                let v = record[s] as! Double
                #expect((0...1).contains(v), "\(s) = \(v)")
            }
            let id = Int32(record["id"] as! Int)
            for y in 0..<height { for x in 0..<width where mask[x, y] {
                covered[y * width + x] += 1
                #expect(labels[x, y] == id)
            } }
        }
        #expect(covered.allSatisfy { $0 == 1 }, "masks are disjoint and cover the image")
    }

    @Test func trainResumeAndSegmentWithATinyModel() throws {
        let folder = try CLIRunner.temporaryFolder()
        let model = folder + "/tiny.safetensors"
        let train = try CLIRunner.run(["train", "entity", "--steps", "3", "--out", model, "--log-every", "1", "--validate-every", "0",
                                       "--validation-scenes", "2", "--checkpoint-every", "2", "--quiet"] + Self.tinyNetwork)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("step 3: loss") && train.stdout.contains("validation at step 3: intra-entity"))
        #expect(FileManager.default.fileExists(atPath: model))
        let resumed = try CLIRunner.run(["train", "entity", "--steps", "4", "--out", folder + "/more.safetensors", "--resume",
                                         folder + "/tiny.checkpoint.safetensors", "--validate-every", "0", "--validation-scenes", "2",
                                         "--quiet"] + Self.tinyNetwork)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed from") && resumed.stdout.contains("at step 3") && resumed.stdout.contains("step 4: loss"))

        // Fine-tuning: the tiny model's weights and architecture, a fresh optimiser at step 0.
        let tuned = try CLIRunner.run(["train", "entity", "--steps", "1", "--out", folder + "/tuned.safetensors", "--initial-weights", model,
                                       "--validate-every", "0", "--validation-scenes", "2", "--quiet", "--size", "32", "--batch", "2"])
        #expect(tuned.status == 0, "\(tuned.stderr)")
        #expect(tuned.stdout.contains("starting from the weights of") && tuned.stdout.contains("d = 8"))
        #expect(try CLIRunner.run(["train", "entity", "--steps", "1", "--out", folder + "/x.safetensors", "--initial-weights", model,
                                   "--resume", folder + "/tiny.checkpoint.safetensors"]).status == 2)

        let out = folder + "/out"
        let r = try CLIRunner.run(["segment", CLIRunner.examples + "/scene.png", "-o", out, "--model", model, "--resolutions", "96,160",
                                   "--superpixels", "120", "--min-area", "16", "--features", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        try checkMasks(out + "/scene", width: 320, height: 240)
        let features = try NumpyArray.read(out + "/scene/features.npy")
        #expect(features.shape.count == 3 && features.shape[2] == 8)
        #expect(try ImageFile.header(out + "/scene/features.png").channels == 3)
        #expect(try ImageFile.header(out + "/scene/overlay.png").width == 320)
        for setting in ["off", "0.3, 10"] {
            let other = try CLIRunner.run(["segment", CLIRunner.examples + "/scene.png", "-o", folder + "/merge-" + setting, "--model", model,
                                           "--resolutions", "96", "--boundary-merge", setting, "--quiet"])
            #expect(other.status == 0, "\(other.stderr)")
            try checkMasks(folder + "/merge-" + setting + "/scene", width: 320, height: 240)
        }

        // A scenes folder (images beside NAME-labels.png): segment, entity metrics, Table-5 similarities.
        let scenes = folder + "/scenes"
        try FileManager.default.createDirectory(atPath: scenes, withIntermediateDirectories: true)
        #expect(try CLIRunner.run(["scenes", "-o", scenes, "--count", "2", "--size", "64", "--quiet"]).status == 0)
        let predicted = try CLIRunner.run(["segment", scenes + "/scene-0000.png", scenes + "/scene-0001.png", "-o", folder + "/pred",
                                           "--model", model, "--superpixels", "40", "--min-area", "8", "--quiet"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let metrics = try CLIRunner.run(["eval", "entity", "--pred", folder + "/pred", "--gt", scenes, "--quiet"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        #expect(metrics.stdout.hasPrefix("images") && metrics.stdout.contains("\n2  "))
        let similarity = try CLIRunner.run(["eval", "embedding", "--model", model, "--images", scenes, "--gt", scenes,
                                            "--json", folder + "/sim.json", "--quiet"])
        #expect(similarity.status == 0, "\(similarity.stderr)")
        let sim = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/sim.json"))) as! [String: Any]
        #expect(sim["images"] as? Int == 2)
        let intra = sim["intraEntity"] as! Double, inter = sim["interMean"] as! Double
        #expect((0...1).contains(intra) && (0...1).contains(inter))
        let noLabels = try CLIRunner.run(["eval", "embedding", "--model", model, "--images", scenes, "--gt", folder + "/pred"])
        #expect(noLabels.status == 1 && noLabels.stderr.contains("no label map"))
    }

    @Test(arguments: ["classic", "merge"])
    func segmentsWithoutANetwork(model: String) throws {
        let out = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["segment", CLIRunner.examples + "/scene.png", "-o", out, "--model", model, "--resolutions", "160",
                                   "--superpixels", "150", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        try checkMasks(out + "/scene", width: 320, height: 240)
        // The example's scene has a handful of entities: the segmentation must find more than one.
        #expect(try LabelPNG.read(out + "/scene/labels.png").segmentCount > 2)
    }

    @Test func badModelsAndInputsAreReported() throws {
        let folder = try CLIRunner.temporaryFolder()
        let missing = try CLIRunner.run(["segment", CLIRunner.examples + "/scene.png", "-o", folder, "--model", "default"],
                                        environment: ["SEGKIT_MODEL": folder + "/none.safetensors"])
        #expect(missing.status == 1 && missing.stderr.contains("SEGKIT_MODEL") && missing.stderr.contains("none.safetensors"))
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: folder + "/fake.safetensors"))
        let fake = try CLIRunner.run(["segment", CLIRunner.examples + "/scene.png", "-o", folder + "/o", "--model", folder + "/fake.safetensors"])
        #expect(fake.status == 1 && fake.stderr.contains("fake.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/o/scene/labels.png"))
        try Data("junk".utf8).write(to: URL(fileURLWithPath: folder + "/broken.png"))
        let batch = try CLIRunner.run(["segment", folder + "/broken.png", CLIRunner.examples + "/scene.png", "-o", folder + "/b",
                                       "--model", "merge", "--resolutions", "96", "--superpixels", "60", "--quiet"])
        #expect(batch.status == 1 && batch.stderr.contains("broken.png"))
        #expect(FileManager.default.fileExists(atPath: folder + "/b/scene/masks.json"))
        #expect(try CLIRunner.run(["segment", "x.png", "-o", folder, "--resolutions", "8"]).status == 2)
        #expect(try CLIRunner.run(["segment", "x.png", "-o", folder, "--colour-split", "-1"]).status == 2)
        for bad in ["0.6", "0,20", "a,b", "0.6,20,3", "on"] {
            let r = try CLIRunner.run(["segment", "x.png", "-o", folder, "--boundary-merge", bad])
            #expect(r.status == 2 && r.stderr.contains("--boundary-merge"), "\(bad): \(r.stderr)")
        }
        #expect(try CLIRunner.run(["train", "entity", "--out", folder + "/m.bin", "--steps", "1"]).status == 1)
        #expect(try CLIRunner.run(["train", "entity", "--out", folder + "/m.safetensors", "--steps", "0"]).status == 2)
    }
}
