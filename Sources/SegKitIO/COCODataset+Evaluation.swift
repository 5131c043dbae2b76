import SegKitEvaluation

extension COCODataset {
    /// Runs `COCOeval` on these annotations and a list of results, as pycocotools' `loadRes` +
    /// `evaluate()` + `accumulate()` + `summarize()` would: results get ids in file order; a result's
    /// area is its box area when it has a box and its mask area otherwise (loadRes's rule, which
    /// holds for segm evaluation too); boxes of mask results come from `toBbox` when absent;
    /// polygons are rasterised like `annToRLE`.
    /// - Throws: `SegKitError` for results on unknown images, missing segmentations or boxes.
    public func evaluate(results: [COCOResult], type: COCOEvaluation.IoUType, parameters: COCOEvaluation.Parameters = .init())
        throws(SegKitError) -> COCOEvaluation.Result
    {
        let sizes = Dictionary(uniqueKeysWithValues: images.map { ($0.id, ($0.height, $0.width)) })
        var truths: [COCOEvaluation.GroundTruth] = []
        for a in annotations {
            guard let (h, w) = sizes[a.imageID] else { continue }
            let mask = try a.segmentation?.runLengthMask(height: h, width: w)
            guard let box = a.bbox ?? mask?.boundingBox else { throw .invalidData("annotation \(a.id) has neither bbox nor segmentation") }
            let area = a.area ?? Double(mask?.area ?? 0)
            truths.append(.init(id: a.id, imageID: a.imageID, categoryID: a.categoryID, isCrowd: a.isCrowd, area: area, box: box, mask: mask))
        }
        var detections: [COCOEvaluation.Detection] = []
        for r in results {
            guard let (h, w) = sizes[r.imageID] else { throw .invalidData("result for unknown image \(r.imageID)") }
            switch type {
            case .bbox:
                guard let box = r.bbox else { throw .invalidData("bbox evaluation needs a bbox in every result") }
                detections.append(.init(imageID: r.imageID, categoryID: r.categoryID, score: r.score, box: box, mask: nil))
            case .segm, .boundary:
                guard let mask = try r.segmentation?.runLengthMask(height: h, width: w) else {
                    throw .invalidData("\(type.rawValue) evaluation needs a segmentation in every result")
                }
                detections.append(.init(imageID: r.imageID, categoryID: r.categoryID, score: r.score, box: r.bbox ?? mask.boundingBox,
                                        mask: mask, area: r.bbox.map { $0.width * $0.height } ?? Double(mask.area)))
            }
        }
        let imageList = images.map { COCOEvaluation.Image(id: $0.id, width: $0.width, height: $0.height) }
        return try COCOEvaluation.evaluate(images: imageList, categoryIDs: categories.map(\.id), groundTruths: truths,
                                           detections: detections, type: type, parameters: parameters)
    }
}
