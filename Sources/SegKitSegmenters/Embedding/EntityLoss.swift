import SegKitNN

/// The training losses of the bottom-up paper (§3.2–3.6) for per-pixel line features.
///
/// Per image, with K labelled entities Eₖ (after a 5×5 erosion; eroded-away pixels are excluded
/// from every loss) and the unlabelled background BG:
/// - target lines μₖ = top eigenvector of Mₖ = Σ_{i∈Eₖ} fᵢfᵢᵀ (Eq. 4), and μ_BG likewise.
///   **μ and the segment-space map P are targets: no gradient flows through them** (they are
///   computed from detached features). This keeps each loss a simple function of the pixel
///   features, avoids differentiating an eigen-decomposition, and matches their role as
///   per-iteration targets in the paper's formulation;
/// - attraction L_a = (1/K) Σₖ mean_{i∈Eₖ} (1 − |fᵢ·μₖ|) (Eq. 5);
/// - repulsion L_r = (1/√(K+1)) (L_r^BG + Σₖ mean_{i∈Eₖ} Σ_{l≠k} |fᵢ·μₗ|) with
///   L_r^BG = Σₖ mean_{i∈Eₖ} |fᵢ·μ_BG| + mean_{i∈BG} Σₖ |fᵢ·μₖ| (Eq. 6);
/// - regional contrast L_rc (ReCo, Liu et al.), our exact form: for each entity up to 256 query
///   pixels q (seeded sampling); logits |q·μⱼ| / τ over all entity lines and μ_BG (τ = 0.5);
///   L_rc = mean over queries of −log softmax at the query's own entity. Lines stand in for
///   ReCo's class means because features are sign-invariant;
/// - segment space (§3.5): P = (AᵀA)⁻¹Aᵀ for A = [μ₁ … μ_K]; Sₖ = |(P f)ₖ|;
///   L_s = (1/K) Σₖ MSE(Sₖ, Ŝₖ) over non-excluded pixels (Ŝₖ the binary mask of entity k);
///   L_g = (1/K) Σₖ Σₘ MSE(∇Sₖᵐ, ∇Ŝₖᵐ) over 4 scales (2×2 average pooling between scales);
///   both are skipped, and counted, when AᵀA is ill-conditioned (smallest eigenvalue < 1e-3);
/// - unit length L_u = mean over pixels of |1 − ‖gᵢ‖| on the raw (tanh) outputs g (Eq. 3 uses
///   a sum; the mean keeps its weight independent of the image size);
/// - total L = L_a + L_r + L_s + 0.125 L_rc + 0.025 L_g + 0.05 L_u (Eq. 9), averaged over images.
public struct EntityLoss: Sendable {
    public struct Weights: Sendable, Equatable, Codable {
        public var attraction: Float = 1
        public var repulsion: Float = 1
        public var segment: Float = 1
        public var regionalContrast: Float = 0.125
        public var gradient: Float = 0.025
        public var unitLength: Float = 0.05
        public init() {}
    }

    public var weights = Weights()
    /// Erosion radius of the ground truth (2 = the paper's 5×5 kernel).
    public var erosionRadius = 2
    /// Query pixels per entity for L_rc. Default 256.
    public var queriesPerEntity = 256
    /// Temperature τ of L_rc. Default 0.5.
    public var temperature: Float = 0.5
    /// Scales of L_g. Default 4.
    public var gradientScales = 4

    public init() {}

    /// Loss values of one batch.
    public struct Components: Sendable, Equatable {
        public var total: Float = 0
        public var attraction: Float = 0
        public var repulsion: Float = 0
        public var segment: Float = 0
        public var regionalContrast: Float = 0
        public var gradient: Float = 0
        public var unitLength: Float = 0
        /// Images whose segment-space losses were skipped (ill-conditioned AᵀA).
        public var skippedSegmentSpace = 0
    }

