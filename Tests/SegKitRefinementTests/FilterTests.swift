import Testing
import _TestSupport
@testable import SegKitRefinement

/// Direct O(r²) windowed mean with BORDER_REFLECT, in Double.
func directMean(_ image: Image<Float>, _ r: Int, channel: Int = 0) -> [Double] {
    let w = image.width, h = image.height
    var out = [Double](repeating: 0, count: w * h)
    for y in 0..<h { for x in 0..<w {
        var s = 0.0
        for dy in -r...r { for dx in -r...r {
            s += Double(image[x: BoxFilter.reflect(x + dx, w), y: BoxFilter.reflect(y + dy, h), channel: channel])
        } }
        out[y * w + x] = s / Double((2 * r + 1) * (2 * r + 1))
    } }
    return out
}

/// Direct guided filter (He et al.) from direct windowed means, gray or colour guide.
func directGuided(_ p: Image<Float>, guide: Image<Float>, r: Int, eps: Double) -> [Double] {
    let w = p.width, h = p.height, n = w * h, gc = guide.channels
    func mean(_ values: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        for y in 0..<h { for x in 0..<w {
            var s = 0.0
            for dy in -r...r { for dx in -r...r { s += values[BoxFilter.reflect(y + dy, h) * w + BoxFilter.reflect(x + dx, w)] } }
            out[y * w + x] = s / Double((2 * r + 1) * (2 * r + 1))
        } }
        return out
    }
    let I = (0..<gc).map { c in (0..<n).map { Double(guide.data[c * n + $0]) } }
    let P = (0..<n).map { Double(p.data[$0]) }
    let mI = I.map(mean), mP = mean(P)
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: gc), b = [Double](repeating: 0, count: n)
    var cov = [[[Double]]](repeating: [], count: gc)
    for i in 0..<gc { for j in 0..<gc { cov[i].append(mean((0..<n).map { I[i][$0] * I[j][$0] })) } }
    let mIP = (0..<gc).map { c in mean((0..<n).map { I[c][$0] * P[$0] }) }
    for t in 0..<n {
        var s = [[Double]](repeating: [Double](repeating: 0, count: gc), count: gc)
        for i in 0..<gc { for j in 0..<gc { s[i][j] = cov[i][j][t] - mI[i][t] * mI[j][t] + (i == j ? eps : 0) } }
        let v = (0..<gc).map { mIP[$0][t] - mI[$0][t] * mP[t] }
        let coefficients: [Double]
        if gc == 1 { coefficients = [v[0] / s[0][0]] } else {
            let inv = GuidedFilter.inverse3(s)
            coefficients = (0..<3).map { k in inv[k][0] * v[0] + inv[k][1] * v[1] + inv[k][2] * v[2] }
        }
        var bt = mP[t]
        for k in 0..<gc { a[k][t] = coefficients[k]; bt -= coefficients[k] * mI[k][t] }
        b[t] = bt
    }
    let ma = a.map(mean), mb = mean(b)
    return (0..<n).map { t in mb[t] + (0..<gc).reduce(0.0) { $0 + ma[$1][t] * I[$1][t] } }
}

@Suite struct BoxFilterTests {
    @Test(arguments: [1, 2, 5, 9, 20])
    func matchesDirectMeanWithReflectedBorders(radius: Int) {
        let image = Synthetic.noiseImage(width: 23, height: 17, channels: 2)
        let out = BoxFilter.mean(image, radius: radius)
        for c in 0..<2 {
            let direct = directMean(image, radius, channel: c)
            for i in direct.indices { #expect(abs(Double(out.data[c * 23 * 17 + i]) - direct[i]) < 1e-6) }
        }
    }

    @Test(arguments: [3, 40, 90])
    func matchesDirectMeanAcrossRowBands(radius: Int) {
        // 150 rows are several bands of the row-streaming engine; radius 90 exceeds a band.
        let image = Synthetic.noiseImage(width: 13, height: 150, channels: 1, seed: 2)
        let out = BoxFilter.mean(image, radius: radius)
        let direct = directMean(image, radius)
        let worst = zip(out.data, direct).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 1e-6)
    }

