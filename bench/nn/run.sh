#!/usr/bin/env bash
# PyTorch cross-check and timing of SegKitNN (see crosscheck.py). Usage: bench/nn/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/nn/requirements.txt
python bench/nn/crosscheck.py
