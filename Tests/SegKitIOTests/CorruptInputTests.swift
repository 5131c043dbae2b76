import Foundation
import Testing
import _TestSupport
import SegKitIO

/// Truncated and bit-flipped files give typed errors, never a crash.
@Suite struct CorruptInputTests {
    static func samples() throws -> [(String, [UInt8])] {
        let image = Synthetic.smoothImage(width: 40, height: 30).converted(to: UInt8.self)
        let labels = try LabelMap(width: 4, height: 2, labels: [0, 1, 2, 3, -1, 5, 6, 7])
        return [
            ("png", try PNGCodec.encode(image)),
            ("png16", try PNGCodec.encode(image.converted(to: UInt16.self))),
            ("jpeg", try JPEGCodec.encode(image)),
            ("progressive", Array(try Fixtures.data("codecs/progressive.jpg"))),
            ("interlaced", Array(try Fixtures.data("codecs/rgb8_interlaced.png"))),
            ("npy", NumpyArray(labels).npyBytes()),
        ]
    }

    func decodeAny(_ name: String, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            if name == "npy" { _ = try NumpyArray(npy: raw) } else { _ = try ImageFile.decode(raw) }
        }
    }

    @Test func truncatedFilesAreErrors() throws {
        for (name, bytes) in try Self.samples() {
            for cut in [0, 1, 3, 8, 20, bytes.count / 3, bytes.count / 2, bytes.count - 2] where cut < bytes.count {
                #expect(throws: SegKitError.self, "\(name) cut at \(cut)") { try decodeAny(name, Array(bytes.prefix(cut))) }
            }
        }
    }

    @Test func bitFlipsNeverCrash() throws {
        var g = SeededGenerator(seed: 99)
        for (name, bytes) in try Self.samples() {
            for _ in 0..<300 {
                var corrupt = bytes
                for _ in 0..<g.nextInt(in: 1...4) {
                    let i = g.nextInt(below: corrupt.count)
                    corrupt[i] ^= UInt8(1 << g.nextInt(below: 8))
                }
                do { try decodeAny(name, corrupt) } catch {}  // either outcome is fine; a trap is not
            }
        }
    }

    @Test func pixelLimitAndUnknownFormats() throws {
        let big = try PNGCodec.encode(Image<UInt8>(width: 300, height: 200, channels: 1))
        #expect(throws: SegKitError.self) {
            try big.withUnsafeBytes { _ = try ImageFile.decode($0, options: DecodeOptions(maxPixels: 50_000)) }
        }
        #expect(throws: SegKitError.self) { try Array("GIF89a....".utf8).withUnsafeBytes { _ = try ImageFile.decode($0) } }
        #expect(throws: SegKitError.self) { try [UInt8]().withUnsafeBytes { _ = try ImageFile.decode($0) } }
    }

    @Test func fileErrorsNameTheFile() throws {
        let folder = try Fixtures.temporaryFolder()
        do {
            _ = try ImageFile.read(folder + "/missing.png")
            Issue.record("expected an error")
        } catch {
            #expect(error.path == folder + "/missing.png" && error.kind == .fileSystem)
        }
        #expect(throws: SegKitError.self) { _ = try ImageFile.read(folder) }
        #expect(throws: SegKitError.self) {
            try ImageFile.write(Image<UInt8>(width: 1, height: 1, channels: 3), to: folder + "/nope/out.png")
        }
        #expect(throws: SegKitError.self) { try ImageFile.write(Image<UInt8>(width: 1, height: 1, channels: 3), to: folder + "/out.gif") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "no partial or temporary files")
    }
}
