/// COCO panoptic annotations as a training set of entity label maps.
///
/// Layout (the one COCO's downloads unpack to; `DIR` is what you pass):
///
/// ```
/// DIR/annotations/panoptic_train2017.json   segments of every image (image_id, file_name, segments_info)
/// DIR/annotations/panoptic_train2017/       RGB PNGs, id = R + 256·G + 256²·B
///   (or DIR/panoptic_train2017/)
/// DIR/train2017/                            the photographs (file names from the JSON's "images")
/// ```
///
/// The JSON may also sit directly in `DIR` (`DIR/panoptic_train2017.json`), and any name works:
/// for `STEM.json` the PNG folder is `STEM` (next to the JSON or in `DIR`) and the image folder
/// is `STEM` without its `panoptic_` prefix (`train2017`), else `DIR/images`. So the minimal
/// layout is `DIR/panoptic.json`, `DIR/panoptic/`, `DIR/images/`. When `DIR` holds several
/// panoptic JSON files (train and val), pass the JSON file itself instead of `DIR`.
///
/// Entity labels: each segment of `segments_info` is one entity, things and stuff alike (label =
/// its position in `segments_info`); VOID pixels (id 0) and crowd segments (`iscrowd` = 1) are
/// unlabelled (−1). A pixel id missing from `segments_info` is an error, as in panopticapi.
/// The photograph of an annotation is the `images` entry with its `image_id`, or, when the JSON
/// has no `images`, the PNG's name with extension `.jpg`. Nothing is decoded until ``example(_:)``.
public struct PanopticDataset: LabelledImageDataset {
    /// The annotation JSON file.
    public let annotationFile: String
    /// The folder of panoptic PNGs.
    public let segmentFolder: String
    /// The folder of photographs.
    public let imageFolder: String
    /// The annotations, in JSON order (images without an annotation are not used).
    public let annotations: [COCOPanoptic.Annotation]
    /// Photograph file name per annotation (same order).
    let imageNames: [String]
    /// Decoding limit: images and PNGs with more pixels (width × height) are refused.
    public let maxPixels: Int

    /// Finds the layout from `path` (the data-set folder or its panoptic JSON) and reads the JSON.
    /// - Parameter maxPixels: decoding limit per file (width × height), default 10⁸.
    /// - Throws: `SegKitError` naming the path when no (or more than one) JSON, the PNG folder or
    ///   the image folder is missing, the JSON is malformed or lists no annotations.
    public init(path: String, maxPixels: Int = 100_000_000) throws(SegKitError) {
        let json = try Self.annotationFile(in: path)
        let slash = json.lastIndex(of: "/")
        let jsonFolder = slash.map { String(json[..<$0]) } ?? "."
        let stem = String(json[(slash.map { json.index(after: $0) } ?? json.startIndex)...].dropLast(".json".count))
        let root: String
        if jsonFolder == "annotations" { root = "." } else if jsonFolder.hasSuffix("/annotations") { root = String(jsonFolder.dropLast("/annotations".count)) } else { root = jsonFolder }
        let rootPath = root.isEmpty ? "/" : root
        guard let segments = [jsonFolder + "/" + stem, rootPath + "/" + stem].first(where: { FileAccess.kind($0) == .directory }) else {
            throw SegKitError(.fileSystem, "no panoptic PNG folder \(stem)/ next to the JSON or in \(rootPath)", path: json)
        }
        let split = stem.hasPrefix("panoptic_") && stem.count > "panoptic_".count ? String(stem.dropFirst("panoptic_".count)) : nil
        let imageCandidates = (split.map { [rootPath + "/" + $0] } ?? []) + [rootPath + "/images"]
        guard let images = imageCandidates.first(where: { FileAccess.kind($0) == .directory }) else {
            throw SegKitError(.fileSystem, "no image folder (expected \(imageCandidates.joined(separator: " or ")))", path: rootPath)
        }
        let dataset = try COCOPanoptic.read(json)
        guard !dataset.annotations.isEmpty else { throw SegKitError(.invalidData, "the JSON lists no annotations", path: json) }
        let names = Dictionary((dataset.images ?? []).map { ($0.id, $0.fileName) }, uniquingKeysWith: { a, _ in a })
        imageNames = try dataset.annotations.map { (a) throws(SegKitError) in
            if let name = names[a.imageID] { return name }
            guard dataset.images == nil else { throw SegKitError(.invalidData, "image_id \(a.imageID) of \(a.fileName) is not in \"images\"", path: json) }
            let png = a.fileName
            return (png.lowercased().hasSuffix(".png") ? String(png.dropLast(4)) : png) + ".jpg"
        }
        annotationFile = json
        segmentFolder = segments
        imageFolder = images
        annotations = dataset.annotations
        self.maxPixels = maxPixels
    }

    /// The JSON at `path`: the file itself, or the only `panoptic*.json` in `path/annotations` or `path`.
    static func annotationFile(in path: String) throws(SegKitError) -> String {
        switch FileAccess.kind(path) {
        case .missing: throw SegKitError(.fileSystem, "no such file or folder", path: path)
        case .file:
            guard FileAccess.fileExtension(path) == "json" else {
                throw SegKitError(.invalidArgument, "expected a COCO panoptic folder or its .json annotation file", path: path)
            }
            return path
        case .directory:
            var found: [String] = []
            for folder in [path + "/annotations", path] where FileAccess.kind(folder) == .directory {
                found += try FileAccess.entries(in: folder)
                    .filter { $0.hasPrefix("panoptic") && FileAccess.fileExtension($0) == "json" }.map { folder + "/" + $0 }
            }
            guard let first = found.first else {
                throw SegKitError(.invalidData, "no COCO panoptic JSON (annotations/panoptic_*.json or panoptic*.json) found", path: path)
            }
            guard found.count == 1 else {
                throw SegKitError(.invalidArgument, "several panoptic JSON files (\(found.joined(separator: ", "))); pass the one to use instead of the folder",
                                  path: path)
            }
            return first
        }
    }

    public var count: Int { annotations.count }

    public func imagePath(_ index: Int) -> String { imageFolder + "/" + imageNames[index] }

    /// The PNG of example `index`.
    public func segmentPath(_ index: Int) -> String { segmentFolder + "/" + annotations[index].fileName }

    /// Decodes example `index`: the photograph and its entity labels (see the type's description).
    /// - Throws: `SegKitError` naming the photograph or PNG that is missing, corrupt, of another
    ///   size, or (the PNG) holds an id absent from `segments_info`.
    public func example(_ index: Int) throws(SegKitError) -> (image: Image<Float>, labels: LabelMap) {
        let image = try Self.readRGB(imagePath(index), maxPixels: maxPixels)
        let png = segmentPath(index)
        let (w, h, ids) = try COCOPanoptic.readIDs(png, maxPixels: maxPixels)
        var entity: [Int: Int32] = [0: LabelMap.void]
        for (k, s) in annotations[index].segmentsInfo.enumerated() { entity[s.id] = (s.isCrowd ?? 0) != 0 ? LabelMap.void : Int32(k) }
        var labels = [Int32](repeating: LabelMap.void, count: ids.count)
        for (i, id) in ids.enumerated() {
            guard let l = entity[id] else {
                throw SegKitError(.invalidData, "pixel (\(i % w), \(i / w)) has segment id \(id), which segments_info does not list", path: png)
            }
            labels[i] = l
        }
        let map = try SegKitError.attributed(to: png) { () throws(SegKitError) in try LabelMap(width: w, height: h, labels: labels) }
        try Self.requireMatchingSize(map, png, image: image, imagePath(index))
        return (image, map)
    }
}
