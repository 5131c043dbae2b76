import Foundation
import Testing
import SegKitIO

/// Writes a tiny COCO panoptic data set in the standard layout under `root`: two 40×36 photographs
/// (JPEG) whose PNGs hold segment 769 (G channel used, a thing), 70000 (B channel, stuff), crowd
/// segment 5 and VOID (0).
private func writePanopticDataset(_ root: String) throws {
    let fm = FileManager.default
    for folder in ["annotations/panoptic_train2017", "train2017"] {
        try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
    }
    let w = 40, h = 36
    func id(_ x: Int, _ y: Int) -> Int {
        if y >= 30 { return 0 }
        if x >= 4 && x < 10 && y >= 4 && y < 10 { return 5 }
        return x < 18 ? 769 : 70000
    }
    var annotations: [String] = [], images: [String] = []
    for n in 1...2 {
        var png = Image<UInt8>(width: w, height: h, channels: 3), photo = Image<Float>(width: w, height: h, channels: 3)
        for y in 0..<h {
            for x in 0..<w {
                let v = id(x, y)
                for c in 0..<3 {
                    png.data[c * w * h + y * w + x] = UInt8((v >> (8 * c)) & 255)
                    photo.data[c * w * h + y * w + x] = Float((v / 7 + c * 50 + n * 30) % 256) / 255
                }
            }
        }
        let name = String(format: "%012d", n)
        try ImageFile.write(png, to: "\(root)/annotations/panoptic_train2017/\(name).png")
        try ImageFile.write(photo, to: "\(root)/train2017/\(name).jpg")
        images.append(#"{"id": \#(n), "file_name": "\#(name).jpg", "width": \#(w), "height": \#(h)}"#)
        annotations.append(#"{"image_id": \#(n), "file_name": "\#(name).png", "segments_info": ["#
            + #"{"id": 769, "category_id": 1, "iscrowd": 0}, {"id": 5, "category_id": 1, "iscrowd": 1}, {"id": 70000, "category_id": 2, "iscrowd": 0}]}"#)
    }
    let json = #"{"images": [\#(images.joined(separator: ", "))], "annotations": [\#(annotations.joined(separator: ", "))], "#
        + #""categories": [{"id": 1, "name": "thing", "isthing": 1}, {"id": 2, "name": "stuff", "isthing": 0}]}"#
    try Data(json.utf8).write(to: URL(fileURLWithPath: root + "/annotations/panoptic_train2017.json"))
}

/// `segkit train entity` with the tiny network on `data`, writing `model`.
private func train(_ data: String, _ model: String, steps: Int = 2) throws -> CLIRunner.Result {
    try CLIRunner.run(["train", "entity", "--data", data, "--widths", "4,8", "--dimension", "4", "--size", "32", "--batch", "2",
                       "--steps", String(steps), "--validation-scenes", "2", "--quiet", "--out", model])
}

@Suite struct TrainCommandTests {
    @Test func trainsOnALabelFolder() throws {
        let data = try CLIRunner.temporaryFolder(), out = try CLIRunner.temporaryFolder()
        let scenes = try CLIRunner.run(["scenes", "-o", data, "--count", "3", "--width", "48", "--height", "40"])
        #expect(scenes.status == 0, "\(scenes.stderr)")
        // One label map as .npy, one image as JPEG: every supported kind.
        let labels1 = try LabelPNG.read(data + "/scene-0001-labels.png")
        try NumpyArray(labels1).write(to: data + "/scene-0001-labels.npy")
        try FileManager.default.removeItem(atPath: data + "/scene-0001-labels.png")
        try ImageFile.write(try ImageFile.read(data + "/scene-0002.png").floatImage(), to: data + "/scene-0002.jpg")
        try FileManager.default.removeItem(atPath: data + "/scene-0002.png")
        let dataset = try LabelFolderDataset(folder: data)
        #expect(dataset.pairs == [("scene-0000.png", "scene-0000-labels.png"), ("scene-0001.png", "scene-0001-labels.npy"),
                                  ("scene-0002.jpg", "scene-0002-labels.png")].map { .init(image: data + "/" + $0, labels: data + "/" + $1) })
        #expect(try dataset.example(1).labels == labels1)
        #expect(try dataset.example(2).image.width == 48)

        let r = try train("labels:" + data, out + "/m.safetensors")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("data: 3 images") && r.stdout.contains("validation at step 2"), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: out + "/m.safetensors"))

        // Stopping after step 1 and resuming gives the uninterrupted run's model, bit for bit (the
        // second batch crosses into the second epoch).
        #expect(try train("labels:" + data, out + "/a.safetensors", steps: 1).status == 0)
        let resumed = try CLIRunner.run(["train", "entity", "--data", "labels:" + data, "--widths", "4,8", "--dimension", "4", "--size", "32",
                                         "--batch", "2", "--steps", "2", "--validation-scenes", "2", "--quiet", "--out", out + "/b.safetensors",
                                         "--resume", out + "/a.checkpoint.safetensors"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: out + "/b.safetensors", andPath: out + "/m.safetensors"))
    }

    @Test func trainsOnCOCOPanoptic() throws {
        let root = try CLIRunner.temporaryFolder(), out = try CLIRunner.temporaryFolder()
        try writePanopticDataset(root)
        let dataset = try PanopticDataset(path: root)
        #expect(dataset.count == 2 && dataset.imagePath(1) == root + "/train2017/000000000002.jpg")
        let labels = try dataset.example(0).labels
        #expect(labels[0, 0] == 0 && labels[30, 0] == 2 && labels[5, 5] == -1 && labels[0, 33] == -1)
        #expect(Set(labels.labels) == [-1, 0, 2])

        let r = try train("panoptic:" + root, out + "/m.safetensors")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("data: 2 images"), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: out + "/m.safetensors"))

        // With train and val JSON files the folder is ambiguous; the JSON path is not.
        try FileManager.default.copyItem(atPath: root + "/annotations/panoptic_train2017.json", toPath: root + "/annotations/panoptic_val2017.json")
        let ambiguous = try train("panoptic:" + root, out + "/n.safetensors")
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("several panoptic JSON"), "\(ambiguous.stderr)")
        let explicit = try train("panoptic:" + root + "/annotations/panoptic_train2017.json", out + "/n.safetensors", steps: 1)
        #expect(explicit.status == 0, "\(explicit.stderr)")

        // A PNG id missing from segments_info names the PNG.
        let pngPath = root + "/annotations/panoptic_train2017/000000000002.png"
        guard case .uint8(var png) = try ImageFile.read(pngPath).pixels else { Issue.record("not 8-bit"); return }
        png.data[0] = 9
        try ImageFile.write(png, to: pngPath)
        #expect { try dataset.example(1) } throws: { ($0 as? SegKitError)?.path == pngPath }
    }

    @Test func badDataIsReportedWithTheFile() throws {
        let out = try CLIRunner.temporaryFolder()
        #expect(try train("folder", out + "/m.safetensors").status == 2)
        #expect(try train("labels:", out + "/m.safetensors").status == 2)
        let missing = try train("labels:" + out + "/missing", out + "/m.safetensors")
        #expect(missing.status == 1 && missing.stderr.contains(out + "/missing"), "\(missing.stderr)")
        let empty = try CLIRunner.temporaryFolder()
        let none = try train("labels:" + empty, out + "/m.safetensors")
        #expect(none.status == 1 && none.stderr.contains("no images"), "\(none.stderr)")
        #expect(try train("panoptic:" + empty, out + "/m.safetensors").stderr.contains("no COCO panoptic JSON"))

        let data = try CLIRunner.temporaryFolder()
        let image = Image<Float>(width: 40, height: 36, channels: 3, repeating: 0.5)
        try ImageFile.write(image, to: data + "/a.png")
        let unlabelled = try train("labels:" + data, out + "/m.safetensors")
        #expect(unlabelled.status == 1 && unlabelled.stderr.contains(data + "/a.png") && unlabelled.stderr.contains("no label map"),
                "\(unlabelled.stderr)")
        try LabelPNG.write(LabelMap(width: 20, height: 20, repeating: 0), to: data + "/a-labels.png")
        let mismatch = try train("labels:" + data, out + "/m.safetensors")
        #expect(mismatch.status == 1 && mismatch.stderr.contains(data + "/a-labels.png") && mismatch.stderr.contains("20×20"),
                "\(mismatch.stderr)")
        try FileManager.default.removeItem(atPath: data + "/a.png")
        let orphan = try train("labels:" + data, out + "/m.safetensors")
        #expect(orphan.status == 1 && orphan.stderr.contains("a-labels.png") && orphan.stderr.contains("without an image"), "\(orphan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/m.safetensors"))
    }
}
