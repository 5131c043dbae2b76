/// MaskCut (CutLER, used by U2Seg): several objects from one image's patch features by repeated
/// normalized cuts.
///
/// Each round builds the binary affinity wᵢⱼ = 1 if cos(fᵢ, fⱼ) > τ else ε over the patch grid,
/// takes the second-smallest generalised eigenvector, and splits it at its mean. The foreground is
/// the side holding the entry of largest magnitude (the seed) — unless that side covers 3 or
/// more of the grid's 4 corners, in which case the other side is (object-centric prior). Only the
/// 4-connected component of the foreground containing the seed is kept. The found object's
/// features are zeroed before the next round, so it cannot be found again. A mask is dropped when
/// its IoU with the previous mask exceeds 0.5 or its area is at most 1% of the grid.
public enum MaskCut {
    public struct Configuration: Sendable, Equatable {
        /// Maximum number of objects N, ≥ 1, default 3.
        public var maximumObjects: Int = 3
        /// Affinity threshold τ on cosine similarity, default 0.2.
        public var tau: Float = 0.2
        /// Weight ε given to non-affine pairs, default 1e-5.
        public var epsilon: Float = 1e-5
        /// Masks overlapping the previous mask above this IoU are dropped, default 0.5.
        public var maximumOverlap: Double = 0.5
        /// Masks covering at most this fraction of the grid are dropped, default 0.01.
        public var minimumAreaFraction: Double = 0.01

        public init() {}
    }

    /// One discovered object on the patch grid.
    public struct Object: Sendable, Equatable {
        /// Row-major `width × height` membership.
        public var mask: [Bool]
        /// Patch index of the seed (largest |eigenvector| entry on the foreground side).
        public var seed: Int
        /// The eigenvector of the cut that found it (sign: foreground positive).
        public var eigenvector: [Float]
    }

    /// Finds up to `maximumObjects` objects.
    /// - Parameters:
    ///   - features: one row per patch, row-major over a `width × height` grid.
    /// - Throws: `SegKitError` when the grid does not match the features or features are not finite.
    /// - Complexity: O(N · P² · D + N · P³) for P patches (dense eigen-solves).
    public static func objects(_ features: FeatureMatrix, width: Int, height: Int, configuration c: Configuration = .init())
        throws(SegKitError) -> [Object]
    {
        guard width >= 1, height >= 1, features.count == width * height else {
            throw .shapeMismatch("\(features.count) patch features do not fill a \(width)×\(height) grid")
        }
        guard c.maximumObjects >= 1, c.tau.isFinite, c.epsilon > 0 else {
            throw .invalidArgument("MaskCut needs maximumObjects ≥ 1, a finite τ and ε > 0")
        }
        try features.requireFinite()
        let n = features.count, d = features.dimension
        guard n >= 2 else { return [] }
        var current = features.l2NormalizedRows()
        var found: [Object] = []
        var previous: [Bool]?
        for _ in 0..<c.maximumObjects {
            var w = LinearAlgebra.matmul(current.values, current.values, m: n, n: n, k: d, transposeB: true)
            for i in w.indices { w[i] = w[i] > c.tau ? 1 : c.epsilon }
            let graph = AffinityGraph(nodeCount: n, storage: .dense(w))
            var (y, _) = try NormalizedCut.fiedler(graph, solver: .dense)
            let mean = y.reduce(0, +) / Float(n)
            var side = y.map { $0 > mean }
            var seed = y.indices.max { abs(y[$0]) < abs(y[$1]) }!
            let corners = [0, width - 1, (height - 1) * width, height * width - 1].filter { side[$0] }.count
            if corners >= 3 || !side[seed] {
                y = y.map { -$0 }
                side = side.map { !$0 }
                seed = y.indices.max { y[$0] < y[$1] }!
            }
            let mask = component(side, containing: seed, width: width, height: height)
            // Zero the object's features (their affinities become ε) before the next round.
            var values = current.values
            for i in 0..<n where mask[i] { for j in 0..<d { values[i * d + j] = 0 } }
            current = try FeatureMatrix(count: n, dimension: d, values: values)
            let area = mask.filter { $0 }.count
            if Double(area) <= c.minimumAreaFraction * Double(n) { previous = mask; continue }
            if let previous, iou(previous, mask) > c.maximumOverlap { continue }
            previous = mask
            found.append(Object(mask: mask, seed: seed, eigenvector: y))
        }
        return found
    }

    /// The 4-connected component of `side` containing `seed`.
    static func component(_ side: [Bool], containing seed: Int, width: Int, height: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: side.count)
        guard side[seed] else { return out }
        var stack = [seed]
        out[seed] = true
        while let p = stack.popLast() {
            let x = p % width, y = p / width
            for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < width && ny < height {
                let q = ny * width + nx
                if side[q] && !out[q] {
                    out[q] = true
                    stack.append(q)
                }
            }
        }
        return out
    }

    static func iou(_ a: [Bool], _ b: [Bool]) -> Double {
        var inter = 0, union = 0
        for i in a.indices {
            if a[i] && b[i] { inter += 1 }
            if a[i] || b[i] { union += 1 }
        }
        return union == 0 ? 0 : Double(inter) / Double(union)
    }
}
