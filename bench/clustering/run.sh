#!/usr/bin/env bash
# Clustering conformance + benchmark (see run.py). Usage: bench/clustering/run.sh [all|conformance|timings]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/clustering/requirements.txt
export SEGKIT_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2
python bench/clustering/run.py "${1:-all}"
