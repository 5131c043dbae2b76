import Foundation
import Testing
import SegKitCore
import SegKitNN
@testable import SegKitSegmenters

/// An independent Double-precision transcription of the loss formulas documented on
/// ``EntityLoss`` for one image, with the target lines given (they are detached in the library).
struct LossOracle {
    let d: Int, h: Int, w: Int
    let labels: [Int32]           // raw labels (−1 background)
    let roles: [Int32]            // entity index, −1 background, −2 excluded
    let k: Int
    let weights = EntityLoss.Weights()
    let temperature = 0.5

    /// Top eigenvector of Σ f fᵀ by power iteration in Double (the oracle's own Eq. 4).
    static func topLine(_ f: [[Double]], _ rows: [Int]) -> [Double] {
        let d = f[0].count
        var m = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in rows { for a in 0..<d { for b in 0..<d { m[a][b] += f[r][a] * f[r][b] } } }
        var v = [Double](repeating: 1, count: d)
        v[0] = 1.3
        for _ in 0..<2000 {
            var next = (0..<d).map { a in (0..<d).reduce(0.0) { $0 + m[a][$1] * v[$1] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            next = next.map { $0 / norm }
            v = next
        }
        return v
    }

    /// Pixel rows f[i] (i = y·w + x) from an [1, d, H, W] tensor.
    static func rows(_ t: [Double], d: Int, hw: Int) -> [[Double]] {
        (0..<hw).map { i in (0..<d).map { t[$0 * hw + i] } }
    }

    /// Per-image terms and the unit-length term; `lines` = entity lines then (if any) μ_BG.
    func terms(features t: [Double], raw: [Double], lines: [[Double]]) -> (a: Double, r: Double, rc: Double, s: Double, g: Double, u: Double) {
        let hw = h * w
        let f = Self.rows(t, d: d, hw: hw)
        func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        let columns = lines.count
        var members = [[Int]](repeating: [], count: k + 1)
        for i in 0..<hw where roles[i] >= -1 { members[roles[i] < 0 ? k : Int(roles[i])].append(i) }
        // Attraction and repulsion.
        var a = 0.0, r = 0.0
        for e in 0..<k {
            let n = Double(members[e].count)
            for i in members[e] {
                a += abs(dot(f[i], lines[e])) / n / Double(k)
                for c in 0..<columns where c != e { r += abs(dot(f[i], lines[c])) / n }
            }
        }
        for i in members[k] { for c in 0..<k { r += abs(dot(f[i], lines[c])) / Double(members[k].count) } }
        a = 1 - a
        r /= Double(k + 1).squareRoot()
        // Regional contrast over every entity pixel (entities below 256 pixels: all are queries).
        var rc = 0.0, queries = 0
        for e in 0..<k {
            for i in members[e] {
                let logits = lines.map { abs(dot(f[i], $0)) / temperature }
                let top = logits.max()!
                let lse = top + log(logits.reduce(0) { $0 + exp($1 - top) })
                rc -= logits[e] - lse
                queries += 1
            }
        }
        rc /= Double(queries)
        // Segment space: P = (AᵀA)⁻¹Aᵀ by explicit 2×2 inverse (the test uses K = 2).
        precondition(k == 2)
        let g00 = dot(lines[0], lines[0]), g01 = dot(lines[0], lines[1]), g11 = dot(lines[1], lines[1])
        let det = g00 * g11 - g01 * g01
        let inverse = [[g11 / det, -g01 / det], [-g01 / det, g00 / det]]
        let p = (0..<2).map { row in (0..<d).map { j in inverse[row][0] * lines[0][j] + inverse[row][1] * lines[1][j] } }
        let entityLabels: [Int32] = {
            var seen: [Int32] = []
            for i in 0..<hw where roles[i] >= 0 && !seen.contains(labels[i]) { seen.append(labels[i]) }
            return seen
        }()
        var sMap = [[Double]](repeating: [Double](repeating: 0, count: hw), count: k)
        var tMap = sMap
        var valid = [Bool](repeating: false, count: hw)
        for i in 0..<hw {
            valid[i] = roles[i] >= -1
            for e in 0..<k {
                sMap[e][i] = abs(dot(p[e], f[i]))
                tMap[e][i] = labels[i] == entityLabels[e] ? 1 : 0
            }
        }
        var s = 0.0
        let validCount = Double(valid.filter { $0 }.count)
        for e in 0..<k { for i in 0..<hw where valid[i] { s += pow(sMap[e][i] - tMap[e][i], 2) } }
        s /= Double(k) * validCount
        // Gradient term at one scale (the test sets gradientScales = 1).
        var g = 0.0, pairs = 0.0
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                for (dx, dy) in [(1, 0), (0, 1)] where x + dx < w && y + dy < h {
                    let j = (y + dy) * w + x + dx
                    guard valid[i] && valid[j] else { continue }
                    pairs += 1
                    for e in 0..<k { g += pow((sMap[e][j] - sMap[e][i]) - (tMap[e][j] - tMap[e][i]), 2) }
                }
            }
        }
        g /= Double(k) * pairs
        // Unit length on raw outputs.
        let rawRows = Self.rows(raw, d: d, hw: hw)
        let u = rawRows.reduce(0.0) { $0 + abs(1 - dot($1, $1).squareRoot()) } / Double(hw)
        return (a, r, rc, s, g, u)
    }

