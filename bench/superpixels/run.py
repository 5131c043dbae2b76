#!/usr/bin/env python3
"""SLIC superpixel benchmark: SegKit (segkit-bench superpixels) vs scikit-image
(skimage.segmentation.slic) and OpenCV (cv2.ximgproc.createSuperpixelSLIC, algorithm SLIC), same
images, same run, timing and quality in one table.

Settings for all (the issue's): K = 400 superpixels, compactness m = 10 in CIELAB (L in 0–100),
10 iterations, connectivity enforced with a minimum of 1/4 of the average superpixel. Images:
procedural scenes with entity ground truth (`segkit scenes`, seed 2026) at 481×321 (BSDS size,
SCENES_SMALL scenes) and 1920×1080 (SCENES_LARGE scenes). fast-slic is tried too; it is left out
when it does not import (on this machine its wheel does not build for Python 3.11).

Times: each implementation is timed in alternating rounds (PER_ROUND calls each per round, ROUNDS
rounds; SegKit's calls in one segkit-bench process after WARMUP untimed calls, as the peers run warm
in this long-lived process: SegKit's first calls in a fresh process are up to 1.5× slower while
the allocator and the worker threads settle); per scene the median of
all its calls; the table gives the mean over scenes of those medians. SegKit's time includes the
sRGB → CIELAB conversion but not decoding; skimage's includes its rgb2lab; OpenCV's includes
cv2.cvtColor to float CIELAB. Threads: SEGKIT_THREADS and cv2.setNumThreads 1 and 2; skimage's SLIC
is single-threaded. "× faster" = peer time / SegKit time of the same thread count.

Quality (mean over scenes, NumPy reference in make_fixtures.py, Stutz et al. definitions, boundary
tolerance round(0.0025 · diagonal)): at K = 400 the implementations return different numbers of
superpixels, so extra SegKit rows (quality only) use the K that gives, scene by scene, the count
closest to each peer's count.

    bench/superpixels/run.sh
"""
import json
import math
import os
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np
from skimage.segmentation import slic

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import metrics  # noqa: E402

try:
    import fast_slic  # noqa: F401
    from fast_slic.avx2 import SlicAvx2
except Exception:  # not installable here; reported as absent
    SlicAvx2 = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release")
DATA = os.path.join(ROOT, "bench", "data", "superpixels")
ROUNDS, PER_ROUND = 3, 3
WARMUP = 12  # untimed SegKit calls per process before the timed ones (the peers run warm in this process)
K, M, ITERATIONS = 400, 10.0, 10
SIZES = [(481, 321, 5), (1920, 1080, 3)]  # width, height, scenes


