#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SegKitRefinement

/// Superpixels by grid-seeded local clustering (SLIC; ClustSeg's grid-initialised centres with
/// recurrent E/M steps), on CIELAB colour or on any per-pixel feature map.
///
/// Centres start on a grid adapted to the aspect ratio (about K cells), moved to the lowest
/// gradient in their 3 × 3 neighbourhood. Each iteration assigns every pixel to the closest of
/// the centres of the 2 × 2 grid cells nearest to it — its own cell and, along each axis, the
/// neighbour on the side of the cell's middle where the pixel lies: SLIC's 2S × 2S search window
/// around each centre, laid on the seed grid — under D² = ‖f − f_c‖² + (m / S)² ‖p − p_c‖²
/// (m = compactness, S = grid step), then moves centres to the means of their pixels. With soft
/// assignment, the E-step is a softmax of −D²/τ over those candidates and centres are
/// probability-weighted means (ClustSeg Eq. 3–4). Labels are those of the last E-step (each
/// pixel's nearest candidate; the centres' final move does not relabel, as in SLIC). Finally every
/// superpixel is made one 4-connected piece: pieces become regions of their own and regions
/// smaller than a quarter of the average superpixel merge into their most similar neighbour.
public enum Superpixels {
    public enum Assignment: Sendable, Equatable {
        /// Nearest centre (SLIC).
        case hard
        /// Softmax of −D²/τ over the candidate centres; τ > 0 in squared-distance units.
        case soft(temperature: Float)
    }

    public struct Configuration: Sendable, Equatable {
        /// Requested number of superpixels K ≥ 1 (the result has about K). Default 400.
        public var segmentCount: Int = 400
        /// Compactness m ≥ 0: weight of spatial distance, in feature units per grid step.
        /// 10 suits CIELAB (L in 0–100); scale it with your features' range. Default 10.
        public var compactness: Float = 10
        /// Iterations ≥ 1 (the limit when `convergence` is set). Default 10.
        public var iterations: Int = 10
        /// Stop early when centres move less than this many pixels on average; nil = always run
        /// `iterations`. Default nil.
        public var convergence: Float?
        public var assignment: Assignment = .hard
        /// Regions smaller than this fraction of the average superpixel area are merged into a
        /// neighbour during connectivity enforcement. In [0, 1], default 0.25.
        public var minimumSizeFraction: Float = 0.25

        public init(segmentCount: Int = 400) { self.segmentCount = segmentCount }

        func validate() throws(SegKitError) {
            guard segmentCount >= 1, compactness >= 0, compactness.isFinite, iterations >= 1,
                  (0...1).contains(minimumSizeFraction)
            else { throw .invalidArgument("superpixels need K ≥ 1, compactness ≥ 0, iterations ≥ 1, minimum size fraction in [0, 1]") }
            if let c = convergence, !(c >= 0) { throw .invalidArgument("convergence threshold must be ≥ 0") }
            if case .soft(let t) = assignment, !(t > 0) { throw .invalidArgument("soft assignment temperature must be > 0") }
        }
    }

    /// Superpixels of an sRGB image (clustered in CIELAB).
    /// - Returns: labels contiguous from 0, each superpixel one 4-connected component.
    /// - Throws: `SegKitError` for invalid settings or an image that is not gray/RGB(A).
    /// - Complexity: O(iterations × pixels × 4 × channels).
    public static func segment(image: Image<Float>, configuration: Configuration = .init()) throws(SegKitError) -> LabelMap {
        guard image.channels <= 4 else { throw .invalidArgument("superpixels of a picture need 1–4 channels; use segment(features:) for feature maps") }
        let lab = try ColorSpace.srgbToLab(image)
        return try segment(features: lab.channels == 3 ? lab : lab.selecting(channels: [0, 1, 2]), configuration: configuration)
    }

    /// Superpixels of any per-pixel feature map (Lab, learned embeddings, …).
    public static func segment(features: Image<Float>, configuration c: Configuration = .init()) throws(SegKitError) -> LabelMap {
        try c.validate()
        guard features.data.allSatisfy({ $0.isFinite }) else { throw .invalidData("feature map has non-finite values") }
        var state = SuperpixelState(features: features, requested: c.segmentCount)
        state.perturbToLowGradient()
        for _ in 0..<c.iterations {
            let moved = state.iterate(compactness: c.compactness, assignment: c.assignment)
            if let threshold = c.convergence, moved < threshold { break }
        }
        let raw = LabelMap(width: features.width, height: features.height, unchecked: state.labels)
        let pieces = ConnectedComponents.pieces(raw, connectivity: .four)
        let average = Float(features.pixelCount) / Float(state.centerCount)
        let minimum = max(1, Int(average * c.minimumSizeFraction))
        return SmallRegionMerging.merge(contiguous: pieces.map, segmentCount: pieces.count, features: features,
                                        minimumSize: minimum)
    }

