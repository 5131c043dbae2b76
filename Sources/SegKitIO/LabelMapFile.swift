/// Label maps from any file SegKit reads them from, chosen by extension: integer NumPy arrays
/// (`.npy`, H × W, −1 = void), BSDS500 ground-truth MAT-files (`.mat`, see ``BSDSGroundTruth``)
/// or label PNGs (everything else; see ``LabelPNG``: 16-bit with 65535 = void, 8-bit gray or
/// palette).
public enum LabelMapFile {
    /// Reads the label map at `path`. A `.mat` file must hold exactly one human segmentation
    /// (use ``readAnnotations(_:maxPixels:)`` for several).
    /// - Parameter maxPixels: maps with more pixels (width × height) are refused; default 10⁸.
    /// - Throws: `SegKitError` naming `path`: missing or corrupt file, colour PNG, non-integer or
    ///   non-2-D array, labels below −1, a MAT-file with several segmentations.
    public static func read(_ path: String, maxPixels: Int = 100_000_000) throws(SegKitError) -> LabelMap {
        if FileAccess.fileExtension(path) == "mat" {
            let maps = try BSDSGroundTruth.read(path, maxPixels: maxPixels)
            guard maps.count == 1 else {
                throw SegKitError(.invalidArgument, "holds \(maps.count) human segmentations, not one; `segkit eval regions` compares with all of them", path: path)
            }
            return maps[0]
        }
        if FileAccess.fileExtension(path) == "npy" {
            let array = try NumpyArray.read(path)
            return try SegKitError.attributed(to: path) { () throws(SegKitError) in try array.labelMap() }
        }
        return try LabelPNG.read(path, maxPixels: maxPixels)
    }

    /// Every annotation in the file at `path`: all human segmentations of a BSDS500 `.mat`, or
    /// the one label map of any other file.
    /// - Throws: as ``read(_:maxPixels:)``.
    public static func readAnnotations(_ path: String, maxPixels: Int = 100_000_000) throws(SegKitError) -> [LabelMap] {
        if FileAccess.fileExtension(path) == "mat" { return try BSDSGroundTruth.read(path, maxPixels: maxPixels) }
        return [try read(path, maxPixels: maxPixels)]
    }
}