def once(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def scenes(w, h, count):
    """(png path, ground truth) for `count` scenes of size w×h, generated once."""
    name = f"scene-{w}x{h}"
    out = []
    for i in range(count):
        png = os.path.join(DATA, f"{name}-{i:04d}.png")
        labels = os.path.join(DATA, f"{name}-{i:04d}-labels.png")
        if not os.path.exists(labels):
            os.makedirs(DATA, exist_ok=True)
            subprocess.run([os.path.join(BIN, "segkit"), "scenes", "-o", DATA, "--count", str(count), "--first", "0",
                            "--seed", "2026", "--width", str(w), "--height", str(h), "--name", name, "--quiet"], check=True)
        truth = cv2.imread(labels, cv2.IMREAD_UNCHANGED).astype(np.int64)
        truth[truth == 65535] = -1
        out.append((png, truth))
    return out


def ours(png, threads, k=K, repeats=PER_ROUND, warmup=WARMUP):
    """`repeats` timed calls in one segkit-bench process after `warmup` untimed ones; labels too."""
    out = os.path.join(DATA, f"segkit-{threads}-{k}.npy")
    run = subprocess.run([os.path.join(BIN, "segkit-bench"), "superpixels", "--image", png, "-n", str(k), "--compactness", str(M),
                          "--iterations", str(ITERATIONS), "--repeats", str(repeats), "--warmup", str(warmup), "--output", out],
                         check=True, capture_output=True, text=True, env=dict(os.environ, SEGKIT_THREADS=str(threads)))
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["threads"] == threads, result
    return result["samples"], np.load(out)


def matched(png, count):
    """SegKit's labels with the K whose superpixel count is closest to `count` (bisection on K)."""
    low, high, best = 2, 8 * max(count, 1), None
    for _ in range(12):
        k = (low + high) // 2
        labels = ours(png, 2, k, repeats=1, warmup=0)[1]
        n = len(np.unique(labels))
        if best is None or abs(n - count) < abs(best[0] - count):
            best = (n, labels)
        if n == count or high - low <= 1:
            break
        low, high = (k, high) if n < count else (low, k)
    return best[1]


def peers(rgb01, w, h):
    region = int(round(math.sqrt(w * h / K)))

    def skimage_slic():
        return slic(rgb01, n_segments=K, compactness=M, max_num_iter=ITERATIONS, sigma=0, convert2lab=True,
                    enforce_connectivity=True, min_size_factor=0.25, start_label=0)

    def opencv_slic():
        lab = cv2.cvtColor(rgb01, cv2.COLOR_RGB2Lab)
        s = cv2.ximgproc.createSuperpixelSLIC(lab, algorithm=cv2.ximgproc.SLIC, region_size=region, ruler=M)
        s.iterate(ITERATIONS)
        s.enforceLabelConnectivity(25)
        return s.getLabels()

    out = {"scikit-image": skimage_slic, "OpenCV SLIC": opencv_slic}
    if SlicAvx2 is not None:
        rgb8 = np.ascontiguousarray((rgb01 * 255).round().astype(np.uint8))
        out["fast-slic (AVX2)"] = lambda: SlicAvx2(num_components=K, compactness=M, min_size_factor=0.25).iterate(rgb8, ITERATIONS)
    return out


def main():
    print(f"K={K}, m={M:g}, {ITERATIONS} iterations; OpenCV {cv2.__version__}; medians of {ROUNDS} alternating rounds × "
          f"{PER_ROUND} calls per scene, mean over scenes; fast-slic: {'present' if SlicAvx2 else 'not installable here'}\n")
    print("| image size (scenes) | threads | implementation | time (ms) | peer time / SegKit time | superpixels | ASA | BR | UE | CO |")
    print("| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for w, h, count in SIZES:
        tolerance = int(round(0.0025 * math.hypot(w, h)))
        images = scenes(w, h, count)
        quality = {}
        times = {t: {} for t in (1, 2)}
        for png, truth in images:
            rgb01 = cv2.cvtColor(cv2.imread(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(np.float32) / 255
            implementations = peers(rgb01, w, h)
            labels = {name: fn() for name, fn in implementations.items()}
            labels["SegKit"] = ours(png, 2, repeats=1, warmup=0)[1]
            for name in [n for n in labels if n != "SegKit"]:
                labels[f"SegKit, count of {name}"] = matched(png, len(np.unique(labels[name])))
            for name, l in labels.items():
                quality.setdefault(name, []).append(metrics(l.astype(np.int64), truth, tolerance))
            for threads in (1, 2):
                cv2.setNumThreads(threads)
                samples = {name: [] for name in ["SegKit", *implementations]}
                for _ in range(ROUNDS):
                    samples["SegKit"] += ours(png, threads)[0]
                    for name, fn in implementations.items():
                        samples[name] += [once(fn)[0] for _ in range(PER_ROUND)]
                for name, s in samples.items():
                    times[threads].setdefault(name, []).append(statistics.median(s))
                print(f"{w}×{h} {png} threads {threads}: " + ", ".join(f"{n} {statistics.median(s) * 1e3:.1f} ms" for n, s in samples.items()),
                      file=sys.stderr)
        for threads in (1, 2):
            mean = {name: statistics.mean(v) for name, v in times[threads].items()}
            for name in quality:
                q = {key: statistics.mean(x[key] for x in quality[name]) for key in ("count", "asa", "br", "ue", "co")}
                if name in mean:
                    seconds = f"{mean[name] * 1e3:.1f}"
                    ratio = ", ".join(f"{p}: {mean[p] / mean['SegKit']:.1f}×" for p in mean if p != "SegKit") if name == "SegKit" else ""
                elif threads == 1:
                    seconds, ratio = "(quality only)", ""
                else:
                    continue
                print(f"| {w}×{h} ({count}) | {threads} | {name} | {seconds} | {ratio} | {q['count']:.0f} | {q['asa']:.4f} | "
                      f"{q['br']:.4f} | {q['ue']:.4f} | {q['co']:.4f} |")


if __name__ == "__main__":
    main()
