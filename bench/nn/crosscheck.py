#!/usr/bin/env python3
"""Cross-checks SegKitNN against PyTorch on the reference encoder–decoder, and times both.

1. SegKit writes seeded weights (safetensors), an input, its output and all gradients of
   mean(output²); PyTorch loads the weights with safetensors.torch.load_file, recomputes, and we
   compare against float64 (max relative error, bound 1e-4). A ReLU input within float32
   rounding of 0 (|y| < 1e-5) is a kink where either one-sided derivative is valid and the two
   engines may round to different sides; when the plain comparison fails, the float64 reference
   is recomputed with such kinks on the other side and the closest combination is reported
   (which kink, and the errors before and after).
2. The reverse: PyTorch writes random weights with safetensors.torch.save_file; SegKit loads them
   and recomputes; we compare again.
3. Timing, 2 threads each: a training step (8×3×128×128, forward + backward + AdamW) and inference
   on 1×3×512×512; peak resident memory of that inference, each engine in a fresh process.

    bench/nn/run.sh
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, ".build", "release", "segkit-bench")
WIDTHS, CONVS, OUT = [32, 64, 128, 256], 2, 64
torch.set_num_threads(2)


def groups(w):
    return min(8, w)


class Kinks:
    """Records every ReLU input (record mode) or, for chosen (ReLU index, element) pairs, takes the
    other side of the kink (flip mode): at a pre-activation within rounding of 0 a float32 engine
    may land on either side, and both one-sided derivatives are valid there."""

    def __init__(self, flips=()):
        self.inputs, self.flips, self.count = [], set(flips), 0

    def relu(self, y):
        index, self.count = self.count, self.count + 1
        self.inputs.append(y.detach())
        out = F.relu(y)
        chosen = [element for (i, element) in self.flips if i == index]
        if chosen:
            # Off for an active unit (y − y), on for an inactive one (0 + y), gradients included.
            coefficient = torch.zeros_like(y)
            for element in chosen:
                coefficient[element] = -1.0 if y[element] > 0 else 1.0
            out = out + coefficient * y
        return out


def forward(p, x, kinks=None):
    """The reference model, written functionally over SegKit's parameter names."""
    relu = kinks.relu if kinks is not None else F.relu
    skips, y = [], x
    for s, w in enumerate(WIDTHS):
        if s > 0:
            y = F.max_pool2d(y, 2)
        for i in range(CONVS):
            y = F.conv2d(y, p[f"encoder.{s}.conv{i}.weight"], padding=1)
            y = relu(F.group_norm(y, groups(w), p[f"encoder.{s}.norm{i}.weight"], p[f"encoder.{s}.norm{i}.bias"], eps=1e-5))
        skips.append(y)
    for t, level in enumerate(range(len(WIDTHS) - 2, -1, -1)):
        skip = skips[level]
        y = F.interpolate(y, size=skip.shape[2:], mode="bilinear", align_corners=False)
        y = torch.cat([y, skip], dim=1)
        for i in range(CONVS):
            y = F.conv2d(y, p[f"decoder.{t}.conv{i}.weight"], padding=1)
            w = WIDTHS[level]
            y = relu(F.group_norm(y, groups(w), p[f"decoder.{t}.norm{i}.weight"], p[f"decoder.{t}.norm{i}.bias"], eps=1e-5))
    return F.conv2d(y, p["head.weight"], p["head.bias"])


def max_relative(a, b):
    """max |a − b| / max |b| over a tensor (error relative to the tensor's scale)."""
    a, b = a.detach().double(), b.detach().double()
    return float((a - b).abs().max() / b.abs().max().clamp(min=1e-30))


KINK = 1e-5  # |ReLU input| (GroupNorm output, order 1) within float32 rounding of the kink


def reference(params, x, flips=()):
    """float64 output, loss and parameter gradients, taking the other side of the listed kinks."""
    p = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    kinks = Kinks(flips)
    out = forward(p, x, kinks)
    loss = (out ** 2).mean()
    loss.backward()
    return out.detach(), float(loss.detach()), {k: v.grad for k, v in p.items()}, kinks


