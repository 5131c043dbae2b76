#!/usr/bin/env python3
"""Evaluation benchmark: SegKit vs pycocotools (COCO segm AP) and panopticapi (PQ), same data,
same run, medians of repeated runs, peak memory from /usr/bin/time -v.

Data (generated once, deterministic, into bench/data/evaluation/ — never committed):
- COCO instances: 5,000 images of 480×640 / 427×640 / 512×640 / 640×480 (landscape and portrait),
  20 categories, 0–8 ground-truth instances per image (polygons; ~4 % crowd regions stored as
  uncompressed RLE, as in COCO), exactly 100 detections per image (perturbed ground-truth
  polygons with an 85 % correct category, plus random false positives), compressed-RLE
  segmentations, scores rounded to 2 decimals (many ties).
- COCO panoptic: 5,000 pairs of 320×240 RGB id PNGs (ids = R + 256·G + 256²·B, random 24-bit
  ids) with JSON segments_info; stuff bands, thing ellipses (10 % crowd), VOID lines; predictions
  are perturbed renderings with category swaps, misses, false positives and VOID patches.

Timings (each measured process runs under `flock /tmp/segkit-bench.lock`, so only one timing job
runs on the machine at a time, and starts once other jobs have left the CPUs idle for a second):
- pycocotools 2.0.11: COCO(gt), loadRes (JSON parse included), evaluate(), accumulate(),
  summarize(), each timed inside one process; the whole process under /usr/bin/time -v.
- SegKit library call: `segkit-bench eval instance` parses the JSON once (timed separately), then
  times `COCODataset.evaluate(results:type:.segm)` (loadRes conventions + evaluate + accumulate +
  summarize) on the parsed data.
- SegKit CLI end to end: `segkit eval instance --type segm` (JSON parsing included), wall time and
  peak memory from /usr/bin/time -v.
- panopticapi (panopticapi-lite 0.2.0 from PyPI, whose evaluation.py is cocodataset/panopticapi's):
  the body of pq_compute with pq_compute_single_core in this process (single process), JSON
  loading included; SegKit: `segkit eval panoptic` end to end.

    bench/evaluation/run.sh                # everything (generate if needed, 3 repeats)
    python bench/evaluation/run.py generate
    python bench/evaluation/run.py bench --repeats 3 [--only coco|pq]
"""
import argparse
import contextlib
import io
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# EVALBENCH_DATA / EVALBENCH_IMAGES: another folder and image count (smoke tests of this script).
DATA = os.environ.get("EVALBENCH_DATA", os.path.join(ROOT, "bench", "data", "evaluation"))
LOCK = "/tmp/segkit-bench.lock"
SEGKIT = os.path.join(ROOT, ".build", "release", "segkit")
SEGKIT_BENCH = os.path.join(ROOT, ".build", "release", "segkit-bench")

N_IMAGES = int(os.environ.get("EVALBENCH_IMAGES", "5000"))
DETS_PER_IMAGE = 100
COCO_SIZES = [(480, 640), (427, 640), (512, 640), (640, 480), (480, 640)]
CATEGORY_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21]
PAN_H, PAN_W = 240, 320
THINGS = list(range(1, 13))
# The SegKit runs are short: several per reference run make their median robust to other jobs on the machine.
SWIFT_RUNS_PER_REFERENCE_RUN = 3
STUFF = list(range(101, 109))

COCO_GT = os.path.join(DATA, "instances_gt.json")
COCO_DT = os.path.join(DATA, "instances_results.json")
PAN_GT_JSON = os.path.join(DATA, "panoptic_gt.json")
PAN_DT_JSON = os.path.join(DATA, "panoptic_pred.json")
PAN_GT_DIR = os.path.join(DATA, "panoptic_gt")
PAN_DT_DIR = os.path.join(DATA, "panoptic_pred")


# ----------------------------------------------------------------------------------------------
# Data generation
# ----------------------------------------------------------------------------------------------

def star_polygon(rng, cx, cy, r, h, w, aspect=None, jitter=0.25, clip=True):
    k = int(rng.integers(10, 25))
    angles = np.sort(rng.uniform(0, 2 * np.pi, k))
    aspect = rng.uniform(0.5, 2.0) if aspect is None else aspect
    radii = r * rng.uniform(1 - jitter, 1 + jitter, k)
    xs = cx + radii * np.cos(angles) * math.sqrt(aspect)
    ys = cy + radii * np.sin(angles) / math.sqrt(aspect)
    if clip:
        xs, ys = np.clip(xs, 0, w), np.clip(ys, 0, h)
    return [round(float(v), 2) for pair in zip(xs, ys) for v in pair]


