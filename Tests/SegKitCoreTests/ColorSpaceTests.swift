import Foundation
import Testing
@testable import SegKitCore

@Suite struct ColorSpaceTests {
    /// Published CIELAB (D65, 2°) values of sRGB primaries and neutrals (Lindbloom's calculator,
    /// also reproduced by colormine.org and skimage.color.rgb2lab to 2 decimals).
    static let references: [([Float], [Float])] = [
        ([1, 1, 1], [100, 0, 0]),
        ([0, 0, 0], [0, 0, 0]),
        ([1, 0, 0], [53.2408, 80.0925, 67.2032]),
        ([0, 1, 0], [87.7347, -86.1827, 83.1793]),
        ([0, 0, 1], [32.2970, 79.1875, -107.8602]),
        ([0.5, 0.5, 0.5], [53.3889, 0, 0]),
        ([1, 1, 0], [97.1393, -21.5537, 94.4780]),
    ]

    @Test(arguments: references)
    func srgbToLabMatchesPublishedValues(rgb: [Float], lab: [Float]) throws {
        let image = try Image<Float>(width: 1, height: 1, channels: 3, data: rgb)
        let out = try ColorSpace.srgbToLab(image)
        for c in 0..<3 { #expect(abs(out.data[c] - lab[c]) < 0.02, "channel \(c): \(out.data[c]) vs \(lab[c])") }
    }

    @Test func labRoundTrip() throws {
        var image = Image<Float>(width: 16, height: 16, channels: 3)
        var rng = SeededGenerator(seed: 3)
        for i in image.data.indices { image.data[i] = rng.nextFloat() }
        let back = try ColorSpace.labToSRGB(ColorSpace.srgbToLab(image))
        for i in image.data.indices { #expect(abs(back.data[i] - image.data[i]) < 1e-4) }
        let lin = try ColorSpace.linearToSRGB(ColorSpace.srgbToLinear(image))
        for i in image.data.indices { #expect(abs(lin.data[i] - image.data[i]) < 1e-5) }
    }

    @Test func transferFunctionKnots() {
        #expect(abs(ColorSpace.srgbToLinear(0.04045) - 0.04045 / 12.92) < 1e-7)
        #expect(abs(ColorSpace.srgbToLinear(0.5) - 0.214_041) < 1e-5)
    }

    /// The fast cube root against the correctly rounded Double one, over labF's domain and beyond
    /// (out-of-gamut XYZ above 1), within one ulp; non-finite input behaves like cbrtf.
    @Test func cubeRootWithinOneUlp() {
        var rng = SeededGenerator(seed: 5)
        var samples: [Float] = [216 / 24389, 1e-3, 0.5, 1, 8, 27, 1e6, .greatestFiniteMagnitude]
        for _ in 0..<100_000 { samples.append(Float(216.0 / 24389.0) + rng.nextFloat() * 2) }
        for _ in 0..<10_000 { samples.append(powf(10, rng.nextFloat() * 30 - 10)) }
        for t in samples {
            let exact = Float(cbrt(Double(t)))
            #expect(abs(ColorSpace.cubeRoot(t) - exact) <= exact.ulp, "∛\(t): \(ColorSpace.cubeRoot(t)) vs \(exact)")
        }
        #expect(ColorSpace.cubeRoot(.infinity) == .infinity)
        #expect(ColorSpace.cubeRoot(.nan).isNaN)
    }

    /// 8-bit samples take the table in srgbToLab; the result equals the per-pixel formula.
    @Test func eightBitSamplesMatchTheFormula() throws {
        let values = (0...255).map { UInt8($0).normalizedFloat }
        let image = try Image<Float>(width: 256, height: 1, channels: 3, data: values + values.reversed() + values)
        let lab = try ColorSpace.srgbToLab(image)
        for x in 0..<256 {
            let r = image.data[x], g = image.data[256 + x], b = image.data[512 + x]
            let direct = ColorSpace.linearRGBToLab(ColorSpace.srgbToLinear(r), ColorSpace.srgbToLinear(g), ColorSpace.srgbToLinear(b))
            #expect(lab.data[x] == direct.l && lab.data[256 + x] == direct.a && lab.data[512 + x] == direct.b)
        }
    }

    @Test func wrongChannelCountIsAnError() {
        let five = Image<Float>(width: 2, height: 2, channels: 5)
        #expect(throws: SegKitError.self) { try ColorSpace.srgbToLab(five) }
        #expect(throws: SegKitError.self) { try ColorSpace.srgbToLinear(Image<Float>(width: 1, height: 1, channels: 1)) }
    }
}
