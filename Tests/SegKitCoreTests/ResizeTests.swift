import Testing
import _TestSupport
@testable import SegKitCore

@Suite struct ResizeTests {
    @Test(arguments: ResizeMethod.allCases)
    func constantImageStaysConstant(method: ResizeMethod) {
        let image = Image<Float>(width: 13, height: 7, channels: 2, repeating: 0.25)
        for (w, h) in [(5, 3), (26, 14), (17, 9), (1, 1)] {
            let out = image.resized(width: w, height: h, method: method)
            #expect(out.width == w && out.height == h)
            #expect(out.data.allSatisfy { abs($0 - 0.25) < 1e-6 })
        }
    }

    @Test func areaHalvingIsBlockMean() {
        let image = Synthetic.noiseImage(width: 8, height: 6, channels: 1)
        let out = image.resized(width: 4, height: 3, method: .area)
        for y in 0..<3 { for x in 0..<4 {
            let mean = (image[x: 2 * x, y: 2 * y] + image[x: 2 * x + 1, y: 2 * y]
                + image[x: 2 * x, y: 2 * y + 1] + image[x: 2 * x + 1, y: 2 * y + 1]) / 4
            #expect(abs(out[x: x, y: y] - mean) < 1e-6)
        } }
    }

    /// Bilinear doubling with half-pixel centres: the values OpenCV's INTER_LINEAR gives for a
    /// 1×2 row [0, 1] enlarged to 1×4 are [0, 0.25, 0.75, 1].
    @Test func bilinearMatchesHalfPixelConvention() throws {
        let row = try Image<Float>(width: 2, height: 1, channels: 1, data: [0, 1])
        let out = row.resized(width: 4, height: 1)
        #expect(Invariants.maxAbsDifference(out.data, [0, 0.25, 0.75, 1]) < 1e-6)
    }

    /// Linear ramps are reproduced exactly by bilinear sampling away from the clamped border.
    @Test func bilinearReproducesRamps() throws {
        let w = 10
        let ramp = try Image<Float>(width: w, height: 1, channels: 1, data: (0..<w).map { Float($0) })
        let out = ramp.resized(width: 5, height: 1)
        // Output x samples the source at 2x + 0.5.
        #expect(Invariants.maxAbsDifference(out.data, [0.5, 2.5, 4.5, 6.5, 8.5]) < 1e-5)
    }
}
