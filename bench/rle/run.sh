#!/usr/bin/env bash
# COCO RLE benchmark against pycocotools (see run.py). Usage: bench/rle/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/rle/requirements.txt
SEGKIT_THREADS=2 python bench/rle/run.py
