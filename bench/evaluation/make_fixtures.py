#!/usr/bin/env python3
"""Fixtures for SegKitEvaluation conformance tests, computed by the reference tools:
- Boundary IoU: boundary-iou-api's mask_to_boundary / boundary_iou (transcribed below from
  bowenc0221/boundary-iou-api, boundary_iou/utils/boundary_utils.py; it runs on OpenCV's erode);
- Hungarian matching: scipy.optimize.linear_sum_assignment.

    source bench/venv.sh bench/evaluation/requirements.txt && python bench/evaluation/make_fixtures.py
"""
import json
import os

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import entropy
from sklearn.metrics import mutual_info_score, rand_score

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitEvaluationTests", "Fixtures")
rng = np.random.default_rng(5)


def mask_to_boundary(mask, dilation_ratio=0.02):
    h, w = mask.shape
    img_diag = np.sqrt(h ** 2 + w ** 2)
    dilation = int(round(dilation_ratio * img_diag))
    if dilation < 1:
        dilation = 1
    new_mask = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    kernel = np.ones((3, 3), dtype=np.uint8)
    new_mask_erode = cv2.erode(new_mask, kernel, iterations=dilation)
    mask_erode = new_mask_erode[1: h + 1, 1: w + 1]
    return mask - mask_erode


def boundary_iou(gt, dt, dilation_ratio=0.02):
    gt_b, dt_b = mask_to_boundary(gt, dilation_ratio), mask_to_boundary(dt, dilation_ratio)
    inter = ((gt_b * dt_b) > 0).sum()
    union = ((gt_b + dt_b) > 0).sum()
    return float(inter / union) if union > 0 else 0.0


