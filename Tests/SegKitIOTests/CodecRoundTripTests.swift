import Foundation
import Testing
import _TestSupport
import SegKitIO

@Suite struct CodecRoundTripTests {
    @Test(arguments: 1...4)
    func png8RoundTrip(channels: Int) throws {
        var g = SeededGenerator(seed: UInt64(channels))
        var image = Image<UInt8>(width: 17, height: 9, channels: channels)
        for i in image.data.indices { image.data[i] = UInt8(g.nextInt(below: 256)) }
        let bytes = try PNGCodec.encode(image)
        let decoded = try bytes.withUnsafeBytes { try PNGCodec.decode($0) }
        #expect(decoded.pixels == .uint8(image))
        #expect(decoded.fileBitDepth == 8)
    }

    @Test(arguments: 1...4)
    func png16RoundTrip(channels: Int) throws {
        var g = SeededGenerator(seed: 10 + UInt64(channels))
        var image = Image<UInt16>(width: 5, height: 11, channels: channels)
        for i in image.data.indices { image.data[i] = UInt16(g.nextInt(below: 65536)) }
        let bytes = try PNGCodec.encode(image, compressionLevel: 6)
        let decoded = try bytes.withUnsafeBytes { try PNGCodec.decode($0) }
        #expect(decoded.pixels == .uint16(image))
    }

    @Test func jpegRoundTripWithinTolerance() throws {
        let smooth = Synthetic.smoothImage(width: 64, height: 48).converted(to: UInt8.self)
        for (quality, tolerance) in [(95, 6), (75, 14)] {
            let bytes = try JPEGCodec.encode(smooth, quality: quality)
            let decoded = try bytes.withUnsafeBytes { try JPEGCodec.decode($0) }
            guard case .uint8(let image) = decoded.pixels else { Issue.record("expected 8-bit"); return }
            #expect(image.width == 64 && image.height == 48 && image.channels == 3)
            let worst = zip(image.data, smooth.data).map { abs(Int($0) - Int($1)) }.max()!
            #expect(worst <= tolerance, "quality \(quality): \(worst)")
        }
        let gray = smooth.selecting(channels: [1])
        let decoded = try JPEGCodec.encode(gray).withUnsafeBytes { try JPEGCodec.decode($0) }
        #expect(decoded.pixels.channels == 1)
    }

    @Test func labelPNGRoundTripKeepsVoid() throws {
        var labels = LabelMap(width: 6, height: 4, repeating: 3)
        labels[0, 0] = LabelMap.void
        labels[5, 3] = 65534
        labels[2, 1] = 0
        let bytes = try LabelPNG.encode(labels)
        #expect(try bytes.withUnsafeBytes { try LabelPNG.decode($0) } == labels)
        labels[1, 1] = 65535
        #expect(throws: SegKitError.self) { try LabelPNG.encode(labels) }
    }

    @Test func colourizedLabelsUseThePalette() throws {
        let labels = try LabelMap(width: 3, height: 1, labels: [-1, 0, 300])
        let decoded = try LabelPNG.encodeColorized(labels).withUnsafeBytes { try PNGCodec.decode($0) }
        guard case .uint8(let rgb) = decoded.pixels else { Issue.record("expected 8-bit"); return }
        #expect(rgb[x: 0, y: 0, channel: 0] == 0 && rgb[x: 0, y: 0, channel: 1] == 0)
        let c = LabelPalette.colors[LabelPalette.index(of: 300)]
        #expect([rgb[x: 2, y: 0, channel: 0], rgb[x: 2, y: 0, channel: 1], rgb[x: 2, y: 0, channel: 2]] == [c.0, c.1, c.2])
        #expect(Set(LabelPalette.colors.map { "\($0)" }).count == 256)
    }

    @Test func exifOrientationsAreInvertible() {
        let image = Synthetic.noiseImage(width: 5, height: 3, channels: 2).converted(to: UInt8.self)
        // 3, 6, 8 are rotations: applying 6 then 8 (or 3 twice) is the identity; 2, 4, 5, 7 are involutions.
        #expect(ExifOrientation.apply(8, to: ExifOrientation.apply(6, to: image)) == image)
        #expect(ExifOrientation.apply(3, to: ExifOrientation.apply(3, to: image)) == image)
        for o in [2, 4, 5, 7] { #expect(ExifOrientation.apply(o, to: ExifOrientation.apply(o, to: image)) == image) }
        let rotated = ExifOrientation.apply(6, to: image)
        #expect(rotated.width == 3 && rotated.height == 5)
        // 90° clockwise: the bottom-left input pixel lands top-left.
        #expect(rotated[x: 0, y: 0] == image[x: 0, y: 2])
    }
}
