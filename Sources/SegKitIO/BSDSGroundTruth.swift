/// Human segmentations from the Berkeley Segmentation Data Set (BSDS500) ground-truth files.
public enum BSDSGroundTruth {
    /// Every annotator's segmentation in a BSDS500 `groundTruth/NAME.mat`.
    ///
    /// The file holds a variable `groundTruth`: a cell array with one 1 × 1 struct per annotator,
    /// whose field `Segmentation` is an H × W matrix of labels 1…K. They are returned in cell
    /// order as label maps with labels 0…K−1 (file label − 1); a 0 in the file (unlabelled; BSDS500
    /// itself has none) becomes void.
    /// - Parameter maxPixels: segmentations with more pixels are refused; default 10⁸.
    /// - Throws: `SegKitError` naming `path`: not a MAT-file, no `groundTruth` cell array, a cell
    ///   without a 2-D `Segmentation` of non-negative integers, annotators of different sizes.
    public static func read(_ path: String, maxPixels: Int = 100_000_000) throws(SegKitError) -> [LabelMap] {
        let file = try MATFile.read(path)
        return try SegKitError.attributed(to: path) { () throws(SegKitError) in try segmentations(in: file, maxPixels: maxPixels) }
    }

    /// The segmentations of an already parsed file (see ``read(_:maxPixels:)``).
    public static func segmentations(in file: MATFile, maxPixels: Int = 100_000_000) throws(SegKitError) -> [LabelMap] {
        guard let truth = file.variables["groundTruth"] else {
            throw .invalidData("no variable 'groundTruth' (variables: \(file.names.joined(separator: ", ")))")
        }
        guard case .cell(_, let cells) = truth, !cells.isEmpty else {
            throw .invalidData("'groundTruth' is not a non-empty cell array")
        }
        var maps: [LabelMap] = []
        for (k, cell) in cells.enumerated() {
            guard case .structure(_, _, let elements) = cell, let first = elements.first, let segmentation = first["Segmentation"],
                  case .numeric(let dimensions, let values) = segmentation, dimensions.count == 2
            else { throw .invalidData("groundTruth{\(k + 1)} has no 2-D numeric field 'Segmentation'") }
            let (h, w) = (dimensions[0], dimensions[1])
            guard h >= 1, w >= 1 else { throw .invalidData("groundTruth{\(k + 1)}.Segmentation is empty") }
            guard h * w <= maxPixels else { throw SegKitError(.limitExceeded, "groundTruth{\(k + 1)}.Segmentation has \(w)×\(h) pixels, more than \(maxPixels)") }
            if let reference = maps.first, reference.width != w || reference.height != h {
                throw .shapeMismatch("groundTruth{\(k + 1)} is \(w)×\(h), groundTruth{1} is \(reference.width)×\(reference.height)")
            }
            // Column-major (MATLAB) to row-major.
            var labels = [Int32](repeating: 0, count: h * w)
            for x in 0..<w {
                for y in 0..<h {
                    let v = values[x * h + y]
                    guard v >= 0, v < 2_147_483_648, v == v.rounded() else {
                        throw .invalidData("groundTruth{\(k + 1)}.Segmentation(\(y + 1), \(x + 1)) = \(v) is not a label (a non-negative integer)")
                    }
                    labels[y * w + x] = Int32(v) - 1
                }
            }
            maps.append(LabelMap(width: w, height: h, unchecked: labels))
        }
        return maps
    }
}
