import Foundation
import Testing
import SegKitIO

/// Bit-exact conformance with pycocotools on the fixtures written by bench/rle/make_fixtures.py.
@Suite struct RunLengthMaskConformanceTests {
    let fixture: [String: Any]
    init() throws { fixture = try Fixtures.json("rle_conformance.json") }

    func cases(_ key: String) -> [[String: Any]] {
        let list = fixture[key] as! [[String: Any]]
        precondition(!list.isEmpty, "fixture section \(key) is empty")
        return list
    }

    func box(_ any: Any) -> BoundingBox {
        let b = (any as! [NSNumber]).map(\.doubleValue)
        return BoundingBox(x: b[0], y: b[1], width: b[2], height: b[3])
    }

    @Test func encodeAreaBoxMatchPycocotools() throws {
        for c in cases("masks") {
            let h = c["h"] as! Int, w = c["w"] as! Int
            let bits = (c["bits"] as! String).map { $0 == "1" }
            let mask = try Mask(width: w, height: h, pixels: bits)
            let rle = RunLengthMask(mask)
            #expect(rle.compressedString == c["string"] as! String, "\(h)×\(w)")
            #expect(rle.area == c["area"] as! Int)
            #expect(rle.boundingBox == box(c["bbox"]!), "\(h)×\(w)")
            let decoded = try RunLengthMask(compressed: c["string"] as! String, height: h, width: w)
            #expect(decoded == rle)
            #expect(decoded.mask() == mask)
        }
    }

    @Test func polygonsMatchPycocotools() throws {
        for c in cases("polygons") {
            let h = c["h"] as! Int, w = c["w"] as! Int
            let polygons = (c["polygons"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
            let rle = try RunLengthMask(polygons: polygons, height: h, width: w)
            #expect(rle.compressedString == c["string"] as! String, "\(polygons)")
            #expect(rle.area == c["area"] as! Int)
            #expect(rle.boundingBox == box(c["bbox"]!))
        }
    }

    @Test func boxesMatchPycocotools() throws {
        for c in cases("boxes") {
            let h = c["h"] as! Int, w = c["w"] as! Int
            let rle = try RunLengthMask(box: box(c["box"]!), height: h, width: w)
            #expect(rle.compressedString == c["string"] as! String)
        }
    }

    @Test func iouMatchesPycocotools() throws {
        for c in cases("iou") {
            let h = c["h"] as! Int, w = c["w"] as! Int
            let dt = try (c["dt"] as! [String]).map { try RunLengthMask(compressed: $0, height: h, width: w) }
            let gt = try (c["gt"] as! [String]).map { try RunLengthMask(compressed: $0, height: h, width: w) }
            let crowd = (c["crowd"] as! [Int]).map { $0 != 0 }
            let expected = (c["iou"] as! [[NSNumber]]).flatMap { $0.map(\.doubleValue) }
            let got = RunLengthMask.iou(dt, gt, isCrowd: crowd)
            #expect(got.count == expected.count)
            for i in got.indices { #expect(abs(got[i] - expected[i]) < 1e-12) }
        }
    }

    @Test func mergeMatchesPycocotools() throws {
        for c in cases("merge") {
            let h = c["h"] as! Int, w = c["w"] as! Int
            let masks = try (c["masks"] as! [String]).map { try RunLengthMask(compressed: $0, height: h, width: w) }
            let merged = RunLengthMask.merge(masks, intersect: c["intersect"] as! Bool)
            #expect(merged.compressedString == c["string"] as! String)
        }
    }
}

@Suite struct RunLengthMaskTests {
    @Test func roundTripsRandomMasks() throws {
        var g = SeededGenerator(seed: 4)
        for _ in 0..<50 {
            let h = g.nextInt(in: 1...40), w = g.nextInt(in: 1...40)
            let p = g.nextFloat()
            let mask = try Mask(width: w, height: h, pixels: (0..<(h * w)).map { _ in g.nextFloat() < p })
            let rle = RunLengthMask(mask)
            #expect(rle.mask() == mask)
            #expect(rle.area == mask.area)
            #expect(try RunLengthMask(compressed: rle.compressedString, height: h, width: w) == rle)
            #expect(try RunLengthMask(height: h, width: w, counts: rle.counts) == rle)
        }
    }

    @Test func malformedInputIsAnError() {
        #expect(throws: SegKitError.self) { try RunLengthMask(height: 2, width: 2, counts: [1, 1]) }
        #expect(throws: SegKitError.self) { try RunLengthMask(compressed: "0 2", height: 1, width: 2) }
        #expect(throws: SegKitError.self) { try RunLengthMask(compressed: "o", height: 1, width: 2) }  // unterminated
        #expect(throws: SegKitError.self) { try RunLengthMask(compressed: "52", height: 3, width: 3) }  // wrong total
        #expect(throws: SegKitError.self) { try RunLengthMask(compressed: "ooooooooo0", height: 3, width: 3) }  // too long
        // A size whose pixel count overflows (found by fuzzing the COCO readers).
        #expect(throws: SegKitError.self) { try RunLengthMask(compressed: "129", height: 6333, width: 333_333_333_333_333_334) }
        #expect(throws: SegKitError.self) { try RunLengthMask(height: Int.max, width: 2, counts: [1]) }
        #expect(throws: SegKitError.self) { try RunLengthMask(polygons: [[0, 0, 5, 0, 5, 5]], height: 1 << 40, width: 1 << 40) }
        // Coordinates far outside any image would walk an unbounded outline: refused, not allocated.
        #expect(throws: SegKitError.self) { try RunLengthMask(polygons: [[0, 0, 3e9, 0, 3e9, 3e9]], height: 4, width: 4) }
    }

    /// Every string of valid characters either decodes or throws; never traps.
    @Test func bitFlippedStringsNeverTrap() throws {
        var g = SeededGenerator(seed: 8)
        let mask = try Mask(width: 13, height: 11, pixels: (0..<143).map { _ in g.nextFloat() < 0.4 })
        let text = Array(RunLengthMask(mask).compressedString.utf8)
        for _ in 0..<500 {
            var corrupt = text
            corrupt[g.nextInt(below: corrupt.count)] = UInt8(g.nextInt(in: 40...120))
            if g.nextFloat() < 0.3 { corrupt.removeLast(g.nextInt(below: corrupt.count)) }
            _ = try? RunLengthMask(compressed: String(decoding: corrupt, as: UTF8.self), height: 11, width: 13)
        }
    }
}

@Suite struct PolygonLimitsTests {
    @Test func absurdPolygonsAreErrorsNotAllocations() {
        #expect(throws: SegKitError.self) { try RunLengthMask(polygon: [0, 0, 9e7, 0, 9e7, 9e7], height: 10, width: 10) }
        #expect(throws: SegKitError.self) { try RunLengthMask(polygon: [0, 0, .nan, 1, 2, 2], height: 10, width: 10) }
        #expect(throws: SegKitError.self) { try RunLengthMask(polygon: [0, 0, 1, 1, 2, 0], height: -1, width: 10) }
    }
}
