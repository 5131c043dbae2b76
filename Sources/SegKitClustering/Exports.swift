// Every SegKit library re-exports SegKitCore: its types (Image, LabelMap, FeatureMatrix, …)
// appear in all public APIs.
@_exported import SegKitCore
