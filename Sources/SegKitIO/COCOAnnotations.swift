#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shape of one COCO object: polygons, or a run-length mask (uncompressed `counts` list or
/// compressed string — both decode to the same ``RunLengthMask``).
public enum COCOSegmentation: Sendable, Equatable {
    /// Polygons `[x0, y0, x1, y1, …]` in pixel coordinates.
    case polygons([[Double]])
    /// A run-length mask; `compressed` records which JSON form it came in (and is written in).
    case rle(RunLengthMask, compressed: Bool)

    /// The mask as an RLE on a `height`×`width` image (polygons rasterised and merged exactly as
    /// pycocotools' `annToRLE`).
    /// - Throws: `SegKitError.invalidData` for polygons with absurd coordinates.
    public func runLengthMask(height: Int, width: Int) throws(SegKitError) -> RunLengthMask {
        switch self {
        case .polygons(let polygons): try RunLengthMask(polygons: polygons, height: height, width: width)
        case .rle(let rle, _): rle
        }
    }
}

extension COCOSegmentation: Codable {
    private struct RLEObject: Codable {
        var counts: Counts
        var size: [Int]
        enum Counts: Codable {
            case list([UInt32])
            case string(String)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .string(s) } else { self = .list(try c.decode([UInt32].self)) }
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                switch self {
                case .list(let l): try c.encode(l)
                case .string(let s): try c.encode(s)
                }
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let polygons = try? container.decode([[Double]].self) {
            self = .polygons(polygons)
            return
        }
        let object = try container.decode(RLEObject.self)
        guard object.size.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "RLE size must be [height, width]")
        }
        do {
            switch object.counts {
            case .list(let counts):
                self = .rle(try RunLengthMask(height: object.size[0], width: object.size[1], counts: counts), compressed: false)
            case .string(let text):
                self = .rle(try RunLengthMask(compressed: text, height: object.size[0], width: object.size[1]), compressed: true)
            }
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .polygons(let p): try container.encode(p)
        case .rle(let rle, let compressed):
            try container.encode(RLEObject(counts: compressed ? .string(rle.compressedString) : .list(rle.counts),
                                           size: [rle.height, rle.width]))
        }
    }
}

/// A COCO instance-segmentation dataset file (`images`, `annotations`, `categories`).
public struct COCODataset: Sendable, Equatable, Codable {
    public struct ImageInfo: Sendable, Equatable, Codable {
        public var id: Int
        public var width: Int
        public var height: Int
        public var fileName: String
        public init(id: Int, width: Int, height: Int, fileName: String) {
            self.id = id
            self.width = width
            self.height = height
            self.fileName = fileName
        }
        enum CodingKeys: String, CodingKey { case id, width, height, fileName = "file_name" }
    }

    public struct Category: Sendable, Equatable, Codable {
        public var id: Int
        public var name: String
        public var supercategory: String?
        /// 1 for things, 0 for stuff (COCO panoptic categories); nil when absent.
        public var isThing: Int?
        public init(id: Int, name: String, supercategory: String? = nil, isThing: Int? = nil) {
            self.id = id
            self.name = name
            self.supercategory = supercategory
            self.isThing = isThing
        }
        enum CodingKeys: String, CodingKey { case id, name, supercategory, isThing = "isthing" }
    }

