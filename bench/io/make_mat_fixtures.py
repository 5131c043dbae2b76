#!/usr/bin/env python3
"""Writes BSDS500-style ground-truth files with SciPy's MAT-file writer (an independent MAT v5
encoder) into Tests/SegKitIOTests/Fixtures/mat/, plus the segmentations as row-major int32 .npy.
SegKit's MAT reader must return exactly these label maps.

BSDS500's groundTruth/NAME.mat holds a variable `groundTruth`: a 1 × N cell array (one cell per
human annotator) of 1 × 1 structs with fields `Segmentation` (uint16 H × W, labels 1…K) and
`Boundaries` (logical H × W).

    source bench/venv.sh bench/io/requirements.txt && python bench/io/make_mat_fixtures.py
"""
import os

import numpy as np
import scipy.io

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitIOTests", "Fixtures", "mat")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(500)
H, W = 9, 7


def annotator(k):
    # Blocky regions so the label map is a plausible segmentation; labels 1…K like BSDS.
    coarse = rng.integers(1, 2 + k, size=(3, 3)).astype(np.uint16)
    seg = np.kron(coarse, np.ones((3, 3), dtype=np.uint16))[:H, :W].copy()
    seg[rng.random((H, W)) < 0.1] = 1 + k  # some scattered pixels
    boundaries = np.zeros_like(seg, dtype=bool)
    boundaries[:, 1:] |= seg[:, 1:] != seg[:, :-1]
    boundaries[1:, :] |= seg[1:, :] != seg[:-1, :]
    return seg, boundaries


segs = [annotator(k) for k in range(1, 4)]
cells = np.empty((1, len(segs)), dtype=object)
for i, (seg, boundaries) in enumerate(segs):
    s = np.empty((1, 1), dtype=[("Segmentation", object), ("Boundaries", object)])
    s[0, 0]["Segmentation"] = seg
    s[0, 0]["Boundaries"] = boundaries
    cells[0, i] = s

for name, compress in [("bsds-compressed", True), ("bsds-uncompressed", False)]:
    scipy.io.savemat(os.path.join(OUT, name + ".mat"), {"groundTruth": cells}, do_compression=compress,
                     oned_as="row")
for i, (seg, _) in enumerate(segs):
    np.save(os.path.join(OUT, f"bsds-segmentation-{i}.npy"), seg.astype(np.int32))
# A file with other variables too: the reader must find `groundTruth` among them.
scipy.io.savemat(os.path.join(OUT, "bsds-extra-variables.mat"),
                 {"note": "annotators", "scale": np.array([[2.5]]), "groundTruth": cells[:, :1]},
                 do_compression=True)
print("wrote", sorted(os.listdir(OUT)))
