import Foundation
import Testing
import SegKitIO

/// The direct COCO JSON reader (used by `COCODataset(jsonBytes:)` and `COCOResult.decodeList`)
/// must give exactly what `JSONDecoder` gives, and leave every error to it.
@Suite struct COCOFastJSONTests {
    func randomMask(_ rng: inout SeededGenerator, height: Int, width: Int) throws -> RunLengthMask {
        var pixels = [Bool](repeating: false, count: height * width)
        var on = Bool.random(using: &rng)
        var i = 0
        while i < pixels.count {
            let run = Int.random(in: 1...max(1, pixels.count / 4), using: &rng)
            for k in i..<min(pixels.count, i + run) { pixels[k] = on }
            on.toggle()
            i += run
        }
        return RunLengthMask(try Mask(width: width, height: height, pixels: pixels))
    }

    @Test func resultsMatchJSONDecoder() throws {
        var rng = SeededGenerator(seed: 42)
        var results: [COCOResult] = []
        for k in 0..<300 {
            let h = Int.random(in: 1...40, using: &rng), w = Int.random(in: 1...50, using: &rng)
            let rle = try randomMask(&rng, height: h, width: w)
            let segmentation: COCOSegmentation? = switch k % 4 {
            case 0: .rle(rle, compressed: true)
            case 1: .rle(rle, compressed: false)
            case 2: .polygons([[1, 2.5, 3.25, 4, 0.1 + 0.2, 7], [Double(k), 1e-7, 123456789.123456789, 2]])
            default: nil
            }
            let box = k % 3 == 0 ? nil : BoundingBox(x: Double(k) / 7, y: 0.1, width: 1e3 / 3, height: 2)
            let score = [0.5, 0.73, 1.0 / 3.0, 1e-9, 0.1 + 0.2, 0.99999999999999989, Double(k)][k % 7]
            results.append(COCOResult(imageID: k, categoryID: k % 5 - 1, segmentation: segmentation, bbox: box, score: score))
        }
        // A first count of 44 encodes as "\\1": JSON escapes the backslash.
        let escaped = try RunLengthMask(height: 10, width: 10, counts: [44, 1, 55])
        #expect(escaped.compressedString.hasPrefix("\\"))
        results.append(COCOResult(imageID: 1, categoryID: 1, segmentation: .rle(escaped, compressed: true), bbox: nil, score: 0.5))
        let json = try JSONEncoder().encode(results)
        let fast = try COCOResult.decodeList(jsonBytes: json)
        let reference = try JSONDecoder().decode([COCOResult].self, from: json)
        #expect(fast == reference)
        #expect(fast == results)
    }

