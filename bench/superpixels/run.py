#!/usr/bin/env python3
"""SLIC superpixel benchmark: SegKit (segkit-bench superpixels) vs scikit-image
(skimage.segmentation.slic) and OpenCV (cv2.ximgproc.createSuperpixelSLIC, algorithm SLIC) on the
same image, same run. Same settings for all: K ≈ 1000 superpixels, compactness m = 10 in CIELAB
(L in 0–100), 10 iterations, connectivity enforced with a minimum of 1/4 of the average
superpixel. Prints a Markdown table: median seconds, SegKit / peer, superpixel count and quality
against the scene's ground truth (ASA, boundary recall, undersegmentation error, compactness;
reference implementation in make_fixtures.py, boundary tolerance r = round(0.0025 · diagonal) as
in Stutz et al.).

Image: a 1024×768 procedural scene with its entity labels (`segkit scenes`, scene 4 of seed 2026,
the same scene as examples/scene.png at a larger size). SegKit's time includes the sRGB → CIELAB
conversion but not decoding; skimage's includes its rgb2lab; OpenCV's includes cv2.cvtColor to
float CIELAB. Threads: SEGKIT_THREADS and cv2.setNumThreads 1 and 2; skimage's SLIC is
single-threaded. The implementations are timed in alternating rounds (PER_ROUND calls each per
round; SegKit's in one segkit-bench process after a warm-up call), medians over all calls. A second SegKit row uses K = 850, which
gives about the peers' superpixel count, so quality is also compared at equal count.

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

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release")
DATA = os.path.join(ROOT, "bench", "data", "superpixels")
ROUNDS, PER_ROUND = 3, 3  # medians of ROUNDS × PER_ROUND timed calls each
K, M, ITERATIONS = 1000, 10.0, 10
# SegKit keeps large disconnected pieces as superpixels of their own, so K = 1000 gives ~1130;
# K = 850 gives about the peers' count (~970), for a like-for-like quality comparison.
K_MATCHED = 850
W, H = 1024, 768


def once(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def make_scene():
    png, labels = os.path.join(DATA, "scene-0004.png"), os.path.join(DATA, "scene-0004-labels.png")
    if not os.path.exists(png):
        os.makedirs(DATA, exist_ok=True)
        subprocess.run([os.path.join(BIN, "segkit"), "scenes", "-o", DATA, "--count", "1", "--first", "4", "--seed", "2026",
                        "--width", str(W), "--height", str(H), "--name", "scene", "--quiet"], check=True)
    truth = cv2.imread(labels, cv2.IMREAD_UNCHANGED).astype(np.int64)
    truth[truth == 65535] = -1
    return png, truth


def ours(png, threads, k=K):
    """PER_ROUND timed calls in one segkit-bench process, after an untimed warm-up call."""
    out = os.path.join(DATA, f"segkit-{threads}-{k}.npy")
    run = subprocess.run([os.path.join(BIN, "segkit-bench"), "superpixels", "--image", png, "-n", str(k), "--compactness", str(M),
                          "--iterations", str(ITERATIONS), "--repeats", str(PER_ROUND), "--output", out],
                         check=True, capture_output=True, text=True, env=dict(os.environ, SEGKIT_THREADS=str(threads)))
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["threads"] == threads, result
    return result["samples"], np.load(out)


def main():
    png, truth = make_scene()
    rgb = cv2.cvtColor(cv2.imread(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    rgb01 = rgb.astype(np.float32) / 255
    region = int(round(math.sqrt(W * H / K)))
    tolerance = int(round(0.0025 * math.hypot(W, H)))

    def skimage_slic():
        return slic(rgb01, n_segments=K, compactness=M, max_num_iter=ITERATIONS, sigma=0, convert2lab=True,
                    enforce_connectivity=True, min_size_factor=0.25, start_label=0)

    def opencv_slic():
        lab = cv2.cvtColor(rgb01, cv2.COLOR_RGB2Lab)
        s = cv2.ximgproc.createSuperpixelSLIC(lab, algorithm=cv2.ximgproc.SLIC, region_size=region, ruler=M)
        s.iterate(ITERATIONS)
        s.enforceLabelConnectivity(25)
        return s.getLabels()

    sk_labels, cv_labels = skimage_slic(), opencv_slic()
    rows = []
    for threads in (1, 2):
        cv2.setNumThreads(threads)
        # Alternate the four implementations round by round so all see the same machine load.
        times = {"SegKit": [], "scikit-image": [], "OpenCV SLIC": [], "matched": []}
        for _ in range(ROUNDS):
            times["SegKit"] += ours(png, threads)[0]
            times["scikit-image"] += [once(skimage_slic) for _ in range(PER_ROUND)]
            times["OpenCV SLIC"] += [once(opencv_slic) for _ in range(PER_ROUND)]
            times["matched"] += ours(png, threads, K_MATCHED)[0]
        labels, matched = ours(png, threads)[1], ours(png, threads, K_MATCHED)[1]
        median = {k: statistics.median(v) for k, v in times.items()}
        rows.append((threads, "SegKit", median["SegKit"], labels))
        rows.append((threads, "scikit-image", median["scikit-image"], sk_labels))
        rows.append((threads, "OpenCV SLIC", median["OpenCV SLIC"], cv_labels))
        rows.append((threads, f"SegKit, K={K_MATCHED}", median["matched"], matched))
        print(threads, median, file=sys.stderr)
    best = {t: min(s for th, name, s, _ in rows if th == t and not name.startswith("SegKit")) for t in (1, 2)}
    print(f"{W}×{H}, K={K}, m={M:g}, {ITERATIONS} iterations, OpenCV {cv2.__version__} (region_size={region}), "
          f"medians of {ROUNDS} alternating rounds × {PER_ROUND} calls; boundary tolerance {tolerance} px\n")
    print("| threads | implementation | time (ms) | SegKit / best peer | superpixels | ASA | BR | UE | CO |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for threads, name, seconds, labels in rows:
        q = metrics(labels.astype(np.int64), truth, tolerance)
        ratio = f"{seconds / best[threads]:.2f}" if name.startswith("SegKit") else ""
        print(f"| {threads} | {name} | {seconds * 1e3:.1f} | {ratio} | {q['count']} | {q['asa']:.4f} | {q['br']:.4f} | "
              f"{q['ue']:.4f} | {q['co']:.4f} |")


if __name__ == "__main__":
    main()
