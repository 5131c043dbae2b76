import Foundation
import Testing
@testable import SegKitRefinement

/// A NumPy `.npy` array as the conformance fixtures need it: little-endian `u1` or `f4`, C order.
/// (This target cannot import SegKitIO; the fixture files are ours, so the reader is minimal.)
struct FixtureArray {
    var shape: [Int]
    var values: [Float]

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes[0] == 0x93, bytes[1...5].elementsEqual("NUMPY".utf8), bytes[6] == 1 else {
            throw FixtureError.format(url.lastPathComponent)
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw FixtureError.format(url.lastPathComponent) }
        shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let body = bytes[(10 + headerLength)...], count = shape.reduce(1, *)
        if header.contains("'descr': '|u1'") {
            values = body.map { Float($0) }
        } else if header.contains("'descr': '<f4'") {
            values = body.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) } }
        } else {
            throw FixtureError.format(url.lastPathComponent)
        }
        guard values.count == count else { throw FixtureError.format(url.lastPathComponent) }
    }

    /// H × W or H × W × C (interleaved) as a planar image, each value multiplied by `scale`.
    func image(scale: Float = 1) throws -> Image<Float> {
        let channels = shape.count == 3 ? shape[2] : 1
        return try Image(width: shape[1], height: shape[0], channels: channels, interleaved: values.map { $0 * scale })
    }
}

enum FixtureError: Error { case missing(String), format(String) }

func fixtureURL(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureError.missing(name)
    }
    return url
}

/// Cases from `bench/filters/make_fixtures.py`: OpenCV's `cv2.ximgproc.guidedFilter` on 8-bit
/// guides (0–255, eps in those units) and float inputs; SegKit gets guide/255 and ε = eps/255².
@Suite struct GuidedFilterConformanceTests {
    struct Case: Decodable, CustomTestStringConvertible {
        var guide: String, input: String, output: String, radius: Int, epsilon: Double
        var testDescription: String { output }
    }

    static let cases: [Case] = {
        struct Manifest: Decodable { var cases: [Case] }
        guard let url = try? fixtureURL("guided.json"), let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.cases
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func matchesOpenCV(_ c: Case) throws {
        let guide = try FixtureArray(contentsOf: fixtureURL("guided/" + c.guide)).image(scale: 1 / 255)
        let input = try FixtureArray(contentsOf: fixtureURL("guided/" + c.input)).image()
        let expected = try FixtureArray(contentsOf: fixtureURL("guided/" + c.output)).image()
        let out = try GuidedFilter.filter(input, guide: guide, radius: c.radius, epsilon: Float(c.epsilon))
        #expect(out.width == expected.width && out.height == expected.height && out.channels == expected.channels)
        let worst = zip(out.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-4, "max |SegKit − OpenCV| = \(worst)")
    }
}
