import Foundation
import Testing
import SegKitIO

@Suite struct COCOAnnotationsTests {
    static let sample = """
        {"images": [{"id": 1, "width": 4, "height": 3, "file_name": "a.png", "license": 0}],
         "annotations": [
           {"id": 10, "image_id": 1, "category_id": 2, "iscrowd": 0, "area": 4.5, "bbox": [0, 0, 2, 2],
            "segmentation": [[0.5, 0.5, 2.5, 0.5, 2.5, 2.5]]},
           {"id": 11, "image_id": 1, "category_id": 3, "iscrowd": 1, "area": 3,
            "segmentation": {"counts": [1, 2, 9], "size": [3, 4]}},
           {"id": 12, "image_id": 1, "category_id": 3, "segmentation": {"counts": "129", "size": [3, 4]}}],
         "categories": [{"id": 2, "name": "thing", "isthing": 1}, {"id": 3, "name": "stuff"}]}
        """

    @Test func readsAllSegmentationForms() throws {
        let dataset = try COCODataset(jsonBytes: Data(Self.sample.utf8))
        #expect(dataset.images == [.init(id: 1, width: 4, height: 3, fileName: "a.png")])
        #expect(dataset.annotations.count == 3)
        #expect(dataset.annotations[0].bbox == BoundingBox(x: 0, y: 0, width: 2, height: 2))
        #expect(dataset.annotations[1].isCrowd && !dataset.annotations[2].isCrowd)
        guard case .rle(let rle, compressed: false) = dataset.annotations[1].segmentation else {
            Issue.record("expected uncompressed RLE")
            return
        }
        #expect(rle.counts == [1, 2, 9] && rle.area == 2)
        guard case .rle(let packed, compressed: true) = dataset.annotations[2].segmentation else {
            Issue.record("expected compressed RLE")
            return
        }
        #expect(packed.counts == [1, 2, 9])
        #expect(dataset.categories[0].isThing == 1 && dataset.categories[1].isThing == nil)
    }

    @Test func writeThenReadIsIdentity() throws {
        let dataset = try COCODataset(jsonBytes: Data(Self.sample.utf8))
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/instances.json"
        try dataset.write(to: path)
        #expect(try COCODataset.read(path) == dataset)
        let results = [COCOResult(imageID: 1, categoryID: 2, segmentation: dataset.annotations[2].segmentation,
                                  bbox: BoundingBox(x: 1, y: 1, width: 2, height: 1), score: 0.75)]
        try COCOResult.writeList(results, to: folder + "/results.json")
        #expect(try COCOResult.readList(folder + "/results.json") == results)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["instances.json", "results.json"])
    }

    @Test func errorsNameTheJSONPath() throws {
        let broken = Self.sample.replacingOccurrences(of: "\"counts\": \"129\"", with: "\"counts\": \"1~\"")
        do {
            _ = try COCODataset(jsonBytes: Data(broken.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("annotations[2].segmentation"), "\(error)")
        }
        let missing = Self.sample.replacingOccurrences(of: "\"image_id\": 1, \"category_id\": 2,", with: "")
        do {
            _ = try COCODataset(jsonBytes: Data(missing.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("annotations[0]") && error.description.contains("image_id"), "\(error)")
        }
        #expect(throws: SegKitError.self) { try COCODataset(jsonBytes: Data("{\"images\": [".utf8)) }
        #expect(throws: SegKitError.self) { try COCOResult.decodeList(jsonBytes: Data("[{\"image_id\": 1}]".utf8)) }
    }

    @Test func polygonSegmentationRasterisesLikeAnnToRLE() throws {
        let dataset = try COCODataset(jsonBytes: Data(Self.sample.utf8))
        let rle = try dataset.annotations[0].segmentation!.runLengthMask(height: 3, width: 4)
        #expect(try rle == RunLengthMask(polygons: [[0.5, 0.5, 2.5, 0.5, 2.5, 2.5]], height: 3, width: 4))
        #expect(rle.area > 0)
    }
}
