#!/usr/bin/env python3
"""Cross-checks SegKitNN against PyTorch on the reference encoder–decoder, and times both.

1. SegKit writes seeded weights (safetensors), an input, its output and all gradients of
   mean(output²); PyTorch loads the weights with safetensors.torch.load_file, recomputes, and we
   compare (max relative error, bound 1e-4).
2. The reverse: PyTorch writes random weights with safetensors.torch.save_file; SegKit loads them
   and recomputes; we compare again.
3. Timing, 2 threads each: a training step (8×3×128×128, forward + backward + AdamW) and inference
   on 1×3×512×512.

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


def forward(p, x):
    """The reference model, written functionally over SegKit's parameter names."""
    skips, y = [], x
    for s, w in enumerate(WIDTHS):
        if s > 0:
            y = F.max_pool2d(y, 2)
        for i in range(CONVS):
            y = F.conv2d(y, p[f"encoder.{s}.conv{i}.weight"], padding=1)
            y = F.relu(F.group_norm(y, groups(w), p[f"encoder.{s}.norm{i}.weight"], p[f"encoder.{s}.norm{i}.bias"], eps=1e-5))
        skips.append(y)
    for t, level in enumerate(range(len(WIDTHS) - 2, -1, -1)):
        skip = skips[level]
        y = F.interpolate(y, size=skip.shape[2:], mode="bilinear", align_corners=False)
        y = torch.cat([y, skip], dim=1)
        for i in range(CONVS):
            y = F.conv2d(y, p[f"decoder.{t}.conv{i}.weight"], padding=1)
            w = WIDTHS[level]
            y = F.relu(F.group_norm(y, groups(w), p[f"decoder.{t}.norm{i}.weight"], p[f"decoder.{t}.norm{i}.bias"], eps=1e-5))
    return F.conv2d(y, p["head.weight"], p["head.bias"])


def max_relative(a, b):
    """max |a − b| / max |b| over a tensor (error relative to the tensor's scale)."""
    a, b = a.detach().double(), b.detach().double()
    return float((a - b).abs().max() / b.abs().max().clamp(min=1e-30))


def compare(folder, weights_file):
    # The reference runs in float64: both float32 engines are compared with the exact result.
    params = {k: v.clone().double().requires_grad_(True) for k, v in load_file(weights_file).items()}
    ours = load_file(os.path.join(folder, "results.safetensors"))
    out = forward(params, ours["input"].double())
    loss = (out ** 2).mean()
    loss.backward()
    worst_grad = max(max_relative(ours["grad." + k], v.grad) for k, v in params.items())
    # PyTorch in float32 on the same weights and input, against the same float64 reference: where
    # a ReLU input sits within rounding of 0, float32 engines may take either side of the kink.
    p32 = {k: v.detach().float().clone().requires_grad_(True) for k, v in params.items()}
    out32 = forward(p32, ours["input"].float())
    (out32 ** 2).mean().backward()
    torch32_grad = max(max_relative(p32[k].grad, v.grad) for k, v in params.items())
    global TORCH32
    TORCH32.append(torch32_grad)
    return max_relative(ours["output"], out), worst_grad, float(ours["loss"]), float(loss.detach())


TORCH32 = []


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
        out_err, grad_err, l1, l2 = compare(folder, os.path.join(folder, "weights.safetensors"))
        print(f"SegKit → PyTorch: output max rel. error {out_err:.2e}, gradient max rel. error {grad_err:.2e}, loss {l1:.6f} vs {l2:.6f}"
              f" (PyTorch float32 vs float64 gradients: {TORCH32[-1]:.2e})")
        reference = load_file(os.path.join(folder, "weights.safetensors"))
        torch.manual_seed(0)
        random_weights = {k: torch.randn_like(v) * 0.1 for k, v in reference.items()}
        path = os.path.join(folder, "torch.safetensors")
        save_file(random_weights, path)
        check = os.path.join(folder, "reverse")
        os.makedirs(check)
        subprocess.run([BENCH, "nn", "--check", check, "--weights", path], check=True, env=env, capture_output=True)
        out_err2, grad_err2, _, _ = compare(check, path)
        print(f"PyTorch → SegKit: output max rel. error {out_err2:.2e}, gradient max rel. error {grad_err2:.2e}"
              f" (PyTorch float32 vs float64 gradients: {TORCH32[-1]:.2e})")
    # Timing.
    params = {k: v.clone().requires_grad_(True) for k, v in reference.items()}
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
    ok = max(out_err, grad_err, out_err2, grad_err2) <= 1e-4
    print("cross-check:", "PASS (≤ 1e-4)" if ok else "FAIL (> 1e-4)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