def blob(h, w):
    yy, xx = np.mgrid[0:h, 0:w]
    m = np.zeros((h, w), np.uint8)
    for _ in range(rng.integers(1, 4)):
        cx, cy, a, b = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, w / 2), rng.uniform(2, h / 2)
        m |= (((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 < 1).astype(np.uint8)
    return m


def bits(m):
    return "".join("1" if v else "0" for v in m.reshape(-1))


def boundary_cases():
    cases = []
    for (h, w) in [(20, 30), (64, 48), (5, 7), (100, 100), (37, 91)]:
        for _ in range(4):
            gt, dt = blob(h, w), blob(h, w)
            cases.append({"h": h, "w": w, "gt": bits(gt), "dt": bits(dt), "gtBoundary": bits(mask_to_boundary(gt)),
                          "iou": boundary_iou(gt, dt)})
        full, other = np.ones((h, w), np.uint8), blob(h, w)
        cases.append({"h": h, "w": w, "gt": bits(full), "dt": bits(other), "gtBoundary": bits(mask_to_boundary(full)),
                      "iou": boundary_iou(full, other)})
    return cases


def hungarian_cases():
    cases = []
    for (n, m) in [(1, 1), (3, 3), (5, 3), (3, 7), (8, 8), (12, 9)]:
        for kind in ("uniform", "ties", "integer"):
            if kind == "uniform":
                cost = rng.uniform(0, 1, (n, m))
            elif kind == "ties":
                cost = rng.integers(0, 3, (n, m)).astype(float)
            else:
                cost = rng.integers(-50, 50, (n, m)).astype(float)
            for maximize in (False, True):
                rows, cols = linear_sum_assignment(cost, maximize=maximize)
                cases.append({"cost": cost.tolist(), "maximize": maximize, "rows": rows.tolist(), "cols": cols.tolist(),
                              "total": float(cost[rows, cols].sum())})
    return cases


def region_cases():
    """Rand index (scikit-learn's rand_score) and variation of information (entropies and
    mutual information in nats, scikit-learn) of random label maps; void pixels (-1) removed."""
    cases = []
    for (h, w, ks, kg) in [(8, 9, 3, 4), (20, 17, 6, 5), (5, 5, 1, 3), (30, 30, 12, 7)]:
        s_map = rng.integers(0, ks, (h, w))
        g_map = np.where(rng.random((h, w)) < 0.1, -1, rng.integers(0, kg, (h, w)))
        keep = g_map.reshape(-1) >= 0
        a, b = g_map.reshape(-1)[keep], s_map.reshape(-1)[keep]
        vi = entropy(np.bincount(a)) + entropy(np.bincount(b)) - 2 * mutual_info_score(a, b)
        cases.append({"h": h, "w": w, "segmentation": s_map.reshape(-1).tolist(), "truth": g_map.reshape(-1).tolist(),
                      "rand": float(rand_score(a, b)), "vi": float(vi)})
    return cases


def semantic_cases():
    """STEGO-style evaluation: Hungarian (scipy) on the confusion matrix, then accuracy and mIoU."""
    cases = []
    for (classes, clusters) in [(4, 4), (5, 7), (6, 6)]:
        truth = rng.integers(-1, classes, (40, 30))
        noise = rng.random((40, 30)) < 0.3
        permutation = rng.permutation(clusters)
        pred = np.where(noise, rng.integers(0, clusters, (40, 30)), permutation[np.clip(truth, 0, None) % clusters])
        keep = truth >= 0
        conf = np.zeros((classes, clusters), np.int64)
        np.add.at(conf, (truth[keep], pred[keep]), 1)
        rows, cols = linear_sum_assignment(conf.T, maximize=True)  # clusters × classes
        mapping = -np.ones(clusters, np.int64)
        mapping[rows] = cols
        mapped = np.where(mapping[pred] >= 0, mapping[pred], -1)
        ious = []
        for c in range(classes):
            tp = np.sum((truth == c) & (mapped == c))
            union = np.sum(truth == c) + np.sum((mapped == c) & keep) - tp
            if union > 0:
                ious.append(tp / union)
        acc = np.sum((mapped == truth) & keep) / np.sum(keep)
        cases.append({"h": 40, "w": 30, "classes": classes, "clusters": clusters, "prediction": pred.reshape(-1).tolist(),
                      "truth": truth.reshape(-1).tolist(), "accuracy": float(acc), "miou": float(np.mean(ious))})
    return cases


def pq_reference(images, categories):
    """panopticapi's pq_compute_single_core and PQStat.pq_average (cocodataset/panopticapi,
    panopticapi/evaluation.py), transcribed for in-memory images."""
    OFFSET, VOID = 256 * 256 * 256, 0
    stats = {c["id"]: {"iou": 0.0, "tp": 0, "fp": 0, "fn": 0} for c in categories}
    for gt_ann, pan_gt, pred_ann, pan_pred in images:
        gt_segms = {el["id"]: dict(el) for el in gt_ann}
        pred_segms = {el["id"]: dict(el) for el in pred_ann}
        labels, counts = np.unique(pan_pred, return_counts=True)
        for label, cnt in zip(labels, counts):
            if label == VOID:
                continue
            pred_segms[label]["area"] = cnt
        gt_pred = pan_gt.astype(np.uint64) * OFFSET + pan_pred.astype(np.uint64)
        gt_pred_map = {}
        labels, counts = np.unique(gt_pred, return_counts=True)
        for label, inter in zip(labels, counts):
            gt_pred_map[(label // OFFSET, label % OFFSET)] = inter
        gt_matched, pred_matched = set(), set()
        for (g, p), inter in gt_pred_map.items():
            if g not in gt_segms or p not in pred_segms or gt_segms[g]["iscrowd"] == 1:
                continue
            if gt_segms[g]["category_id"] != pred_segms[p]["category_id"]:
                continue
            union = pred_segms[p]["area"] + gt_segms[g]["area"] - inter - gt_pred_map.get((VOID, p), 0)
            iou = inter / union
            if iou > 0.5:
                stats[gt_segms[g]["category_id"]]["tp"] += 1
                stats[gt_segms[g]["category_id"]]["iou"] += iou
                gt_matched.add(g)
                pred_matched.add(p)
        crowd = {}
        for g, info in gt_segms.items():
            if g in gt_matched:
                continue
            if info["iscrowd"] == 1:
                crowd[info["category_id"]] = g
                continue
            stats[info["category_id"]]["fn"] += 1
        for p, info in pred_segms.items():
            if p in pred_matched:
                continue
            inter = gt_pred_map.get((VOID, p), 0)
            if info["category_id"] in crowd:
                inter += gt_pred_map.get((crowd[info["category_id"]], p), 0)
            if inter / info["area"] > 0.5:
                continue
            stats[info["category_id"]]["fp"] += 1

    def average(isthing):
        pq = sq = rq = 0.0
        n = 0
        for c in categories:
            if isthing is not None and (c["isthing"] == 1) != isthing:
                continue
            s = stats[c["id"]]
            tp, fp, fn = s["tp"], s["fp"], s["fn"]
            if tp + fp + fn == 0:
                continue
            n += 1
            pq += s["iou"] / (tp + 0.5 * fp + 0.5 * fn)
            sq += s["iou"] / tp if tp != 0 else 0
            rq += tp / (tp + 0.5 * fp + 0.5 * fn)
        return {"pq": pq / n, "sq": sq / n, "rq": rq / n, "n": n} if n else {"pq": 0, "sq": 0, "rq": 0, "n": 0}

    return {"all": average(None), "things": average(True), "stuff": average(False)}


def panoptic_cases():
    """Random panoptic pairs: shifted blobs, crowd regions, VOID, category confusions."""
    cases = []
    categories = [{"id": 1, "isthing": 1}, {"id": 2, "isthing": 1}, {"id": 3, "isthing": 0}, {"id": 4, "isthing": 0}]
    for _ in range(3):
        images = []
        for _ in range(4):
            h, w = 24, 32
            gt = np.zeros((h, w), np.int64)
            gt_ann = []
            for k in range(1, rng.integers(3, 7)):
                m = blob(h, w).astype(bool)
                gt[m] = k
            for k in np.unique(gt):
                if k == 0:
                    continue
                gt_ann.append({"id": int(k), "category_id": int(rng.integers(1, 5)), "iscrowd": int(rng.random() < 0.2),
                               "area": int((gt == k).sum())})
            gt[rng.random((h, w)) < 0.05] = 0  # VOID speckles (annotation areas stay, as in real data)
            pred = np.roll(gt, int(rng.integers(-3, 4)), axis=1)
            pred[rng.random((h, w)) < 0.03] = 0
            extra = blob(h, w).astype(bool) & (rng.random((h, w)) < 0.5)
            pred[extra] = 40
            pred_ann = []
            for k in np.unique(pred):
                if k == 0:
                    continue
                same = [a for a in gt_ann if a["id"] == k]
                cat = same[0]["category_id"] if same and rng.random() < 0.85 else int(rng.integers(1, 5))
                pred_ann.append({"id": int(k), "category_id": cat, "iscrowd": 0})
            images.append((gt_ann, gt, pred_ann, pred))
        result = pq_reference(images, categories)
        cases.append({"categories": categories, "h": 24, "w": 32,
                      "images": [{"gt": g, "gtIds": gi.reshape(-1).tolist(), "pred": p, "predIds": pi.reshape(-1).tolist()}
                                 for g, gi, p, pi in images],
                      "result": result})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "boundary_iou.json"), "w") as f:
        json.dump({"generator": "bench/evaluation/make_fixtures.py", "cases": boundary_cases()}, f, separators=(",", ":"))
    with open(os.path.join(OUT, "regions.json"), "w") as f:
        json.dump({"generator": "bench/evaluation/make_fixtures.py", "cases": region_cases()}, f, separators=(",", ":"))
    with open(os.path.join(OUT, "semantic.json"), "w") as f:
        json.dump({"generator": "bench/evaluation/make_fixtures.py", "cases": semantic_cases()}, f, separators=(",", ":"))
    with open(os.path.join(OUT, "panoptic.json"), "w") as f:
        json.dump({"generator": "bench/evaluation/make_fixtures.py", "cases": panoptic_cases()}, f, separators=(",", ":"))
    with open(os.path.join(OUT, "hungarian.json"), "w") as f:
        json.dump({"generator": "bench/evaluation/make_fixtures.py", "cases": hungarian_cases()}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
