#!/usr/bin/env python3
"""Helper of bench/photos/run.sh. The photographs are those scikit-image ships whose docstrings
declare them free of restrictions: astronaut (NASA, public domain), coffee and chelsea (CC0),
rocket (SpaceX, public domain).

    collect.py OUT_DIR                      copy scikit-image's bundled photographs to OUT_DIR as PNG
    collect.py --contact DATA M1 M2 …       contact sheet DATA/contact.png: input, then each model's overlay
"""
import os
import sys

import numpy as np
from PIL import Image
from skimage import data as skdata

PHOTOS = {
    "astronaut": skdata.astronaut,
    "coffee": skdata.coffee,
    "chelsea": skdata.chelsea,
    "rocket": skdata.rocket,
}


def collect(out):
    for name, load in PHOTOS.items():
        Image.fromarray(np.asarray(load())).convert("RGB").save(os.path.join(out, name + ".png"))


def contact(folder, models):
    width = 320
    rows = []
    for name in PHOTOS:
        tiles = [Image.open(os.path.join(folder, "images", name + ".png")).convert("RGB")]
        tiles += [Image.open(os.path.join(folder, m, name, "overlay.png")).convert("RGB") for m in models]
        tiles = [t.resize((width, round(width * t.height / t.width))) for t in tiles]
        rows.append(tiles)
    height = sum(max(t.height for t in r) for r in rows)
    sheet = Image.new("RGB", (width * (1 + len(models)), height), "white")
    y = 0
    for r in rows:
        for i, t in enumerate(r):
            sheet.paste(t, (i * width, y))
        y += max(t.height for t in r)
    sheet.save(os.path.join(folder, "contact.png"))
    print("wrote", os.path.join(folder, "contact.png"))


if __name__ == "__main__":
    if sys.argv[1] == "--contact":
        contact(sys.argv[2], sys.argv[3:])
    else:
        collect(sys.argv[1])
