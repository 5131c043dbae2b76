// swift-tools-version:6.0
// Fuzzing harnesses for SegKit's file readers (libFuzzer). Build and run with `fuzz/run.sh`;
// see fuzz/README.md. This package is separate from SegKit's: its executable only links when
// built with the sanitizer flags run.sh passes.
import Foundation
import PackageDescription

// The SegKit checkout is this file's grandparent; SwiftPM names a path dependency after its folder.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "SegKitFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "segkit-fuzz",
            dependencies: ["CFuzzerDriver", .product(name: "SegKit", package: root.lastPathComponent)]),
    ]
)
