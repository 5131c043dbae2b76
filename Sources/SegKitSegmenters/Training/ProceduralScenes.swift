#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of ``ProceduralSceneGenerator``. Probabilities are in [0, 1]; sizes in pixels.
public struct ProceduralSceneConfiguration: Sendable, Equatable {
    /// Scene width in pixels, ≥ 8. Default 128.
    public var width: Int = 128
    /// Scene height in pixels, ≥ 8. Default 128.
    public var height: Int = 128
    /// Number of foreground entities drawn (before occlusion removes some). Default 3...14.
    public var entityCount: ClosedRange<Int> = 3...14
    /// Entity size (≈ diameter) as a fraction of min(width, height), sampled log-uniformly.
    /// Default 0.06...0.9.
    public var entitySize: ClosedRange<Float> = 0.06...0.9
    /// Probability that the background is left unlabelled (void) and cluttered with small
    /// unlabelled shapes. Default 0.35.
    public var unlabeledBackgroundProbability: Float = 0.35
    /// Probability that a labelled background is split into two "stuff" regions by a wavy
    /// horizon. Default 0.4.
    public var splitBackgroundProbability: Float = 0.4
    /// Probability that an entity copies the colour of an entity it overlaps, with a different
    /// texture (so that texture alone separates them). Default 0.25.
    public var sameColourNeighbourProbability: Float = 0.25
    /// Probability of a lighting gradient / spot. Default 0.6; strength up to ±0.35.
    public var lightingProbability: Float = 0.6
    /// Probability of Gaussian blur with σ uniform in (0, `maximumBlurSigma`]. Default 0.5, 1.2 px.
    public var blurProbability: Float = 0.5
    public var maximumBlurSigma: Float = 1.2
    /// Probability of sensor noise with σ uniform in (0, `maximumNoiseSigma`]. Default 0.7, 0.05.
    public var noiseProbability: Float = 0.7
    public var maximumNoiseSigma: Float = 0.05
    /// Probability of JPEG-like blocking artefacts at a quality in `jpegQuality`. Default 0.4, 30...90.
    public var jpegProbability: Float = 0.4
    public var jpegQuality: ClosedRange<Int> = 30...90
    /// Visible entities smaller than this many pixels become void. Default 12.
    public var minimumEntityArea: Int = 12

    public init() {}

    /// Throws when a field is outside its documented range.
    public func validate() throws(SegKitError) {
        guard width >= 8, height >= 8 else { throw .invalidArgument("procedural scenes need width and height ≥ 8") }
        guard entityCount.lowerBound >= 0, entitySize.lowerBound > 0, entitySize.upperBound <= 4 else {
            throw .invalidArgument("procedural entity count must be ≥ 0 and sizes in (0, 4]")
        }
        let probabilities = [unlabeledBackgroundProbability, splitBackgroundProbability, sameColourNeighbourProbability,
                             lightingProbability, blurProbability, noiseProbability, jpegProbability]
        guard probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw .invalidArgument("procedural scene probabilities must lie in [0, 1]")
        }
        guard jpegQuality.lowerBound >= 1, jpegQuality.upperBound <= 100, maximumBlurSigma >= 0, maximumNoiseSigma >= 0,
              minimumEntityArea >= 0
        else { throw .invalidArgument("procedural scene degradation settings out of range") }
    }
}

/// One generated training scene: an sRGB image in [0, 1] and its entity labels (contiguous from
/// 0, -1 = unlabelled).
public struct ProceduralScene: Sendable, Equatable {
    public var image: Image<Float>
    public var labels: LabelMap
}

/// A deterministic generator of labelled synthetic scenes for training and evaluating
/// class-agnostic segmenters (the bottom-up paper trains partly on "procedurally generated images
/// of simple geometric shapes", §5).
///
/// A scene is overlapping entities — polygons, ellipses, stars, thin bars, rings with holes,
/// smooth blobs — each with its own texture (flat, gradient, stripes, checkers, fractal noise,
/// marble-like "natural" noise), painted in random occlusion order with anti-aliased edges over a
/// textured background that is either labelled (one or two "stuff" regions) or left unlabelled and
/// cluttered with small unlabelled shapes. Some neighbours share a colour and differ only in
/// texture. Lighting gradients, blur, sensor noise and JPEG-like artefacts follow.
///
/// Scene `i` depends only on `(seed, i)` and the configuration, so scenes can be generated in any
/// order, in parallel, and held-out sets are simply other seeds.
public struct ProceduralSceneGenerator: Sendable {
    public let configuration: ProceduralSceneConfiguration
    public let seed: UInt64

