#!/usr/bin/env python3
"""Writes small image fixtures made by independent encoders (pypng, Pillow) plus the pixels
those libraries decode, as .npy, into Tests/SegKitIOTests/Fixtures/codecs/. SegKit's decoders
must reproduce the pixels exactly (PNG) or within ±2 (JPEG).

    source bench/venv.sh bench/io/requirements.txt && python bench/io/make_fixtures.py
"""
import io
import os

import numpy as np
import png  # pypng: writes interlaced and low-bit-depth PNGs
from PIL import Image, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "SegKitIOTests", "Fixtures", "codecs")
rng = np.random.default_rng(7)
H, W = 7, 13


def save(name, data, expected):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(expected))


def pypng_bytes(rows, **kw):
    buf = io.BytesIO()
    png.Writer(**kw).write(buf, rows)
    return buf.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    # Gray at 1, 2, 4, 8, 16 bits; decoded low depths scale to 8 bits (v * 255 / (2^d - 1)).
    for depth in (1, 2, 4, 8, 16):
        a = rng.integers(0, 2 ** depth, (H, W))
        scaled = a if depth >= 8 else a * 255 // (2 ** depth - 1)
        dtype = np.uint16 if depth == 16 else np.uint8
        save(f"gray{depth}.png", pypng_bytes(a.tolist(), width=W, height=H, greyscale=True, bitdepth=depth),
             scaled.astype(dtype))
    # RGB 8 and 16 bit, interlaced; gray+alpha; RGBA 16.
    rgb8 = rng.integers(0, 256, (H, W, 3))
    save("rgb8_interlaced.png", pypng_bytes(rgb8.reshape(H, -1).tolist(), width=W, height=H, greyscale=False, bitdepth=8, interlace=True),
         rgb8.astype(np.uint8))
    rgb16 = rng.integers(0, 65536, (H, W, 3))
    save("rgb16_interlaced.png", pypng_bytes(rgb16.reshape(H, -1).tolist(), width=W, height=H, greyscale=False, bitdepth=16, interlace=True),
         rgb16.astype(np.uint16))
    la = rng.integers(0, 256, (H, W, 2))
    save("gray_alpha8.png", pypng_bytes(la.reshape(H, -1).tolist(), width=W, height=H, greyscale=True, alpha=True, bitdepth=8),
         la.astype(np.uint8))
    rgba16 = rng.integers(0, 65536, (H, W, 4))
    save("rgba16.png", pypng_bytes(rgba16.reshape(H, -1).tolist(), width=W, height=H, greyscale=False, alpha=True, bitdepth=16),
         rgba16.astype(np.uint16))
    # Palette with transparency (tRNS): decodes to RGBA; indices kept when asked.
    palette = [tuple(int(v) for v in rng.integers(0, 256, 3)) + (int(rng.integers(0, 256)),) for _ in range(6)]
    idx = rng.integers(0, 6, (H, W))
    data = pypng_bytes(idx.tolist(), width=W, height=H, palette=palette, bitdepth=4)
    save("palette4_trns.png", data, np.array(palette, np.uint8)[idx])
    np.save(os.path.join(OUT, "palette4_trns.png.indices.npy"), idx.astype(np.uint8))

    # JPEGs by Pillow; expected pixels are Pillow's own decode after exif_transpose.
    img = np.zeros((16, 24, 3), np.uint8)
    img[:8, :12] = (230, 30, 30)
    img[:8, 12:] = (30, 200, 40)
    img[8:, :12] = (20, 40, 220)
    img[8:, 12:] = (240, 240, 30)
    base = Image.fromarray(img)
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        buf = io.BytesIO()
        base.save(buf, "JPEG", quality=95, exif=exif.tobytes())
        decoded = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")))
        save(f"orientation{orientation}.jpg", buf.getvalue(), decoded)
    buf = io.BytesIO()
    base.save(buf, "JPEG", quality=90, progressive=True)
    save("progressive.jpg", buf.getvalue(), np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")))
    buf = io.BytesIO()
    base.convert("L").save(buf, "JPEG", quality=90)
    save("gray.jpg", buf.getvalue(), np.asarray(Image.open(io.BytesIO(buf.getvalue()))))
    buf = io.BytesIO()
    base.convert("CMYK").save(buf, "JPEG", quality=95)
    save("cmyk.jpg", buf.getvalue(), np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")))


def npy_fixtures():
    """NumPy-written .npy files of every dtype and header version, plus ones SegKit must refuse."""
    folder = os.path.join(OUT, "..", "npy")
    os.makedirs(folder, exist_ok=True)
    values = np.array([[0, 1, 2], [3, 4, 5]])
    for dtype in ("f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"):
        np.save(os.path.join(folder, f"le_{dtype}.npy"), values.astype("<" + dtype))
        np.save(os.path.join(folder, f"be_{dtype}.npy"), values.astype(">" + dtype))
    np.save(os.path.join(folder, "bool.npy"), values % 2 == 1)
    np.save(os.path.join(folder, "negative_i4.npy"), -values.astype(np.int32))
    np.save(os.path.join(folder, "scalar_f8.npy"), np.float64(2.5))
    np.save(os.path.join(folder, "empty_rows_f4.npy"), np.zeros((0, 3), np.float32))
    for version in ((2, 0), (3, 0)):
        with open(os.path.join(folder, f"v{version[0]}_f4.npy"), "wb") as f:
            np.lib.format.write_array(f, values.astype(np.float32), version=version)
    np.save(os.path.join(folder, "fortran_f4.npy"), np.asfortranarray(values.astype(np.float32)))
    np.save(os.path.join(folder, "complex.npy"), values.astype(np.complex64))
    np.save(os.path.join(folder, "object.npy"), np.array([{"a": 1}], dtype=object), allow_pickle=True)


if __name__ == "__main__":
    main()
    npy_fixtures()