def rle_counts_list(rle, h, w):
    """Uncompressed RLE (counts list, column-major) of a pycocotools RLE."""
    from pycocotools import mask as mask_utils
    flat = mask_utils.decode(rle).reshape(-1, order="F").astype(np.int8)
    changes = np.flatnonzero(np.diff(np.concatenate(([0], flat, [1 - flat[-1]]))))
    return np.diff(np.concatenate(([0], changes))).tolist()  # starts with a (possibly empty) background run


def generate_coco():
    from pycocotools import mask as mask_utils
    rng = np.random.default_rng(20261123)
    images, annotations, results = [], [], []
    ann_id = 1
    for image_id in range(1, N_IMAGES + 1):
        h, w = COCO_SIZES[int(rng.integers(len(COCO_SIZES)))]
        images.append({"id": image_id, "width": w, "height": h, "file_name": f"{image_id:012d}.jpg"})
        gts = []
        n_gt = int(rng.choice(9, p=[0.02, 0.14, 0.16, 0.16, 0.14, 0.12, 0.1, 0.08, 0.08]))
        while len(gts) < n_gt:
            crowd = rng.random() < 0.04
            lo, hi = (math.log(30), math.log(min(h, w) * 0.4)) if crowd else (math.log(4), math.log(min(h, w) * 0.35))
            r = math.exp(rng.uniform(lo, hi))
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            poly = star_polygon(rng, cx, cy, r, h, w)
            rle = mask_utils.merge(mask_utils.frPyObjects([poly], h, w))
            area = int(mask_utils.area(rle))
            if area < 4:
                continue
            cat = int(rng.choice(CATEGORY_IDS))
            box = [float(v) for v in mask_utils.toBbox(rle)]
            seg = {"size": [h, w], "counts": rle_counts_list(rle, h, w)} if crowd else [poly]
            annotations.append({"id": ann_id, "image_id": image_id, "category_id": cat, "segmentation": seg,
                                "area": float(area), "bbox": box, "iscrowd": int(crowd)})
            gts.append((cx, cy, r, cat, crowd, poly))
            ann_id += 1
        dets = []
        for (cx, cy, r, cat, crowd, poly) in gts:
            for _ in range(int(rng.integers(2, 9))):
                if len(dets) >= DETS_PER_IMAGE * 0.7:
                    break
                quality = rng.uniform(0, 1)
                spread = (1 - quality) * 0.5
                dx, dy = rng.normal(0, spread * r, 2)
                scale = math.exp(rng.normal(0, spread * 0.5))
                pts = np.array(poly).reshape(-1, 2)
                pts = (pts - [cx, cy]) * scale + [cx + dx, cy + dy] + rng.normal(0, spread * 0.3 * r + 0.3, pts.shape)
                pts[:, 0] = np.clip(pts[:, 0], 0, w)
                pts[:, 1] = np.clip(pts[:, 1], 0, h)
                c = cat if rng.random() < 0.85 else int(rng.choice(CATEGORY_IDS))
                score = round(float(np.clip(0.35 + 0.6 * quality + rng.normal(0, 0.1), 0.01, 1.0)), 2)
                dets.append(([round(float(v), 2) for v in pts.reshape(-1)], c, score))
        while len(dets) < DETS_PER_IMAGE:
            r = math.exp(rng.uniform(math.log(3), math.log(min(h, w) * 0.3)))
            poly = star_polygon(rng, rng.uniform(0, w), rng.uniform(0, h), r, h, w)
            dets.append((poly, int(rng.choice(CATEGORY_IDS)), round(float(rng.uniform(0.01, 0.7)), 2)))
        order = rng.permutation(len(dets))
        for i in order:
            poly, c, score = dets[i]
            rle = mask_utils.merge(mask_utils.frPyObjects([poly], h, w))
            results.append({"image_id": image_id, "category_id": c,
                            "segmentation": {"size": [h, w], "counts": rle["counts"].decode("ascii")}, "score": score})
    categories = [{"id": c, "name": f"class{c}", "supercategory": "thing"} for c in CATEGORY_IDS]
    with open(COCO_GT + ".tmp", "w") as f:
        json.dump({"images": images, "annotations": annotations, "categories": categories}, f, separators=(",", ":"))
    os.replace(COCO_GT + ".tmp", COCO_GT)
    with open(COCO_DT + ".tmp", "w") as f:
        json.dump(results, f, separators=(",", ":"))
    os.replace(COCO_DT + ".tmp", COCO_DT)
    print(f"COCO: {len(images)} images, {len(annotations)} annotations "
          f"({sum(a['iscrowd'] for a in annotations)} crowd), {len(results)} detections", file=sys.stderr)


