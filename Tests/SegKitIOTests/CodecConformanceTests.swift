import Foundation
import Testing
import SegKitIO

/// Decoding files made by independent encoders (pypng, Pillow; bench/io/make_fixtures.py) gives
/// the pixels those libraries decode.
@Suite struct CodecConformanceTests {
    func decode(_ name: String, options: DecodeOptions = .init()) throws -> DecodedImage {
        let data = try Fixtures.data("codecs/\(name)")
        return try data.withUnsafeBytes { try ImageFile.decode($0, options: options) }
    }

    func expected(_ name: String) throws -> NumpyArray {
        try Fixtures.data("codecs/\(name)").withUnsafeBytes { try NumpyArray(npy: $0) }
    }

    func samples(_ pixels: DecodedPixels) -> [Int64] {
        switch pixels {
        case .uint8(let i): i.interleaved().map(Int64.init)
        case .uint16(let i): i.interleaved().map(Int64.init)
        }
    }

    @Test(arguments: ["gray1.png", "gray2.png", "gray4.png", "gray8.png", "gray16.png", "rgb8_interlaced.png",
                      "rgb16_interlaced.png", "gray_alpha8.png", "rgba16.png", "palette4_trns.png"])
    func pngDecodesExactly(name: String) throws {
        let image = try decode(name)
        let reference = try expected("\(name).npy")
        #expect(image.format == .png)
        #expect([image.pixels.height, image.pixels.width] == Array(reference.shape.prefix(2)))
        #expect(image.pixels.channels == (reference.shape.count == 3 ? reference.shape[2] : 1))
        #expect(samples(image.pixels) == (try reference.integers()), "\(name)")
    }

    @Test func paletteIndicesCanBeKept() throws {
        let image = try decode("palette4_trns.png", options: DecodeOptions(keepPaletteIndices: true))
        #expect(image.isPalette && image.pixels.channels == 1)
        #expect(samples(image.pixels) == (try expected("palette4_trns.png.indices.npy").integers()))
    }

    @Test(arguments: (1...8).map { "orientation\($0).jpg" } + ["progressive.jpg", "gray.jpg", "cmyk.jpg"])
    func jpegMatchesPillow(name: String) throws {
        let image = try decode(name)
        let reference = try expected("\(name).npy")
        #expect(image.format == .jpeg)
        #expect([image.pixels.height, image.pixels.width] == Array(reference.shape.prefix(2)), "\(name)")
        let got = samples(image.pixels), want = try reference.integers()
        #expect(got.count == want.count)
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= (name == "cmyk.jpg" ? 3 : 2), "\(name): max difference \(worst)")
    }
}
