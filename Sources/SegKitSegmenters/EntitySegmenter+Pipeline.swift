import Dispatch
import SegKitClustering
import SegKitRefinement
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EntitySegmenter {
    /// Segments every entity of an sRGB image.
    /// - Throws: `SegKitError` for invalid settings or images, and from the network.
    /// - Complexity: dominated by the network at each resolution (O(pixels · model size)) and
    ///   mean-shift on the pooled superpixels (O(iterations · superpixels²)).
    public func segment(_ image: Image<Float>) throws(SegKitError) -> Result {
        try configuration.validate()
        let rgb = image.rgb()
        guard rgb.channels == 3 else { throw .invalidArgument("entity segmentation needs a gray or colour image") }
        let timer = StageTimer()
        let w = rgb.width, h = rgb.height
        var levels: [LabelMap] = []
        var finest: (features: Image<Float>?, labels: LabelMap)?
        for long in configuration.resolutions.sorted() {
            let scale = min(1, Double(long) / Double(max(w, h)))
            let lw = max(8, Int((Double(w) * scale).rounded())), lh = max(8, Int((Double(h) * scale).rounded()))
            let small = rgb.resized(width: lw, height: lh, method: .area)
            let level = try segmentLevel(small, timer)
            levels.append(level.labels.resized(width: w, height: h))
            finest = (level.features, level.labels)
        }
        var labels = try timer.measure("refinement") { () throws(SegKitError) -> LabelMap in
            var merged = levels[0]
            for fine in levels.dropFirst() { merged = mergeResolution(coarse: merged, fine: fine) }
            let lab = try ColorSpace.srgbToLab(rgb)
            let pieces = ConnectedComponents.label(merged, connectivity: .four)
            var clean = try SmallRegionMerging.merge(pieces, features: lab, minimumSize: configuration.minimumArea)
            if configuration.guidedRefinement { clean = try refineBoundaries(clean, guide: rgb) }
            return clean
        }
        labels = labels.relabeledContiguously().map
        let segments = try timer.measure("records") { () throws(SegKitError) -> [Segment] in
            try records(labels, levels: levels, image: rgb, finest: finest)
        }
        return Result(labels: labels, segments: segments, features: finest?.features, timing: timer.seconds)
    }

    /// One resolution: features, superpixels, pooled clustering, per-pixel labels.
    func segmentLevel(_ image: Image<Float>, _ timer: StageTimer) throws(SegKitError) -> (labels: LabelMap, features: Image<Float>?)
    {
        let lab = try ColorSpace.srgbToLab(image)
        var spConfiguration = Superpixels.Configuration(segmentCount: configuration.superpixels)
        spConfiguration.iterations = 5
        let superpixels = try timer.measure("superpixels") { () throws(SegKitError) in
            try Superpixels.segment(features: lab, configuration: spConfiguration)
        }
        let regions = superpixels.segmentCount
        var areas = [Float](repeating: 0, count: regions)
        for l in superpixels.labels { areas[Int(l)] += 1 }
        switch model {
        case .network(let network):
            let features = try timer.measure("network") { () throws(SegKitError) in
                try network.features(for: image, tileSize: configuration.tileSize, overlap: configuration.tileOverlap)
            }
            let pooled = poolLines(features, superpixels, regions)
            let clusters = try timer.measure("clustering") { () throws(SegKitError) in
                var c = MeanShift.Configuration.embeddings
                if let b = configuration.bandwidth { c.bandwidth = b }
                c.seeding = .all
                return try MeanShift.fit(pooled, weights: areas, configuration: c).labels
            }
            var perRegion = clusters
            let graph = try RegionAdjacencyGraph(labels: superpixels, features: lab)
            if let split = configuration.colourSplit {
                // Pairs (embedding cluster, colour cluster) become the segments.
                let colour = try colourClusters(graph, distance: split, timer)
                var ids: [Int64: Int32] = [:]
                for r in 0..<regions {
                    let key = Int64(clusters[r]) << 32 | Int64(colour[r])
                    if let id = ids[key] { perRegion[r] = id } else { perRegion[r] = Int32(ids.count); ids[key] = perRegion[r] }
                }
            }
            if let thresholds = configuration.boundaryMerge {
                perRegion = try timer.measure("clustering") { () throws(SegKitError) in
                    try mergeWeakBoundaries(perRegion, graph: graph, lines: pooled, thresholds: thresholds)
                }
            }
            return (try LabelMap(width: image.width, height: image.height, labels: superpixels.labels.map { perRegion[Int($0)] }), features)
        case .classic:
            // Joint spatial–range features: Lab / h_r and position / h_s per superpixel.
            let hr: Float = 10, hs = Float(max(image.width, image.height)) * 0.12
            var values = [Float](repeating: 0, count: regions * 5)
            let n = image.pixelCount
            for i in 0..<n {
                let r = Int(superpixels.labels[i])
                values[r * 5] += lab.data[i] / hr
                values[r * 5 + 1] += lab.data[n + i] / hr
                values[r * 5 + 2] += lab.data[2 * n + i] / hr
                values[r * 5 + 3] += Float(i % image.width) / hs
                values[r * 5 + 4] += Float(i / image.width) / hs
            }
            for r in 0..<regions { for j in 0..<5 { values[r * 5 + j] /= areas[r] } }
            let points = try FeatureMatrix(count: regions, dimension: 5, values: values)
            let clusters = try timer.measure("clustering") { () throws(SegKitError) in
                var c = MeanShift.Configuration(bandwidth: configuration.bandwidth ?? 1)
                c.seeding = .all
                return try MeanShift.fit(points, weights: areas, configuration: c).labels
            }
            return (try LabelMap(width: image.width, height: image.height, labels: superpixels.labels.map { clusters[Int($0)] }), nil)
        case .mergedSuperpixels:
            let graph = try RegionAdjacencyGraph(labels: superpixels, features: lab)
            let clusters = try colourClusters(graph, distance: configuration.mergeDistance, timer)
            return (try LabelMap(width: image.width, height: image.height, labels: superpixels.labels.map { clusters[Int($0)] }), nil)
        }
    }

    /// Superpixels merged by agglomerative clustering of their mean CIELAB colour until the closest
    /// adjacent pair differs by more than `distance` (ΔE): a cluster per superpixel.
    func colourClusters(_ graph: RegionAdjacencyGraph, distance: Float, _ timer: StageTimer) throws(SegKitError) -> [Int32] {
        let regionGraph = try AgglomerativeMerging.RegionGraph(featureSums: graph.featureSums, sizes: graph.sizes.map(Double.init),
                                                               edges: graph.edges.map { ($0.a, $0.b) })
        let tree = timer.measure("clustering") { AgglomerativeMerging.mergeTree(regionGraph) }
        let kept = tree.merges.prefix { $0.distance <= Double(distance) }.count
        return tree.labels(regionCount: graph.regionCount - kept)
    }

    /// Merges adjacent segments (connected groups of superpixels with one label) across weak
    /// boundaries (``BoundaryMerging``): the boundary between two adjacent superpixels has strength
    /// max((1 − |ℓa · ℓb|) / embedding, ΔE(a, b) / colour) for their pooled lines ℓ and mean CIELAB
    /// colours, weighted by its length in pixel pairs; segments merge while the weakest mean
    /// boundary is below 1. A segment per superpixel.
    /// - Complexity: O(superpixel edges · (d + log edges)).
    func mergeWeakBoundaries(_ labels: [Int32], graph: RegionAdjacencyGraph, lines: FeatureMatrix,
                             thresholds: BoundaryMergeThresholds) throws(SegKitError) -> [Int32] {
        let d = lines.dimension, colour = graph.featureMeans.values
        let boundaries = graph.edges.map { e -> BoundaryMerging.Boundary in
            var dot: Float = 0
            for j in 0..<d { dot += lines.values[e.a * d + j] * lines.values[e.b * d + j] }
            var squared: Float = 0
            for c in 0..<3 {
                let t = colour[e.a * 3 + c] - colour[e.b * 3 + c]
                squared += t * t
            }
            let strength = max(max(0, 1 - Swift.abs(dot)) / thresholds.embedding, squared.squareRoot() / thresholds.colour)
            return .init(a: e.a, b: e.b, strength: Double(strength), length: Double(e.boundaryLength))
        }
        return try BoundaryMerging.merge(groups: labels, boundaries: boundaries, threshold: 1)
    }

    /// One line per region: the mean of its unit features, each sign-aligned to the region's
    /// first pixel (row-major), renormalised.
    ///
    /// Loops run plane by plane (the features are planar), so memory is read in order; every
    /// pixel's dot product and every region's sums still add in the same order as a per-pixel loop.
    /// - Complexity: O(pixels · d).
    func poolLines(_ features: Image<Float>, _ regions: LabelMap, _ count: Int) -> FeatureMatrix {
        let d = features.channels, n = features.pixelCount
        var reference = [Float](repeating: 0, count: count * d), first = [Int](repeating: -1, count: count)
        var sums = [Float](repeating: 0, count: count * d)
        var dots = [Float](repeating: 0, count: n)
        regions.labels.withUnsafeBufferPointer { L in
            features.data.withUnsafeBufferPointer { F in
                for i in 0..<n where first[Int(L[i])] < 0 { first[Int(L[i])] = i }
                for r in 0..<count where first[r] >= 0 {
                    for j in 0..<d { reference[r * d + j] = F[j * n + first[r]] }
                }
                reference.withUnsafeBufferPointer { R in
                    dots.withUnsafeMutableBufferPointer { D in
                        for j in 0..<d {
                            let plane = F.baseAddress! + j * n
                            for i in 0..<n { D[i] += plane[i] * R[Int(L[i]) * d + j] }
                        }
                    }
                }
                dots.withUnsafeBufferPointer { D in
                    sums.withUnsafeMutableBufferPointer { S in
                        for j in 0..<d {
                            let plane = F.baseAddress! + j * n
                            for i in 0..<n { S[Int(L[i]) * d + j] += (D[i] < 0 ? -1 : 1) * plane[i] }
                        }
                    }
                }
            }
        }
        for r in 0..<count {
            var norm: Float = 0
            for j in 0..<d { norm += sums[r * d + j] * sums[r * d + j] }
            let s = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<d { sums[r * d + j] *= s }
            if norm == 0 { sums[r * d] = 1 }
        }
        return try! FeatureMatrix(count: count, dimension: d, values: sums)
    }

    /// The pixel count of every pair of labels (a of `first`, b of `second`) that overlap, in no
    /// particular order, and each map's label sizes (indexed 0…maxLabel). Both maps have one size
    /// and labels ≥ 0. A dense table counts when it has at most 2²² cells, else a dictionary.
    /// - Complexity: O(pixels + labels(first) · labels(second)) dense, O(pixels) otherwise.
    static func overlapCounts(_ first: LabelMap, _ second: LabelMap) -> (pairs: [(a: Int, b: Int, count: Int)], sizesFirst: [Int], sizesSecond: [Int]) {
        let n = first.pixelCount, ma = Int(first.maxLabel) + 1, mb = Int(second.maxLabel) + 1
        var sizesFirst = [Int](repeating: 0, count: ma), sizesSecond = [Int](repeating: 0, count: mb)
        for i in 0..<n {
            sizesFirst[Int(first.labels[i])] += 1
            sizesSecond[Int(second.labels[i])] += 1
        }
        var pairs: [(a: Int, b: Int, count: Int)] = []
        if ma * mb <= 1 << 22 {
            var table = [Int](repeating: 0, count: ma * mb)
            for i in 0..<n { table[Int(first.labels[i]) * mb + Int(second.labels[i])] += 1 }
            for (key, count) in table.enumerated() where count > 0 { pairs.append((key / mb, key % mb, count)) }
        } else {
            var table: [Int: Int] = [:]
            for i in 0..<n { table[Int(first.labels[i]) * mb + Int(second.labels[i]), default: 0] += 1 }
            pairs = table.map { ($0.key / mb, $0.key % mb, $0.value) }
        }
        return (pairs, sizesFirst, sizesSecond)
    }

    /// §4.1, coarse to fine. For each fine segment f and the coarse segment c it overlaps most:
    /// if IoU(f, c) ≥ `replaceIoU`, f is a sharper version of c and its pixels take c's label;
    /// else if |f ∩ c| / |f| ≥ `containment` and |f| ≤ `maximumSubdivision` · |c|, f is a part of c
    /// (a smaller object found at the finer scale) and becomes a new segment; otherwise the coarse
    /// labels stay (the finer scale lost global coherence there).
    func mergeResolution(coarse: LabelMap, fine: LabelMap) -> LabelMap {
        let n = coarse.pixelCount
        let (overlaps, sizeF, sizeC) = Self.overlapCounts(fine, coarse)
        let nc = sizeC.count, nf = sizeF.count
        var best = [(c: Int, count: Int)](repeating: (0, 0), count: nf)
        for (f, c, count) in overlaps {
            // Ties go to the smaller coarse label, so the result never depends on the pairs' order.
            if count > best[f].count || (count == best[f].count && c < best[f].c) { best[f] = (c, count) }
        }
        var next = Int32(nc)
        var action = [Int32](repeating: -1, count: nf)  // new label for the fine segment's pixels, −1 = keep coarse
        for f in 0..<nf where sizeF[f] > 0 {
            let (c, inter) = best[f]
            let iou = Double(inter) / Double(sizeF[f] + sizeC[c] - inter)
            if iou >= configuration.replaceIoU {
                action[f] = Int32(c)
            } else if Double(inter) / Double(sizeF[f]) >= configuration.containment,
                      Double(sizeF[f]) <= configuration.maximumSubdivision * Double(sizeC[c]), sizeF[f] >= configuration.minimumArea {
                action[f] = next
                next += 1
            }
        }
        var out = coarse
        for i in 0..<n {
            let a = action[Int(fine.labels[i])]
            if a >= 0 { out.labels[i] = a }
        }
        return out.relabeledContiguously().map
    }

    /// Guided-filter refinement (two-tricks paper): each segment's binary mask is smoothed with
    /// the image as guide (radius ≈ 1% of the diagonal, ε = 1e-3) inside its dilated box, and
    /// every pixel takes the segment with the highest response.
    func refineBoundaries(_ labels: LabelMap, guide: Image<Float>) throws(SegKitError) -> LabelMap {
        let w = labels.width, h = labels.height
        let radius = max(2, Int(Double((w * w + h * h)).squareRoot() * 0.01))
        let gray = guide.gray()
        var best = [Float](repeating: -1, count: w * h), out = labels
        for label in 0..<Int32(labels.segmentCount) {
            let box = labels.mask(for: label).boundingBox
            guard box.width > 0 else { continue }
            let x0 = max(0, Int(box.x) - 2 * radius), y0 = max(0, Int(box.y) - 2 * radius)
            let x1 = min(w, Int(box.x + box.width) + 2 * radius), y1 = min(h, Int(box.y + box.height) + 2 * radius)
            let rect = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            var mask = Image<Float>(width: rect.width, height: rect.height, channels: 1)
            for y in 0..<rect.height { for x in 0..<rect.width where labels[x0 + x, y0 + y] == label { mask.data[y * rect.width + x] = 1 } }
            let q = try GuidedFilter.filter(mask, guide: gray.cropped(to: rect), radius: radius, epsilon: 1e-3)
            for y in 0..<rect.height {
                for x in 0..<rect.width {
                    let i = (y0 + y) * w + x0 + x, v = q.data[y * rect.width + x]
                    if v > best[i] {
                        best[i] = v
                        out.labels[i] = label
                    }
                }
            }
        }
        return out
    }

    /// Per-segment records: area, box, score and stability across resolutions.
    func records(_ labels: LabelMap, levels: [LabelMap], image: Image<Float>, finest: (features: Image<Float>?, labels: LabelMap)?)
        throws(SegKitError) -> [Segment]
    {
        let k = labels.segmentCount, w = labels.width
        var areas = [Int](repeating: 0, count: k)
        var minX = [Int](repeating: Int.max, count: k), minY = minX, maxX = [Int](repeating: -1, count: k), maxY = maxX
        for y in 0..<labels.height {
            for x in 0..<w {
                let l = Int(labels.labels[y * w + x])
                areas[l] += 1
                minX[l] = min(minX[l], x); maxX[l] = max(maxX[l], x)
                minY[l] = min(minY[l], y); maxY[l] = max(maxY[l], y)
            }
        }
        // Stability: best IoU with each level's segments, averaged over levels.
        var stability = [Double](repeating: 0, count: k)
        for level in levels {
            let (overlaps, _, sizes) = Self.overlapCounts(labels, level)
            var bestIoU = [Double](repeating: 0, count: k)
            for (a, b, inter) in overlaps {
                bestIoU[a] = max(bestIoU[a], Double(inter) / Double(areas[a] + sizes[b] - inter))
            }
            for a in 0..<k { stability[a] += bestIoU[a] / Double(levels.count) }
        }
        let scores = try confidence(labels, image: image, finest: finest)
        var out: [Segment] = []
        for l in 0..<k {
            let box = BoundingBox(x: Double(minX[l]), y: Double(minY[l]), width: Double(maxX[l] - minX[l] + 1),
                                  height: Double(maxY[l] - minY[l] + 1))
            out.append(Segment(label: Int32(l), area: areas[l], boundingBox: box, score: scores[l], stability: stability[l]))
        }
        return out
    }

    /// Network: mean |f·μ| over the segment at the finest resolution. Otherwise colour
    /// homogeneity exp(−σ/10), σ the RMS CIELAB distance of the segment's pixels to its mean.
    func confidence(_ labels: LabelMap, image: Image<Float>, finest: (features: Image<Float>?, labels: LabelMap)?) throws(SegKitError) -> [Double] {
        let k = labels.segmentCount
        if let features = finest?.features {
            let small = labels.resized(width: features.width, height: features.height)
            let lines = poolLines(features, small, max(Int(small.maxLabel) + 1, 1))
            let d = features.channels, n = features.pixelCount
            var sums = [Double](repeating: 0, count: k), counts = [Double](repeating: 0, count: k)
            for i in 0..<n {
                let l = Int(small.labels[i])
                var dot: Float = 0
                for j in 0..<d { dot += features.data[j * n + i] * lines.values[l * d + j] }
                sums[l] += Double(Swift.abs(dot))
                counts[l] += 1
            }
            // Segments too small to appear at the feature resolution get the median score.
            let known = (0..<k).filter { counts[$0] > 0 }.map { sums[$0] / counts[$0] }.sorted()
            let fallback = known.isEmpty ? 0 : known[known.count / 2]
            return (0..<k).map { counts[$0] > 0 ? sums[$0] / counts[$0] : fallback }
        }
        let lab = try ColorSpace.srgbToLab(image)
        let n = lab.pixelCount
        var mean = [Double](repeating: 0, count: 3 * k), count = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let l = Int(labels.labels[i])
            count[l] += 1
            for c in 0..<3 { mean[3 * l + c] += Double(lab.data[c * n + i]) }
        }
        for l in 0..<k { for c in 0..<3 { mean[3 * l + c] /= max(count[l], 1) } }
        var variance = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let l = Int(labels.labels[i])
            for c in 0..<3 {
                let t = Double(lab.data[c * n + i]) - mean[3 * l + c]
                variance[l] += t * t
            }
        }
        return (0..<k).map { exp(-(variance[$0] / max(count[$0], 1)).squareRoot() / 10) }
    }
}

/// Wall-clock seconds per named stage.
final class StageTimer: @unchecked Sendable {
    private(set) var seconds: [String: Double] = [:]

    func measure<T, E: Error>(_ key: String, _ body: () throws(E) -> T) throws(E) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { seconds[key, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        return try body()
    }
}
