import Testing
import _TestSupport
@testable import SegKitCore

@Suite struct ImageTests {
    @Test func interleavedRoundTrip() throws {
        let interleaved: [UInt8] = (0..<(5 * 4 * 3)).map { UInt8($0) }
        let image = try Image<UInt8>(width: 5, height: 4, channels: 3, interleaved: interleaved)
        #expect(image[x: 1, y: 0, channel: 0] == 3)
        #expect(image[x: 1, y: 0, channel: 2] == 5)
        #expect(image[x: 0, y: 1, channel: 1] == 16)
        #expect(image.interleaved() == interleaved)
    }

    @Test func conversionBetweenSampleTypes() {
        var image = Image<UInt8>(width: 2, height: 1, channels: 1)
        image.data = [0, 255]
        let f = image.converted(to: Float.self)
        #expect(f.data == [0, 1])
        let back = f.converted(to: UInt8.self)
        #expect(back == image)
        let wide = f.converted(to: UInt16.self)
        #expect(wide.data == [0, 65535])
        // Out-of-range and NaN floats clamp instead of trapping.
        var odd = Image<Float>(width: 3, height: 1, channels: 1)
        odd.data = [-2, 7, .nan]
        #expect(odd.converted(to: UInt8.self).data == [0, 255, 0])
    }

    @Test func badDimensionsAreErrors() {
        #expect(throws: SegKitError.self) { try Image<Float>(width: 0, height: 3, channels: 1, data: []) }
        #expect(throws: SegKitError.self) { try Image<Float>(width: 2, height: 2, channels: 1, data: [1, 2, 3]) }
        #expect(throws: SegKitError.self) { try Image<UInt8>(width: 2, height: 2, channels: 3, interleaved: [1]) }
    }

    @Test func grayAndRGB() {
        let (image, _) = Synthetic.blocks(columns: 2, rows: 1, blockSize: 2)
        let gray = image.gray()
        #expect(gray.channels == 1)
        let expected = 0.299 * image[x: 0, y: 0, channel: 0] + 0.587 * image[x: 0, y: 0, channel: 1]
            + 0.114 * image[x: 0, y: 0, channel: 2]
        #expect(abs(gray[x: 0, y: 0] - expected) < 1e-6)
        let rgb = gray.rgb()
        #expect(rgb.channels == 3 && rgb.plane(2) == gray.plane(0))
    }

    @Test func cropCopiesTheRectangle() throws {
        let image = Synthetic.noiseImage(width: 7, height: 5, channels: 2)
        let crop = try image.cropped(to: PixelRect(x: 2, y: 1, width: 3, height: 2))
        #expect(crop.width == 3 && crop.height == 2 && crop.channels == 2)
        for c in 0..<2 { for y in 0..<2 { for x in 0..<3 {
            #expect(crop[x: x, y: y, channel: c] == image[x: x + 2, y: y + 1, channel: c])
        } } }
        #expect(throws: SegKitError.self) { try image.cropped(to: PixelRect(x: 5, y: 0, width: 3, height: 1)) }
        #expect(throws: SegKitError.self) { try image.cropped(to: PixelRect(x: 0, y: 0, width: 0, height: 1)) }
    }
}

@Suite struct LabelMapAndMaskTests {
    @Test func relabelContiguously() throws {
        let map = try LabelMap(width: 3, height: 2, labels: [7, 7, -1, 3, 9, 3])
        #expect(map.segmentCount == 3)
        #expect(!map.isContiguous)
        let (relabeled, mapping) = map.relabeledContiguously()
        #expect(relabeled.labels == [0, 0, -1, 1, 2, 1])
        #expect(relabeled.isContiguous)
        #expect(mapping[7] == 0 && mapping[3] == 1 && mapping[9] == 2 && mapping[0] == -1)
    }

    @Test func invalidLabelsAreErrors() {
        #expect(throws: SegKitError.self) { try LabelMap(width: 2, height: 1, labels: [0, -2]) }
        #expect(throws: SegKitError.self) { try LabelMap(width: 2, height: 2, labels: [0]) }
    }

    @Test func maskAreaAndBox() throws {
        var mask = Mask(width: 6, height: 5)
        #expect(mask.area == 0)
        #expect(mask.boundingBox == BoundingBox(x: 0, y: 0, width: 0, height: 0))
        mask[1, 2] = true
        mask[4, 3] = true
        #expect(mask.area == 2)
        #expect(mask.boundingBox == BoundingBox(x: 1, y: 2, width: 4, height: 2))
        var other = Mask(width: 6, height: 5)
        other[1, 2] = true
        #expect(mask.iou(other) == 0.5)
    }

    @Test func nearestResizeNeverInventsLabels() throws {
        let map = try LabelMap(width: 2, height: 2, labels: [0, 1, 2, 3])
        let up = map.resized(width: 4, height: 4)
        #expect(up.labels == [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3])
        #expect(up.resized(width: 2, height: 2) == map)
    }

    @Test func boxIoU() {
        let a = BoundingBox(x: 0, y: 0, width: 2, height: 2)
        let b = BoundingBox(x: 1, y: 0, width: 2, height: 2)
        #expect(abs(a.iou(b) - 2.0 / 6.0) < 1e-12)
        #expect(a.iou(BoundingBox(x: 5, y: 5, width: 1, height: 1)) == 0)
    }
}
