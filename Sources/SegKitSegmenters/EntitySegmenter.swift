import SegKitClustering
import SegKitRefinement

/// Class-agnostic "segment everything" (the bottom-up paper, §4): per-pixel features →
/// superpixel pooling → mean-shift → colour split and merging across weak boundaries → every
/// pixel labelled → connectivity and small-region clean-up → optional guided-filter refinement →
/// optional multi-resolution refinement (§4.1).
public struct EntitySegmenter: Sendable {
    /// Where per-pixel features come from.
    public enum Model: Sendable {
        /// A trained embedding network: unit line features, clustered by projective mean-shift.
        case network(EmbeddingNetwork)
        /// No network: CIELAB colour and position (joint spatial–range mean-shift, Comaniciu &
        /// Meer), the classical baseline.
        case classic
        /// No network: superpixels merged by agglomerative clustering of their mean CIELAB colour
        /// until the closest adjacent pair differs by more than `mergeDistance` (ΔE).
        case mergedSuperpixels
    }

    public struct Configuration: Sendable, Equatable {
        /// Longest side (pixels) of the resolutions processed, coarse to fine; each is capped at
        /// the image's own size. One entry = single resolution. Default [384].
        public var resolutions: [Int] = [384]
        /// Superpixels per resolution used to pool features (≥ 16). Default 400: on the validation
        /// scenes (seed 777) it beat 800 for the network (+0.019 Recall@0.5 with the colour split)
        /// and for merged superpixels (+0.040); 300 was marginally better still for the network,
        /// 400 keeps more small objects at the default 384-pixel resolution (BENCHMARKS.md).
        public var superpixels: Int = 400
        /// Mean-shift bandwidth: for the network, in the projective distance 1 − |cos| (default
        /// 1 − √2/2, the paper's 45° window); for `classic`, in units of the scaled features
        /// (default 1).
        public var bandwidth: Float?
        /// The network sees resolutions larger than this in overlapping tiles of this side
        /// (pixels, ≥ 32), bounding memory (§4.1). Default 768, so the default resolutions run whole.
        public var tileSize: Int = 768
        /// Pixels shared by neighbouring tiles (≥ 0, ≤ tileSize / 2). Default 64.
        public var tileOverlap: Int = 64
        /// Segments smaller than this many pixels (at output resolution) are merged into their most
        /// similar neighbour. Default 64.
        public var minimumArea: Int = 64
        /// Refine segment boundaries with a guided filter against the image (two-tricks paper).
        public var guidedRefinement: Bool = false
        /// Merge distance in CIELAB ΔE for `.mergedSuperpixels`. Default 14.
        public var mergeDistance: Float = 14
        /// Network model only: also cut its segments where superpixels merged by colour up to this
        /// CIELAB ΔE are cut (a segment spanning two colour regions further apart than this is
        /// split). nil = off. Default 40: on the validation scenes (seed 777) 35–60 all gave
        /// +0.012–0.017 Recall@0.5 over off, and on the held-out test set 40 gave +0.024
        /// (BENCHMARKS.md).
        public var colourSplit: Float? = 40
        /// Network model only: after clustering (and the colour split), adjacent segments merge,
        /// weakest boundary first, while the mean strength of the superpixel boundaries they share
        /// is below 1; a boundary between two superpixels has strength max((1 − |cos|) / embedding,
        /// ΔE / colour) of their pooled embedding lines and mean CIELAB colours. Segments thus join
        /// where neither the embedding nor the colour changes across their boundary, e.g. a sky or
        /// a wall under a lighting gradient whose drifting features mean-shift cut into blocks.
        /// nil = off. Default embedding 0.6, colour 20: on the validation scenes (seed 777) it
        /// raised Recall@0.5 from 0.7453 to 0.7642 (BENCHMARKS.md).
        public var boundaryMerge: BoundaryMergeThresholds? = BoundaryMergeThresholds(embedding: 0.6, colour: 20)
        /// Multi-resolution rule: a fine segment whose IoU with a coarse one is at least this
        /// replaces it (sharper boundary). Default 0.7.
        public var replaceIoU: Double = 0.7
        /// Multi-resolution rule: a fine segment lying at least this much inside one coarse segment
        /// (|f ∩ c| / |f|) and covering at most `maximumSubdivision` of it becomes a new segment.
        /// Defaults 0.85 and 0.7.
        public var containment: Double = 0.85
        public var maximumSubdivision: Double = 0.7

        public init() {}

        func validate() throws(SegKitError) {
            guard !resolutions.isEmpty, resolutions.allSatisfy({ $0 >= 16 }), superpixels >= 16, minimumArea >= 1,
                  mergeDistance > 0, tileSize >= 32, tileOverlap >= 0, tileSize >= 2 * tileOverlap, (0...1).contains(replaceIoU), (0...1).contains(containment), (0...1).contains(maximumSubdivision)
            else { throw .invalidArgument("entity segmentation settings out of range (resolutions ≥ 16 px, superpixels ≥ 16, tiles ≥ 32 px and ≥ 2 × overlap, …)") }
            if let b = bandwidth, !(b > 0) { throw .invalidArgument("bandwidth must be positive") }
            if let d = colourSplit, !(d > 0) { throw .invalidArgument("colour split distance must be positive") }
            if let t = boundaryMerge, !(t.embedding > 0 && t.colour > 0 && t.embedding.isFinite && t.colour.isFinite) {
                throw .invalidArgument("boundary merge thresholds must be positive and finite")
            }
        }
    }

    /// Scales of ``Configuration/boundaryMerge``: a boundary between two superpixels counts as
    /// weak while their embedding lines differ by less than `embedding` (in 1 − |cos|) and their
    /// mean colours by less than `colour` (CIELAB ΔE).
    public struct BoundaryMergeThresholds: Sendable, Equatable {
        public var embedding: Float
        public var colour: Float

        public init(embedding: Float, colour: Float) {
            self.embedding = embedding
            self.colour = colour
        }
    }

    /// One output segment.
    public struct Segment: Sendable, Equatable {
        /// Its label in ``Result/labels``.
        public var label: Int32
        public var area: Int
        public var boundingBox: BoundingBox
        /// Confidence in [0, 1]: mean |f·μ| of the segment's pixels for the network model (how well
        /// its features agree), the fraction of the segment's boundary on image edges otherwise.
        public var score: Double
        /// Mean over the processed resolutions of the best IoU between the segment and any segment
        /// found at that resolution (1 = found identically everywhere).
        public var stability: Double
    }

    public struct Result: Sendable {
        /// Labels contiguous from 0 at the input's size; every pixel belongs to a segment.
        public var labels: LabelMap
        public var segments: [Segment]
        /// Unit features at the finest resolution (network model only), planar d × h × w.
        public var features: Image<Float>?
        /// Seconds spent per stage.
        public var timing: [String: Double]
    }

    public let model: Model
    public let configuration: Configuration

    public init(model: Model, configuration: Configuration = .init()) {
        self.model = model
        self.configuration = configuration
    }
}
