import ArgumentParser
import SegKit

/// `segkit-bench nn`: the reference encoder–decoder's training step and inference.
struct NNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn", abstract: "Median seconds of a training step (8×3×128×128, fwd+bwd+AdamW) and of 1×3×512×512 inference (JSON line).")

    @Option var repeats: Int = 3
    @Option var batch: Int = 8
    @Option var size: Int = 128
    @Option var inferenceSize: Int = 512
    @Option(help: "Load weights from this safetensors file (else seeded initialisation).")
    var weights: String?
    @Option(help: "Cross-check mode: write weights (unless --weights), input, output and all parameter gradients of mean(output²) for a [2, 3, 32, 32] input to this folder, then stop.")
    var check: String?
    @Option(help: "Memory mode: run only inference on one 1×3×N×N input (N = this value) once and print /proc/self/status (peak memory, Linux), then stop; 0 loads the model and stops (the baseline).")
    var inferenceOnly: Int?

    func run() throws {
        let model = EncoderDecoder()
        if let weights { try model.load(SafeTensors.read(weights).tensors) }
        if let check {
            var g = SeededGenerator(seed: 2)
            let x = Tensor.uniform([2, 3, 32, 32], low: 0, high: 1, &g)
            let out = try model(Variable(x))
            let loss = out.square().mean()
            loss.backward()
            if weights == nil { try SafeTensors.write(model.stateDictionary, to: check + "/weights.safetensors") }
            var tensors: [String: Tensor] = ["input": x, "output": out.value, "loss": loss.value]
            for (name, p) in model.namedParameters { tensors["grad." + name] = p.gradient! }
            try SafeTensors.write(tensors, to: check + "/results.safetensors")
            print("{\"loss\": \(loss.value.scalar)}")
            return
        }
        if let inferenceOnly {
            var g = SeededGenerator(seed: 1)
            if inferenceOnly > 0 {
                let big = Tensor.uniform([1, 3, inferenceOnly, inferenceOnly], low: 0, high: 1, &g)
                _ = try Autodiff.withoutGradients { () throws(SegKitError) in try model(Variable(big)) }
            }
            // Linux: the caller reads VmHWM (this process's peak resident memory) from here.
            if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) { print(status) }
            return
        }
        var g = SeededGenerator(seed: 1)
        let x = Tensor.uniform([batch, 3, size, size], low: 0, high: 1, &g)
        var optimizer = AdamW(model.namedParameters)
        var forward = 0.0, backward = 0.0
        let step = try Stopwatch.median(repeats: repeats) {
            model.zeroGradients()
            var out: Variable!
            forward = try Stopwatch.time { out = try model(Variable(x)) }
            let loss = out.square().mean()
            backward = Stopwatch.time { loss.backward() }
            optimizer.step(learningRate: 1e-3)
        }
        let big = Tensor.uniform([1, 3, inferenceSize, inferenceSize], low: 0, high: 1, &g)
        let inference = try Stopwatch.median(repeats: repeats) {
            _ = try Autodiff.withoutGradients { () throws(SegKitError) in try model(Variable(big)) }
        }
        // Convolution throughput against sgemm's: a 3×3, 64 → 64 convolution of 1×64×256×256 (the
        // reference model's typical layer) and a 2048³ sgemm, both in GFLOP/s.
        let convInput = Tensor.uniform([1, 64, 256, 256], low: -1, high: 1, &g)
        let convWeight = Tensor.uniform([64, 64, 3, 3], low: -0.1, high: 0.1, &g)
        let convSeconds = try Stopwatch.median(repeats: repeats) {
            _ = try Autodiff.withoutGradients { () throws(SegKitError) in
                try Variable(convInput).conv2d(weight: Variable(convWeight), geometry: .init(padding: 1))
            }
        }
        let convGFlops = 2.0 * 64 * 64 * 9 * 256 * 256 / convSeconds / 1e9
        let m = 2048
        let a = [Float](repeating: 0.5, count: m * m), b = a
        var c = [Float](repeating: 0, count: m * m)
        let gemmSeconds = Stopwatch.median(repeats: repeats) {
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                LinearAlgebra.gemm(m: m, n: m, k: m, a: ap.baseAddress!, lda: m, b: bp.baseAddress!, ldb: m, c: cp.baseAddress!, ldc: m)
            } } }
        }
        let gemmGFlops = 2.0 * Double(m * m * m) / gemmSeconds / 1e9
        print("{\"train_step\": \(step), \"last_forward\": \(forward), \"last_backward\": \(backward), \"inference\": \(inference), \"parameters\": \(model.parameterCount), \"blas\": \"\(LinearAlgebra.backendName)\", \"threads\": \(Parallel.threadCount), \"conv_gflops\": \(convGFlops), \"sgemm_gflops\": \(gemmGFlops)}")
    }
}
