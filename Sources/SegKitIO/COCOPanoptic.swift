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
        return try SegKitError.attributed(to: path) { () throws(SegKitError) in try COCOPanoptic(jsonBytes: data) }
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

    /// Panoptic quality of `prediction` against these annotations, as panopticapi's `pq_compute`
    /// (single-process sums, so the numbers are identical to the reference bit for bit): every
    /// ground-truth image needs a prediction with the same `image_id` (the last one listed wins,
    /// as in panopticapi); PNGs are read from `folder` and `predictionFolder`.
    ///
    /// Images are read and compared in parallel (``Parallel``) in blocks, and their statistics are
    /// added in annotation order, so results do not depend on the thread count. The first error in
    /// annotation order is thrown, naming its file.
    /// - Parameter progress: called on the calling thread with the number of images done so far.
    /// - Throws: `SegKitError` for missing categories or predictions, unreadable PNGs, or the
    ///   inconsistencies panopticapi rejects.
    public func evaluate(folder: String, prediction: COCOPanoptic, folder predictionFolder: String, maxPixels: Int = 100_000_000,
                         progress: ((Int) -> Void)? = nil) throws(SegKitError) -> PanopticQuality.Report
    {
        guard let categories else { throw .invalidData("ground-truth JSON has no categories") }
        var accumulator = PanopticQuality.Accumulator(categories: categories.map { .init(id: $0.id, isThing: ($0.isThing ?? 0) == 1) })
        let known = Set(categories.map(\.id))
        var predicted: [Int: Annotation] = [:]
        for p in prediction.annotations { predicted[p.imageID] = p }
        var pairs: [(Annotation, Annotation)] = []
        for a in annotations {
            guard let p = predicted[a.imageID] else { throw .invalidData("no prediction for image \(a.imageID)") }
            pairs.append((a, p))
        }
        let block = 256
        var results = [Result<PanopticQuality.ImageStatistics, SegKitError>?](repeating: nil, count: min(block, pairs.count))
        var start = 0
        while start < pairs.count {
            let count = min(block, pairs.count - start)
            results.withUnsafeMutableBufferPointer { buffer in
                let out = SendablePointer(buffer.baseAddress!)
                pairs.withUnsafeBufferPointer { source in
                    let input = SendableConstPointer(source.baseAddress! + start)
                    Parallel.forEachChunk(count: count, chunkSize: 16) { _, range in
                        var reader = PanopticReader()
                        for i in range {
                            let (g, p) = input[i]
                            out[i] = Result { () throws(SegKitError) in
                                try reader.statistics(g, folder, p, predictionFolder, known: known, maxPixels: maxPixels)
                            }
                        }
                    }
                }
            }
            for i in 0..<count {
                switch results[i]! {
                case .success(let s): accumulator.add(s)
                case .failure(let e): throw e
                }
            }
            start += count
            progress?(start)
        }
        return accumulator.report
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

/// Reads panoptic PNG pairs into dense id indices with reusable buffers (one reader per thread).
struct PanopticReader {
    var file: [UInt8] = []
    var samples: [UInt8] = []
    var gtIndex: [Int32] = [], predIndex: [Int32] = []

    mutating func statistics(_ g: COCOPanoptic.Annotation, _ gtFolder: String, _ p: COCOPanoptic.Annotation, _ predFolder: String,
                             known: Set<Int>, maxPixels: Int) throws(SegKitError) -> PanopticQuality.ImageStatistics
    {
        func segments(_ a: COCOPanoptic.Annotation) -> [PanopticQuality.Segment] {
            a.segmentsInfo.map { .init(id: $0.id, categoryID: $0.categoryID, isCrowd: ($0.isCrowd ?? 0) != 0, area: $0.area) }
        }
        let gtPath = gtFolder + "/" + g.fileName, predPath = predFolder + "/" + p.fileName
        var gi = gtIndex, pi = predIndex
        gtIndex = []
        predIndex = []
        defer {
            gtIndex = gi
            predIndex = pi
        }
        let truth = try read(gtPath, into: &gi, maxPixels: maxPixels)
        let guess = try read(predPath, into: &pi, maxPixels: maxPixels)
        return try SegKitError.attributed(to: predPath) { () throws(SegKitError) in
            guard truth.width == guess.width, truth.height == guess.height else {
                throw .shapeMismatch("prediction is \(guess.width)×\(guess.height), ground truth \(truth.width)×\(truth.height)")
            }
            let n = truth.width * truth.height
            return try gi.withUnsafeBufferPointer { gb throws(SegKitError) in
                try pi.withUnsafeBufferPointer { pb throws(SegKitError) in
                    try PanopticQuality.statistics(groundTruthIndex: UnsafeBufferPointer(rebasing: gb[0..<n]), ids: truth.ids, segments: segments(g),
                                                   predictionIndex: UnsafeBufferPointer(rebasing: pb[0..<n]), ids: guess.ids, segments: segments(p),
                                                   categoryIDs: known)
                }
            }
        }
    }

    /// Decodes the panoptic PNG at `path` into dense indices of its ids (R + 256·G + 256²·B), in
    /// one pass over the pixels; same ids and errors as ``COCOPanoptic/readIDs(_:maxPixels:)``.
    mutating func read(_ path: String, into index: inout [Int32], maxPixels: Int) throws(SegKitError) -> (width: Int, height: Int, ids: [Int]) {
        let size = try FileAccess.read(path, into: &file)
        var samples = self.samples
        self.samples = []  // keeps the buffer uniquely referenced (no copy on write)
        defer { self.samples = samples }
        let attempt = file.withUnsafeBytes { raw in
            Result { () throws(SegKitError) -> (width: Int, height: Int, channels: Int)? in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<size])
                guard ImageFormat.detect(bytes) == .png else { return nil }
                return try PNGCodec.decodeInterleaved8(bytes, into: &samples, maxPixels: maxPixels)
            }
        }
        let decoded = try attempt.mapError { $0.at(path: path) }.get()
        guard let (w, h, c) = decoded, c >= 3 else {
            // Not an 8-bit RGB(A) PNG: the general reader gives the ids or the usual error.
            let (w, h, ids) = try COCOPanoptic.readIDs(path, maxPixels: maxPixels)
            var distinct: [Int] = []
            index = ids.withUnsafeBufferPointer { b in
                let (i, d) = PanopticReader.dense(b.count) { b[$0] }
                distinct = d
                return i
            }
            return (w, h, distinct)
        }
        let n = w * h
        if index.count < n { index = [Int32](repeating: 0, count: n) }
        var distinct: [Int] = []
        samples.withUnsafeBufferPointer { s in
            index.withUnsafeMutableBufferPointer { out in
                var table = IDTable()
                var last = UInt32.max, lastIndex: Int32 = 0  // no 24-bit id equals UInt32.max
                let o = out.baseAddress!
                @inline(__always) func lookUp(_ v: UInt32) {
                    lastIndex = table.index(of: v, next: Int32(truncatingIfNeeded: distinct.count))
                    if Int(lastIndex) == distinct.count { distinct.append(Int(v)) }
                    last = v
                }
                if s.count >= n * c + 1 {
                    // Whole 32-bit loads (the buffer has a spare byte after the last pixel).
                    var p = UnsafeRawPointer(s.baseAddress!)
                    for i in 0..<n {
                        let v = p.loadUnaligned(as: UInt32.self).littleEndian & 0xFF_FFFF
                        if v != last { lookUp(v) }
                        o[i] = lastIndex
                        p += c
                    }
                } else {
                    for i in 0..<n {
                        let q = i &* c
                        let v = UInt32(s[q]) | UInt32(s[q + 1]) << 8 | UInt32(s[q + 2]) << 16
                        if v != last { lookUp(v) }
                        o[i] = lastIndex
                    }
                }
            }
        }
        return (w, h, distinct)
    }

    static func dense(_ n: Int, _ id: (Int) -> Int) -> ([Int32], [Int]) {
        var table: [Int: Int32] = [:], distinct: [Int] = []
        let index = (0..<n).map { i -> Int32 in
            let v = id(i)
            if let k = table[v] { return k }
            let k = Int32(distinct.count)
            table[v] = k
            distinct.append(v)
            return k
        }
        return (index, distinct)
    }
}

