#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The points of one mean-shift problem and the geometry-specific kernels, seeds and merging.
struct MeanShiftSpace {
    let x: FeatureMatrix
    let weights: [Float]
    let norms: [Float]
    let configuration: MeanShift.Configuration

    /// Points per parallel block (fixed, so results do not depend on the thread count).
    static let blockRows = 2048

    init(x: FeatureMatrix, weights: [Float], configuration: MeanShift.Configuration) {
        self.x = x
        self.weights = weights
        self.configuration = configuration
        norms = x.squaredRowNorms()
    }

    var n: Int { x.count }
    var d: Int { x.dimension }
    var h: Float { configuration.bandwidth }

    /// Distance from a mode (with squared norm `modeNorm`) to point i, given their dot product.
    @inline(__always)
    func distance(dot: Float, modeNorm: Float, point i: Int) -> Float {
        switch configuration.geometry {
        case .euclidean: return max(0, modeNorm - 2 * dot + norms[i]).squareRoot()
        case .spherical: return 1 - dot
        case .projective: return 1 - abs(dot)
        }
    }

    /// Kernel weight of a point at `distance` (before the point's own weight).
    @inline(__always)
    func kernel(_ distance: Float) -> Float {
        switch configuration.kernel {
        case .flat: return distance <= h ? 1 : 0
        case .gaussian:
            let t = distance / h
            return expf(-0.5 * t * t)
        }
    }

    /// Dot products of `modes` (m × d, row-major) with the points of `range`: out[r * range.count + p].
    func dots(_ modes: [Float], _ m: Int, _ range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        modes.withUnsafeBufferPointer { mp in
            x.values.withUnsafeBufferPointer { xp in
                LinearAlgebra.gemm(transposeB: true, m: m, n: range.count, k: d, a: mp.baseAddress!, lda: d,
                                   b: xp.baseAddress! + range.lowerBound * d, ldb: d, c: out, ldc: range.count, parallel: false)
            }
        }
    }

    // MARK: Climbing

    struct Climb {
        var modes: [[Float]]
        var intensity: [Double]
        var iterations: Int
        var converged: Bool
    }

    /// Moves every seed to its mode.
    func climb(_ seeds: [[Float]]) -> Climb {
        var modes = seeds
        var intensity = [Double](repeating: 0, count: seeds.count)
        var active = Array(seeds.indices)
        var iterations = 0
        let stop = configuration.tolerance * h
        while !active.isEmpty && iterations < configuration.maxIterations {
            iterations += 1
            let m = active.count
            let current = active.flatMap { modes[$0] }
            let step = shiftStep(current, m)
            var stillActive: [Int] = []
            for (r, s) in active.enumerated() {
                intensity[s] = step.counts[r]
                guard step.mass[r] > 0 else { continue }  // no point in the window: the climb ends here
                var next = (0..<d).map { Float(step.sums[r * d + $0] / step.mass[r]) }
                if configuration.geometry != .euclidean {
                    let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 0 { next = next.map { $0 / norm } } else { continue }
                }
                var moved: Float = 0
                for j in 0..<d {
                    let t = next[j] - modes[s][j]
                    moved += t * t
                }
                modes[s] = next
                if moved.squareRoot() > stop { stillActive.append(s) }
            }
            active = stillActive
        }
        return Climb(modes: modes, intensity: intensity, iterations: iterations, converged: active.isEmpty)
    }