    func total(features: [Double], raw: [Double], lines: [[Double]]) -> Double {
        let t = terms(features: features, raw: raw, lines: lines)
        return Double(weights.attraction) * t.a + Double(weights.repulsion) * t.r + Double(weights.regionalContrast) * t.rc
            + Double(weights.segment) * t.s + Double(weights.gradient) * t.g + Double(weights.unitLength) * t.u
    }
}

@Suite struct EntityLossTests {
    /// 10 × 9 image, d = 4: entity 7 on the left, entity 3 on the right, background in the last rows.
    static let (d, h, w) = (4, 9, 10)
    static var labelMap: LabelMap {
        var l = [Int32](repeating: -1, count: h * w)
        for y in 0..<6 { for x in 0..<w { l[y * w + x] = x < 5 ? 7 : 3 } }
        return try! LabelMap(width: w, height: h, labels: l)
    }

    static func inputs(seed: UInt64) -> (raw: Tensor, features: Tensor) {
        var g = SeededGenerator(seed: seed)
        var raw = Tensor.uniform([1, d, h, w], low: -1, high: 1, &g)
        // Give each region a dominant direction so the target lines are well separated.
        let labels = labelMap.labels
        for i in 0..<(h * w) {
            let axis = labels[i] == 7 ? 0 : labels[i] == 3 ? 1 : 2
            raw.data[axis * h * w + i] += 1.5
        }
        var features = raw
        for i in 0..<(h * w) {
            let norm = (0..<d).reduce(Float(0)) { $0 + raw.data[$1 * h * w + i] * raw.data[$1 * h * w + i] }.squareRoot()
            for c in 0..<d { features.data[c * h * w + i] = raw.data[c * h * w + i] / norm }
        }
        return (raw, features)
    }

    static var loss: EntityLoss {
        var loss = EntityLoss()
        loss.erosionRadius = 0
        loss.gradientScales = 1
        return loss
    }

    func oracle(_ loss: EntityLoss) -> LossOracle {
        let (roles, entities) = loss.roles(Self.labelMap)
        return LossOracle(d: Self.d, h: Self.h, w: Self.w, labels: Self.labelMap.labels, roles: roles, k: entities.count)
    }

