#!/usr/bin/env bash
# SLIC superpixel benchmark against scikit-image and OpenCV (see run.py). Usage: bench/superpixels/run.sh
# (on a shared machine: nice -n 19 bench/superpixels/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit >&2
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/superpixels/requirements.txt
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
python bench/superpixels/run.py