    /// The grid (columns × rows) used for K superpixels on a width × height image.
    public static func grid(width: Int, height: Int, segmentCount k: Int) -> (columns: Int, rows: Int) {
        let columns = max(1, min(width, Int((Double(k) * Double(width) / Double(height)).squareRoot().rounded())))
        let rows = max(1, min(height, Int((Double(k) / Double(columns)).rounded())))
        return (columns, rows)
    }
}

/// Centres and assignments during the iterations.
struct SuperpixelState {
    let features: Image<Float>
    let width: Int, height: Int, channels: Int
    let columns: Int, rows: Int
    let stepX: Float, stepY: Float
    /// Centre features (centerCount × channels) and positions.
    var centerFeatures: [Float]
    var centerX: [Float], centerY: [Float]
    var labels: [Int32]
    /// Search windows (see ``window(_:step:cells:)``): the first and last candidate grid column of
    /// every image column (2 × width values), then the first and last grid row of every image row
    /// (2 × height).
    let windows: [Int32]
    /// The centres each block of rows can reach (those of the grid rows around it): only their
    /// sums are cleared (by the block itself) and added up.
    let blockCenters: [Range<Int>]
    /// Running sums of every row block (blocks × centres × (channels + 3)), kept across
    /// iterations: a fresh buffer of this size would be new pages to fault in every iteration (a
    /// third of the E-step's time at 481×321).
    var partial: [Double]

    var centerCount: Int { columns * rows }
    /// Rows per parallel block (fixed: results independent of the thread count).
    static let blockRows = 16

    init(features: Image<Float>, requested: Int) {
        self.features = features
        width = features.width
        height = features.height
        channels = features.channels
        (columns, rows) = Superpixels.grid(width: width, height: height, segmentCount: requested)
        stepX = Float(width) / Float(columns)
        stepY = Float(height) / Float(rows)
        let k = columns * rows
        let (cols, rws, sx, sy, h) = (columns, rows, stepX, stepY, height)
        windows = (0..<width).flatMap { Self.window($0, step: sx, cells: cols) }
            + (0..<height).flatMap { Self.window($0, step: sy, cells: rws) }
        let blocks = Parallel.chunkCount(count: height, chunkSize: Self.blockRows)
        blockCenters = (0..<blocks).map { b -> Range<Int> in
            let first = b * Self.blockRows, last = min(h, first + Self.blockRows) - 1
            let top = max(0, min(rws - 1, Int(Float(first) / sy)) - 1)
            let bottom = min(rws - 1, min(rws - 1, Int(Float(last) / sy)) + 1)
            return (top * cols)..<((bottom + 1) * cols)
        }
        partial = [Double](repeating: 0, count: blocks * k * (channels + 3))
        centerFeatures = [Float](repeating: 0, count: k * channels)
        centerX = [Float](repeating: 0, count: k)
        centerY = [Float](repeating: 0, count: k)
        labels = [Int32](repeating: 0, count: width * height)
        let plane = width * height
        for j in 0..<rows {
            for i in 0..<columns {
                let c = j * columns + i
                let x = min(width - 1, Int((Float(i) + 0.5) * stepX)), y = min(height - 1, Int((Float(j) + 0.5) * stepY))
                centerX[c] = Float(x)
                centerY[c] = Float(y)
                for ch in 0..<channels { centerFeatures[c * channels + ch] = features.data[ch * plane + y * width + x] }
            }
        }
    }

    /// The search window along one axis of coordinate `v` (pixels) on a grid of `cells` cells of
    /// `step` pixels: its own cell g = min(cells − 1, ⌊v / step⌋) and the neighbour on the side of
    /// the cell's middle (g + ½) · step where v lies, or g alone at the image border.
    /// - Returns: [first, last] grid index, last − first ≤ 1.
    static func window(_ v: Int, step: Float, cells: Int) -> [Int32] {
        let g = min(cells - 1, Int(Float(v) / step))
        if Float(v) < (Float(g) + 0.5) * step { return [Int32(max(0, g - 1)), Int32(g)] }
        return [Int32(g), Int32(min(cells - 1, g + 1))]
    }

