import Foundation
import SegKit

/// One fuzzing target: feeds arbitrary bytes to a reader. A reader may throw `SegKitError`; it
/// must never trap, hang or corrupt memory. Round-trip invariants are checked with `precondition`
/// so that a violation is reported as a crash.
struct Harness: Sendable {
    let name: String
    let summary: String
    let body: @Sendable (UnsafeRawBufferPointer) -> Void
}

let harnesses: [Harness] = [
    Harness(name: "png", summary: "PNGCodec.decode (libpng through the setjmp shim), then re-encode") { bytes in
        guard let decoded = try? PNGCodec.decode(bytes, options: DecodeOptions(maxPixels: 1 << 22)) else { return }
        switch decoded.pixels {
        case .uint8(let image):
            let again = try! PNGCodec.encode(image)
            precondition(try! again.withUnsafeBytes { try PNGCodec.decode($0) }.pixels == decoded.pixels)
        case .uint16(let image):
            let again = try! PNGCodec.encode(image)
            precondition(try! again.withUnsafeBytes { try PNGCodec.decode($0) }.pixels == decoded.pixels)
        }
        _ = try? PNGCodec.decode(bytes, options: DecodeOptions(maxPixels: 1 << 22, keepPaletteIndices: true))
        _ = try? LabelPNG.decode(bytes, maxPixels: 1 << 22)
    },
    Harness(name: "jpeg", summary: "JPEGCodec.decode (TurboJPEG) with the EXIF orientation parser") { bytes in
        _ = ExifOrientation.read(jpeg: bytes)
        _ = try? JPEGCodec.header(bytes)
        _ = try? JPEGCodec.decode(bytes, options: DecodeOptions(maxPixels: 1 << 22))
    },
    Harness(name: "npy", summary: "NumpyArray(npy:) and its conversions, then re-encode") { bytes in
        guard let array = try? NumpyArray(npy: bytes), array.count <= 1 << 22 else { return }
        let again = array.npyBytes()
        precondition(try! again.withUnsafeBytes { try NumpyArray(npy: $0) } == array)
        _ = array.doubles()
        _ = try? array.integers()
        _ = try? array.featureMatrix()
        _ = try? array.labelMap()
        _ = try? array.image()
    },
    Harness(name: "rle", summary: "RunLengthMask(compressed:) on sizes from the first two bytes, then decode/encode") { bytes in
        guard bytes.count >= 2 else { return }
        let h = Int(bytes[0] % 64) + 1, w = Int(bytes[1] % 64) + 1
        let text = String(decoding: bytes.dropFirst(2), as: UTF8.self)
        guard let rle = try? RunLengthMask(compressed: text, height: h, width: w) else { return }
        let mask = rle.mask()
        precondition(RunLengthMask(mask).mask() == mask)
        precondition(rle.area == mask.area)
        _ = rle.boundingBox
        _ = RunLengthMask.iou([rle], [RunLengthMask(mask)], isCrowd: [true])
        _ = RunLengthMask.merge([rle, RunLengthMask(mask)], intersect: true)
    },
    Harness(name: "coco", summary: "COCODataset / COCOResult / COCOPanoptic JSON readers, rasterising every segmentation") { bytes in
        let data = Data(bytes)
        if let dataset = try? COCODataset(jsonBytes: data) {
            for annotation in dataset.annotations {
                _ = try? annotation.segmentation?.runLengthMask(height: 48, width: 64)
            }
        }
        if let results = try? COCOResult.decodeList(jsonBytes: data) {
            for r in results { _ = try? r.segmentation?.runLengthMask(height: 48, width: 64) }
        }
        _ = try? COCOPanoptic(jsonBytes: data)
    },
]
