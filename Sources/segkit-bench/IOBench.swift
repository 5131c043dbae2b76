import ArgumentParser
import Foundation
import SegKit

/// `segkit-bench io`: in-memory decode and encode times of one JPEG and one PNG file.
struct IOBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io", abstract: "Median in-memory decode/encode seconds for a JPEG and a PNG (JSON line).")

    @Option var jpeg: String
    @Option var png: String
    @Option var repeats: Int = 5
    @Option var quality: Int = 92

    func run() throws {
        let jpegBytes = try FileAccess.read(jpeg), pngBytes = try FileAccess.read(png)
        var decodedJPEG: Image<UInt8>?
        let jpegDecode = try Stopwatch.median(repeats: repeats) {
            let d = try jpegBytes.withUnsafeBytes { try JPEGCodec.decode($0) }
            if case .uint8(let i) = d.pixels { decodedJPEG = i }
        }
        let jpegEncode = try Stopwatch.median(repeats: repeats) { _ = try JPEGCodec.encode(decodedJPEG!, quality: quality) }
        var decodedPNG: Image<UInt8>?
        let pngDecode = try Stopwatch.median(repeats: repeats) {
            let d = try pngBytes.withUnsafeBytes { try PNGCodec.decode($0) }
            if case .uint8(let i) = d.pixels { decodedPNG = i }
        }
        let pngEncode = try Stopwatch.median(repeats: repeats) { _ = try PNGCodec.encode(decodedPNG!) }
        print("{\"jpeg_decode\": \(jpegDecode), \"jpeg_encode\": \(jpegEncode), \"png_decode\": \(pngDecode), \"png_encode\": \(pngEncode)}")
    }
}
