#!/usr/bin/env python3
"""Writes Tests/SegKitClusteringTests/Fixtures/conformance.json: small problems solved by
scikit-learn and SciPy, so that `swift test` checks SegKit's clustering against them without
Python (KMeans inertia ≤ 1.005 × scikit-learn's best over the same nInit; MeanShift ARI ≥ 0.99
with scikit-learn's labels; normalized-cut eigenvectors |cos| ≥ 0.999 with scipy eigsh's).

    source bench/venv.sh bench/clustering/requirements.txt && python bench/clustering/make_fixtures.py
"""
import json
import os

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans, MeanShift
from sklearn.datasets import make_blobs
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "SegKitClusteringTests", "Fixtures", "conformance.json")


def r6(a):
    """float32 values, as JSON numbers (shortest repr of the float32 value)."""
    return [float(np.format_float_positional(v, unique=True)) for v in np.asarray(a, np.float32).ravel()]


def inertia64(x, labels, centers):
    x = x.astype(np.float64)
    return float(((x - centers.astype(np.float64)[labels]) ** 2).sum())


def kmeans_cases():
    cases = []
    # Overlapping blobs: several local minima, so the number of inits matters.
    x, _ = make_blobs(400, n_features=4, centers=10, cluster_std=1.6, random_state=21, center_box=(-6, 6))
    x = x.astype(np.float32)
    cases.append(("overlapping blobs", x, 8, 10))
    # Unit directions (embeddings), k above the number of directions.
    rng = np.random.default_rng(22)
    c = rng.normal(size=(4, 8))
    y = c[rng.integers(0, 4, 300)] + rng.normal(scale=0.45, size=(300, 8))
    y = (y / np.linalg.norm(y, axis=1, keepdims=True)).astype(np.float32)
    cases.append(("unit directions", y, 6, 8))
    out = []
    for name, x, k, n_init in cases:
        km = KMeans(k, algorithm="lloyd", n_init=n_init, random_state=0).fit(x)
        out.append({"name": name, "n": len(x), "d": x.shape[1], "k": k, "nInit": n_init, "points": r6(x),
                    "sklearnBestInertia": inertia64(x, km.labels_, km.cluster_centers_)})
    return out


def meanshift_cases():
    out = []
    x, _ = make_blobs(300, n_features=3, centers=5, cluster_std=0.35, random_state=23, center_box=(-6, 6))
    x = x.astype(np.float32)
    seeds = np.sort(np.random.default_rng(24).choice(len(x), 40, replace=False))
    ms = MeanShift(bandwidth=1.0, seeds=x[seeds]).fit(x)
    out.append({"name": "separated blobs", "n": len(x), "d": 3, "bandwidth": 1.0, "points": r6(x),
                "seeds": seeds.tolist(), "labels": ms.labels_.tolist(), "clusters": len(ms.cluster_centers_)})
    return out


def fiedler(w):
    """scipy eigsh on D^-1/2 W D^-1/2: the generalised eigenvector y = D^-1/2 z, and λ₂, λ₃."""
    d = np.asarray(w.sum(1)).ravel()
    s = 1 / np.sqrt(d)
    a = scipy.sparse.diags(s) @ scipy.sparse.csr_matrix(w) @ scipy.sparse.diags(s)
    vals, vecs = scipy.sparse.linalg.eigsh(a, k=3, which="LA")
    order = np.argsort(vals)[::-1]
    return vecs[:, order[1]] * s, 1 - vals[order[1]], 1 - vals[order[2]]


def dense_cases():
    out = []
    for seed in range(40, 60):
        rng = np.random.default_rng(seed)
        n, d, tau = 160, 16, 0.2
        dirs = rng.normal(size=(3, d))
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        part = np.where(rng.random(n) < 0.35, 0, rng.integers(1, 3, n))
        x = (dirs[part] + rng.normal(scale=0.3, size=(n, d))).astype(np.float32)
        u = x.astype(np.float64) / np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
        s = u @ u.T
        if np.abs(s - tau).min() < 2e-5:  # float32 vs float64 could threshold a pair differently
            continue
        w = np.where(s > tau, 1.0, 1e-5)
        y, l2, l3 = fiedler(w)
        if l3 - l2 < 0.05:
            continue
        out.append({"name": f"TokenCut graph, seed {seed}", "n": n, "d": d, "tau": tau, "points": r6(x), "vector": r6(y),
                    "lambda2": l2, "lambda3": l3})
        break
    return out


def knn_cases():
    out = []
    for seed in range(60, 90):
        rng = np.random.default_rng(seed)
        n, k = 400, 8
        x = rng.normal(size=(n, 2)) * [1.0, 0.7]
        x[: n // 2, 0] += 3.4
        x = x.astype(np.float32)
        xd = x.astype(np.float64)
        d2all = ((xd[:, None, :] - xd[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(d2all, np.inf)
        order = np.argsort(d2all, axis=1)
        kth, nxt = d2all[np.arange(n), order[:, k - 1]], d2all[np.arange(n), order[:, k]]
        if (nxt - kth).min() < 4e-5:  # float32 distances must rank the same neighbours
            continue
        idx = order[:, :k]
        d2 = np.take_along_axis(d2all, idx, 1)
        s2 = np.sort(d2.ravel())[d2.size // 2]  # AffinityGraph.nearestNeighbors: σ = √(median d²)
        w = scipy.sparse.csr_matrix((np.exp(-d2 / (2 * s2)).ravel(), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
        w = w.maximum(w.T)
        if connected_components(w)[0] != 1:
            continue
        y, l2, l3 = fiedler(w)
        if l3 - l2 < 0.01:
            continue
        out.append({"name": f"kNN graph of two 2-D blobs, seed {seed}", "n": n, "d": 2, "k": k, "points": r6(x),
                    "vector": r6(y), "lambda2": l2, "lambda3": l3})
        break
    return out


def main():
    fixture = {"generator": "bench/clustering/make_fixtures.py",
               "kmeans": kmeans_cases(), "meanshift": meanshift_cases(),
               "ncutDense": dense_cases(), "ncutKNN": knn_cases()}
    for key in ("ncutDense", "ncutKNN"):
        assert fixture[key], f"no {key} case met the conditions"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"{OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
