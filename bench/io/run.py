#!/usr/bin/env python3
"""Image codec benchmark: SegKit vs OpenCV (cv2.imdecode/imencode) vs Pillow, same machine, same
run, in-memory decode and encode of a 12 MP JPEG and a 4 MP PNG (procedural scenes made by
`segkit scenes`). Prints a Markdown table of median seconds and SegKit's time / OpenCV's time.

    bench/io/run.sh            (builds release binaries, makes the venv, runs this)
"""
import io
import json
import os
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release")
DATA = os.path.join(ROOT, "bench", "data", "io")
REPEATS = 5


def median_time(fn):
    fn()
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def make_inputs():
    os.makedirs(DATA, exist_ok=True)
    jpg, png = os.path.join(DATA, "scene12mp.jpg"), os.path.join(DATA, "scene4mp.png")
    if not os.path.exists(jpg):
        subprocess.run([os.path.join(BIN, "segkit"), "scenes", "-o", DATA, "--count", "1", "--width", "4000", "--height", "3000",
                        "--name", "big", "--quiet"], check=True)
        Image.open(os.path.join(DATA, "big-0000.png")).save(jpg, quality=92)
    if not os.path.exists(png):
        subprocess.run([os.path.join(BIN, "segkit"), "scenes", "-o", DATA, "--count", "1", "--width", "2304", "--height", "1728",
                        "--name", "mid", "--quiet"], check=True)
        os.replace(os.path.join(DATA, "mid-0000.png"), png)
    return jpg, png


def main():
    cv2.setNumThreads(1)
    jpg, png = make_inputs()
    jpeg_bytes, png_bytes = open(jpg, "rb").read(), open(png, "rb").read()
    ours = json.loads(subprocess.run([os.path.join(BIN, "segkit-bench"), "io", "--jpeg", jpg, "--png", png,
                                      "--repeats", str(REPEATS)], check=True, capture_output=True, text=True).stdout)
    jbuf, pbuf = np.frombuffer(jpeg_bytes, np.uint8), np.frombuffer(png_bytes, np.uint8)
    jimg, pimg = cv2.imdecode(jbuf, cv2.IMREAD_COLOR), cv2.imdecode(pbuf, cv2.IMREAD_COLOR)
    opencv = {
        "jpeg_decode": median_time(lambda: cv2.imdecode(jbuf, cv2.IMREAD_COLOR)),
        "jpeg_encode": median_time(lambda: cv2.imencode(".jpg", jimg, [cv2.IMWRITE_JPEG_QUALITY, 92])),
        "png_decode": median_time(lambda: cv2.imdecode(pbuf, cv2.IMREAD_COLOR)),
        "png_encode": median_time(lambda: cv2.imencode(".png", pimg)),
    }
    pj, pp = Image.open(io.BytesIO(jpeg_bytes)).convert("RGB"), Image.open(io.BytesIO(png_bytes)).convert("RGB")

    def pil_decode(b):
        im = Image.open(io.BytesIO(b))
        im.load()

    pillow = {
        "jpeg_decode": median_time(lambda: pil_decode(jpeg_bytes)),
        "jpeg_encode": median_time(lambda: pj.save(io.BytesIO(), "JPEG", quality=92)),
        "png_decode": median_time(lambda: pil_decode(png_bytes)),
        "png_encode": median_time(lambda: pp.save(io.BytesIO(), "PNG", compress_level=1)),
    }
    sizes = {"jpeg": f"{pj.width}×{pj.height}", "png": f"{pp.width}×{pp.height}"}
    print(f"| operation | SegKit (s) | OpenCV {cv2.__version__} (s) | Pillow {Image.__version__} (s) | SegKit / OpenCV |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for key in ("jpeg_decode", "jpeg_encode", "png_decode", "png_encode"):
        kind = key.split("_")[0]
        print(f"| {key.replace('_', ' ')} {sizes[kind]} | {ours[key]:.4f} | {opencv[key]:.4f} | {pillow[key]:.4f} | "
              f"{ours[key] / opencv[key]:.2f}× |")


if __name__ == "__main__":
    sys.exit(main())
