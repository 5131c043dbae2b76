#!/usr/bin/env python3
"""Box and guided filter benchmark: SegKit (segkit-bench filters) vs OpenCV (cv2.boxFilter,
cv2.ximgproc.guidedFilter) on the same arrays, same run, 1 and 2 threads for both
(SEGKIT_THREADS / cv2.setNumThreads). Prints a Markdown table of median seconds, the ratio
SegKit / OpenCV and the largest difference between the two outputs.

Inputs: procedural scenes from `segkit scenes` at 1024×768 and 2304×1728 (4 MP); the guide is the
8-bit RGB scene (or its gray version), the input p a noisy float32 mask of the largest entity;
r = 8, ε = 1e-3 (OpenCV eps = 1e-3·255²). SegKit's time excludes process start, file reading and
the uint8 → float conversion of the guide; OpenCV's includes its internal conversion. Each of
ROUNDS rounds times PER_ROUND SegKit calls (one segkit-bench process, after a warm-up call) and
then PER_ROUND OpenCV calls, so both see the same load on a shared machine and both run warm;
medians over all timed calls are reported.

    bench/filters/run.sh
"""
import json
import os
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release")
DATA = os.path.join(ROOT, "bench", "data", "filters")
ROUNDS, PER_ROUND = 5, 3  # medians of ROUNDS × PER_ROUND timed calls each
RADIUS, EPS = 8, 1e-3
SIZES = [(1024, 768), (2304, 1728)]


def once(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def make_inputs(w, h):
    """Writes (once) guide_rgb, guide_gray (uint8) and p (float32) for a w × h scene."""
    stem = os.path.join(DATA, f"{w}x{h}")
    paths = {k: f"{stem}-{k}.npy" for k in ("rgb", "gray", "p", "p3")}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    os.makedirs(DATA, exist_ok=True)
    subprocess.run([os.path.join(BIN, "segkit"), "scenes", "-o", DATA, "--count", "1", "--first", "4", "--seed", "2026",
                    "--width", str(w), "--height", str(h), "--name", f"scene{w}x{h}", "--quiet"], check=True)
    rgb = cv2.cvtColor(cv2.imread(os.path.join(DATA, f"scene{w}x{h}-0004.png"), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    labels = cv2.imread(os.path.join(DATA, f"scene{w}x{h}-0004-labels.png"), cv2.IMREAD_UNCHANGED).astype(np.int64)
    ids, counts = np.unique(labels[labels != 65535], return_counts=True)
    rng = np.random.default_rng(1)
    mask = (labels == ids[counts.argmax()]).astype(np.float64)
    p = np.clip(0.8 * mask + 0.1 + rng.normal(0, 0.1, mask.shape), 0, 1).astype(np.float32)
    np.save(paths["rgb"], rgb)
    np.save(paths["gray"], cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    np.save(paths["p"], p)
    np.save(paths["p3"], (rgb.astype(np.float32) / 255))
    return paths


def ours(threads, *args, output=None):
    """PER_ROUND timed calls in one segkit-bench process, after an untimed warm-up call."""
    env = dict(os.environ, SEGKIT_THREADS=str(threads))
    extra = ["--output", output] if output else []
    run = subprocess.run([os.path.join(BIN, "segkit-bench"), "filters", *args, "--repeats", str(PER_ROUND), *extra],
                         check=True, capture_output=True, text=True, env=env)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["threads"] == threads, result
    return result["samples"]


def main():
    rows = []
    for w, h in SIZES:
        paths = make_inputs(w, h)
        rgb, gray, p, p3 = (np.load(paths[k]) for k in ("rgb", "gray", "p", "p3"))
        cases = [
            (f"box r={RADIUS}, 1 channel", ["box", "--input", paths["p"], "--radius", str(RADIUS)],
             lambda: cv2.boxFilter(p, -1, (2 * RADIUS + 1,) * 2, borderType=cv2.BORDER_REFLECT)),
            (f"box r={RADIUS}, 3 channels", ["box", "--input", paths["p3"], "--radius", str(RADIUS)],
             lambda: cv2.boxFilter(p3, -1, (2 * RADIUS + 1,) * 2, borderType=cv2.BORDER_REFLECT)),
            (f"guided r={RADIUS}, gray guide", ["guided", "--input", paths["p"], "--guide", paths["gray"], "--radius", str(RADIUS), "--eps", str(EPS)],
             lambda: cv2.ximgproc.guidedFilter(gray, p, RADIUS, EPS * 255 ** 2)),
            (f"guided r={RADIUS}, colour guide", ["guided", "--input", paths["p"], "--guide", paths["rgb"], "--radius", str(RADIUS), "--eps", str(EPS)],
             lambda: cv2.ximgproc.guidedFilter(rgb, p, RADIUS, EPS * 255 ** 2)),
        ]
        for name, args, peer in cases:
            for threads in (1, 2):
                cv2.setNumThreads(threads)
                out_path = os.path.join(DATA, "segkit-out.npy")
                ours(threads, *args, output=out_path)
                reference = peer()
                diff = float(np.abs(np.load(out_path).astype(np.float64) - reference.astype(np.float64)).max())
                # Alternate SegKit and OpenCV calls so both see the same machine load.
                mine, theirs = [], []
                for _ in range(ROUNDS):
                    mine += ours(threads, *args)
                    theirs += [once(peer) for _ in range(PER_ROUND)]
                seconds, peer_seconds = statistics.median(mine), statistics.median(theirs)
                rows.append((f"{w}×{h}", name, threads, seconds, peer_seconds, diff))
                print(f"{rows[-1]}", file=sys.stderr)
    copy = copy_bandwidth()
    print(f"OpenCV {cv2.__version__}; medians of {ROUNDS} alternating rounds × {PER_ROUND} calls each\n")
    print("| image | operation | threads | SegKit (ms) | OpenCV (ms) | SegKit / OpenCV | max abs diff | SegKit ns/pixel | SegKit GB/s (% of copy) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, name, threads, a, b, diff in rows:
        w, h = (int(v) for v in size.split("×"))
        channels = 3 if "3 channels" in name else 1
        traffic = ""
        if name.startswith("box"):
            # A box filter reads and writes every float sample once: 8 bytes per sample at least.
            gbps = 8 * channels * w * h / a / 1e9
            traffic = f"{gbps:.1f} ({100 * gbps / copy:.0f} %)"
        print(f"| {size} | {name} | {threads} | {a * 1e3:.1f} | {b * 1e3:.1f} | {a / b:.2f} | {diff:.1e} | "
              f"{a * 1e9 / (w * h):.2f} | {traffic} |")
    print(f"\nMemory copy bandwidth of this machine in the same run (numpy.copyto of 256 MB, read + write "
          f"counted, median of 7, 1 thread): {copy:.1f} GB/s")


def copy_bandwidth():
    """Bytes read + written per second by a large memory copy (the ceiling for a streaming filter)."""
    a = np.ones(64 * 1024 * 1024, dtype=np.float32)
    b = np.empty_like(a)
    np.copyto(b, a)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        np.copyto(b, a)
        times.append(time.perf_counter() - t)
    return 2 * a.nbytes / statistics.median(times) / 1e9


if __name__ == "__main__":
    main()
