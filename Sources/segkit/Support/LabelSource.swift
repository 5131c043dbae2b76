import SegKit

/// Reads a label map from a 16-bit (or 8-bit/palette) label PNG or an integer `.npy` file.
func readLabelMap(_ path: String, maxPixels: Int) throws(SegKitError) -> LabelMap {
    if FileAccess.fileExtension(path) == "npy" {
        let array = try NumpyArray.read(path)
        do { return try array.labelMap() } catch { throw error.at(path: path) }
    }
    return try LabelPNG.read(path, maxPixels: maxPixels)
}
