#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A direct reader for the two large COCO files — results lists and instance datasets — that
/// builds `COCOResult` / `COCODataset` values straight from the bytes, without `JSONDecoder`'s
/// intermediate tree and `Codable` machinery (about 10× faster on a 150 MB results file).
///
/// It accepts exactly what the `Codable` path accepts and produces the same values; whenever it
/// meets anything it does not handle (invalid JSON, a missing or mistyped field, a number that is
/// not a plain integer where an integer is expected, a string escape in a name, an invalid RLE)
/// it gives up and returns nil, and the caller decodes with `JSONDecoder`, which then produces
/// the value or the usual error message naming the JSON path.
struct COCOFastJSON {
    let base: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    /// Reused buffer for strings with escapes.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    /// Runs a reader over `data`; nil when the data is empty or the reader gives up.
    static func read<T>(_ data: Data, _ body: (inout COCOFastJSON) -> T?) -> T? {
        data.withUnsafeBytes { raw -> T? in
            guard raw.count > 0 else { return nil }
            var reader = COCOFastJSON(raw)
            guard let value = body(&reader) else { return nil }
            reader.skipSpace()
            return reader.i == reader.end ? value : nil
        }
    }

    // MARK: - Lexical level

    @inline(__always) mutating func skipSpace() {
        while i < end {
            let c = base[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Skips white space and consumes `c` if it comes next.
    @inline(__always) mutating func consume(_ c: UInt8) -> Bool {
        skipSpace()
        guard i < end, base[i] == c else { return false }
        i += 1
        return true
    }

    @inline(__always) mutating func peek() -> UInt8? {
        skipSpace()
        return i < end ? base[i] : nil
    }

    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard i + n <= end else { return false }
        let p = text.utf8Start
        for k in 0..<n where base[i + k] != p[k] { return false }
        i += n
        return true
    }

    /// Consumes `null` if it comes next.
    mutating func null() -> Bool {
        skipSpace()
        return i < end && base[i] == UInt8(ascii: "n") && literal("null")
    }

    /// A string's raw bytes (between the quotes) when it has no escapes; nil otherwise (the
    /// position is then unchanged).
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        skipSpace()
        guard i < end, base[i] == UInt8(ascii: "\"") else { return nil }
        var j = i + 1
        while j < end {
            let c = base[j]
            if c == UInt8(ascii: "\"") {
                let out = UnsafeBufferPointer(start: base + i + 1, count: j - i - 1)
                i = j + 1
                return out
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            j += 1
        }
        return nil
    }

    /// Reads a string (which must come next) into `scratch` with escapes resolved; false for
    /// anything else, and for `\u` escapes (left to JSONDecoder).
    mutating func unescapedString() -> Bool {
        skipSpace()
        guard i < end, base[i] == UInt8(ascii: "\"") else { return false }
        scratch.removeAll(keepingCapacity: true)
        var j = i + 1, run = j
        while j < end {
            let c = base[j]
            if c == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + run, count: j - run))
                i = j + 1
                return true
            }
            if c < 0x20 { return false }
            guard c == UInt8(ascii: "\\") else {
                j += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + run, count: j - run))
            guard j + 1 < end else { return false }
            switch base[j + 1] {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            default: return false
            }
            j += 2
            run = j
        }
        return false
    }

    /// A string's bytes with escapes resolved; the body sees them.
    mutating func string<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        if let plain = plainString() { return body(plain) }
        guard unescapedString() else { return nil }
        return scratch.withUnsafeBufferPointer(body)
    }

    /// A string value as a Swift `String`.
    mutating func swiftString() -> String? {
        string { bytes in String(validating: bytes, as: UTF8.self) }
    }

    /// An object key (no escapes) compared byte for byte.
    @inline(__always) static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: StaticString) -> Bool {
        guard a.count == b.utf8CodeUnitCount else { return false }
        return memcmp(a.baseAddress!, b.utf8Start, a.count) == 0
    }

    /// The extent of a JSON number, validated against the JSON grammar; `integral` when it has no
    /// fraction or exponent.
    mutating func numberToken() -> (start: Int, count: Int, integral: Bool)? {
        skipSpace()
        let start = i
        var j = i
        func digit(_ k: Int) -> Bool { k < end && base[k] >= 0x30 && base[k] <= 0x39 }
        if j < end && base[j] == UInt8(ascii: "-") { j += 1 }
        guard digit(j) else { return nil }
        if base[j] == 0x30 { j += 1 } else { while digit(j) { j += 1 } }
        var integral = true
        if j < end && base[j] == UInt8(ascii: ".") {
            integral = false
            j += 1
            guard digit(j) else { return nil }
            while digit(j) { j += 1 }
        }
        if j < end && (base[j] == UInt8(ascii: "e") || base[j] == UInt8(ascii: "E")) {
            integral = false
            j += 1
            if j < end && (base[j] == UInt8(ascii: "+") || base[j] == UInt8(ascii: "-")) { j += 1 }
            guard digit(j) else { return nil }
            while digit(j) { j += 1 }
        }
        i = j
        return (start, j - start, integral)
    }

    /// An integer written without fraction or exponent that fits in Int.
    mutating func int() -> Int? {
        guard let (start, count, integral) = numberToken(), integral else { return nil }
        var k = start
        let negative = base[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var value = 0
        while k < start + count {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(base[k] - 0x30))
            guard !o1, !o2 else { return nil }
            value = a
            k += 1
        }
        return negative ? -value : value
    }

    static let exactPowersOfTen: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }

    /// A number as the correctly rounded Double (as `JSONDecoder` and Python read it).
    mutating func double() -> Double? {
        guard let (start, count, integral) = numberToken() else { return nil }
        // Fast path (Clinger): at most 15 significant digits and 22 fraction digits, no exponent:
        // an exact integer divided by an exact power of ten rounds correctly.
        var k = start
        let negative = base[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var mantissa: Int64 = 0, digits = 0, fraction = 0, afterPoint = false, simple = true
        while k < start + count {
            let c = base[k]
            if c == UInt8(ascii: ".") {
                afterPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                if digits > 0 || c != 0x30 { digits += 1 }
                mantissa = mantissa &* 10 &+ Int64(c - 0x30)
                if afterPoint { fraction += 1 }
            } else {
                simple = false
                break
            }
            k += 1
        }
        if simple && digits <= 15 && fraction <= 22 {
            var v = Double(mantissa)
            if fraction > 0 { v /= COCOFastJSON.exactPowersOfTen[fraction] }
            return negative ? -v : v
        }
        _ = integral
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double? in
            for n in 0..<count { buffer[n] = CChar(bitPattern: base[start + n]) }
            buffer[count] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let v = strtod(buffer.baseAddress!, &stop)
            guard stop == buffer.baseAddress! + count, v.isFinite else { return nil }
            return v
        }
    }

    /// Skips any JSON value.
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 512, let c = peek() else { return false }
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            if consume(UInt8(ascii: "}")) { return true }
            repeat {
                guard skipString(), consume(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            i += 1
            if consume(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]"))
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return numberToken() != nil
        }
    }

    mutating func skipString() -> Bool {
        skipSpace()
        guard i < end, base[i] == UInt8(ascii: "\"") else { return false }
        var j = i + 1
        while j < end {
            let c = base[j]
            if c == UInt8(ascii: "\"") {
                i = j + 1
                return true
            }
            if c < 0x20 { return false }
            j += c == UInt8(ascii: "\\") ? 2 : 1
        }
        return false
    }

    /// Calls `element` for each element of an array (which must come next); false on any failure.
    mutating func array(_ element: (inout COCOFastJSON) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    /// Calls `member` with each key of an object (which must come next), positioned at its value;
    /// `member` consumes the value (or returns false).
    mutating func object(_ member: (inout COCOFastJSON, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = plainString(), consume(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    // MARK: - COCO values

    mutating func doubles() -> [Double]? {
        var out: [Double] = []
        guard array({ r in
            guard let v = r.double() else { return false }
            out.append(v)
            return true
        }) else { return nil }
        return out
    }

    /// `bbox`: null, or exactly four numbers (others are left to the Codable path's error).
    mutating func box() -> BoundingBox?? {
        if null() { return .some(nil) }
        guard let b = doubles(), b.count == 4 else { return nil }
        return .some(BoundingBox(x: b[0], y: b[1], width: b[2], height: b[3]))
    }

    /// `segmentation`: null, polygons, or an RLE object with compressed or uncompressed counts.
    mutating func segmentation() -> COCOSegmentation?? {
        if null() { return .some(nil) }
        guard let c = peek() else { return nil }
        if c == UInt8(ascii: "[") {
            var polygons: [[Double]] = []
            guard array({ r in
                guard let p = r.doubles() else { return false }
                polygons.append(p)
                return true
            }) else { return nil }
            return .some(.polygons(polygons))
        }
        var size: [Int]?
        enum Counts { case plain(Int, Int), escaped, list([UInt32]) }
        var counts: Counts?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "size") {
                var s: [Int] = []
                guard r.array({ r in
                    guard let v = r.int() else { return false }
                    s.append(v)
                    return true
                }) else { return false }
                size = s
                return true
            }
            if COCOFastJSON.equal(key, "counts") {
                if let plain = r.plainString() {
                    counts = .plain(plain.baseAddress! - r.base, plain.count)
                    return true
                }
                if r.peek() == UInt8(ascii: "\"") {
                    guard r.unescapedString() else { return false }
                    counts = .escaped  // the bytes stay in `scratch` (no other value of this object uses it)
                    return true
                }
                var list: [UInt32] = []
                guard r.array({ r in
                    guard let v = r.int(), v >= 0, v <= Int(UInt32.max) else { return false }
                    list.append(UInt32(v))
                    return true
                }) else { return false }
                counts = .list(list)
                return true
            }
            return r.skipValue()
        }
        guard ok, let size, size.count == 2, let counts else { return nil }
        let rle: RunLengthMask?
        switch counts {
        case .list(let list):
            guard let rle = try? RunLengthMask(height: size[0], width: size[1], counts: list) else { return nil }
            return .some(.rle(rle, compressed: false))
        case .plain(let start, let count):
            rle = try? RunLengthMask(compressedUTF8: UnsafeBufferPointer(start: base + start, count: count), height: size[0], width: size[1])
        case .escaped:
            rle = scratch.withUnsafeBufferPointer { try? RunLengthMask(compressedUTF8: $0, height: size[0], width: size[1]) }
        }
        guard let rle else { return nil }
        return .some(.rle(rle, compressed: true))
    }

    mutating func result() -> COCOResult? {
        var imageID: Int?, categoryID: Int?, score: Double?
        var segmentation: COCOSegmentation?, bbox: BoundingBox?
        let ok = object { r, key in
            switch key.count {
            case 5 where COCOFastJSON.equal(key, "score"):
                score = r.double()
                return score != nil
            case 8 where COCOFastJSON.equal(key, "image_id"):
                imageID = r.int()
                return imageID != nil
            case 11 where COCOFastJSON.equal(key, "category_id"):
                categoryID = r.int()
                return categoryID != nil
            case 12 where COCOFastJSON.equal(key, "segmentation"):
                guard let s = r.segmentation() else { return false }
                segmentation = s
                return true
            case 4 where COCOFastJSON.equal(key, "bbox"):
                guard let b = r.box() else { return false }
                bbox = b
                return true
            default:
                return r.skipValue()
            }
        }
        guard ok, let imageID, let categoryID, let score else { return nil }
        return COCOResult(imageID: imageID, categoryID: categoryID, segmentation: segmentation, bbox: bbox, score: score)
    }

    mutating func results() -> [COCOResult]? {
        var out: [COCOResult] = []
        guard array({ r in
            guard let v = r.result() else { return false }
            out.append(v)
            return true
        }) else { return nil }
        return out
    }

    mutating func imageInfo() -> COCODataset.ImageInfo? {
        var id: Int?, width: Int?, height: Int?, fileName: String?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
            if COCOFastJSON.equal(key, "width") { width = r.int(); return width != nil }
            if COCOFastJSON.equal(key, "height") { height = r.int(); return height != nil }
            if COCOFastJSON.equal(key, "file_name") { fileName = r.swiftString(); return fileName != nil }
            return r.skipValue()
        }
        guard ok, let id, let width, let height, let fileName else { return nil }
        return .init(id: id, width: width, height: height, fileName: fileName)
    }

    mutating func annotation() -> COCODataset.Annotation? {
        var id: Int?, imageID: Int?, categoryID: Int?, segmentation: COCOSegmentation?, area: Double?, bbox: BoundingBox?
        var crowd = 0
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
            if COCOFastJSON.equal(key, "image_id") { imageID = r.int(); return imageID != nil }
            if COCOFastJSON.equal(key, "category_id") { categoryID = r.int(); return categoryID != nil }
            if COCOFastJSON.equal(key, "segmentation") {
                guard let s = r.segmentation() else { return false }
                segmentation = s
                return true
            }
            if COCOFastJSON.equal(key, "area") {
                if r.null() { area = nil; return true }
                area = r.double()
                return area != nil
            }
            if COCOFastJSON.equal(key, "bbox") {
                guard let b = r.box() else { return false }
                bbox = b
                return true
            }
            if COCOFastJSON.equal(key, "iscrowd") {
                if r.null() { crowd = 0; return true }
                guard let v = r.int() else { return false }
                crowd = v
                return true
            }
            return r.skipValue()
        }
        guard ok, let id, let imageID, let categoryID else { return nil }
        return .init(id: id, imageID: imageID, categoryID: categoryID, segmentation: segmentation, area: area, bbox: bbox, isCrowd: crowd != 0)
    }

    mutating func category() -> COCODataset.Category? {
        var id: Int?, name: String?, supercategory: String?, isThing: Int?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
            if COCOFastJSON.equal(key, "name") { name = r.swiftString(); return name != nil }
            if COCOFastJSON.equal(key, "supercategory") {
                if r.null() { supercategory = nil; return true }
                supercategory = r.swiftString()
                return supercategory != nil
            }
            if COCOFastJSON.equal(key, "isthing") {
                if r.null() { isThing = nil; return true }
                isThing = r.int()
                return isThing != nil
            }
            return r.skipValue()
        }
        guard ok, let id, let name else { return nil }
        return .init(id: id, name: name, supercategory: supercategory, isThing: isThing)
    }

    mutating func dataset() -> COCODataset? {
        var images: [COCODataset.ImageInfo]?, annotations: [COCODataset.Annotation] = [], categories: [COCODataset.Category] = []
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "images") {
                var list: [COCODataset.ImageInfo] = []
                guard r.array({ r in
                    guard let v = r.imageInfo() else { return false }
                    list.append(v)
                    return true
                }) else { return false }
                images = list
                return true
            }
            if COCOFastJSON.equal(key, "annotations") {
                if r.null() { annotations = []; return true }
                var list: [COCODataset.Annotation] = []
                guard r.array({ r in
                    guard let v = r.annotation() else { return false }
                    list.append(v)
                    return true
                }) else { return false }
                annotations = list
                return true
            }
            if COCOFastJSON.equal(key, "categories") {
                if r.null() { categories = []; return true }
                var list: [COCODataset.Category] = []
                guard r.array({ r in
                    guard let v = r.category() else { return false }
                    list.append(v)
                    return true
                }) else { return false }
                categories = list
                return true
            }
            return r.skipValue()
        }
        guard ok, let images else { return nil }
        return COCODataset(images: images, annotations: annotations, categories: categories)
    }
}