    /// - Throws: `SegKitError.invalidArgument` for an invalid configuration.
    public init(configuration: ProceduralSceneConfiguration = .init(), seed: UInt64 = SeededGenerator.defaultSeed) throws(SegKitError) {
        try configuration.validate()
        self.configuration = configuration
        self.seed = seed
    }

    /// Scene number `index` (any non-negative integer).
    /// - Complexity: O(pixels × entities × outline vertices).
    public func scene(_ index: Int) -> ProceduralScene {
        var g = SeededGenerator(seed: seed, stream: UInt64(index))
        let c = configuration
        let w = c.width, h = c.height
        var canvas = Canvas(width: w, height: h)
        var nextLabel: Int32 = 0

        // Background.
        let backgroundTexture = ProceduralTexture.random(kind: randomTextureKind(&g), base: RGB.random(&g), &g)
        let unlabeled = g.nextFloat() < c.unlabeledBackgroundProbability
        canvas.fill(backgroundTexture, label: unlabeled ? LabelMap.void : nextLabel)
        if !unlabeled {
            nextLabel += 1
            if g.nextFloat() < c.splitBackgroundProbability {
                let texture = ProceduralTexture.random(kind: randomTextureKind(&g), base: RGB.random(&g), &g)
                canvas.fillBelowHorizon(texture, label: nextLabel, &g)
                nextLabel += 1
            }
        } else {
            let clutter = g.nextInt(in: 4...30)
            for _ in 0..<clutter {
                let size = Float(min(w, h)) * g.nextFloat(in: 0.03, 0.12)
                let shape = ProceduralShape.random(kind: randomShapeKind(&g), cx: g.nextFloat() * Float(w),
                                                   cy: g.nextFloat() * Float(h), size: size, &g)
                let texture = ProceduralTexture.random(kind: randomTextureKind(&g), base: RGB.random(&g), &g)
                canvas.paint(shape, texture, label: LabelMap.void)
            }
        }

        // Foreground entities in random occlusion order.
        var placed: [(cx: Float, cy: Float, size: Float, colour: RGB, kind: ProceduralTexture.Kind)] = []
        let count = g.nextInt(in: c.entityCount)
        let minSide = Float(min(w, h))
        for _ in 0..<count {
            let size = minSide * logUniform(c.entitySize, &g)
            var cx = g.nextFloat(in: -0.1, 1.1) * Float(w), cy = g.nextFloat(in: -0.1, 1.1) * Float(h)
            var colour = RGB.random(&g)
            var kind = randomTextureKind(&g)
            if let neighbour = placed.last, g.nextFloat() < c.sameColourNeighbourProbability {
                // Same colour, different texture, touching the neighbour.
                colour = neighbour.colour
                while kind == neighbour.kind || (kind == .flat && neighbour.kind == .flat) { kind = randomTextureKind(&g) }
                let angle = g.nextFloat() * 2 * .pi
                let reach = (neighbour.size + size) * 0.35
                cx = neighbour.cx + reach * cosf(angle)
                cy = neighbour.cy + reach * sinf(angle)
            }
            let shape = ProceduralShape.random(kind: randomShapeKind(&g), cx: cx, cy: cy, size: size, &g)
            canvas.paint(shape, ProceduralTexture.random(kind: kind, base: colour, &g), label: nextLabel)
            nextLabel += 1
            placed.append((cx, cy, size, colour, kind))
        }

        // Degradations.
        var image = canvas.image
        if g.nextFloat() < c.lightingProbability { image = ImageDegradation.lighting(image, strength: 0.35, &g) }
        if g.nextFloat() < c.blurProbability {
            image = ImageDegradation.gaussianBlur(image, sigma: g.nextFloat(in: 0.05, max(0.05, c.maximumBlurSigma)))
        }
        if g.nextFloat() < c.noiseProbability {
            image = ImageDegradation.sensorNoise(image, sigma: g.nextFloat(in: 0, c.maximumNoiseSigma), &g)
        }
        if g.nextFloat() < c.jpegProbability {
            image = ImageDegradation.jpegArtefacts(image, quality: g.nextInt(in: c.jpegQuality))
        }

        // Entities that ended up tiny become void; labels contiguous from 0.
        var labels = LabelMap(width: w, height: h)
        labels.labels = canvas.labels
        let areas = labels.areas()
        if !areas.isEmpty {
            for i in labels.labels.indices where labels.labels[i] >= 0 && areas[Int(labels.labels[i])] < c.minimumEntityArea {
                labels.labels[i] = LabelMap.void
            }
        }
        return ProceduralScene(image: image, labels: labels.relabeledContiguously().map)
    }

