/// Label maps from any file SegKit reads them from, chosen by extension: integer NumPy arrays
/// (`.npy`, H × W, −1 = void) or label PNGs (everything else; see ``LabelPNG``: 16-bit with
/// 65535 = void, 8-bit gray or palette).
public enum LabelMapFile {
    /// Reads the label map at `path`.
    /// - Parameter maxPixels: PNGs with more pixels (width × height) are refused; default 10⁸.
    /// - Throws: `SegKitError` naming `path`: missing or corrupt file, colour PNG, non-integer or
    ///   non-2-D array, labels below −1.
    public static func read(_ path: String, maxPixels: Int = 100_000_000) throws(SegKitError) -> LabelMap {
        if FileAccess.fileExtension(path) == "npy" {
            let array = try NumpyArray.read(path)
            return try SegKitError.attributed(to: path) { () throws(SegKitError) in try array.labelMap() }
        }
        return try LabelPNG.read(path, maxPixels: maxPixels)
    }
}