extension COCOFastJSON {
    /// An optional integer member: null gives nil.
    mutating func optionalInt(_ out: inout Int?) -> Bool {
        if null() {
            out = nil
            return true
        }
        out = int()
        return out != nil
    }

    /// A list of objects, each read by `element`; false on any failure.
    mutating func objects<T>(_ out: inout [T], _ element: (inout COCOFastJSON) -> T?) -> Bool {
        var list: [T] = []
        guard array({ r in
            guard let v = element(&r) else { return false }
            list.append(v)
            return true
        }) else { return false }
        out = list
        return true
    }

    mutating func panopticSegment() -> COCOPanoptic.SegmentInfo? {
        var id: Int?, categoryID: Int?, isCrowd: Int?, area: Int?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
            if COCOFastJSON.equal(key, "category_id") { categoryID = r.int(); return categoryID != nil }
            if COCOFastJSON.equal(key, "iscrowd") { return r.optionalInt(&isCrowd) }
            if COCOFastJSON.equal(key, "area") { return r.optionalInt(&area) }
            return r.skipValue()
        }
        guard ok, let id, let categoryID else { return nil }
        return .init(id: id, categoryID: categoryID, isCrowd: isCrowd, area: area)
    }

    mutating func panopticAnnotation() -> COCOPanoptic.Annotation? {
        var imageID: Int?, fileName: String?, segments: [COCOPanoptic.SegmentInfo]?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "image_id") { imageID = r.int(); return imageID != nil }
            if COCOFastJSON.equal(key, "file_name") { fileName = r.swiftString(); return fileName != nil }
            if COCOFastJSON.equal(key, "segments_info") {
                var list: [COCOPanoptic.SegmentInfo] = []
                guard r.objects(&list, { $0.panopticSegment() }) else { return false }
                segments = list
                return true
            }
            return r.skipValue()
        }
        guard ok, let imageID, let fileName, let segments else { return nil }
        return .init(imageID: imageID, fileName: fileName, segmentsInfo: segments)
    }

    /// A COCO panoptic JSON file (`annotations`, optional `categories` and `images`).
    mutating func panoptic() -> COCOPanoptic? {
        var annotations: [COCOPanoptic.Annotation]?, categories: [COCOPanoptic.Category]?, images: [COCOPanoptic.ImageInfo]?
        let ok = object { r, key in
            if COCOFastJSON.equal(key, "annotations") {
                var list: [COCOPanoptic.Annotation] = []
                guard r.objects(&list, { $0.panopticAnnotation() }) else { return false }
                annotations = list
                return true
            }
            if COCOFastJSON.equal(key, "categories") {
                if r.null() { categories = nil; return true }
                var list: [COCOPanoptic.Category] = []
                guard r.objects(&list, { r -> COCOPanoptic.Category? in
                    var id: Int?, isThing: Int?
                    let ok = r.object { r, key in
                        if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
                        if COCOFastJSON.equal(key, "isthing") { return r.optionalInt(&isThing) }
                        return r.skipValue()
                    }
                    guard ok, let id else { return nil }
                    return .init(id: id, isThing: isThing)
                }) else { return false }
                categories = list
                return true
            }
            if COCOFastJSON.equal(key, "images") {
                if r.null() { images = nil; return true }
                var list: [COCOPanoptic.ImageInfo] = []
                guard r.objects(&list, { r -> COCOPanoptic.ImageInfo? in
                    var id: Int?, fileName: String?, width: Int?, height: Int?
                    let ok = r.object { r, key in
                        if COCOFastJSON.equal(key, "id") { id = r.int(); return id != nil }
                        if COCOFastJSON.equal(key, "file_name") { fileName = r.swiftString(); return fileName != nil }
                        if COCOFastJSON.equal(key, "width") { return r.optionalInt(&width) }
                        if COCOFastJSON.equal(key, "height") { return r.optionalInt(&height) }
                        return r.skipValue()
                    }
                    guard ok, let id, let fileName else { return nil }
                    return .init(id: id, fileName: fileName, width: width, height: height)
                }) else { return false }
                images = list
                return true
            }
            return r.skipValue()
        }
        guard ok, let annotations else { return nil }
        return COCOPanoptic(annotations: annotations, categories: categories, images: images)
    }
}