    /// SLIC's seed adjustment: move each centre to the lowest-gradient pixel of its 3 × 3
    /// neighbourhood (gradient = ‖f(x+1) − f(x−1)‖² + ‖f(y+1) − f(y−1)‖²).
    mutating func perturbToLowGradient() {
        let plane = width * height
        func gradient(_ x: Int, _ y: Int) -> Float {
            guard x > 0, y > 0, x < width - 1, y < height - 1 else { return .infinity }
            var g: Float = 0
            for ch in 0..<channels {
                let base = ch * plane + y * width + x
                let dx = features.data[base + 1] - features.data[base - 1], dy = features.data[base + width] - features.data[base - width]
                g += dx * dx + dy * dy
            }
            return g
        }
        for c in 0..<centerCount {
            let x0 = Int(centerX[c]), y0 = Int(centerY[c])
            var best = (gradient(x0, y0), x0, y0)
            for dy in -1...1 {
                for dx in -1...1 where dx != 0 || dy != 0 {
                    let g = gradient(x0 + dx, y0 + dy)
                    if g < best.0 { best = (g, x0 + dx, y0 + dy) }
                }
            }
            centerX[c] = Float(best.1)
            centerY[c] = Float(best.2)
            for ch in 0..<channels { centerFeatures[c * channels + ch] = features.data[ch * plane + best.2 * width + best.1] }
        }
    }

    /// One E/M step; returns the mean centre movement in pixels.
    mutating func iterate(compactness: Float, assignment: Superpixels.Assignment) -> Float {
        let k = centerCount, ch = channels
        let spatial = (compactness / ((stepX * stepY).squareRoot())) * (compactness / ((stepX * stepY).squareRoot()))
        let blocks = Parallel.chunkCount(count: height, chunkSize: Self.blockRows)
        let stride = ch + 3  // feature sums, x sum, y sum, weight
        let blockCenters = self.blockCenters
        let temperature: Float? = if case .soft(let t) = assignment { t } else { nil }
        let (w, h, cols) = (width, height, columns)
        windows.withUnsafeBufferPointer { wp in
            labels.withUnsafeMutableBufferPointer { lp in
                partial.withUnsafeMutableBufferPointer { pp in
                    features.data.withUnsafeBufferPointer { fp in
                        centerFeatures.withUnsafeBufferPointer { cfp in
                            centerX.withUnsafeBufferPointer { cxp in
                                centerY.withUnsafeBufferPointer { cyp in
                                    let L = SendablePointer(lp.baseAddress!), P = SendablePointer(pp.baseAddress!)
                                    let F = SendableConstPointer(fp.baseAddress!), CF = SendableConstPointer(cfp.baseAddress!)
                                    let CX = SendableConstPointer(cxp.baseAddress!), CY = SendableConstPointer(cyp.baseAddress!)
                                    let columnWindows = SendableConstPointer(wp.baseAddress!)
                                    let rowWindows = SendableConstPointer(wp.baseAddress! + 2 * w)
                                    Parallel.forEachChunk(count: height, chunkSize: Self.blockRows) { b, rowsRange in
                                        let sums = P.base + b * k * stride
                                        let reach = blockCenters[b]
                                        (sums + reach.lowerBound * stride).update(repeating: 0, count: reach.count * stride)
                                        guard let temperature else {
                                            Self.assignNearest(rows: rowsRange, width: w, height: h, channels: ch, gridColumns: cols,
                                                               spatial: spatial, features: F.base, centers: CF.base,
                                                               centerX: CX.base, centerY: CY.base,
                                                               columnWindows: columnWindows.base, rowWindows: rowWindows.base,
                                                               labels: L.base, sums: sums)
                                            return
                                        }
                                        Self.assignSoft(rows: rowsRange, width: w, height: h, channels: ch, gridColumns: cols,
                                                        spatial: spatial, temperature: temperature, features: F.base, centers: CF.base,
                                                        centerX: CX.base, centerY: CY.base,
                                                        columnWindows: columnWindows.base, rowWindows: rowWindows.base,
                                                        labels: L.base, sums: sums)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var totals = [Double](repeating: 0, count: k * stride)
        partial.withUnsafeBufferPointer { p in
            for b in 0..<blocks {
                for t in (blockCenters[b].lowerBound * stride)..<(blockCenters[b].upperBound * stride) { totals[t] += p[b * k * stride + t] }
            }
        }
        var moved: Float = 0
        for c in 0..<k {
            let mass = totals[c * stride + ch + 2]
            guard mass > 0 else { continue }
            for q in 0..<ch { centerFeatures[c * ch + q] = Float(totals[c * stride + q] / mass) }
            let nx = Float(totals[c * stride + ch] / mass), ny = Float(totals[c * stride + ch + 1] / mass)
            moved += ((nx - centerX[c]) * (nx - centerX[c]) + (ny - centerY[c]) * (ny - centerY[c])).squareRoot()
            centerX[c] = nx
            centerY[c] = ny
        }
        return moved / Float(k)
    }
}
