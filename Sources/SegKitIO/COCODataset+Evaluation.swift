import SegKitEvaluation

extension COCODataset {
    /// Runs `COCOeval` on these annotations and a list of results, as pycocotools' `loadRes` +
    /// `evaluate()` + `accumulate()` + `summarize()` would: results get ids in file order; a result's
    /// area is its box area when it has a box and its mask area otherwise (loadRes's rule, which
    /// holds for segm evaluation too); boxes of mask results come from `toBbox` when absent;
    /// polygons are rasterised like `annToRLE`. Annotations and results are converted in parallel
    /// (``Parallel``); the first error in file order is thrown.
    /// - Throws: `SegKitError` for results on unknown images, missing segmentations or boxes.
    public func evaluate(results: [COCOResult], type: COCOEvaluation.IoUType, parameters: COCOEvaluation.Parameters = .init())
        throws(SegKitError) -> COCOEvaluation.Result
    {
        var sizes: [Int: (Int, Int)] = [:]
        for image in images { sizes[image.id] = (image.height, image.width) }  // last entry wins, as in pycocotools
        let imageSizes = sizes
        let truths = try COCODataset.parallelMap(annotations) { (a) throws(SegKitError) -> COCOEvaluation.GroundTruth? in
            guard let (h, w) = imageSizes[a.imageID] else { return nil }
            let mask = try a.segmentation?.runLengthMask(height: h, width: w)
            guard let box = a.bbox ?? mask?.boundingBox else { throw .invalidData("annotation \(a.id) has neither bbox nor segmentation") }
            let area = a.area ?? Double(mask?.area ?? 0)
            return .init(id: a.id, imageID: a.imageID, categoryID: a.categoryID, isCrowd: a.isCrowd, area: area, box: box, mask: mask)
        }.compactMap { $0 }
        let detections = try COCODataset.parallelMap(results) { (r) throws(SegKitError) -> COCOEvaluation.Detection in
            guard let (h, w) = imageSizes[r.imageID] else { throw .invalidData("result for unknown image \(r.imageID)") }
            switch type {
            case .bbox:
                if let box = r.bbox { return .init(imageID: r.imageID, categoryID: r.categoryID, score: r.score, box: box, mask: nil) }
                // loadRes: a mask result without a box gets toBbox(mask) and the mask's area.
                guard let mask = try r.segmentation?.runLengthMask(height: h, width: w) else {
                    throw .invalidData("bbox evaluation needs a bbox or a segmentation in every result")
                }
                return .init(imageID: r.imageID, categoryID: r.categoryID, score: r.score, box: mask.boundingBox, mask: nil,
                             area: Double(mask.area))
            case .segm, .boundary:
                guard let mask = try r.segmentation?.runLengthMask(height: h, width: w) else {
                    throw .invalidData("\(type.rawValue) evaluation needs a segmentation in every result")
                }
                return .init(imageID: r.imageID, categoryID: r.categoryID, score: r.score, box: r.bbox ?? mask.boundingBox,
                             mask: mask, area: r.bbox.map { $0.width * $0.height } ?? Double(mask.area))
            }
        }
        let imageList = images.map { COCOEvaluation.Image(id: $0.id, width: $0.width, height: $0.height) }
        return try COCOEvaluation.evaluate(images: imageList, categoryIDs: categories.map(\.id), groundTruths: truths,
                                           detections: detections, type: type, parameters: parameters)
    }

    /// `values.map(transform)` in parallel chunks; throws the error of the first failing element.
    static func parallelMap<T: Sendable, R: Sendable>(_ values: [T], _ transform: @Sendable (T) throws(SegKitError) -> R) throws(SegKitError) -> [R] {
        var out = [Result<R, SegKitError>?](repeating: nil, count: values.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SendablePointer(buffer.baseAddress!)
            values.withUnsafeBufferPointer { source in
                let input = SendableConstPointer(source.baseAddress!)
                Parallel.forEachChunk(count: values.count, chunkSize: 1024) { _, range in
                    for i in range { target[i] = Result { () throws(SegKitError) in try transform(input[i]) } }
                }
            }
        }
        var mapped: [R] = []
        mapped.reserveCapacity(values.count)
        for r in out { mapped.append(try r!.get()) }
        return mapped
    }
}
