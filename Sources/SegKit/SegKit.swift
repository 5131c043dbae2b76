// The umbrella module: `import SegKit` gives an app every SegKit library.
@_exported import SegKitClustering
@_exported import SegKitCore
@_exported import SegKitEvaluation
@_exported import SegKitIO
@_exported import SegKitNN
@_exported import SegKitRefinement
@_exported import SegKitSegmenters

/// Version of the SegKit package (semantic versioning).
public let segKitVersion = "0.1.0"
