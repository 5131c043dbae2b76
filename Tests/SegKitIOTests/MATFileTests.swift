import Foundation
import Testing
import _TestSupport
import SegKitIO

@Suite struct MATFileTests {
    func fixture(_ name: String) throws -> [UInt8] { [UInt8](try Fixtures.data("mat/\(name)")) }

    /// The segmentations SciPy wrote (fixtures from bench/io/make_mat_fixtures.py), minus 1.
    func expected() throws -> [LabelMap] {
        try (0..<3).map { k in
            let array = try Fixtures.data("mat/bsds-segmentation-\(k).npy").withUnsafeBytes { try NumpyArray(npy: $0) }
            let values = try array.integers()
            return try LabelMap(width: array.shape[1], height: array.shape[0], labels: values.map { Int32($0) - 1 })
        }
    }

    @Test(arguments: ["bsds-compressed.mat", "bsds-uncompressed.mat"])
    func readsBSDSGroundTruthWrittenBySciPy(name: String) throws {
        let file = try MATFile(bytes: try fixture(name))
        #expect(file.names == ["groundTruth"])
        let maps = try BSDSGroundTruth.segmentations(in: file)
        #expect(maps == (try expected()))
        #expect(maps.first.map { ($0.width, $0.height) } ?? (0, 0) == (7, 9))
        // The struct's other field comes through as a logical (numeric) array of the same shape.
        guard case .cell(let dimensions, let cells)? = file.variables["groundTruth"],
              case .structure(_, let fields, let elements) = cells[0],
              case .numeric(let boundaryShape, let boundaries)? = elements[0]["Boundaries"]
        else { Issue.record("unexpected layout"); return }
        #expect(dimensions == [1, 3] && fields == ["Segmentation", "Boundaries"] && boundaryShape == [9, 7])
        #expect(boundaries.allSatisfy { $0 == 0 || $0 == 1 } && boundaries.contains(1))
    }

    @Test func readsOtherVariablesAndFindsGroundTruthAmongThem() throws {
        let file = try MATFile(bytes: try fixture("bsds-extra-variables.mat"))
        #expect(Set(file.names) == ["note", "scale", "groundTruth"])
        #expect(file.variables["note"] == .characters("annotators"))
        #expect(file.variables["scale"] == .numeric(dimensions: [1, 1], values: [2.5]))
        #expect(try BSDSGroundTruth.segmentations(in: file) == [try expected()[0]])
    }

    /// Big-endian files, labels stored in a smaller type than their class (MATLAB writes uint16
    /// labels as uint8 bytes when they fit) and small-element names, built by hand.
    @Test(arguments: [true, false])
    func readsEitherByteOrderAndCompactStorage(littleEndian: Bool) throws {
        let writer = MATWriter(littleEndian: littleEndian)
        // A 2 × 3 uint16 matrix (class 11) stored as miUINT8: column-major 1 2 | 3 1 | 2 2.
        let segmentation = writer.matrix(arrayClass: 11, dimensions: [2, 3], name: "",
                                         data: writer.element(type: 2, [1, 2, 3, 1, 2, 2]))
        let structure = writer.matrix(arrayClass: 2, dimensions: [1, 1], name: "",
                                      data: writer.element(type: 5, writer.words([13])) + writer.element(type: 1, Array("Segmentation\0".utf8)) + segmentation)
        let cell = writer.matrix(arrayClass: 1, dimensions: [1, 1], name: "groundTruth", data: structure)
        let file = try MATFile(bytes: writer.header() + cell)
        let maps = try BSDSGroundTruth.segmentations(in: file)
        #expect(maps == [try LabelMap(width: 3, height: 2, labels: [0, 2, 1, 1, 0, 1])])
    }

