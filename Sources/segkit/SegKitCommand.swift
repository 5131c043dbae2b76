import ArgumentParser
import SegKit

@main
struct SegKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segkit",
        abstract: "Image segmentation by clustering: every pixel a feature vector, every segment a cluster.",
        discussion: """
            Run `segkit help <subcommand>` for the options of a subcommand.
            Threads: set SEGKIT_THREADS (default: all cores).
            """,
        version: segKitVersion,
        subcommands: []
    )
}