    public struct Annotation: Sendable, Equatable, Codable {
        public var id: Int
        public var imageID: Int
        public var categoryID: Int
        public var segmentation: COCOSegmentation?
        /// Area in pixels as stored in the file (COCO evaluation's area ranges use it).
        public var area: Double?
        public var bbox: BoundingBox?
        public var isCrowd: Bool
        public init(id: Int, imageID: Int, categoryID: Int, segmentation: COCOSegmentation?, area: Double?,
                    bbox: BoundingBox?, isCrowd: Bool = false) {
            self.id = id
            self.imageID = imageID
            self.categoryID = categoryID
            self.segmentation = segmentation
            self.area = area
            self.bbox = bbox
            self.isCrowd = isCrowd
        }
        enum CodingKeys: String, CodingKey {
            case id, imageID = "image_id", categoryID = "category_id", segmentation, area, bbox, isCrowd = "iscrowd"
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int.self, forKey: .id)
            imageID = try c.decode(Int.self, forKey: .imageID)
            categoryID = try c.decode(Int.self, forKey: .categoryID)
            segmentation = try c.decodeIfPresent(COCOSegmentation.self, forKey: .segmentation)
            area = try c.decodeIfPresent(Double.self, forKey: .area)
            bbox = try c.decodeIfPresent([Double].self, forKey: .bbox).map { b throws in
                guard b.count == 4 else {
                    throw DecodingError.dataCorruptedError(forKey: .bbox, in: c, debugDescription: "bbox must have 4 numbers")
                }
                return BoundingBox(x: b[0], y: b[1], width: b[2], height: b[3])
            }
            isCrowd = try (c.decodeIfPresent(Int.self, forKey: .isCrowd) ?? 0) != 0
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(imageID, forKey: .imageID)
            try c.encode(categoryID, forKey: .categoryID)
            try c.encodeIfPresent(segmentation, forKey: .segmentation)
            try c.encodeIfPresent(area, forKey: .area)
            try c.encodeIfPresent(bbox?.xywh, forKey: .bbox)
            try c.encode(isCrowd ? 1 : 0, forKey: .isCrowd)
        }
    }

    public var images: [ImageInfo]
    public var annotations: [Annotation]
    public var categories: [Category]

    public init(images: [ImageInfo], annotations: [Annotation], categories: [Category]) {
        self.images = images
        self.annotations = annotations
        self.categories = categories
    }

    enum CodingKeys: String, CodingKey { case images, annotations, categories }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        images = try c.decode([ImageInfo].self, forKey: .images)
        annotations = try c.decodeIfPresent([Annotation].self, forKey: .annotations) ?? []
        categories = try c.decodeIfPresent([Category].self, forKey: .categories) ?? []
    }

    /// Parses a dataset from JSON bytes.
    /// - Throws: `SegKitError.invalidData` naming the JSON path at fault
    ///   (e.g. `annotations[17].segmentation`).
    public init(jsonBytes: Data) throws(SegKitError) {
        if let fast = COCOFastJSON.read(jsonBytes, { $0.dataset() }) {
            self = fast
            return
        }
        self = try COCOJSON.decode(COCODataset.self, from: jsonBytes)
    }

    /// Reads a dataset file.
    public static func read(_ path: String) throws(SegKitError) -> COCODataset {
        let data = try FileAccess.read(path)
        do { return try COCODataset(jsonBytes: data) } catch { throw error.at(path: path) }
    }

    /// Writes the dataset as JSON, one record at a time, atomically.
    public func write(to path: String) throws(SegKitError) {
        try COCOJSON.writeStreaming(to: path) { (sink: inout COCOJSON.Sink) throws(SegKitError) in
            sink.raw("{\"images\":[")
            for (i, image) in images.enumerated() { try sink.record(image, first: i == 0) }
            sink.raw("],\"annotations\":[")
            for (i, a) in annotations.enumerated() { try sink.record(a, first: i == 0) }
            sink.raw("],\"categories\":[")
            for (i, c) in categories.enumerated() { try sink.record(c, first: i == 0) }
            sink.raw("]}")
        }
    }
}

/// One detection in a COCO results file (a JSON array of these).
public struct COCOResult: Sendable, Equatable, Codable {
    public var imageID: Int
    public var categoryID: Int
    public var segmentation: COCOSegmentation?
    public var bbox: BoundingBox?
    public var score: Double

    public init(imageID: Int, categoryID: Int, segmentation: COCOSegmentation?, bbox: BoundingBox?, score: Double) {
        self.imageID = imageID
        self.categoryID = categoryID
        self.segmentation = segmentation
        self.bbox = bbox
        self.score = score
    }

    enum CodingKeys: String, CodingKey { case imageID = "image_id", categoryID = "category_id", segmentation, bbox, score }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageID = try c.decode(Int.self, forKey: .imageID)
        categoryID = try c.decode(Int.self, forKey: .categoryID)
        segmentation = try c.decodeIfPresent(COCOSegmentation.self, forKey: .segmentation)
        bbox = try c.decodeIfPresent([Double].self, forKey: .bbox).map { b throws in
            guard b.count == 4 else {
                throw DecodingError.dataCorruptedError(forKey: .bbox, in: c, debugDescription: "bbox must have 4 numbers")
            }
            return BoundingBox(x: b[0], y: b[1], width: b[2], height: b[3])
        }
        score = try c.decode(Double.self, forKey: .score)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(imageID, forKey: .imageID)
        try c.encode(categoryID, forKey: .categoryID)
        try c.encodeIfPresent(segmentation, forKey: .segmentation)
        try c.encodeIfPresent(bbox?.xywh, forKey: .bbox)
        try c.encode(score, forKey: .score)
    }

    /// Parses a results file (a JSON array).
    public static func decodeList(jsonBytes: Data) throws(SegKitError) -> [COCOResult] {
        if let fast = COCOFastJSON.read(jsonBytes, { $0.results() }) { return fast }
        return try COCOJSON.decode([COCOResult].self, from: jsonBytes)
    }

    /// Reads a results file.
    public static func readList(_ path: String) throws(SegKitError) -> [COCOResult] {
        let data = try FileAccess.read(path)
        do { return try decodeList(jsonBytes: data) } catch { throw error.at(path: path) }
    }

    /// Writes a results file, one record at a time, atomically.
    public static func writeList(_ results: [COCOResult], to path: String) throws(SegKitError) {
        try COCOJSON.writeStreaming(to: path) { (sink: inout COCOJSON.Sink) throws(SegKitError) in
            sink.raw("[")
            for (i, r) in results.enumerated() { try sink.record(r, first: i == 0) }
            sink.raw("]")
        }
    }
}
