#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outline of one procedural entity, evaluated as an approximate signed distance in pixels
/// (negative inside), which gives anti-aliased coverage `clamp(0.5 − d, 0, 1)`.
struct ProceduralShape: Sendable {
    enum Kind: CaseIterable, Sendable {
        case polygon, ellipse, star, bar, ring, blob
    }

    enum Geometry: Sendable {
        /// Closed polygon (vertices in pixel coordinates), even–odd inside test.
        case polygon([(Float, Float)])
        /// Ellipse with centre, semi-axes and rotation; `hole` > 0 cuts a concentric hole whose
        /// semi-axes are `hole` times the outer ones (a ring).
        case ellipse(cx: Float, cy: Float, a: Float, b: Float, cos: Float, sin: Float, hole: Float)
    }

    let geometry: Geometry
    /// Pixel bounds (inclusive-exclusive) outside which coverage is 0.
    let minX: Int, minY: Int, maxX: Int, maxY: Int

    /// A random shape of `kind` whose size is `size` pixels (roughly its diameter), centred at
    /// (cx, cy) — possibly partly outside the image.
    static func random(kind: Kind, cx: Float, cy: Float, size: Float, _ g: inout SeededGenerator) -> ProceduralShape {
        let r = size / 2
        let rotation = g.nextFloat() * 2 * .pi
        switch kind {
        case .ellipse, .ring:
            let a = r, b = r * g.nextFloat(in: 0.35, 1)
            let hole: Float = kind == .ring ? g.nextFloat(in: 0.35, 0.75) : 0
            return make(.ellipse(cx: cx, cy: cy, a: a, b: b, cos: cosf(rotation), sin: sinf(rotation), hole: hole))
        case .polygon:
            let n = g.nextInt(in: 3...9)
            var angles = (0..<n).map { _ in g.nextFloat() * 2 * .pi }
            angles.sort()
            return make(.polygon(angles.map { t in
                let rr = r * g.nextFloat(in: 0.55, 1)
                return (cx + rr * cosf(t), cy + rr * sinf(t))
            }))
        case .star:
            let points = g.nextInt(in: 4...9)
            let inner = g.nextFloat(in: 0.3, 0.65)
            return make(.polygon((0..<(2 * points)).map { i in
                let t = rotation + Float(i) * .pi / Float(points)
                let rr = i % 2 == 0 ? r : r * inner
                return (cx + rr * cosf(t), cy + rr * sinf(t))
            }))
        case .bar:
            let half = r, thickness = g.nextFloat(in: 1.2, max(1.5, min(5, r * 0.25)))
            let c = cosf(rotation), s = sinf(rotation)
            let corners: [(Float, Float)] = [(-half, -thickness), (half, -thickness), (half, thickness), (-half, thickness)]
            return make(.polygon(corners.map { (cx + $0.0 * c - $0.1 * s, cy + $0.0 * s + $0.1 * c) }))
        case .blob:
            // Star-shaped outline with a smooth random radius (a few low harmonics).
            let harmonics = (1...4).map { k in (g.nextFloat(in: 0, 0.35) / Float(k).squareRoot(), g.nextFloat() * 2 * .pi) }
            let n = 40
            return make(.polygon((0..<n).map { i in
                let t = Float(i) * 2 * .pi / Float(n)
                var rr: Float = 1
                for (k, h) in harmonics.enumerated() { rr += h.0 * sinf(Float(k + 1) * t + h.1) }
                rr = r * max(0.25, rr) / 1.2
                return (cx + rr * cosf(t), cy + rr * sinf(t))
            }))
        }
    }

    private static func make(_ geometry: Geometry) -> ProceduralShape {
        var lo = (Float.infinity, Float.infinity), hi = (-Float.infinity, -Float.infinity)
        switch geometry {
        case .polygon(let vs):
            for v in vs {
                lo = (min(lo.0, v.0), min(lo.1, v.1))
                hi = (max(hi.0, v.0), max(hi.1, v.1))
            }
        case .ellipse(let cx, let cy, let a, _, _, _, _):
            lo = (cx - a, cy - a)
            hi = (cx + a, cy + a)
        }
        return ProceduralShape(geometry: geometry, minX: Int((lo.0 - 1).rounded(.down)), minY: Int((lo.1 - 1).rounded(.down)),
                               maxX: Int((hi.0 + 2).rounded(.up)), maxY: Int((hi.1 + 2).rounded(.up)))
    }

    /// Approximate signed distance (pixels, negative inside) at pixel centre (x, y).
    func signedDistance(x: Float, y: Float) -> Float {
        switch geometry {
        case .polygon(let vs):
            var inside = false
            var best = Float.infinity
            var j = vs.count - 1
            for i in 0..<vs.count {
                let (xi, yi) = vs[i], (xj, yj) = vs[j]
                if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
                let ex = xj - xi, ey = yj - yi
                let len2 = ex * ex + ey * ey
                let t = len2 > 0 ? min(1, max(0, ((x - xi) * ex + (y - yi) * ey) / len2)) : 0
                let dx = x - (xi + t * ex), dy = y - (yi + t * ey)
                best = min(best, dx * dx + dy * dy)
                j = i
            }
            let d = best.squareRoot()
            return inside ? -d : d
        case .ellipse(let cx, let cy, let a, let b, let c, let s, let hole):
            let dx = x - cx, dy = y - cy
            let u = dx * c + dy * s, v = -dx * s + dy * c
            let outer = Self.ellipseDistance(u, v, a, b)
            guard hole > 0 else { return outer }
            let inner = Self.ellipseDistance(u, v, a * hole, b * hole)
            return max(outer, -inner)
        }
    }

    /// First-order signed distance to an axis-aligned ellipse: (r − 1) / |∇r|.
    private static func ellipseDistance(_ u: Float, _ v: Float, _ a: Float, _ b: Float) -> Float {
        let pu = u / a, pv = v / b
        let r = (pu * pu + pv * pv).squareRoot()
        guard r > 1e-6 else { return -min(a, b) }
        let gu = pu / (a * r), gv = pv / (b * r)
        return (r - 1) / max((gu * gu + gv * gv).squareRoot(), 1e-6)
    }

    /// Anti-aliased coverage in [0, 1] at pixel centre (x, y).
    @inline(__always)
    func coverage(x: Float, y: Float) -> Float {
        min(1, max(0, 0.5 - signedDistance(x: x, y: y)))
    }
}