    /// One mean-shift step for m modes: kernel-weighted sums of points (sign-aligned to the mode
    /// in projective geometry), total kernel mass and the weighted count within the bandwidth.
    func shiftStep(_ modes: [Float], _ m: Int) -> (sums: [Double], mass: [Double], counts: [Double]) {
        let blocks = Parallel.chunkCount(count: n, chunkSize: Self.blockRows)
        var partialSums = [Float](repeating: 0, count: blocks * m * d)
        var partialMass = [Double](repeating: 0, count: blocks * m)
        var partialCounts = [Double](repeating: 0, count: blocks * m)
        let d = self.d
        let modeNorms = (0..<m).map { r in (0..<d).reduce(Float(0)) { $0 + modes[r * d + $1] * modes[r * d + $1] } }
        let projective = configuration.geometry == .projective
        partialSums.withUnsafeMutableBufferPointer { sp in
            partialMass.withUnsafeMutableBufferPointer { mp in
                partialCounts.withUnsafeMutableBufferPointer { cp in
                    let S = SendablePointer(sp.baseAddress!), M = SendablePointer(mp.baseAddress!), C = SendablePointer(cp.baseAddress!)
                    Parallel.forEachChunk(count: n, chunkSize: Self.blockRows) { b, range in
                        let cols = range.count
                        var k = [Float](repeating: 0, count: m * cols)
                        k.withUnsafeMutableBufferPointer { kp in
                            let K = kp.baseAddress!
                            self.dots(modes, m, range, into: K)
                            for r in 0..<m {
                                var mass = 0.0, count = 0.0
                                let row = K + r * cols
                                for (p, i) in range.enumerated() {
                                    let dot = row[p]
                                    let dist = self.distance(dot: dot, modeNorm: modeNorms[r], point: i)
                                    let w = self.weights[i]
                                    let kw = self.kernel(dist) * w
                                    if dist <= self.h { count += Double(w) }
                                    mass += Double(kw)
                                    row[p] = projective && dot < 0 ? -kw : kw
                                }
                                M[b * m + r] = mass
                                C[b * m + r] = count
                            }
                            self.x.values.withUnsafeBufferPointer { xp in
                                LinearAlgebra.gemm(m: m, n: d, k: cols, a: K, lda: cols, b: xp.baseAddress! + range.lowerBound * d,
                                                   ldb: d, c: S.base + b * m * d, ldc: d, parallel: false)
                            }
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: m * d), mass = [Double](repeating: 0, count: m), counts = [Double](repeating: 0, count: m)
        for b in 0..<blocks {
            for t in 0..<(m * d) { sums[t] += Double(partialSums[b * m * d + t]) }
            for r in 0..<m {
                mass[r] += partialMass[b * m + r]
                counts[r] += partialCounts[b * m + r]
            }
        }
        return (sums, mass, counts)
    }

    // MARK: Modes and labels

    func modeDistance(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, sq: Float = 0
        for j in 0..<d {
            dot += a[j] * b[j]
            let t = a[j] - b[j]
            sq += t * t
        }
        switch configuration.geometry {
        case .euclidean: return sq.squareRoot()
        case .spherical: return 1 - dot
        case .projective: return 1 - abs(dot)
        }
    }

    /// scikit-learn's post-processing: modes with points, ranked by intensity (then by
    /// coordinates, descending), each suppressing lower-ranked modes within the bandwidth.
    func mergeModes(_ modes: [[Float]], intensity: [Double]) -> [[Float]] {
        var unique: [[Float]: Double] = [:]
        for (i, m) in modes.enumerated() where intensity[i] > 0 { unique[m] = intensity[i] }
        if unique.isEmpty {
            // Only possible with a Gaussian kernel tail or weights at zero everywhere near seeds:
            // fall back to the climbed modes themselves.
            for m in modes { unique[m] = 1 }
        }
        let ranked = unique.sorted { a, b in
            if a.value != b.value { return a.value > b.value }
            return a.key.lexicographicallyPrecedes(b.key) == false && a.key != b.key
        }.map(\.key)
        var keep = [Bool](repeating: true, count: ranked.count)
        for i in ranked.indices where keep[i] {
            for j in (i + 1)..<ranked.count where keep[j] && modeDistance(ranked[i], ranked[j]) <= h { keep[j] = false }
        }
        return ranked.indices.filter { keep[$0] }.map { ranked[$0] }
    }

    /// Nearest mode of every point (ties to the lower index) and Σ wᵢ · distance.
    func nearest(_ modes: [[Float]]) -> (labels: [Int32], objective: Double) {
        let m = modes.count
        let flat = modes.flatMap { $0 }
        let modeNorms = modes.map { v in v.reduce(Float(0)) { $0 + $1 * $1 } }
        var labels = [Int32](repeating: 0, count: n)
        let blocks = Parallel.chunkCount(count: n, chunkSize: Self.blockRows)
        var partial = [Double](repeating: 0, count: blocks)
        labels.withUnsafeMutableBufferPointer { lp in
            partial.withUnsafeMutableBufferPointer { pp in
                let L = SendablePointer(lp.baseAddress!), P = SendablePointer(pp.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: Self.blockRows) { b, range in
                    var dots = [Float](repeating: 0, count: m * range.count)
                    dots.withUnsafeMutableBufferPointer { self.dots(flat, m, range, into: $0.baseAddress!) }
                    var objective = 0.0
                    for (p, i) in range.enumerated() {
                        var best = 0, bestDistance = Float.infinity
                        for r in 0..<m {
                            let dist = self.distance(dot: dots[r * range.count + p], modeNorm: modeNorms[r], point: i)
                            if dist < bestDistance {
                                bestDistance = dist
                                best = r
                            }
                        }
                        L[i] = Int32(best)
                        objective += Double(self.weights[i]) * Double(bestDistance)
                    }
                    P[b] = objective
                }
            }
        }
        return (labels, partial.reduce(0, +))
    }

    // MARK: Seeds

    func seeds(_ seeding: MeanShift.Seeding, _ g: inout SeededGenerator) throws(SegKitError) -> [[Float]] {
        switch seeding {
        case .all:
            return (0..<n).map { x.row($0) }
        case .indices(let indices):
            guard !indices.isEmpty, indices.allSatisfy({ $0 >= 0 && $0 < n }) else {
                throw .invalidArgument("mean-shift seed indices must be non-empty and within 0..<\(n)")
            }
            return indices.map { x.row($0) }
        case .sample(let count):
            guard count >= 1 else { throw .invalidArgument("mean-shift needs at least one seed") }
            return g.sample(min(count, n), from: n).map { x.row($0) }
        case .binning(let minimumCount):
            guard minimumCount >= 1 else { throw .invalidArgument("bin seeding needs a minimum count ≥ 1") }
            return binSeeds(minimumCount)
        case .covering(let radius):
            let r = radius ?? h / 2
            guard r > 0 else { throw .invalidArgument("covering radius must be positive") }
            return coveringSeeds(r, &g)
        }
    }

    /// Cell centres of the populated grid cells (cell size = bandwidth); a cell whose centre has
    /// no point within the bandwidth seeds at its member nearest to that centre.
    func binSeeds(_ minimumCount: Int) -> [[Float]] {
        var cells: [[Int32]: [Int]] = [:]
        for i in 0..<n {
            let key = (0..<d).map { Int32(truncatingIfNeeded: Int((x.values[i * d + $0] / h).rounded())) }
            cells[key, default: []].append(i)
        }
        let populated = cells.filter { $0.value.count >= minimumCount }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        if populated.count == n { return (0..<n).map { x.row($0) } }
        return populated.map { key, members in
            let centre = key.map { Float($0) * h }
            let centreNorm = centre.reduce(0) { $0 + $1 * $1 }
            var best = members[0], bestDistance = Float.infinity, anyInside = false
            for i in 0..<n {
                var dot: Float = 0
                for j in 0..<d { dot += centre[j] * x.values[i * d + j] }
                let dist = distance(dot: dot, modeNorm: centreNorm, point: i)
                if dist <= h { anyInside = true; break }
            }
            if anyInside { return centre }
            for i in members {
                var dot: Float = 0
                for j in 0..<d { dot += centre[j] * x.values[i * d + j] }
                let dist = distance(dot: dot, modeNorm: centreNorm, point: i)
                if dist < bestDistance { bestDistance = dist; best = i }
            }
            return x.row(best)
        }
    }

    /// Points in seeded random order, each kept when no kept seed is within `radius`.
    func coveringSeeds(_ radius: Float, _ g: inout SeededGenerator) -> [[Float]] {
        var order = Array(0..<n)
        g.shuffle(&order)
        var seeds: [Int] = []
        let batch = 1024
        var start = 0
        while start < n {
            let rows = Array(order[start..<min(n, start + batch)])
            start += batch
            // Distances to the seeds kept so far, one matrix product.
            var candidate = [Bool](repeating: true, count: rows.count)
            if !seeds.isEmpty {
                let kept = x.rows(seeds).values, keptNorms = seeds.map { norms[$0] }
                let block = x.rows(rows).values
                let dots = LinearAlgebra.matmul(block, kept, m: rows.count, n: seeds.count, k: d, transposeB: true)
                for (r, i) in rows.enumerated() {
                    for s in 0..<seeds.count where distance(dot: dots[r * seeds.count + s], modeNorm: keptNorms[s], point: i) <= radius {
                        candidate[r] = false
                        break
                    }
                }
            }
            var added: [Int] = []
            for (r, i) in rows.enumerated() where candidate[r] {
                let row = x.row(i)
                if added.allSatisfy({ modeDistance(row, x.row($0)) > radius }) { added.append(i) }
            }
            seeds += added
        }
        return seeds.map { x.row($0) }
    }
}
