// swift-tools-version:6.0
// SegKit: image segmentation by clustering, in Swift.
import PackageDescription
import Foundation

// Opt-in CPU tuning: `SEGKIT_TARGET_CPU=haswell swift build -c release` enables AVX2/FMA code
// generation (≈1.7× on distance kernels, see ../shared/SWIFT-NOTES.md). Default builds stay portable.
let tuning: [SwiftSetting] = {
    guard let cpu = ProcessInfo.processInfo.environment["SEGKIT_TARGET_CPU"], !cpu.isEmpty else { return [] }
    return [.unsafeFlags(["-target-cpu", cpu])]
}()

let linuxOnly = TargetDependencyCondition.when(platforms: [.linux])
let applePlatforms: [Platform] = [.macOS, .iOS, .tvOS, .watchOS, .visionOS]

let package = Package(
    name: "SegKit",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "SegKit", targets: ["SegKit"]),
        .executable(name: "segkit", targets: ["segkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from the system (see scripts/bootstrap).
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"]), .brew(["jpeg-turbo"])]),

        // OpenBLAS loaded at run time (Linux), after choosing its CPU kernels: see CSegKitBLAS.h.
        .target(name: "CSegKitBLAS", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // libpng's full API behind setjmp-based error handling (Swift cannot catch longjmp).
        .target(name: "CSegKitPNG", dependencies: ["CPNG"]),
        // Hot loops with an AVX2 version chosen at run time (see CSegKitKernels.h).
        .target(name: "CSegKitKernels"),

        // Libraries (module boundaries: see DESIGN.md).
        .target(
            name: "SegKitCore",
            dependencies: [.target(name: "CSegKitBLAS", condition: linuxOnly), "CSegKitKernels"],
            swiftSettings: tuning,
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: applePlatforms))]),
        .target(name: "SegKitClustering", dependencies: ["SegKitCore"], swiftSettings: tuning),
        .target(name: "SegKitRefinement", dependencies: ["SegKitCore"], swiftSettings: tuning),
        .target(name: "SegKitNN", dependencies: ["SegKitCore"], swiftSettings: tuning),
        .target(name: "SegKitEvaluation", dependencies: ["SegKitCore"], swiftSettings: tuning),
        .target(
            name: "SegKitSegmenters",
            dependencies: ["SegKitCore", "SegKitClustering", "SegKitRefinement", "SegKitNN", "CSegKitKernels"],
            swiftSettings: tuning),
        .target(name: "SegKitIO", dependencies: ["SegKitCore", "SegKitNN", "SegKitEvaluation", "CSegKitPNG", "CTurboJPEG", "CZlib"], swiftSettings: tuning),
        .target(
            name: "SegKit",
            dependencies: [
                "SegKitCore", "SegKitClustering", "SegKitRefinement", "SegKitNN",
                "SegKitEvaluation", "SegKitSegmenters", "SegKitIO",
            ]),
        .executableTarget(
            name: "segkit",
            dependencies: ["SegKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: tuning),
        // Timing harness driven by the scripts in bench/ (not a product).
        .executableTarget(
            name: "segkit-bench",
            dependencies: ["SegKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: tuning),

        // Test support and tests (one target per library, plus CLI end-to-end tests).
        .target(name: "_TestSupport", dependencies: ["SegKitCore"], path: "Sources/_TestSupport"),
        .testTarget(name: "SegKitCoreTests", dependencies: ["SegKitCore", "_TestSupport"]),
        .testTarget(name: "SegKitIOTests", dependencies: ["SegKitIO", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SegKitClusteringTests", dependencies: ["SegKitClustering", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SegKitRefinementTests", dependencies: ["SegKitRefinement", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SegKitNNTests", dependencies: ["SegKitNN", "_TestSupport"]),
        .testTarget(name: "SegKitEvaluationTests", dependencies: ["SegKitEvaluation", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SegKitSegmentersTests", dependencies: ["SegKitSegmenters", "_TestSupport"]),
        .testTarget(name: "SegKitCLITests", dependencies: ["segkit", "SegKitIO", "_TestSupport"]),
    ]
)