    @Test func unusualButValidJSONMatchesJSONDecoder() throws {
        let texts = [
            // white space everywhere, extra keys with nested values, null optionals, exponents, ints as scores
            " [ { \"extra\" : { \"a\" : [ 1 , { \"b\" : null } , \"x\\\"y\" ] } , \"image_id\" : 7 , \"category_id\" : -2 ,"
                + " \"score\" : 1E-3 , \"bbox\" : null , \"segmentation\" : null } , {\"image_id\":1,\"category_id\":1,\"score\":2,"
                + "\"bbox\":[1e2,-0.0,3.5E+1,4],\"segmentation\":{\"counts\":\"12\",\"size\":[1,3],\"more\":true}} ] ",
            "[]",
            // keys in another order, escaped slash and unicode escape in an ignored string
            "[{\"segmentation\":{\"size\":[2,2],\"counts\":[0,4]},\"score\":0.25,\"note\":\"a\\/b\\u00e9\",\"category_id\":3,\"image_id\":2}]",
            // a \\u escape inside counts is left to JSONDecoder
            "[{\"image_id\":1,\"category_id\":1,\"score\":1,\"segmentation\":{\"size\":[1,3],\"counts\":\"\\u0031\\u0032\"}}]",
            // 17 significant digits (strtod path)
            "[{\"image_id\":1,\"category_id\":1,\"score\":0.12345678901234567}]",
        ]
        for text in texts {
            let data = Data(text.utf8)
            #expect(try COCOResult.decodeList(jsonBytes: data) == JSONDecoder().decode([COCOResult].self, from: data), "\(text)")
        }
        let dataset = """
            {"info": {"year": 2017}, "licenses": [],
             "images": [{"id": 1, "width": 4, "height": 3, "file_name": "caf\\u00e9.png"}, {"file_name": "b.png", "id": 2, "height": 3, "width": 4}],
             "annotations": [{"id": 5, "image_id": 2, "category_id": 1, "area": null, "iscrowd": null, "bbox": null,
                              "segmentation": [[0, 0, 3, 0, 3, 2]]},
                             {"id": 6, "image_id": 1, "category_id": 1, "segmentation": {"counts": [1, 2, 9], "size": [3, 4]}, "iscrowd": 1}],
             "categories": [{"id": 1, "name": "tab\\tbed", "supercategory": null, "isthing": 1}]}
            """
        let data = Data(dataset.utf8)
        #expect(try COCODataset(jsonBytes: data) == JSONDecoder().decode(COCODataset.self, from: data))
        let plain = Data(dataset.replacingOccurrences(of: "caf\\u00e9", with: "cafe").utf8)
        #expect(try COCODataset(jsonBytes: plain) == JSONDecoder().decode(COCODataset.self, from: plain))
    }

    @Test func panopticFilesMatchJSONDecoder() throws {
        let folder = try Fixtures.temporaryFolder()
        let texts = [
            """
            {"info": {}, "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": null}, {"id": 2, "file_name": "b\\u00e9.jpg"}],
             "annotations": [{"image_id": 1, "file_name": "a.png", "segments_info": [
                 {"id": 5, "category_id": 1, "iscrowd": 0, "area": 12, "bbox": [0, 0, 2, 2]}, {"id": 16777215, "category_id": 2}]},
               {"segments_info": [], "file_name": "b.png", "image_id": 2}],
             "categories": [{"id": 1, "isthing": 1, "name": "x"}, {"id": 2, "isthing": null}]}
            """,
            "{\"annotations\": []}",
            "{\"annotations\": [{\"image_id\": 1, \"file_name\": \"a.png\", \"segments_info\": [{\"id\": 1, \"category_id\": 1, \"area\": 2.5}]}]}",
        ]
        for (k, text) in texts.enumerated() {
            let path = folder + "/\(k).json"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let reference = try? JSONDecoder().decode(COCOPanoptic.self, from: Data(text.utf8))
            let fast = try? COCOPanoptic.read(path)
            #expect(fast == reference, "\(text)")
        }
        #expect(throws: SegKitError.self) { try COCOPanoptic.read(folder + "/2.json") }
    }

    @Test func invalidInputStillGetsJSONDecoderErrors() throws {
        let cases = [
            "[{\"image_id\":1.5,\"category_id\":1,\"score\":1}]",
            "[{\"image_id\":1,\"category_id\":1,\"score\":\"high\"}]",
            "[{\"image_id\":1,\"category_id\":1,\"score\":1,\"bbox\":[1,2,3]}]",
            "[{\"image_id\":1,\"category_id\":1,\"score\":1,\"segmentation\":{\"counts\":\"12\",\"size\":[2,3]}}]",
            "[{\"image_id\":1,\"category_id\":1,\"score\":1}",
            "[{\"image_id\":1,\"category_id\":1,\"score\":1}] x",
        ]
        for text in cases {
            #expect(throws: SegKitError.self, "\(text)") { try COCOResult.decodeList(jsonBytes: Data(text.utf8)) }
        }
        do {
            _ = try COCOResult.decodeList(jsonBytes: Data("[{\"image_id\":1,\"category_id\":1,\"score\":1},{\"image_id\":1,\"score\":1}]".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("[1]") && error.description.contains("category_id"), "\(error)")
        }
    }
}