    func lines(_ oracle: LossOracle, _ features: [Double]) -> [[Double]] {
        let f = LossOracle.rows(features, d: Self.d, hw: Self.h * Self.w)
        var members = [[Int]](repeating: [], count: oracle.k + 1)
        for i in 0..<(Self.h * Self.w) where oracle.roles[i] >= -1 { members[oracle.roles[i] < 0 ? oracle.k : Int(oracle.roles[i])].append(i) }
        return members.filter { !$0.isEmpty }.map { LossOracle.topLine(f, $0) }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func componentsMatchAnIndependentTranscription(seed: UInt64) throws {
        let (raw, features) = Self.inputs(seed: seed)
        let loss = Self.loss
        var g = SeededGenerator(seed: 9)
        let (value, c) = try loss(raw: Variable(raw), features: Variable(features), labels: [Self.labelMap], generator: &g)
        let o = oracle(loss)
        #expect(o.k == 2)
        let f = features.data.map(Double.init)
        let t = o.terms(features: f, raw: raw.data.map(Double.init), lines: lines(o, f))
        for (ours, theirs, name) in [(c.attraction, t.a, "La"), (c.repulsion, t.r, "Lr"), (c.regionalContrast, t.rc, "Lrc"),
                                     (c.segment, t.s, "Ls"), (c.gradient, t.g, "Lg"), (c.unitLength, t.u, "Lu")] {
            #expect(abs(Double(ours) - theirs) <= 1e-4 * max(1, abs(theirs)), "\(name): \(ours) vs \(theirs)")
        }
        let total = o.total(features: f, raw: raw.data.map(Double.init), lines: lines(o, f))
        #expect(abs(Double(value.value.scalar) - total) <= 1e-4 * max(1, total))
        #expect(c.skippedSegmentSpace == 0)
    }

    /// Gradients with respect to the features and the raw outputs equal central differences of the
    /// oracle with the target lines held fixed (μ and P are detached by design).
    @Test(arguments: [UInt64(4), 5])
    func gradientsMatchFiniteDifferencesWithTargetsFixed(seed: UInt64) throws {
        let (raw, features) = Self.inputs(seed: seed)
        let loss = Self.loss
        let fv = Variable(features, requiresGradient: true), rv = Variable(raw, requiresGradient: true)
        var g = SeededGenerator(seed: 9)
        let (value, _) = try loss(raw: rv, features: fv, labels: [Self.labelMap], generator: &g)
        value.backward()
        let o = oracle(loss)
        let f = features.data.map(Double.init), r = raw.data.map(Double.init)
        let fixed = lines(o, f)
        /// Worst relative error of the analytic gradient against central differences over `x`.
        func worstError(_ x: [Double], _ analytic: Tensor, _ total: ([Double]) -> Double) -> Double {
            var x = x, worst = 0.0
            let step = 1e-5
            for i in x.indices {
                let saved = x[i]
                x[i] = saved + step
                let plus = total(x)
                x[i] = saved - step
                let minus = total(x)
                x[i] = saved
                let numeric = (plus - minus) / (2 * step)
                worst = max(worst, abs(numeric - Double(analytic.data[i])) / max(1e-2, abs(numeric)))
            }
            return worst
        }
        let featureError = worstError(f, fv.gradient!) { o.total(features: $0, raw: r, lines: fixed) }
        #expect(featureError < 2e-2, "features: worst relative gradient error \(featureError)")
        let rawError = worstError(r, rv.gradient!) { o.total(features: f, raw: $0, lines: fixed) }
        #expect(rawError < 2e-2, "raw: worst relative gradient error \(rawError)")
    }

    @Test func perfectLineFeaturesHaveNoAttractionSegmentOrUnitLoss() throws {
        // Each entity on its own axis, background on a third: La = Ls = Lg = Lu = 0 and Lr = 0.
        let (d, h, w) = (Self.d, Self.h, Self.w)
        var t = Tensor(shape: [1, d, h, w])
        for (i, l) in Self.labelMap.labels.enumerated() { t.data[(l == 7 ? 0 : l == 3 ? 1 : 2) * h * w + i] = (i % 3 == 0 ? -1 : 1) }
        var g = SeededGenerator(seed: 1)
        var loss = EntityLoss()
        loss.erosionRadius = 1
        let (_, c) = try loss(raw: Variable(t), features: Variable(t), labels: [Self.labelMap], generator: &g)
        #expect(abs(c.attraction) < 1e-6 && abs(c.repulsion) < 1e-6 && abs(c.segment) < 1e-6 && abs(c.gradient) < 1e-6)
        #expect(abs(c.unitLength) < 1e-6)
        // Mixing the entities' directions raises attraction and repulsion.
        var mixed = t
        for i in 0..<(h * w) where Self.labelMap.labels[i] == 3 { mixed.data[i] = 0.8; mixed.data[h * w + i] *= 0.6 }
        let (_, m) = try loss(raw: Variable(mixed), features: Variable(mixed), labels: [Self.labelMap], generator: &g)
        #expect(m.repulsion > 0.3 && m.total > c.total)
    }

    @Test func erosionExcludesPixelsNearEntityBorders() {
        var loss = EntityLoss()
        loss.erosionRadius = 2
        let (roles, entities) = loss.roles(Self.labelMap)
        #expect(entities == [7, 3])
        let w = Self.w
        #expect(roles[0] == 0)                 // corner: clamped window stays inside entity 7
        #expect(roles[2 * w + 3] == -2)        // within 2 px of the 7|3 border
        #expect(roles[2 * w + 2] == 0)
        #expect(roles[4 * w + 0] == -2)        // within 2 px of the background rows
        #expect(roles[8 * w + 0] == -1)        // background is never eroded
    }

    @Test func mismatchedShapesAreErrors() {
        let (raw, features) = Self.inputs(seed: 1)
        var g = SeededGenerator(seed: 1)
        let small = try! LabelMap(width: 3, height: 3, labels: [Int32](repeating: 0, count: 9))
        #expect(throws: SegKitError.self) { try EntityLoss()(raw: Variable(raw), features: Variable(features), labels: [small], generator: &g) }
        #expect(throws: SegKitError.self) { try EntityLoss()(raw: Variable(raw), features: Variable(features), labels: [], generator: &g) }
    }
}