/// Dense indices of 24-bit ids: a small open-addressing hash table (a Swift `Dictionary` hashes
/// with SipHash, which dominated the pass over the pixels).
struct IDTable {
    static let empty = UInt32.max
    var keys = [UInt32](repeating: IDTable.empty, count: 64)
    var values = [Int32](repeating: 0, count: 64)
    var count = 0

    /// The index of `id`, inserting it with index `next` when new.
    @inline(__always)
    mutating func index(of id: UInt32, next: Int32) -> Int32 {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (id &* 0x9E37_79B1) >> 16) & mask
        while true {
            let k = keys[slot]
            if k == id { return values[slot] }
            if k == IDTable.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = id
        values[slot] = next
        count += 1
        if count * 2 > keys.count { grow() }
        return next
    }

    mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt32](repeating: IDTable.empty, count: oldKeys.count * 2)
        values = [Int32](repeating: 0, count: oldKeys.count * 2)
        let mask = keys.count - 1
        for (k, v) in zip(oldKeys, oldValues) where k != IDTable.empty {
            var slot = Int(truncatingIfNeeded: (k &* 0x9E37_79B1) >> 16) & mask
            while keys[slot] != IDTable.empty { slot = (slot + 1) & mask }
            keys[slot] = k
            values[slot] = v
        }
    }
}

extension COCOPanoptic {
    /// Parses panoptic annotations from JSON bytes.
    /// - Throws: `SegKitError.invalidData` naming the JSON path at fault.
    public init(jsonBytes: Data) throws(SegKitError) {
        if let fast = COCOFastJSON.read(jsonBytes, { $0.panoptic() }) {
            self = fast
            return
        }
        self = try COCOJSON.decode(COCOPanoptic.self, from: jsonBytes)
    }
}