    private func randomTextureKind(_ g: inout SeededGenerator) -> ProceduralTexture.Kind {
        ProceduralTexture.Kind.allCases[g.nextInt(below: ProceduralTexture.Kind.allCases.count)]
    }

    private func randomShapeKind(_ g: inout SeededGenerator) -> ProceduralShape.Kind {
        ProceduralShape.Kind.allCases[g.nextInt(below: ProceduralShape.Kind.allCases.count)]
    }

    private func logUniform(_ range: ClosedRange<Float>, _ g: inout SeededGenerator) -> Float {
        let lo = Double(range.lowerBound), hi = Double(range.upperBound)
        return Float(lo * exp2(log2(hi / lo) * g.nextDouble()))
    }
}

/// The paint buffer of one scene: planar RGB plus the label of the top-most entity per pixel.
private struct Canvas {
    let width: Int, height: Int
    var image: Image<Float>
    var labels: [Int32]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        image = Image(width: width, height: height, channels: 3)
        labels = [Int32](repeating: LabelMap.void, count: width * height)
    }

    mutating func fill(_ texture: ProceduralTexture, label: Int32) {
        let n = width * height
        for y in 0..<height {
            for x in 0..<width {
                let colour = texture.colour(x: Float(x) + 0.5, y: Float(y) + 0.5)
                let i = y * width + x
                image.data[i] = colour.r
                image.data[n + i] = colour.g
                image.data[2 * n + i] = colour.b
                labels[i] = label
            }
        }
    }

    /// Paints the region below a wavy horizon line (a second "stuff" region).
    mutating func fillBelowHorizon(_ texture: ProceduralTexture, label: Int32, _ g: inout SeededGenerator) {
        let base = g.nextFloat(in: 0.3, 0.75) * Float(height)
        let amplitude = g.nextFloat(in: 0, 0.12) * Float(height)
        let frequency = g.nextFloat(in: 0.5, 3) * 2 * .pi / Float(width)
        let tilt = g.nextFloat(in: -0.3, 0.3)
        let phase = g.nextFloat() * 6.28
        let n = width * height
        for x in 0..<width {
            let horizon = base + amplitude * sinf(frequency * Float(x) + phase) + tilt * (Float(x) - Float(width) / 2)
            for y in 0..<height {
                let a = min(1, max(0, Float(y) + 0.5 - horizon + 0.5))
                guard a > 0 else { continue }
                let colour = texture.colour(x: Float(x) + 0.5, y: Float(y) + 0.5)
                let i = y * width + x
                image.data[i] += (colour.r - image.data[i]) * a
                image.data[n + i] += (colour.g - image.data[n + i]) * a
                image.data[2 * n + i] += (colour.b - image.data[2 * n + i]) * a
                if a >= 0.5 { labels[i] = label }
            }
        }
    }

    mutating func paint(_ shape: ProceduralShape, _ texture: ProceduralTexture, label: Int32) {
        let n = width * height
        let x0 = max(0, shape.minX), x1 = min(width, shape.maxX)
        let y0 = max(0, shape.minY), y1 = min(height, shape.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let px = Float(x) + 0.5, py = Float(y) + 0.5
                let a = shape.coverage(x: px, y: py)
                guard a > 0 else { continue }
                let colour = texture.colour(x: px, y: py)
                let i = y * width + x
                image.data[i] += (colour.r - image.data[i]) * a
                image.data[n + i] += (colour.g - image.data[n + i]) * a
                image.data[2 * n + i] += (colour.b - image.data[2 * n + i]) * a
                if a >= 0.5 { labels[i] = label }
            }
        }
    }
}
