#!/usr/bin/env python3
"""Reference values for SegKitEvaluation's SuperpixelMetrics, from an independent NumPy
implementation of the definitions in the superpixel benchmark of Stutz, Hermans and Leibe
("Superpixels: An evaluation of the state-of-the-art", CVIU 2018; davidstutz/superpixel-benchmark,
lib_eval/evaluation.cpp):

- ASA  = 1/N · Σ_S max_G |S ∩ G|
- UE   = 1/N · Σ_G Σ_{S : S∩G ≠ ∅} min(|S ∩ G|, |S \\ G|)            (Neubert & Protzel 2012)
- BR   = TP / (TP + FN): a ground-truth boundary pixel is a true positive when a superpixel
         boundary pixel lies within the (2r+1)×(2r+1) window around it (clipped at the image
         border); boundary pixels are 4-connected boundary pixels (some 4-neighbour has another
         label). 0 when the ground truth has no boundary pixel, as in the benchmark.
- CO   = 1/(W·H) · Σ_S |S| · 4π|S| / P(S)²                            (Schick et al. 2012)
         with P(S) the number of pixel sides of S facing another label or the image border.

SegKit's extension for void ground truth (label −1): void pixels are left out of N and of every
|S ∩ G| and |S|; they are never ground-truth boundary pixels, but a labelled pixel next to void is
one (void differs from its label). Compactness ignores the ground truth.

    source bench/venv.sh bench/superpixels/requirements.txt && python bench/superpixels/make_fixtures.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitEvaluationTests", "Fixtures")


def boundary(labels):
    """4-connected boundary pixels: some 4-neighbour carries another label."""
    b = np.zeros(labels.shape, dtype=bool)
    dy = labels[1:, :] != labels[:-1, :]
    dx = labels[:, 1:] != labels[:, :-1]
    b[1:, :] |= dy
    b[:-1, :] |= dy
    b[:, 1:] |= dx
    b[:, :-1] |= dx
    return b


def within(mask, r):
    """True where `mask` has a True pixel within Chebyshev distance r (window clipped at borders)."""
    h, w = mask.shape
    padded = np.zeros((h + 2 * r, w + 2 * r), dtype=bool)
    padded[r:r + h, r:r + w] = mask
    out = np.zeros_like(mask)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            out |= padded[dy:dy + h, dx:dx + w]
    return out


def metrics(sp, gt, tolerance):
    valid = gt >= 0
    n = int(valid.sum())
    s, g = sp[valid].astype(np.int64), gt[valid].astype(np.int64)
    s_ids, s_index = np.unique(s, return_inverse=True)
    g_ids, g_index = np.unique(g, return_inverse=True)
    table = np.zeros((len(s_ids), len(g_ids)), dtype=np.int64)   # |S ∩ G|
    np.add.at(table, (s_index, g_index), 1)
    s_size = table.sum(axis=1, keepdims=True)                     # |S| over non-void pixels
    asa = table.max(axis=1).sum() / n
    ue = np.where(table > 0, np.minimum(table, s_size - table), 0).sum() / n
    gt_boundary = boundary(gt) & valid
    hits = gt_boundary & within(boundary(sp), tolerance)
    br = hits.sum() / gt_boundary.sum() if gt_boundary.any() else 0.0
    # Compactness over every pixel.
    h, w = sp.shape
    padded = np.pad(sp.astype(np.int64), 1, constant_values=np.iinfo(np.int64).min)
    centre = padded[1:-1, 1:-1]
    sides = sum((padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] != centre).astype(np.int64)
                for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)))
    ids, index = np.unique(sp, return_inverse=True)
    area = np.bincount(index.ravel(), minlength=len(ids)).astype(np.float64)
    perimeter = np.bincount(index.ravel(), weights=sides.ravel(), minlength=len(ids))
    co = float((area * 4 * np.pi * area / perimeter ** 2).sum() / (h * w))
    return {"asa": float(asa), "br": float(br), "ue": float(ue), "co": co, "count": int(len(ids))}


def voronoi(h, w, seeds, rng, jitter=0.0):
    """Nearest-seed regions (with optional noisy distances), labels = seed index."""
    py, px = rng.uniform(0, h, seeds), rng.uniform(0, w, seeds)
    y, x = np.mgrid[0:h, 0:w]
    d = (y[..., None] - py) ** 2 + (x[..., None] - px) ** 2
    d = d + jitter * rng.uniform(0, 1, d.shape)
    return d.argmin(axis=-1).astype(np.int64)


def grid(h, w, step_y, step_x, rng, wobble):
    """Grid superpixels with wobbly boundaries."""
    y, x = np.mgrid[0:h, 0:w]
    yy = np.clip(((y + rng.integers(-wobble, wobble + 1, (h, w))) // step_y), 0, None)
    xx = np.clip(((x + rng.integers(-wobble, wobble + 1, (h, w))) // step_x), 0, None)
    return (yy * 1000 + xx).astype(np.int64)


def main():
    rng = np.random.default_rng(11)
    cases = []

    def add(name, sp, gt, tolerances=(0, 1, 2, 3)):
        h, w = gt.shape
        cases.append({"name": name, "w": w, "h": h,
                      "superpixels": sp.ravel().tolist(), "truth": gt.ravel().tolist(),
                      "results": {str(t): metrics(sp, gt, t) for t in tolerances}})

    # Voronoi ground truth, grid and Voronoi superpixels (labels not contiguous).
    gt = voronoi(30, 40, 6, rng)
    add("grid_vs_voronoi_40x30", grid(30, 40, 6, 7, rng, 1), gt)
    add("voronoi_vs_voronoi_40x30", voronoi(30, 40, 25, rng, jitter=20) * 7 + 3, gt)
    # Void ground truth: a band along the region boundaries and a block.
    gt2 = voronoi(29, 37, 5, rng)
    void = within(boundary(gt2), 0) & (rng.uniform(size=gt2.shape) < 0.6)
    gt2 = np.where(void, -1, gt2)
    gt2[:5, :9] = -1
    add("void_truth_37x29", voronoi(29, 37, 30, rng, jitter=10), gt2)
    # Superpixels with a void (−1) segment of their own, odd size, larger tolerance.
    sp3 = grid(17, 23, 4, 5, rng, 1)
    sp3[6:9, 10:14] = -1
    add("void_superpixel_23x17", sp3, voronoi(17, 23, 4, rng), tolerances=(0, 1, 4))
    # A bigger case close to real use.
    add("grid_vs_voronoi_64x48", grid(48, 64, 8, 8, rng, 2), voronoi(48, 64, 9, rng, jitter=30), tolerances=(0, 1, 2))
    # Degenerate ground truth: one segment (no boundary → recall 0 as in the benchmark).
    add("single_segment_truth_12x9", grid(9, 12, 3, 4, rng, 0), np.zeros((9, 12), dtype=np.int64), tolerances=(1,))

    with open(os.path.join(OUT, "superpixel_metrics.json"), "w") as f:
        json.dump({"generator": "bench/superpixels/make_fixtures.py (NumPy, Stutz et al. definitions)", "cases": cases}, f)
    print(f"{len(cases)} cases, {os.path.getsize(os.path.join(OUT, 'superpixel_metrics.json')) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
