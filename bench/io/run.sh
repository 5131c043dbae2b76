#!/usr/bin/env bash
# Codec benchmark against OpenCV and Pillow (see run.py). Usage: bench/io/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit >&2
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/io/requirements.txt
SEGKIT_THREADS=1 python bench/io/run.py
