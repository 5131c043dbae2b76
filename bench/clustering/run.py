#!/usr/bin/env python3
"""Clustering benchmark and conformance: SegKit vs scikit-learn, OpenCV and SciPy on the same data,
same run, 2 threads for everyone. Prints Markdown tables (time, ratio, quality, peak memory).

    bench/clustering/run.sh
"""
import json
import os
import re
import statistics
import subprocess
import time

import cv2
import numpy as np
import scipy.linalg
from sklearn.cluster import KMeans, MeanShift, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "bench", "data", "clustering")
BENCH = os.path.join(ROOT, ".build", "release", "segkit-bench")
N, D, K = 65536, 128, 20


def make_data(n, path, seed):
    if os.path.exists(path):
        return np.load(path)
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(K, D))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    labels = rng.integers(0, K, n)
    x = centers[labels] + rng.normal(scale=0.35 / np.sqrt(D) * 4, size=(n, D))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x = x.astype(np.float32)
    np.save(path, x)
    return x


def ours(*args):
    """Runs segkit-bench under /usr/bin/time -v; returns (json, peak MiB)."""
    out = subprocess.run(["/usr/bin/time", "-v", BENCH, "clustering", *args], capture_output=True, text=True, check=True)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
    return json.loads(out.stdout.strip().splitlines()[-1]), peak


def timed(fn, repeats=3):
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def peak_now():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024


def main():
    os.makedirs(DATA, exist_ok=True)
    x = make_data(N, os.path.join(DATA, "x65536.npy"), 1)
    xpath, lpath = os.path.join(DATA, "x65536.npy"), os.path.join(DATA, "labels.npy")
    rows = []
    # k-means
    s_lloyd, km = timed(lambda: KMeans(K, algorithm="lloyd", n_init=1, random_state=0).fit(x))
    s_elkan, ke = timed(lambda: KMeans(K, algorithm="elkan", n_init=1, random_state=0).fit(x))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 300, 1e-4)
    s_cv, cvres = timed(lambda: cv2.kmeans(x, K, None, crit, 1, cv2.KMEANS_PP_CENTERS))
    r, peak = ours("kmeans", "--input", xpath, "--output", lpath, "--k", str(K))
    ours_labels = np.load(lpath)
    rows.append(("k-means N=65,536 D=128 K=20", r["seconds"], [("scikit-learn lloyd", s_lloyd), ("scikit-learn elkan", s_elkan),
                 ("cv2.kmeans", s_cv)], f"inertia {r['inertia']:.2f} vs sklearn {km.inertia_:.2f} "
                 f"({(r['inertia'] / km.inertia_ - 1) * 100:+.2f}%), ARI vs sklearn {adjusted_rand_score(km.labels_, ours_labels):.4f}", peak))
    # mini-batch on 1M points
    big = make_data(1_000_000, os.path.join(DATA, "x1m.npy"), 2)
    s_mb, mb = timed(lambda: MiniBatchKMeans(K, batch_size=1024, n_init=1, random_state=0).fit(big), repeats=1)
    r, peak = ours("minibatch", "--input", os.path.join(DATA, "x1m.npy"), "--output", lpath, "--k", str(K), "--repeats", "1")
    rows.append(("mini-batch k-means N=1,000,000", r["seconds"], [("scikit-learn MiniBatchKMeans", s_mb)],
                 f"inertia {r['inertia']:.0f} vs sklearn {mb.inertia_:.0f} ({(r['inertia'] / mb.inertia_ - 1) * 100:+.2f}%)", peak))
    # mean-shift, 200 sampled seeds, the same for both
    seeds = np.random.default_rng(3).choice(N, 200, replace=False)
    np.save(os.path.join(DATA, "seeds.npy"), seeds.astype(np.int64))
    s_ms, ms = timed(lambda: MeanShift(bandwidth=0.7071, seeds=x[seeds], n_jobs=2).fit(x), repeats=1)
    r, peak = ours("meanshift", "--input", xpath, "--output", lpath, "--bandwidth", "0.7071", "--seeds",
                   os.path.join(DATA, "seeds.npy"), "--repeats", "1")
    rows.append(("mean-shift bandwidth 0.7071, 200 seeds", r["seconds"], [("scikit-learn MeanShift", s_ms)],
                 f"{r['clusters']} clusters vs {len(ms.cluster_centers_)}, ARI {adjusted_rand_score(ms.labels_, np.load(lpath)):.4f}", peak))
    # normalized cut, dense 4,096 nodes: eigenvector vs scipy's eigh(D − W, D)
    sub = x[:4096]
    np.save(os.path.join(DATA, "x4096.npy"), sub)
    r, peak = ours("fiedler", "--input", os.path.join(DATA, "x4096.npy"), "--output", lpath)
    w = (sub @ sub.T > 0.2).astype(np.float64)
    w[w == 0] = 1e-5
    dmat = np.diag(w.sum(1))
    t = time.perf_counter()
    _, vec = scipy.linalg.eigh(dmat - w, dmat, subset_by_index=[1, 1])
    s_eigh = time.perf_counter() - t
    y = np.load(lpath)
    cos = abs(float(vec[:, 0] @ y) / (np.linalg.norm(vec[:, 0]) * np.linalg.norm(y)))
    rows.append(("normalized cut, dense 4,096 nodes", r["seconds"], [("scipy.linalg.eigh (generalised)", s_eigh)],
                 f"|cos| with scipy's eigenvector {cos:.5f}", peak))
    r, peak = ours("grid", "--side", "316", "--repeats", "1")
    rows.append(("normalized cut, sparse 99,856-node pixel graph (Lanczos)", r["seconds"], [], f"λ₂ = {r['eigenvalue']:.3e}", peak))
    r, peak = ours("agglomerative")
    rows.append(("agglomerative merging, 5,000 regions to 1", r["seconds"], [], f"{r['merges']} merges", peak))

    print("| task | SegKit (s) | peer (s) | SegKit speed-up | quality | SegKit peak RSS (MiB) |")
    print("| --- | ---: | --- | --- | --- | ---: |")
    for name, ours_s, peers, quality, peak in rows:
        peer_text = "; ".join(f"{p}: {s:.3f}" for p, s in peers) or "—"
        ratio = "; ".join(f"{s / ours_s:.1f}× vs {p}" for p, s in peers) or "—"
        print(f"| {name} | {ours_s:.3f} | {peer_text} | {ratio} | {quality} | {peak:.0f} |")
    print(f"\nPython peak RSS (all peers, same process): {peak_now():.0f} MiB")


if __name__ == "__main__":
    main()
