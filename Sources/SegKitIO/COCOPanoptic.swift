#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SegKitEvaluation

/// COCO panoptic annotations: a JSON file (`annotations` with `file_name` and
/// `segments_info`, `categories` with `isthing`) and a folder of RGB PNGs whose pixel ids are
/// R + 256·G + 256²·B (0 = VOID).
public struct COCOPanoptic: Sendable, Equatable, Decodable {
    public struct SegmentInfo: Sendable, Equatable, Decodable {
        public var id: Int
        public var categoryID: Int
        public var isCrowd: Int?
        public var area: Int?
        enum CodingKeys: String, CodingKey { case id, categoryID = "category_id", isCrowd = "iscrowd", area }
    }

    public struct Annotation: Sendable, Equatable, Decodable {
        public var imageID: Int
        public var fileName: String
        public var segmentsInfo: [SegmentInfo]
        enum CodingKeys: String, CodingKey { case imageID = "image_id", fileName = "file_name", segmentsInfo = "segments_info" }
    }

    public struct Category: Sendable, Equatable, Decodable {
        public var id: Int
        public var isThing: Int?
        enum CodingKeys: String, CodingKey { case id, isThing = "isthing" }
    }

    /// An entry of `images`: the photograph an annotation (same `id` as its `image_id`) labels.
    public struct ImageInfo: Sendable, Equatable, Decodable {
        public var id: Int
        public var fileName: String
        public var width: Int?
        public var height: Int?
        enum CodingKeys: String, CodingKey { case id, fileName = "file_name", width, height }
    }

    public var annotations: [Annotation]
    public var categories: [Category]?
    /// The photographs (optional: evaluation needs only the PNGs).
    public var images: [ImageInfo]?

    /// Reads the JSON file.
    public static func read(_ path: String) throws(SegKitError) -> COCOPanoptic {
        let data = try FileAccess.read(path)
        return try SegKitError.attributed(to: path) { () throws(SegKitError) in try COCOJSON.decode(COCOPanoptic.self, from: data) }
    }

    /// Segment ids of a panoptic PNG (R + 256·G + 256²·B).
    /// - Parameter maxPixels: larger files (width × height) are refused; default 10⁸.
    public static func readIDs(_ path: String, maxPixels: Int = 100_000_000) throws(SegKitError) -> (width: Int, height: Int, ids: [Int]) {
        let decoded = try ImageFile.read(path, options: DecodeOptions(maxPixels: maxPixels))
        guard case .uint8(let image) = decoded.pixels, image.channels >= 3 else {
            throw SegKitError(.invalidData, "a panoptic PNG must be 8-bit RGB", path: path)
        }
        let n = image.pixelCount
        var ids = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let r = Int(image.data[i]), g = Int(image.data[n + i]), b = Int(image.data[2 * n + i])
            ids[i] = r + 256 * g + 65536 * b
        }
        return (image.width, image.height, ids)
    }

    /// The annotation of one image as an evaluation input (PNG read from `folder`).
    public func evaluationAnnotation(_ a: Annotation, folder: String) throws(SegKitError) -> PanopticQuality.Annotation {
        let (w, h, ids) = try COCOPanoptic.readIDs(folder + "/" + a.fileName)
        return try SegKitError.attributed(to: folder + "/" + a.fileName) { () throws(SegKitError) in
            try PanopticQuality.Annotation(width: w, height: h, ids: ids, segments: a.segmentsInfo.map {
                .init(id: $0.id, categoryID: $0.categoryID, isCrowd: ($0.isCrowd ?? 0) != 0, area: $0.area)
            })
        }
    }
}