    /// The loss of a batch.
    /// - Parameters:
    ///   - raw: tanh outputs g [N, d, H, W]; `features`: f = g/‖g‖, same shape.
    ///   - labels: one map per image (H × W): entities ≥ 0, unlabelled background −1.
    ///   - generator: for query sampling.
    /// - Throws: when shapes disagree.
    public func callAsFunction(raw: Variable, features: Variable, labels: [LabelMap], generator g: inout SeededGenerator)
        throws(SegKitError) -> (loss: Variable, components: Components)
    {
        let shape = features.shape
        guard shape.count == 4, raw.shape == shape, labels.count == shape[0],
              labels.allSatisfy({ $0.width == shape[3] && $0.height == shape[2] })
        else { throw .shapeMismatch("EntityLoss: features \(shape) and \(labels.count) label maps disagree") }
        let (n, d, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let rows = try features.permuted([0, 2, 3, 1]).reshaped([n * h * w, d])
        var total: Variable?
        var components = Components()
        for b in 0..<n {
            let image = try imageLoss(rows, offset: b * h * w, d: d, h: h, w: w, labels: labels[b], &g, &components)
            if let image { total = try total.map { t throws(SegKitError) in try t + image } ?? image }
        }
        // Unit-length regulariser over all pixels of the batch.
        let lengths = try raw.square().sum(axes: [1]).sqrt()
        let unit = lengths.affine(scale: -1, shift: 1).abs().mean()
        components.unitLength = unit.value.scalar
        var loss = (total ?? Variable(Tensor(scalar: 0))).affine(scale: 1 / Float(n))
        loss = try loss + unit.affine(scale: weights.unitLength)
        let scale = 1 / Float(n)
        components.attraction *= scale
        components.repulsion *= scale
        components.segment *= scale
        components.regionalContrast *= scale
        components.gradient *= scale
        components.total = loss.value.scalar
        return (loss, components)
    }

    /// Per-pixel roles after erosion: entity index (0..<K), −1 background, −2 excluded.
    func roles(_ labels: LabelMap) -> (roles: [Int32], entities: [Int32]) {
        let w = labels.width, h = labels.height, r = erosionRadius
        var roles = [Int32](repeating: -2, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let l = labels[x, y]
                if l < 0 { roles[y * w + x] = -1; continue }
                var inside = true
                outer: for dy in -r...r {
                    let yy = min(h - 1, max(0, y + dy))
                    for dx in -r...r where labels[min(w - 1, max(0, x + dx)), yy] != l {
                        inside = false
                        break outer
                    }
                }
                if inside { roles[y * w + x] = l }
            }
        }
        // Renumber surviving entities 0..<K.
        var map: [Int32: Int32] = [:], entities: [Int32] = []
        for i in roles.indices where roles[i] >= 0 {
            if map[roles[i]] == nil {
                map[roles[i]] = Int32(entities.count)
                entities.append(roles[i])
            }
            roles[i] = map[roles[i]]!
        }
        return (roles, entities)
    }

