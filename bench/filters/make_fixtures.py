#!/usr/bin/env python3
"""Conformance fixtures for SegKitRefinement's guided filter, computed by OpenCV's
cv2.ximgproc.guidedFilter (opencv-contrib) on small deterministic inputs.

Conventions (see GuidedFilter.swift): OpenCV gets 8-bit guides in 0..255 and eps in those units;
SegKit gets the same guide divided by 255 and epsilon = eps / 255^2. The input p is float32 in
[0, 1] for both. Borders are BORDER_REFLECT in both (OpenCV's ximgproc meanFilter).

Writes Tests/SegKitRefinementTests/Fixtures/guided/*.npy and guided.json (the case list):
    source bench/venv.sh bench/filters/requirements.txt && python bench/filters/make_fixtures.py
"""
import json
import os

import cv2
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitRefinementTests", "Fixtures")
GUIDED = os.path.join(OUT, "guided")


def scene(h, w, channels, seed):
    """An 8-bit picture with flat regions, sharp edges, smooth ramps and noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        ramp = 60 + 50 * np.sin(x / (5.0 + 2 * c)) * np.cos(y / (7.0 - c))
        disc = ((x - w * (0.3 + 0.1 * c)) ** 2 + (y - h * 0.5) ** 2) < (0.25 * min(h, w)) ** 2
        step = (x > w * 0.6 + 0.2 * y) * (90 + 30 * c)
        v = ramp + 100 * disc + step + rng.normal(0, 6, size=(h, w))
        v[: h // 5, : w // 4] = 40 + 60 * c  # a flat block: zero variance inside
        planes.append(np.clip(np.round(v), 0, 255))
    g = np.stack(planes, axis=-1).astype(np.uint8)
    return g[..., 0] if channels == 1 else g


def signal(h, w, channels, seed):
    """float32 input in [0, 1]: a soft mask with noise (what the filter refines in SegKit)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for c in range(channels):
        mask = ((x - w * 0.45) ** 2 / (0.3 * w) ** 2 + (y - h * 0.5) ** 2 / (0.35 * h) ** 2) < 1 + 0.1 * c
        v = 0.8 * mask + 0.1 + rng.normal(0, 0.08, size=(h, w))
        planes.append(np.clip(v, 0, 1))
    p = np.stack(planes, axis=-1).astype(np.float32)
    return p[..., 0] if channels == 1 else p


def save(name, array):
    np.save(os.path.join(GUIDED, name + ".npy"), np.ascontiguousarray(array))
    return name + ".npy"


def main():
    cv2.setNumThreads(1)
    os.makedirs(GUIDED, exist_ok=True)
    for f in os.listdir(GUIDED):
        os.remove(os.path.join(GUIDED, f))
    cases = []

    def add(tag, guide, p, radius, epsilon):
        out = cv2.ximgproc.guidedFilter(guide, p, radius, epsilon * 255.0 ** 2)
        assert out.dtype == np.float32 and out.shape == p.shape
        name = f"{tag}_r{radius}_e{epsilon:g}"
        cases.append({"guide": guide_files[id(guide)], "input": input_files[id(p)],
                      "output": save(name, out), "radius": radius, "epsilon": epsilon,
                      "opencv_eps": epsilon * 255.0 ** 2})

    guide_files, input_files = {}, {}

    def guide(name, g):
        guide_files[id(g)] = save(name, g)
        return g

    def inp(name, p):
        input_files[id(p)] = save(name, p)
        return p

    # 37 × 29 (odd sizes): gray and colour guides, every radius, two ε.
    g1, g3 = guide("guide_gray_37x29", scene(29, 37, 1, 1)), guide("guide_rgb_37x29", scene(29, 37, 3, 2))
    p = inp("input_37x29", signal(29, 37, 1, 3))
    for r in (1, 4, 8):
        for eps in (1e-3, 1e-2):
            add("gray_37x29", g1, p, r, eps)
            add("rgb_37x29", g3, p, r, eps)
    # A 3-channel input with a colour guide.
    p3 = inp("input3_37x29", signal(29, 37, 3, 4))
    add("rgb_37x29_p3", g3, p3, 4, 1e-3)
    # 64 × 48: every radius at ε = 1e-3, and a small ε.
    h1, h3 = guide("guide_gray_64x48", scene(48, 64, 1, 5)), guide("guide_rgb_64x48", scene(48, 64, 3, 6))
    q = inp("input_64x48", signal(48, 64, 1, 7))
    for r in (1, 4, 8):
        add("gray_64x48", h1, q, r, 1e-3)
        add("rgb_64x48", h3, q, r, 1e-3)
    add("gray_64x48", h1, q, 8, 1e-4)
    add("rgb_64x48", h3, q, 8, 1e-4)
    # Radius larger than the image: repeated reflection.
    t1 = guide("guide_gray_9x7", scene(7, 9, 1, 8))
    tp = inp("input_9x7", signal(7, 9, 1, 9))
    add("gray_9x7", t1, tp, 8, 1e-2)

    manifest = {"tool": f"opencv-contrib-python-headless {cv2.__version__} cv2.ximgproc.guidedFilter",
                "convention": "guide uint8 0..255 (H×W or H×W×3); input/output float32; SegKit guide = guide/255, "
                              "epsilon in [0,1]^2 units, opencv_eps = epsilon*255^2",
                "cases": cases}
    with open(os.path.join(OUT, "guided.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(os.path.getsize(os.path.join(GUIDED, f)) for f in os.listdir(GUIDED))
    print(f"{len(cases)} cases, {total / 1024:.0f} KiB in {os.path.normpath(GUIDED)}")


if __name__ == "__main__":
    main()