def id_to_rgb(ids):
    return np.stack([ids % 256, ids // 256 % 256, ids // 65536], axis=-1).astype(np.uint8)


def generate_panoptic():
    from PIL import Image
    rng = np.random.default_rng(20261124)
    yy, xx = np.mgrid[0:PAN_H, 0:PAN_W]
    os.makedirs(PAN_GT_DIR, exist_ok=True)
    os.makedirs(PAN_DT_DIR, exist_ok=True)
    gt_anns, pred_anns, images = [], [], []

    def fresh_id(used):
        while True:
            v = int(rng.integers(1, 1 << 24))
            if v not in used:
                used.add(v)
                return v

    for image_id in range(1, N_IMAGES + 1):
        name = f"{image_id:012d}"
        images.append({"id": image_id, "file_name": name + ".jpg", "width": PAN_W, "height": PAN_H})
        # Scene: stuff bands (boundaries are wavy curves), then thing ellipses on top.
        n_stuff = int(rng.integers(2, 5))
        bounds = np.sort(rng.uniform(0, PAN_H, n_stuff - 1))
        phases, amps = rng.uniform(0, 2 * np.pi, n_stuff - 1), rng.uniform(0, 15, n_stuff - 1)
        stuff_cats = [int(c) for c in rng.choice(STUFF, n_stuff)]
        things = []
        for _ in range(int(rng.integers(1, 11))):
            things.append((rng.uniform(0, PAN_W), rng.uniform(0, PAN_H), math.exp(rng.uniform(math.log(4), math.log(60))),
                           rng.uniform(0.4, 2.5), int(rng.choice(THINGS)), rng.random() < 0.1))

        def render(used, bound_shift, thing_list, stuff_list):
            ids = np.zeros((PAN_H, PAN_W), np.int64)
            info = []
            band = np.zeros((PAN_H, PAN_W), np.int64)
            for b in range(n_stuff - 1):
                curve = bounds[b] + bound_shift + amps[b] * np.sin(xx / 40.0 + phases[b])
                band += (yy > curve).astype(np.int64)
            for s, cat in enumerate(stuff_list):
                if cat is None:
                    continue
                sid = fresh_id(used)
                ids[band == s] = sid
                info.append({"id": sid, "category_id": cat, "iscrowd": 0})
            for (cx, cy, r, aspect, cat, crowd) in thing_list:
                m = ((xx - cx) / (r * math.sqrt(aspect))) ** 2 + ((yy - cy) / (r / math.sqrt(aspect))) ** 2 < 1
                if not m.any():
                    continue
                sid = fresh_id(used)
                ids[m] = sid
                info.append({"id": sid, "category_id": cat, "iscrowd": int(crowd)})
            return ids, info

        used = set()
        gt, gt_info = render(used, 0.0, things, stuff_cats)
        for _ in range(int(rng.integers(0, 4))):  # VOID lines
            if rng.random() < 0.5:
                y = int(rng.integers(0, PAN_H))
                gt[y:y + int(rng.integers(1, 4)), :] = 0
            else:
                x = int(rng.integers(0, PAN_W))
                gt[:, x:x + int(rng.integers(1, 4))] = 0
        # Prediction: stuff boundaries shifted, things jittered / missed / relabelled, false positives.
        pred_things = []
        for (cx, cy, r, aspect, cat, crowd) in things:
            if rng.random() < 0.15:
                continue
            q = rng.uniform(0, 1)
            c = cat if rng.random() < 0.9 else int(rng.choice(THINGS))
            pred_things.append((cx + rng.normal(0, (1 - q) * r * 0.5), cy + rng.normal(0, (1 - q) * r * 0.5),
                                r * math.exp(rng.normal(0, (1 - q) * 0.3)), aspect * math.exp(rng.normal(0, 0.1)), c, False))
        for _ in range(int(rng.integers(0, 4))):
            pred_things.append((rng.uniform(0, PAN_W), rng.uniform(0, PAN_H), math.exp(rng.uniform(math.log(3), math.log(40))),
                                rng.uniform(0.4, 2.5), int(rng.choice(THINGS)), False))
        pred_stuff = [c if rng.random() < 0.85 else int(rng.choice(STUFF)) for c in stuff_cats]
        pred, pred_info = render(set(used), float(rng.normal(0, 6)), pred_things, pred_stuff)
        if rng.random() < 0.3:
            y, x = int(rng.integers(0, PAN_H - 20)), int(rng.integers(0, PAN_W - 20))
            pred[y:y + int(rng.integers(5, 40)), x:x + int(rng.integers(5, 60))] = 0

        def keep_present(ids, info, with_area):
            labels, counts = np.unique(ids, return_counts=True)
            present = dict(zip(labels.tolist(), counts.tolist()))
            out = []
            for s in info:
                if s["id"] in present:
                    s = dict(s)
                    if with_area:
                        s["area"] = int(present[s["id"]])
                        ys, xs = np.nonzero(ids == s["id"])
                        s["bbox"] = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
                    else:
                        s.pop("iscrowd")
                    out.append(s)
            return out

        Image.fromarray(id_to_rgb(gt)).save(os.path.join(PAN_GT_DIR, name + ".png"))
        Image.fromarray(id_to_rgb(pred)).save(os.path.join(PAN_DT_DIR, name + ".png"))
        gt_anns.append({"image_id": image_id, "file_name": name + ".png", "segments_info": keep_present(gt, gt_info, True)})
        pred_anns.append({"image_id": image_id, "file_name": name + ".png", "segments_info": keep_present(pred, pred_info, False)})
    categories = [{"id": c, "name": f"thing{c}", "supercategory": "thing", "isthing": 1} for c in THINGS] + \
                 [{"id": c, "name": f"stuff{c}", "supercategory": "stuff", "isthing": 0} for c in STUFF]
    with open(PAN_GT_JSON, "w") as f:
        json.dump({"images": images, "annotations": gt_anns, "categories": categories}, f, separators=(",", ":"))
    with open(PAN_DT_JSON, "w") as f:
        json.dump({"annotations": pred_anns}, f, separators=(",", ":"))
    print(f"panoptic: {len(gt_anns)} pairs of {PAN_W}×{PAN_H} PNGs", file=sys.stderr)


def generate():
    os.makedirs(DATA, exist_ok=True)
    if not (os.path.exists(COCO_GT) and os.path.exists(COCO_DT)):
        generate_coco()
    if not (os.path.exists(PAN_GT_JSON) and os.path.exists(PAN_DT_JSON)):
        generate_panoptic()


# ----------------------------------------------------------------------------------------------
# Reference runs (one process each; print one JSON line)
# ----------------------------------------------------------------------------------------------

def ref_coco():
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    times = {}
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        t = time.perf_counter()
        gt = COCO(COCO_GT)
        times["load_gt"] = time.perf_counter() - t
        t = time.perf_counter()
        dt = gt.loadRes(COCO_DT)
        times["loadRes"] = time.perf_counter() - t
        e = COCOeval(gt, dt, "segm")
        t = time.perf_counter()
        e.evaluate()
        times["evaluate"] = time.perf_counter() - t
        t = time.perf_counter()
        e.accumulate()
        times["accumulate"] = time.perf_counter() - t
        t = time.perf_counter()
        e.summarize()
        times["summarize"] = time.perf_counter() - t
    print(json.dumps({"times": times, "stats": [float(v) for v in e.stats]}))


def ref_pq():
    from panopticapi.evaluation import pq_compute_single_core
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        t = time.perf_counter()
        # pq_compute's body with the single-process core (pq_compute itself always forks cpu_count workers).
        with open(PAN_GT_JSON) as f:
            gt_json = json.load(f)
        with open(PAN_DT_JSON) as f:
            pred_json = json.load(f)
        categories = {el["id"]: el for el in gt_json["categories"]}
        pred_annotations = {el["image_id"]: el for el in pred_json["annotations"]}
        matched = [(a, pred_annotations[a["image_id"]]) for a in gt_json["annotations"]]
        t_json = time.perf_counter() - t
        stat = pq_compute_single_core(0, matched, PAN_GT_DIR, PAN_DT_DIR, categories)
        results = {}
        for name, isthing in [("All", None), ("Things", True), ("Stuff", False)]:
            results[name], _ = stat.pq_average(categories, isthing=isthing)
        total = time.perf_counter() - t
    out = {k: {"pq": float(v["pq"]), "sq": float(v["sq"]), "rq": float(v["rq"]), "n": int(v["n"])} for k, v in results.items()}
    print(json.dumps({"times": {"json": t_json, "total": total}, "results": out}))


# ----------------------------------------------------------------------------------------------
# Orchestration
# ----------------------------------------------------------------------------------------------

def cpu_busy(seconds=1.0):
    """Fraction of all CPUs busy over `seconds` (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def wait_idle(limit=120.0, threshold=0.15):
    """Waits (at most `limit` seconds) until other jobs leave the CPUs nearly idle; prints how long it waited."""
    start = time.time()
    while time.time() - start < limit:
        busy = cpu_busy()
        if busy < threshold:
            print(f"idle after {time.time() - start:.0f} s", file=sys.stderr)
            return
    print(f"machine still busy ({busy:.0%}) after {limit:.0f} s: timing anyway", file=sys.stderr)


BUSY_NOTES = []


def timed(cmd, env=None):
    """Runs cmd under flock and /usr/bin/time -v, after waiting (inside the lock) for other jobs to leave the
    CPUs idle; returns (stdout, wall seconds, peak RSS MiB) and sets timed.cpu (user + system seconds)."""
    wait = shlex.join([sys.executable, os.path.abspath(__file__), "wait-idle"])
    full = ["flock", LOCK, "sh", "-c", wait + " && exec " + shlex.join(["/usr/bin/time", "-v"] + cmd)]
    p = subprocess.run(full, capture_output=True, text=True, env=env)
    if "still busy" in p.stderr:
        BUSY_NOTES.append(cmd[0])
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1).split(":")
    seconds = sum(float(v) * 60 ** i for i, v in enumerate(reversed(wall)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", p.stderr).group(1)) for kind in ("User", "System"))
    timed.cpu = cpu
    return p.stdout, seconds, rss


def last_json(text):
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def med(values):
    return statistics.median(values)


def fmt(seconds):
    return f"{seconds:.2f}" if seconds >= 0.1 else f"{seconds:.3f}"


def bench_coco(repeats, threads, log):
    py = [sys.executable, os.path.abspath(__file__), "ref-coco"]
    swift_env = dict(os.environ, SEGKIT_THREADS=str(threads))
    ref, ref_wall, ref_rss, lib, cli_wall, cli_rss = [], [], [], [], [], []
    ref_cpu, cli_cpu = [], []
    cli_stats = None
    for i in range(repeats):
        out, wall, rss = timed(py)
        ref.append(last_json(out)); ref_wall.append(wall); ref_rss.append(rss)
        log(f"pycocotools run {i + 1}: {ref[-1]['times']} wall {wall:.1f} s, {rss:.0f} MiB")
        ref_cpu.append(timed.cpu)
        stats_path = os.path.join(DATA, "segkit_instance_stats.json")
        for _ in range(SWIFT_RUNS_PER_REFERENCE_RUN):
            out, wall, rss = timed([SEGKIT, "eval", "instance", "--gt", COCO_GT, "--pred", COCO_DT, "--type", "segm",
                                    "--json", stats_path], env=swift_env)
            with open(stats_path) as f:
                cli_stats = json.load(f)["stats"]
            cli_wall.append(wall); cli_rss.append(rss); cli_cpu.append(timed.cpu)
            log(f"segkit eval instance: wall {wall:.2f} s, CPU {timed.cpu:.2f} s, {rss:.0f} MiB")
    out, _, lib_rss = timed([SEGKIT_BENCH, "eval", "instance", "--gt", COCO_GT, "--pred", COCO_DT,
                             "--repeats", str(repeats), "--threads", str(threads), "--threads", "1"], env=swift_env)
    lib = last_json(out)
    log(f"segkit-bench eval instance: {lib}")
    theirs = ref[0]["stats"]
    delta = max(max(abs(a - b) for a, b in zip(theirs, lib["stats"])), max(abs(a - b) for a, b in zip(theirs, cli_stats)))
    assert all(r["stats"] == theirs for r in ref), "pycocotools stats differ between runs"
    assert delta <= 1e-6, f"stats differ from pycocotools by {delta}"
    t = {k: med([r["times"][k] for r in ref]) for k in ref[0]["times"]}
    ev_acc = t["evaluate"] + t["accumulate"]
    e2e = t["load_gt"] + t["loadRes"] + t["evaluate"] + t["accumulate"] + t["summarize"]
    ours = lib["evaluate"][str(threads)]
    ours1 = lib["evaluate"]["1"]
    rows = [
        f"| COCO segm, {N_IMAGES:,} images × {DETS_PER_IMAGE} detections | SegKit (s) | pycocotools (s) | speed-up |",
        "| --- | ---: | ---: | ---: |",
        f"| library call on parsed data, {threads} threads: SegKit `COCODataset.evaluate` vs pycocotools evaluate()+accumulate() "
        f"| {fmt(ours)} | {fmt(ev_acc)} | **{ev_acc / ours:.1f}×** |",
        f"| same, SegKit on 1 thread | {fmt(ours1)} | {fmt(ev_acc)} | {ev_acc / ours1:.1f}× |",
        f"| pycocotools stages: evaluate() {fmt(t['evaluate'])}, accumulate() {fmt(t['accumulate'])}, summarize() "
        f"{fmt(t['summarize'])}, loadRes {fmt(t['loadRes'])}, COCO(gt) {fmt(t['load_gt'])} | | | |",
        f"| JSON parsing (SegKit `COCODataset.read` + `COCOResult.readList`) vs COCO(gt) + loadRes | {fmt(lib['parse'])} "
        f"| {fmt(t['load_gt'] + t['loadRes'])} | {(t['load_gt'] + t['loadRes']) / lib['parse']:.1f}× |",
        f"| end to end, {threads} threads: `segkit eval instance` process vs COCO(gt)+loadRes+evaluate+accumulate+summarize "
        f"| {fmt(med(cli_wall))} | {fmt(e2e)} | **{e2e / med(cli_wall):.1f}×** |",
        f"| whole process wall time (python incl. interpreter start and imports) | {fmt(med(cli_wall))} | {fmt(med(ref_wall))} "
        f"| {med(ref_wall) / med(cli_wall):.1f}× |",
        f"| CPU time of the whole process (user + system, all threads) | {fmt(med(cli_cpu))} | {fmt(med(ref_cpu))} "
        f"| {med(ref_cpu) / med(cli_cpu):.1f}× |",
        f"| peak memory (max RSS, /usr/bin/time -v) | {med(cli_rss):.0f} MiB | {med(ref_rss):.0f} MiB | |",
    ]
    names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
    note = (f"\n12 stats identical within {delta:.1e} (library call and CLI vs pycocotools): " +
            ", ".join(f"{n} {v:.4f}" for n, v in zip(names, theirs)) + ".")
    return "\n".join(rows) + "\n" + note


def bench_pq(repeats, threads, log):
    py = [sys.executable, os.path.abspath(__file__), "ref-pq"]
    swift_env = dict(os.environ, SEGKIT_THREADS=str(threads))
    swift_env1 = dict(os.environ, SEGKIT_THREADS="1")
    ref, ref_wall, ref_rss, cli, cli_rss, cli1 = [], [], [], [], [], []
    ref_cpu, cli_cpu = [], []
    ours = None
    out_path = os.path.join(DATA, "segkit_pq.json")
    cmd = [SEGKIT, "eval", "panoptic", "--gt", PAN_GT_DIR, "--gt-json", PAN_GT_JSON, "--pred", PAN_DT_DIR,
           "--pred-json", PAN_DT_JSON, "--quiet", "--json", out_path]
    for i in range(repeats):
        out, wall, rss = timed(py)
        ref.append(last_json(out)); ref_wall.append(wall); ref_rss.append(rss); ref_cpu.append(timed.cpu)
        log(f"panopticapi run {i + 1}: {ref[-1]['times']} wall {wall:.1f} s, {rss:.0f} MiB")
        for _ in range(SWIFT_RUNS_PER_REFERENCE_RUN):
            _, wall, rss = timed(cmd, env=swift_env)
            cli.append(wall); cli_rss.append(rss); cli_cpu.append(timed.cpu)
            with open(out_path) as f:
                ours = json.load(f)
            log(f"segkit eval panoptic: {wall:.2f} s ({threads} threads), CPU {timed.cpu:.2f} s, {rss:.0f} MiB")
        _, wall1, _ = timed(cmd, env=swift_env1)
        cli1.append(wall1)
        log(f"segkit eval panoptic: {wall1:.2f} s (1 thread)")
    theirs = ref[0]["results"]
    delta = 0.0
    for name, key in [("All", "all"), ("Things", "things"), ("Stuff", "stuff")]:
        for k in ("pq", "sq", "rq"):
            delta = max(delta, abs(theirs[name][k] - ours[key][k]))
        assert theirs[name]["n"] == ours[key]["count"], "category counts differ"
    assert delta <= 1e-6, f"PQ differs from panopticapi by {delta}"
    total = med([r["times"]["total"] for r in ref])
    rows = [
        f"| COCO panoptic PQ, {N_IMAGES:,} PNG pairs {PAN_W}×{PAN_H} | SegKit (s) | panopticapi (s) | speed-up |",
        "| --- | ---: | ---: | ---: |",
        f"| end to end, {threads} threads: `segkit eval panoptic` process vs pq_compute body, single process (JSON + PNGs + PQ) "
        f"| {fmt(med(cli))} | {fmt(total)} | **{total / med(cli):.1f}×** |",
        f"| same, SegKit on 1 thread | {fmt(med(cli1))} | {fmt(total)} | {total / med(cli1):.1f}× |",
        f"| whole process wall time (python incl. interpreter start and imports) | {fmt(med(cli))} | {fmt(med(ref_wall))} "
        f"| {med(ref_wall) / med(cli):.1f}× |",
        f"| CPU time of the whole process (user + system, all threads) | {fmt(med(cli_cpu))} | {fmt(med(ref_cpu))} "
        f"| {med(ref_cpu) / med(cli_cpu):.1f}× |",
        f"| peak memory (max RSS, /usr/bin/time -v) | {med(cli_rss):.0f} MiB | {med(ref_rss):.0f} MiB | |",
    ]
    note = (f"\nPQ/SQ/RQ (All, Things, Stuff) identical within {delta:.1e}: " +
            "; ".join(f"{n} PQ {theirs[n]['pq'] * 100:.3f} SQ {theirs[n]['sq'] * 100:.3f} RQ {theirs[n]['rq'] * 100:.3f} N {theirs[n]['n']}"
                      for n in ("All", "Things", "Stuff")) + ".")
    return "\n".join(rows) + "\n" + note


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate")
    sub.add_parser("ref-coco")
    sub.add_parser("ref-pq")
    sub.add_parser("wait-idle")
    b = sub.add_parser("bench")
    b.add_argument("--repeats", type=int, default=3)
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--only", choices=["coco", "pq"])
    args = parser.parse_args()
    if args.command == "generate":
        generate()
    elif args.command == "ref-coco":
        ref_coco()
    elif args.command == "ref-pq":
        ref_pq()
    elif args.command == "wait-idle":
        wait_idle()
    else:
        generate()

        def log(message):
            print(message, file=sys.stderr, flush=True)

        from importlib.metadata import version
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        log(f"load average at start: {os.getloadavg()}")
        print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {swift}; Python {platform.python_version()}, "
              f"numpy {np.__version__}, pycocotools {version('pycocotools')}, panopticapi-lite {version('panopticapi-lite')}, "
              f"Pillow {version('pillow')}; SegKit with SEGKIT_THREADS={args.threads} unless stated, Python single-threaded; "
              f"medians of {args.repeats} reference runs, {args.repeats * SWIFT_RUNS_PER_REFERENCE_RUN} SegKit CLI runs on {args.threads} threads and {args.repeats} on 1 thread, {args.repeats} library calls per thread count; each timed process alone under `flock {LOCK}`.\n")
        if args.only in (None, "coco"):
            print(bench_coco(args.repeats, args.threads, log) + "\n")
        if args.only in (None, "pq"):
            print(bench_pq(args.repeats, args.threads, log))
        print(f"\nEach timed process started once the CPUs had been ≥ 85 % idle for 1 s (waiting at most 2 min): "
              + (f"{len(BUSY_NOTES)} of them started on a busy machine." if BUSY_NOTES else "all did."))


if __name__ == "__main__":
    main()