    func imageLoss(_ rows: Variable, offset: Int, d: Int, h: Int, w: Int, labels: LabelMap, _ g: inout SeededGenerator,
                   _ components: inout Components) throws(SegKitError) -> Variable? {
        let (roles, entityLabels) = roles(labels)
        let k = entityLabels.count
        guard k >= 1 else { return nil }
        // Rows of the valid pixels (entities and background).
        let valid = roles.indices.filter { roles[$0] >= -1 }
        let f = try rows.gatherRows(valid.map { Int32(offset + $0) })
        let fv = f.value.data
        let role = valid.map { roles[$0] }
        var members = [[Int]](repeating: [], count: k + 1)  // index k = background
        for (r, v) in role.enumerated() { members[v < 0 ? k : Int(v)].append(r) }
        let hasBackground = !members[k].isEmpty
        // Target lines (detached).
        var lines = [[Float]]()
        for e in 0...k where e < k || hasBackground { lines.append(try topLine(fv, d, members[e])) }
        let columns = lines.count  // K, plus 1 with background
        var aT = [Float](repeating: 0, count: d * columns)
        for (c, line) in lines.enumerated() { for j in 0..<d { aT[j * columns + c] = line[j] } }
        let similarity = try f.matmul(Variable(Tensor(shape: [d, columns], data: aT))).abs()  // [Nv, columns]
        let nv = valid.count
        var attractWeights = [Float](repeating: 0, count: nv * columns), repelWeights = attractWeights
        for e in 0..<k {
            let inv = 1 / Float(members[e].count)
            for r in members[e] {
                attractWeights[r * columns + e] = inv / Float(k)
                for c in 0..<columns where c != e { repelWeights[r * columns + c] = inv }
            }
        }
        if hasBackground {
            let inv = 1 / Float(members[k].count)
            for r in members[k] { for c in 0..<k { repelWeights[r * columns + c] = inv } }
        }
        let attraction = try (similarity * Variable(Tensor(shape: [nv, columns], data: attractWeights))).sum().affine(scale: -1, shift: 1)
        let repulsion = try (similarity * Variable(Tensor(shape: [nv, columns], data: repelWeights))).sum()
            .affine(scale: 1 / Float(k + 1).squareRoot())
        var loss = try attraction.affine(scale: weights.attraction) + repulsion.affine(scale: weights.repulsion)
        components.attraction += attraction.value.scalar
        components.repulsion += repulsion.value.scalar
        // Regional contrast.
        if columns >= 2 {
            var queries: [Int32] = [], owners: [Int] = []
            for e in 0..<k {
                let pool = members[e]
                let count = min(queriesPerEntity, pool.count)
                for i in g.sample(count, from: pool.count) {
                    queries.append(Int32(pool[i]))
                    owners.append(e)
                }
            }
            let logits = try f.gatherRows(queries).matmul(Variable(Tensor(shape: [d, columns], data: aT))).abs()
                .affine(scale: 1 / temperature).logSoftmax(axis: 1)
            var pick = [Float](repeating: 0, count: queries.count * columns)
            for (q, e) in owners.enumerated() { pick[q * columns + e] = -1 / Float(queries.count) }
            let contrast = try (logits * Variable(Tensor(shape: [queries.count, columns], data: pick))).sum()
            loss = try loss + contrast.affine(scale: weights.regionalContrast)
            components.regionalContrast += contrast.value.scalar
        }
        // Segment space.
        if let segment = try segmentSpaceLosses(rows, offset: offset, d: d, h: h, w: w, roles: roles, labels: labels,
                                                entityLabels: entityLabels, lines: Array(lines.prefix(k))) {
            loss = try loss + segment.segment.affine(scale: weights.segment) + segment.gradient.affine(scale: weights.gradient)
            components.segment += segment.segment.value.scalar
            components.gradient += segment.gradient.value.scalar
        } else {
            components.skippedSegmentSpace += 1
        }
        return loss
    }

