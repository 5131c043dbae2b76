import ArgumentParser

/// `segkit-bench`: timing harness for the scripts in `bench/`. Each area adds one subcommand file;
/// the Python scripts there run it next to the peer tools and print ratios measured in the same run.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segkit-bench",
        abstract: "Times SegKit operations for the benchmark scripts in bench/ (prints JSON lines).",
        subcommands: [IOBench.self, RLEBench.self, NNBench.self, ClusteringBench.self, FilterBench.self, SuperpixelBench.self,
                      EvalBench.self]
    )
}
