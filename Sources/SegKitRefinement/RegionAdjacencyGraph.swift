/// Which regions of a label map touch, and the mean feature of each region.
public struct RegionAdjacencyGraph: Sendable, Equatable {
    /// Number of regions (labels 0..<regionCount).
    public let regionCount: Int
    /// Pixels per region.
    public let sizes: [Int]
    /// Per-region sums of the feature planes (regionCount × D).
    public let featureSums: FeatureMatrix
    /// Undirected 4-neighbour adjacencies (a < b), sorted, with the number of pixel pairs along
    /// the shared boundary.
    public let edges: [Edge]

    public struct Edge: Sendable, Hashable {
        public var a: Int
        public var b: Int
        /// Number of 4-adjacent pixel pairs between the two regions.
        public var boundaryLength: Int
    }

    /// Builds the graph of a label map with contiguous labels over a feature image (any number of
    /// channels: Lab colour, embeddings). Void pixels belong to no region.
    /// - Throws: `SegKitError` when sizes differ or labels are not contiguous from 0.
    /// - Complexity: O(pixels · D).
    public init(labels: LabelMap, features: Image<Float>) throws(SegKitError) {
        try labels.requireSize(width: features.width, height: features.height, of: "the feature image")
        guard labels.isContiguous else { throw .invalidArgument("region adjacency needs labels contiguous from 0") }
        let r = labels.segmentCount, d = features.channels, n = labels.pixelCount, w = labels.width
        var sums = [Double](repeating: 0, count: r * d), sizes = [Int](repeating: 0, count: r)
        for i in 0..<n {
            let l = Int(labels.labels[i])
            guard l >= 0 else { continue }
            sizes[l] += 1
            for c in 0..<d { sums[l * d + c] += Double(features.data[c * n + i]) }
        }
        var counts: [Int: Int] = [:]
        for y in 0..<labels.height {
            for x in 0..<w {
                let i = y * w + x, a = Int(labels.labels[i])
                guard a >= 0 else { continue }
                for j in [x + 1 < w ? i + 1 : -1, y + 1 < labels.height ? i + w : -1] where j >= 0 {
                    let b = Int(labels.labels[j])
                    guard b >= 0, b != a else { continue }
                    counts[min(a, b) * r + max(a, b), default: 0] += 1
                }
            }
        }
        regionCount = r
        self.sizes = sizes
        featureSums = try FeatureMatrix(count: r, dimension: d, values: sums.map(Float.init))
        edges = counts.map { Edge(a: $0.key / r, b: $0.key % r, boundaryLength: $0.value) }.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    /// Mean feature of every region (regionCount × D).
    public var featureMeans: FeatureMatrix {
        var values = featureSums.values
        let d = featureSums.dimension
        for r in 0..<regionCount where sizes[r] > 0 { for c in 0..<d { values[r * d + c] /= Float(sizes[r]) } }
        return try! FeatureMatrix(count: regionCount, dimension: d, values: values)
    }

    /// Neighbours of every region.
    public var neighbours: [[Int]] {
        var out = [[Int]](repeating: [], count: regionCount)
        for e in edges {
            out[e.a].append(e.b)
            out[e.b].append(e.a)
        }
        return out
    }
}