    /// Unit top eigenvector of Σ fᵢfᵢᵀ over the given rows (Eq. 4), largest entry positive.
    func topLine(_ f: [Float], _ d: Int, _ rows: [Int]) throws(SegKitError) -> [Float] {
        var gathered = [Float](repeating: 0, count: rows.count * d)
        for (t, r) in rows.enumerated() { for j in 0..<d { gathered[t * d + j] = f[r * d + j] } }
        let scatter = LinearAlgebra.matmul(gathered, gathered, m: d, n: d, k: rows.count, transposeA: true)
        var v = try LinearAlgebra.symmetricEigen(scatter, n: d, indices: (d - 1)...(d - 1)).vectors
        if let big = v.indices.max(by: { Swift.abs(v[$0]) < Swift.abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
        return v
    }

    func segmentSpaceLosses(_ rows: Variable, offset: Int, d: Int, h: Int, w: Int, roles: [Int32], labels: LabelMap,
                            entityLabels: [Int32], lines: [[Float]]) throws(SegKitError) -> (segment: Variable, gradient: Variable)? {
        let k = lines.count
        var a = [Float](repeating: 0, count: d * k)  // A: d × K
        for (c, line) in lines.enumerated() { for j in 0..<d { a[j * k + c] = line[j] } }
        let gram = LinearAlgebra.matmul(a, a, m: k, n: k, k: d, transposeA: true)
        guard let smallest = try? LinearAlgebra.symmetricEigen(gram, n: k, indices: 0...0).values.first, smallest >= 1e-3 else { return nil }
        // P = (AᵀA)⁻¹ Aᵀ (K × d); S = |F Pᵀ| for every pixel of the image.
        let aT = LinearAlgebra.transpose(a, rows: d, columns: k)
        let p = try LinearAlgebra.solvePositiveDefinite(gram, aT, n: k, nrhs: d)
        let hw = h * w
        let f = try rows.gatherRows((0..<hw).map { Int32(offset + $0) })
        let s = try f.matmul(Variable(Tensor(shape: [k, d], data: p)), transposeOther: true).abs()  // [HW, K]
        var target = [Float](repeating: 0, count: hw * k), mask = [Float](repeating: 0, count: hw)
        let index = Dictionary(uniqueKeysWithValues: entityLabels.enumerated().map { ($0.element, $0.offset) })
        for i in 0..<hw {
            if let e = index[labels.labels[i]] { target[i * k + e] = 1 }
            mask[i] = roles[i] >= -1 ? 1 : 0
        }
        let validCount = mask.reduce(0, +)
        guard validCount > 0 else { return nil }
        let maskColumn = Variable(try Tensor(shape: [hw, 1], data: mask))
        let difference = try (s - Variable(Tensor(shape: [hw, k], data: target))).square() * maskColumn
        let segment = difference.sum().affine(scale: 1 / (Float(k) * validCount))
        // Multi-scale gradient loss on [1, K, H, W] maps.
        var prediction = try s.reshaped([1, h, w, k]).permuted([0, 3, 1, 2])
        var truth = Variable(permuteRows(target, hw, k, h, w))
        var valid = Variable(try Tensor(shape: [1, 1, h, w], data: mask))
        var gradient: Variable?
        for scale in 0..<gradientScales {
            if scale > 0 {
                guard prediction.shape[2] >= 2, prediction.shape[3] >= 2 else { break }
                prediction = try prediction.averagePool2d(kernel: 2)
                truth = try truth.averagePool2d(kernel: 2)
                // A coarse pixel is valid when all four fine pixels are.
                var pooled = try valid.averagePool2d(kernel: 2).value
                for i in pooled.data.indices { pooled.data[i] = pooled.data[i] > 0.999 ? 1 : 0 }
                valid = Variable(pooled)
            }
            let term = try gradientTerm(prediction, truth, valid, k: k)
            if let term { gradient = try gradient.map { x throws(SegKitError) in try x + term } ?? term }
        }
        return (segment, gradient ?? Variable(Tensor(scalar: 0)))
    }

    /// Σ over x and y differences of valid pairs of (∇S − ∇Ŝ)², divided by K × number of pairs.
    func gradientTerm(_ s: Variable, _ t: Variable, _ valid: Variable, k: Int) throws(SegKitError) -> Variable? {
        let hh = s.shape[2], ww = s.shape[3]
        var parts: [Variable] = []
        var pairs: Float = 0
        if ww >= 2 {
            let ds = try s.slice(axis: 3, 1..<ww) - s.slice(axis: 3, 0..<(ww - 1))
            let dt = try t.slice(axis: 3, 1..<ww) - t.slice(axis: 3, 0..<(ww - 1))
            let m = try valid.slice(axis: 3, 1..<ww) * valid.slice(axis: 3, 0..<(ww - 1))
            pairs += m.value.data.reduce(0, +)
            parts.append(try ((ds - dt).square() * m).sum())
        }
        if hh >= 2 {
            let ds = try s.slice(axis: 2, 1..<hh) - s.slice(axis: 2, 0..<(hh - 1))
            let dt = try t.slice(axis: 2, 1..<hh) - t.slice(axis: 2, 0..<(hh - 1))
            let m = try valid.slice(axis: 2, 1..<hh) * valid.slice(axis: 2, 0..<(hh - 1))
            pairs += m.value.data.reduce(0, +)
            parts.append(try ((ds - dt).square() * m).sum())
        }
        guard pairs > 0, var sum = parts.first else { return nil }
        for p in parts.dropFirst() { sum = try sum + p }
        return sum.affine(scale: 1 / (Float(k) * pairs))
    }

    /// [HW, K] row-major → [1, K, H, W].
    func permuteRows(_ x: [Float], _ hw: Int, _ k: Int, _ h: Int, _ w: Int) -> Tensor {
        var out = [Float](repeating: 0, count: hw * k)
        for i in 0..<hw { for c in 0..<k { out[c * hw + i] = x[i * k + c] } }
        return try! Tensor(shape: [1, k, h, w], data: out)
    }
}
