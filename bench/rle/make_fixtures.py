#!/usr/bin/env python3
"""Writes Tests/SegKitIOTests/Fixtures/rle_conformance.json: pycocotools' answers (encode,
compressed strings, area, toBbox, frPyObjects for polygons and boxes, merge, iou with crowd) on
small deterministic cases, for SegKit's bit-exact conformance tests.

    source bench/venv.sh bench/rle/requirements.txt && python bench/rle/make_fixtures.py
"""
import json
import os
import sys

import numpy as np
from pycocotools import mask as mask_utils

rng = np.random.default_rng(20261123)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitIOTests", "Fixtures", "rle_conformance.json")


def blobs(h, w, p):
    """Smooth random blobs (runs of realistic length) with density about p."""
    base = rng.random((max(1, h // 3 + 1), max(1, w // 3 + 1)))
    up = np.kron(base, np.ones((3, 3)))[:h, :w]
    noise = rng.random((h, w)) * 0.3
    return ((up + noise) / 1.3 < p).astype(np.uint8)


def enc(m):
    r = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
    return r


def to_str(r):
    return r["counts"].decode("ascii")


def mask_cases():
    cases = []
    sizes = [(1, 1), (1, 7), (7, 1), (5, 9), (37, 23), (64, 48), (3, 200)]
    for (h, w) in sizes:
        variants = [np.zeros((h, w), np.uint8), np.ones((h, w), np.uint8), blobs(h, w, 0.3),
                    (rng.random((h, w)) < 0.5).astype(np.uint8)]
        single = np.zeros((h, w), np.uint8)
        single[rng.integers(h), rng.integers(w)] = 1
        variants.append(single)
        last = np.zeros((h, w), np.uint8)
        last[h - 1, w - 1] = 1
        variants.append(last)
        for m in variants:
            r = enc(m)
            cases.append({
                "h": h, "w": w,
                "bits": "".join("1" if v else "0" for v in m.reshape(-1)),
                "string": to_str(r),
                "area": int(mask_utils.area(r)),
                "bbox": [float(v) for v in mask_utils.toBbox(r)],
            })
    return cases


def polygon_cases():
    cases = []
    for (h, w) in [(20, 30), (64, 48), (7, 5), (100, 80)]:
        polys = []
        for _ in range(6):  # random star-shaped polygons, partly outside the image
            k = int(rng.integers(3, 10))
            cx, cy = rng.uniform(-5, w + 5), rng.uniform(-5, h + 5)
            ang = np.sort(rng.uniform(0, 2 * np.pi, k))
            rad = rng.uniform(1, max(h, w) * 0.6, k)
            polys.append([[float(v) for pair in zip(cx + rad * np.cos(ang), cy + rad * np.sin(ang)) for v in pair]])
        polys.append([[0.0, 0.0, float(w), 0.0, float(w), float(h), 0.0, float(h)]])  # whole image
        polys.append([[2.5, 2.5, 2.5, 2.5, 2.5, 2.5]])  # degenerate (a point)
        polys.append([[1.0, 1.0, w - 2.0, h - 2.0, 1.0, h - 2.0, w - 2.0, 1.0]])  # self-intersecting bow tie
        polys.append([[1.2, 1.7, 9.9, 3.1, 4.4, 8.8], [w - 6.5, h - 6.0, w - 1.0, h - 2.0, w - 4.0, h - 1.0]])  # two parts
        for p in polys:
            rles = mask_utils.frPyObjects(p, h, w)
            r = mask_utils.merge(rles)
            cases.append({"h": h, "w": w, "polygons": p, "string": to_str(r),
                          "area": int(mask_utils.area(r)), "bbox": [float(v) for v in mask_utils.toBbox(r)]})
    return cases


def box_cases():
    cases = []
    for (h, w) in [(20, 30), (64, 48)]:
        for box in ([3.3, 4.4, 12.0, 9.0], [0.0, 0.0, float(w), float(h)], [-3.0, 5.5, 10.25, 100.0], [7.0, 7.0, 0.4, 0.4]):
            r = mask_utils.frPyObjects(np.array([box], dtype=np.double), h, w)[0]
            cases.append({"h": h, "w": w, "box": box, "string": to_str(r)})
    return cases


def iou_cases():
    cases = []
    for (h, w) in [(16, 12), (40, 33)]:
        dts = [blobs(h, w, p) for p in (0.2, 0.35, 0.5)] + [np.zeros((h, w), np.uint8)]
        gts = [blobs(h, w, p) for p in (0.25, 0.4)] + [np.ones((h, w), np.uint8)]
        crowd = [0, 1, 1]
        d = [enc(m) for m in dts]
        g = [enc(m) for m in gts]
        o = mask_utils.iou(d, g, crowd)
        cases.append({"h": h, "w": w, "dt": [to_str(r) for r in d], "gt": [to_str(r) for r in g],
                      "crowd": crowd, "iou": [[float(v) for v in row] for row in np.asarray(o)]})
    return cases


def merge_cases():
    cases = []
    for (h, w) in [(9, 11), (30, 25)]:
        ms = [enc(blobs(h, w, p)) for p in (0.3, 0.4, 0.5)]
        for intersect in (False, True):
            r = mask_utils.merge(ms, intersect=intersect)
            cases.append({"h": h, "w": w, "masks": [to_str(m) for m in ms], "intersect": intersect, "string": to_str(r)})
    return cases


def cocoeval_cases():
    """pycocotools COCOeval on a small generated dataset: polygons, RLEs, crowd regions, tiny
    masks, duplicate and tied-score detections, an image without annotations."""
    import copy
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    images = [{"id": i + 1, "width": 64 + 8 * i, "height": 48 + 4 * i, "file_name": f"{i}.png"} for i in range(6)]
    categories = [{"id": c, "name": f"c{c}"} for c in (1, 2, 5)]
    annotations, results, aid = [], [], 1
    for im in images[:-1]:
        h, w = im["height"], im["width"]
        for _ in range(int(rng.integers(1, 6))):
            m = blobs(h, w, rng.uniform(0.05, 0.3))
            if m.sum() == 0:
                continue
            r = enc(m)
            crowd = int(rng.random() < 0.15)
            seg = {"size": [h, w], "counts": r["counts"].decode()} if (crowd or rng.random() < 0.5) else \
                [[float(v) for v in (rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, w), rng.uniform(0, h))]]
            if isinstance(seg, list):
                rr = mask_utils.merge(mask_utils.frPyObjects(seg, h, w))
                area, box = float(mask_utils.area(rr)), [float(v) for v in mask_utils.toBbox(rr)]
            else:
                area, box = float(mask_utils.area(r)), [float(v) for v in mask_utils.toBbox(r)]
            if area == 0:
                continue
            cat = int(rng.choice([1, 2, 5]))
            annotations.append({"id": aid, "image_id": im["id"], "category_id": cat, "segmentation": seg, "area": area,
                                "bbox": box, "iscrowd": crowd})
            aid += 1
            for _ in range(int(rng.integers(0, 3))):  # noisy detections of this object
                dm = np.roll(m, int(rng.integers(-3, 4)), axis=1) if rng.random() < 0.8 else blobs(h, w, 0.2)
                if dm.sum() == 0:
                    continue
                dr = enc(dm)
                score = float(np.round(rng.uniform(0, 1), 1))  # rounding creates score ties
                results.append({"image_id": im["id"], "category_id": cat if rng.random() < 0.8 else int(rng.choice([1, 2, 5])),
                                "segmentation": {"size": [h, w], "counts": dr["counts"].decode()},
                                "bbox": [float(v) for v in mask_utils.toBbox(dr)], "score": score})
    dataset = {"images": images, "annotations": annotations, "categories": categories}
    out = {"dataset": dataset, "results": results}
    for iou_type, use_cats in (("bbox", 1), ("segm", 1), ("segm", 0)):
        gt = COCO()
        gt.dataset = copy.deepcopy(dataset)
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(results))
        e = COCOeval(gt, dt, iou_type)
        e.params.useCats = use_cats
        e.evaluate()
        e.accumulate()
        e.summarize()
        out[f"{iou_type}_{use_cats}"] = [float(v) for v in e.stats]
    return out


def main():
    data = {"generator": "bench/rle/make_fixtures.py", "pycocotools": getattr(mask_utils, "__version__", "unknown"),
            "masks": mask_cases(), "polygons": polygon_cases(), "boxes": box_cases(), "iou": iou_cases(), "merge": merge_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(os.path.join(os.path.dirname(OUT), "cocoeval_conformance.json"), "w") as f:
        json.dump(cocoeval_cases(), f, separators=(",", ":"))
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