    @Test(arguments: [(1, 7), (3, 5), (6, 1), (9, 2)])
    func matchesDirectMeanOnTinyImages(width: Int, height: Int) {
        // Rows shorter than the four segments the horizontal pass splits them into.
        let image = Synthetic.noiseImage(width: width, height: height, channels: 5, seed: 4)
        for radius in [1, 4] {
            let out = BoxFilter.mean(image, radius: radius)
            for c in 0..<5 {
                let direct = directMean(image, radius, channel: c)
                for i in direct.indices { #expect(abs(Double(out.data[c * width * height + i]) - direct[i]) < 1e-6) }
            }
        }
    }

    @Test func identicalOnAnyThreadCount() {
        let image = Synthetic.noiseImage(width: 300, height: 200, channels: 1)
        let a = Parallel.withThreadLimit(1) { BoxFilter.mean(image, radius: 7) }
        let b = Parallel.withThreadLimit(2) { BoxFilter.mean(image, radius: 7) }
        #expect(a == b)
    }
}

@Suite struct GuidedFilterTests {
    @Test(arguments: [1, 3])
    func matchesDirectReference(guideChannels: Int) throws {
        let guide = Synthetic.smoothImage(width: 31, height: 24, channels: guideChannels, seed: 5)
        let p = Synthetic.noiseImage(width: 31, height: 24, channels: 1, seed: 6)
        for (r, eps) in [(2, 1e-3), (4, 1e-2), (8, 1e-4)] {
            let out = try GuidedFilter.filter(p, guide: guide, radius: r, epsilon: Float(eps))
            let direct = directGuided(p, guide: guide, r: r, eps: eps)
            let worst = zip(out.data, direct).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-5, "r=\(r) eps=\(eps): \(worst)")
        }
    }

    @Test(arguments: [1, 3])
    func identicalOnAnyThreadCount(guideChannels: Int) throws {
        let guide = Synthetic.smoothImage(width: 97, height: 230, channels: guideChannels, seed: 8)
        let p = Synthetic.noiseImage(width: 97, height: 230, channels: 2, seed: 9)
        let a = try Parallel.withThreadLimit(1) { try GuidedFilter.filter(p, guide: guide, radius: 6, epsilon: 1e-3) }
        let b = try Parallel.withThreadLimit(2) { try GuidedFilter.filter(p, guide: guide, radius: 6, epsilon: 1e-3) }
        #expect(a == b)
    }

    @Test func edgesArePreserved() throws {
        // A step guide: smoothing a noisy step keeps the step.
        var guide = Image<Float>(width: 40, height: 10, channels: 1)
        for y in 0..<10 { for x in 20..<40 { guide[x: x, y: y] = 1 } }
        var g = SeededGenerator(seed: 3)
        var p = guide
        for i in p.data.indices { p.data[i] += 0.05 * g.nextNormal() }
        let q = try GuidedFilter.filter(p, guide: guide, radius: 4, epsilon: 1e-3)
        #expect(q[x: 18, y: 5] < 0.1 && q[x: 21, y: 5] > 0.9)
    }

    @Test func fastVariantIsClose() throws {
        let guide = Synthetic.smoothImage(width: 128, height: 96, channels: 3)
        let p = guide.gray()
        let exact = try GuidedFilter.filter(p, guide: guide, radius: 8, epsilon: 1e-3)
        let fast = try GuidedFilter.filter(p, guide: guide, radius: 8, epsilon: 1e-3, subsampling: 4)
        #expect(Invariants.maxAbsDifference(exact.data, fast.data) < 0.05)
    }

    @Test func badInput() {
        let a = Image<Float>(width: 4, height: 4, channels: 1), b = Image<Float>(width: 5, height: 4, channels: 1)
        #expect(throws: SegKitError.self) { try GuidedFilter.filter(a, guide: b) }
        #expect(throws: SegKitError.self) { try GuidedFilter.filter(a, guide: a, radius: 0) }
        #expect(throws: SegKitError.self) { try GuidedFilter.filter(a, guide: a, epsilon: 0) }
        #expect(throws: SegKitError.self) { try GuidedFilter.filter(a, guide: Image<Float>(width: 4, height: 4, channels: 5)) }
    }
}