def compare(folder, weights_file):
    """Errors of SegKit's output and gradients against the float64 reference.

    A ReLU input within KINK of 0 is a point where the derivative jumps and float32 rounding
    may take either side; such kinks are listed and every combination of sides is tried (up to
    2^8) when the plain comparison fails, keeping the one closest to SegKit: `resolved` is the error then, `raw` without flips.
    Max-pool near-ties (the same ambiguity for the arg-max) are counted, not resolved: a failure
    with near-ties left is reported with their count."""
    params = {k: v.clone().double() for k, v in load_file(weights_file).items()}
    ours = load_file(os.path.join(folder, "results.safetensors"))
    x = ours["input"].double()
    out, loss, grads, kinks = reference(params, x)

    def errors(out, grads):
        return max_relative(ours["output"], out), max(max_relative(ours["grad." + k], g) for k, g in grads.items())

    raw = errors(out, grads)
    near = [(i, tuple(e)) for i, y in enumerate(kinks.inputs) for e in (y.abs() < KINK).nonzero().tolist()]
    best, chosen = raw, ()
    if max(raw) > 1e-4 and 0 < len(near) <= 8:
        for bits in range(1, 1 << len(near)):
            flips = tuple(k for j, k in enumerate(near) if bits >> j & 1)
            o, _, g, _ = reference(params, x, flips)
            e = errors(o, g)
            if max(e) < max(best):
                best, chosen = e, flips
    ties = pool_near_ties(params, x)
    # PyTorch in float32 on the same weights and input, against the same float64 reference.
    p32 = {k: v.float().clone().requires_grad_(True) for k, v in params.items()}
    out32 = forward(p32, ours["input"].float())
    (out32 ** 2).mean().backward()
    torch32 = max(max_relative(p32[k].grad, grads[k]) for k in params)
    return {"raw": raw, "resolved": best, "near_kinks": near, "flipped": chosen, "pool_ties": ties,
            "torch32": torch32, "loss": (float(ours["loss"]), loss),
            "min_abs_relu_input": min(float(y.abs().min()) for y in kinks.inputs)}


def pool_near_ties(params, x):
    """Number of 2×2 max-pool windows whose two largest inputs differ by less than KINK (max ≥ KINK)."""
    ties = []
    original = F.max_pool2d

    def recording(y, k):
        n, c, h, w = y.shape
        windows = y.detach()[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2)
        top = windows.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4).sort(-1, descending=True).values
        # A tie among zeros (inactive ReLUs) routes a gradient that the ReLU stops either way.
        ties.append(int((((top[..., 0] - top[..., 1]) < KINK) & (top[..., 0] >= KINK)).sum()))
        return original(y, k)

    F.max_pool2d = recording
    try:
        with torch.no_grad():
            forward(params, x)
    finally:
        F.max_pool2d = original
    return sum(ties)


def describe(c):
    text = (f"output max rel. error {c['raw'][0]:.2e}, gradient max rel. error {c['raw'][1]:.2e}, "
            f"loss {c['loss'][0]:.6f} vs {c['loss'][1]:.6f}; smallest |ReLU input| {c['min_abs_relu_input']:.1e}, "
            f"{len(c['near_kinks'])} within {KINK:g} of the kink")
    if c["flipped"]:
        text += (f"; with {len(c['flipped'])} of them on the other side (ReLU, element: "
                 f"{', '.join(f'{i}:{list(e)}' for i, e in c['flipped'])}) the errors are "
                 f"{c['resolved'][0]:.2e} (output) and {c['resolved'][1]:.2e} (gradients)")
    text += f"; max-pool near-ties {c['pool_ties']}; PyTorch float32 vs float64 gradients {c['torch32']:.2e}"
    return text


def peak_memory_mb(command, env):
    """Peak resident memory (MB) of a child process: the VmHWM it prints from /proc/self/status
    at its end (rusage's maxrss would include the forking parent's pages on Linux)."""
    run = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return int(run.stdout.split("VmHWM:")[1].split()[0]) / 1024