    /// A character array stored as doubles out of Unicode's range (a corrupt file) reads as
    /// replacement characters instead of trapping.
    @Test func oddCharacterStorageDoesNotTrap() throws {
        let writer = MATWriter(littleEndian: true)
        let doubles = [1e300, -5, 65].flatMap { (v: Double) -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let text = writer.matrix(arrayClass: 4, dimensions: [1, 3], name: "t", data: writer.element(type: 9, doubles))
        #expect(try MATFile(bytes: writer.header() + text).variables["t"] == .characters("\u{FFFD}\u{FFFD}A"))
    }

    @Test func refusesBadFilesWithTheirOffsets() throws {
        let good = try fixture("bsds-compressed.mat")
        #expect(throws: SegKitError.self) { try MATFile(bytes: Array(good.prefix(100))) }
        var noMark = good
        noMark[126] = 0
        #expect(throws: SegKitError.self) { try MATFile(bytes: noMark) }
        var hdf5 = good
        hdf5.replaceSubrange(0..<10, with: Array("MATLAB 7.3".utf8))
        do {
            _ = try MATFile(bytes: hdf5)
            Issue.record("a 7.3 file was accepted")
        } catch {
            #expect(error.message.contains("HDF5"))
        }
        // Every truncation and a corrupted zlib stream fail cleanly (no crash, no partial result).
        for length in stride(from: 128, to: good.count, by: 7) {
            #expect(throws: SegKitError.self, "length \(length)") { try BSDSGroundTruth.segmentations(in: MATFile(bytes: Array(good.prefix(length)))) }
        }
        var corrupt = good
        for i in 150..<170 { corrupt[i] ^= 0x5A }
        #expect(throws: SegKitError.self) { try MATFile(bytes: corrupt) }
        // Every truncation of the uncompressed file, too (element sizes are checked, not trusted).
        let plain = try fixture("bsds-uncompressed.mat")
        for length in stride(from: 129, to: plain.count, by: 5) {
            #expect(throws: SegKitError.self, "length \(length)") { try BSDSGroundTruth.segmentations(in: MATFile(bytes: Array(plain.prefix(length)))) }
        }
    }

    @Test func labelFilesReadMATAnnotationsAndNameTheFile() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/100007.mat"
        try Data(try fixture("bsds-compressed.mat")).write(to: URL(fileURLWithPath: path))
        #expect(try LabelMapFile.readAnnotations(path) == (try expected()))
        do {
            _ = try LabelMapFile.read(path)
            Issue.record("three annotators read as one map")
        } catch {
            #expect(error.path == path && error.message.contains("3 human segmentations"))
        }
        let single = folder + "/one.mat"
        try Data(try fixture("bsds-extra-variables.mat")).write(to: URL(fileURLWithPath: single))
        #expect(try LabelMapFile.read(single) == (try expected()[0]))
        let notMAT = folder + "/broken.mat"
        try Data([UInt8](repeating: 7, count: 300)).write(to: URL(fileURLWithPath: notMAT))
        #expect(throws: SegKitError.self) { try BSDSGroundTruth.read(notMAT) }
    }
}

/// Builds level-5 MAT-file elements (uncompressed) for tests.
struct MATWriter {
    let littleEndian: Bool

    func words(_ values: [UInt32]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let b = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            return littleEndian ? b : b.reversed()
        }
    }

    /// A data element; payloads of up to 4 bytes use the small form.
    func element(type: UInt32, _ payload: [UInt8]) -> [UInt8] {
        if payload.count <= 4 && !payload.isEmpty {
            return words([UInt32(payload.count) << 16 | type]) + payload + [UInt8](repeating: 0, count: 4 - payload.count)
        }
        let padding = (8 - payload.count % 8) % 8
        return words([type, UInt32(payload.count)]) + payload + [UInt8](repeating: 0, count: padding)
    }

    func matrix(arrayClass: UInt32, dimensions: [Int32], name: String, data: [UInt8]) -> [UInt8] {
        let body = element(type: 6, words([arrayClass, 0])) + element(type: 5, words(dimensions.map { UInt32(bitPattern: $0) }))
            + element(type: 1, Array(name.utf8)) + data
        return words([14, UInt32(body.count)]) + body
    }

    func header() -> [UInt8] {
        var h = Array("MATLAB 5.0 MAT-file, written by SegKit's tests".utf8)
        h += [UInt8](repeating: 0x20, count: 116 - h.count) + [UInt8](repeating: 0, count: 8)
        return h + (littleEndian ? [0x00, 0x01, 0x49, 0x4D] : [0x01, 0x00, 0x4D, 0x49])
    }
}
