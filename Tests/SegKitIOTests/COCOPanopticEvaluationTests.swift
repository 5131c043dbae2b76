import Foundation
import Testing
import SegKitEvaluation
import SegKitIO

/// `COCOPanoptic.evaluate` (parallel, direct PNG-to-index reading) must equal the plain path:
/// `readIDs` + `PanopticQuality.Accumulator.add(groundTruth:prediction:)` image after image.
@Suite struct COCOPanopticEvaluationTests {
    static let width = 23, height = 17

    /// Writes `count` random pairs (random 24-bit ids, crowd regions, VOID) and returns the folder.
    func writePairs(count: Int, alpha: Bool = false) throws -> String {
        let folder = try Fixtures.temporaryFolder()
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true) }
        var rng = SeededGenerator(seed: 7)
        var gtAnnotations: [String] = [], predAnnotations: [String] = []
        let w = Self.width, h = Self.height
        for image in 0..<count {
            func render(_ ids: [Int]) -> [Int] {
                var map = [Int](repeating: 0, count: w * h)
                for (k, id) in ids.enumerated() {
                    let cx = Int.random(in: 0..<w, using: &rng), cy = Int.random(in: 0..<h, using: &rng), r = 2 + k % 6
                    for y in 0..<h { for x in 0..<w where (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r { map[y * w + x] = id } }
                }
                return map
            }
            let gtIDs = (0..<Int.random(in: 3...7, using: &rng)).map { _ in Int.random(in: 1..<(1 << 24), using: &rng) }
            var gt = render(gtIDs)
            for i in 0..<gt.count where Int.random(in: 0..<20, using: &rng) == 0 { gt[i] = 0 }
            var pred = gt
            for i in 0..<pred.count where Int.random(in: 0..<8, using: &rng) == 0 { pred[i] = gtIDs.randomElement(using: &rng)! }
            let extra = Int.random(in: 1..<(1 << 24), using: &rng)
            for i in 0..<6 { pred[(i * 31) % pred.count] = extra }
            func png(_ map: [Int], _ path: String) throws {
                var img = Image<UInt8>(width: w, height: h, channels: alpha ? 4 : 3)
                for y in 0..<h {
                    for x in 0..<w {
                        let v = map[y * w + x]
                        img[x: x, y: y, channel: 0] = UInt8(v & 255)
                        img[x: x, y: y, channel: 1] = UInt8((v >> 8) & 255)
                        img[x: x, y: y, channel: 2] = UInt8(v >> 16)
                        if alpha { img[x: x, y: y, channel: 3] = 255 }
                    }
                }
                try ImageFile.write(img, to: path)
            }
            let name = "\(image).png"
            try png(gt, folder + "/gt/" + name)
            try png(pred, folder + "/pred/" + name)
            let gtSegments = Set(gt).subtracting([0]).sorted().map { id in
                "{\"id\": \(id), \"category_id\": \(1 + id % 3), \"iscrowd\": \(id % 5 == 0 ? 1 : 0), \"area\": \(gt.filter { $0 == id }.count)}"
            }
            let predSegments = Set(pred).subtracting([0]).sorted().map { id in "{\"id\": \(id), \"category_id\": \(1 + (id / 7) % 3)}" }
            gtAnnotations.append("{\"image_id\": \(image), \"file_name\": \"\(name)\", \"segments_info\": [\(gtSegments.joined(separator: ","))]}")
            predAnnotations.append("{\"image_id\": \(image), \"file_name\": \"\(name)\", \"segments_info\": [\(predSegments.joined(separator: ","))]}")
        }
        let categories = "[{\"id\": 1, \"isthing\": 1}, {\"id\": 2, \"isthing\": 1}, {\"id\": 3, \"isthing\": 0}]"
        try Data("{\"annotations\": [\(gtAnnotations.joined(separator: ","))], \"categories\": \(categories)}".utf8)
            .write(to: URL(fileURLWithPath: folder + "/gt.json"))
        try Data("{\"annotations\": [\(predAnnotations.joined(separator: ","))]}".utf8).write(to: URL(fileURLWithPath: folder + "/pred.json"))
        return folder
    }

    func plainReport(_ folder: String) throws -> PanopticQuality.Report {
        let truth = try COCOPanoptic.read(folder + "/gt.json"), prediction = try COCOPanoptic.read(folder + "/pred.json")
        var accumulator = PanopticQuality.Accumulator(categories: truth.categories!.map { .init(id: $0.id, isThing: $0.isThing == 1) })
        for (g, p) in zip(truth.annotations, prediction.annotations) {
            try accumulator.add(groundTruth: truth.evaluationAnnotation(g, folder: folder + "/gt"),
                                prediction: prediction.evaluationAnnotation(p, folder: folder + "/pred"))
        }
        return accumulator.report
    }

    @Test(arguments: [false, true])
    func equalsThePlainPathOnAnyThreadCount(alpha: Bool) throws {
        let folder = try writePairs(count: 300, alpha: alpha)
        let truth = try COCOPanoptic.read(folder + "/gt.json"), prediction = try COCOPanoptic.read(folder + "/pred.json")
        let expected = try plainReport(folder)
        #expect(expected.all.count > 0)
        for threads in [1, 4] {
            var seen: [Int] = []
            let report = try Parallel.withThreadLimit(threads) {
                try truth.evaluate(folder: folder + "/gt", prediction: prediction, folder: folder + "/pred") { seen.append($0) }
            }
            #expect(report == expected, "threads \(threads)")
            #expect(seen == [256, 300])
        }
    }

    @Test func errorsNameTheFile() throws {
        let folder = try writePairs(count: 3)
        let truth = try COCOPanoptic.read(folder + "/gt.json"), prediction = try COCOPanoptic.read(folder + "/pred.json")
        // A gray PNG is not a panoptic PNG; a missing file is reported as such.
        try ImageFile.write(Image<UInt8>(width: Self.width, height: Self.height, channels: 1), to: folder + "/pred/1.png")
        try FileManager.default.removeItem(atPath: folder + "/pred/2.png")
        do {
            _ = try truth.evaluate(folder: folder + "/gt", prediction: prediction, folder: folder + "/pred")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasSuffix("pred/1.png: a panoptic PNG must be 8-bit RGB"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: folder + "/pred/1.png")
        do {
            _ = try truth.evaluate(folder: folder + "/gt", prediction: prediction, folder: folder + "/pred")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("pred/1.png") && error.description.contains("no such file"), "\(error)")
        }
    }
}
