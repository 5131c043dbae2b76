import Foundation
import Testing
import _TestSupport
import SegKitIO

@Suite struct NumpyArrayTests {
    func load(_ name: String) throws -> NumpyArray {
        try Fixtures.data("npy/\(name)").withUnsafeBytes { try NumpyArray(npy: $0) }
    }

    @Test(arguments: ["f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"])
    func readsNumpyFilesOfEveryDtypeAndByteOrder(code: String) throws {
        for prefix in ["le", "be"] {
            let array = try load("\(prefix)_\(code).npy")
            #expect(array.shape == [2, 3])
            #expect(array.doubles() == [0, 1, 2, 3, 4, 5], "\(prefix)_\(code)")
        }
    }

    @Test func readsBoolScalarsEmptyAndNewerVersions() throws {
        #expect(try load("bool.npy").integers() == [0, 1, 0, 1, 0, 1])
        #expect(try load("negative_i4.npy").integers() == [0, -1, -2, -3, -4, -5])
        let scalar = try load("scalar_f8.npy")
        #expect(scalar.shape == [] && scalar.doubles() == [2.5])
        #expect(try load("empty_rows_f4.npy").shape == [0, 3])
        #expect(try load("v2_f4.npy").floats() == [0, 1, 2, 3, 4, 5])
        #expect(try load("v3_f4.npy").floats() == [0, 1, 2, 3, 4, 5])
    }

    @Test func refusesFortranOrderAndUnsupportedDtypes() throws {
        for name in ["fortran_f4.npy", "complex.npy", "object.npy"] {
            #expect(throws: SegKitError.self, "\(name)") { try load(name) }
        }
    }

    @Test func roundTripsEveryWritableDtype() throws {
        let arrays: [NumpyArray] = [
            try NumpyArray([Float(1.5), -2, .pi], shape: [3]),
            try NumpyArray([1.25, -7.0], shape: [1, 2]),
            try NumpyArray([Int32(-1), 0, 70000, Int32.max], shape: [2, 2]),
            try NumpyArray([Int64.min, 5], shape: [2]),
            try NumpyArray([UInt8(0), 255, 7], shape: [3, 1]),
            try NumpyArray([true, false, true, true], shape: [2, 2]),
        ]
        for a in arrays {
            let back = try a.npyBytes().withUnsafeBytes { try NumpyArray(npy: $0) }
            #expect(back == a)
            #expect(a.npyBytes().count % 64 == a.bytes.count % 64, "header padded to 64 bytes")
        }
    }

    @Test func convertsToAndFromSegKitTypes() throws {
        let matrix = try FeatureMatrix(count: 2, dimension: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(try NumpyArray(matrix).featureMatrix() == matrix)
        let labels = try LabelMap(width: 3, height: 2, labels: [0, 1, -1, 2, 2, 1])
        #expect(try NumpyArray(labels).labelMap() == labels)
        let image = Synthetic.noiseImage(width: 4, height: 3, channels: 3)
        let array = NumpyArray(image)
        #expect(array.shape == [3, 4, 3])
        #expect(try array.image() == image)
        #expect(throws: SegKitError.self) { try NumpyArray([Float.nan, 1], shape: [1, 2]).featureMatrix() }
        #expect(throws: SegKitError.self) { try NumpyArray([Int64(-2), 1], shape: [1, 2]).labelMap() }
        #expect(throws: SegKitError.self) { try NumpyArray([Float(1)], shape: [1]).labelMap() }
    }

    @Test func malformedHeadersAreErrors() throws {
        let good = try NumpyArray([Float(1), 2], shape: [2]).npyBytes()
        func parse(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { _ = try NumpyArray(npy: $0) } }
        var wrongVersion = good
        wrongVersion[6] = 9
        #expect(throws: SegKitError.self) { try parse(wrongVersion) }
        #expect(throws: SegKitError.self) { try parse(good + [0]) }  // data longer than the shape
        #expect(throws: SegKitError.self) { try parse(Array(good.dropLast())) }
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0]
        bytes += Array(header.utf8)
        #expect(throws: SegKitError.self) { try parse(bytes) }
        #expect(throws: SegKitError.self) { try NumpyArray(shape: [2, 2], dtype: .float32, littleEndianBytes: [0]) }
    }
}