TORCH_INFERENCE = """
import sys, torch
sys.path.insert(0, {here!r})
from crosscheck import forward
from safetensors.torch import load_file
torch.set_num_threads(2)
p = load_file({weights!r})
if {size} > 0:
    with torch.no_grad():
        forward(p, torch.rand(1, 3, {size}, {size}))
print(open("/proc/self/status").read())
"""



def median_time(fn, repeats=3):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    env = dict(os.environ, SEGKIT_THREADS="2")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([BENCH, "nn", "--check", folder], check=True, env=env, capture_output=True)
        first = compare(folder, os.path.join(folder, "weights.safetensors"))
        print("SegKit → PyTorch:", describe(first))
        reference_weights = load_file(os.path.join(folder, "weights.safetensors"))
        torch.manual_seed(0)
        random_weights = {k: torch.randn_like(v) * 0.1 for k, v in reference_weights.items()}
        path = os.path.join(folder, "torch.safetensors")
        save_file(random_weights, path)
        check = os.path.join(folder, "reverse")
        os.makedirs(check)
        subprocess.run([BENCH, "nn", "--check", check, "--weights", path], check=True, env=env, capture_output=True)
        second = compare(check, path)
        print("PyTorch → SegKit:", describe(second))
        # Peak memory of inference on 1×3×512×512: each engine in a fresh process, and the same
        # process with the model loaded but no inference (the baseline: libraries and weights).
        here = os.path.dirname(os.path.abspath(__file__))
        weights = os.path.join(folder, "weights.safetensors")
        memory = {}
        for size in (0, 512):
            memory["torch", size] = peak_memory_mb([sys.executable, "-c", TORCH_INFERENCE.format(here=here, weights=weights, size=size)], env)
            memory["segkit", size] = peak_memory_mb([BENCH, "nn", "--weights", weights, "--inference-only", str(size)], env)
    # Timing.
    params = {k: v.clone().requires_grad_(True) for k, v in reference_weights.items()}
    opt = torch.optim.AdamW(params.values(), lr=1e-3)
    x = torch.rand(8, 3, 128, 128)

    def step():
        opt.zero_grad()
        loss = (forward(params, x) ** 2).mean()
        loss.backward()
        opt.step()

    torch_step = median_time(step)
    big = torch.rand(1, 3, 512, 512)
    with torch.no_grad():
        torch_infer = median_time(lambda: forward(params, big))
    ours = json.loads(subprocess.run([BENCH, "nn", "--repeats", "3"], check=True, env=env, capture_output=True, text=True).stdout)
    print(f"\n| model ({ours['parameters']:,} parameters), 2 threads | SegKit (s) | PyTorch {torch.__version__} (s) | SegKit / PyTorch |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| training step 8×3×128×128 (fwd+bwd+AdamW) | {ours['train_step']:.3f} | {torch_step:.3f} | {ours['train_step'] / torch_step:.2f}× |")
    print(f"| inference 1×3×512×512 | {ours['inference']:.3f} | {torch_infer:.3f} | {ours['inference'] / torch_infer:.2f}× |")
    print(f"\nBLAS kernels: {ours['blas']}; 3×3 conv 64→64 on 1×64×256×256: {ours['conv_gflops']:.1f} GFLOP/s, "
          f"{100 * ours['conv_gflops'] / ours['sgemm_gflops']:.0f}% of sgemm 2048³ ({ours['sgemm_gflops']:.1f} GFLOP/s), 2 threads")
    print(f"\nPeak resident memory, inference on 1×3×512×512 in a fresh process (baseline: the same process without the inference): "
          f"SegKit {memory['segkit', 512]:.0f} MB (baseline {memory['segkit', 0]:.0f} MB), "
          f"PyTorch {memory['torch', 512]:.0f} MB (baseline {memory['torch', 0]:.0f} MB)")
    worst = max(*first["resolved"], *second["resolved"])
    ok = worst <= 1e-4
    resolved = " after resolving near-kink ReLUs" if first["flipped"] or second["flipped"] else ""
    print(f"cross-check: {'PASS' if ok else 'FAIL'} (max rel. error {worst:.2e}{resolved}; bound 1e-4)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
