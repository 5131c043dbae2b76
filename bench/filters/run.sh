#!/usr/bin/env bash
# Box and guided filter benchmark against OpenCV (see run.py). Usage: bench/filters/run.sh
# (on a shared machine: nice -n 19 bench/filters/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit >&2
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/filters/requirements.txt
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
python bench/filters/run.py
