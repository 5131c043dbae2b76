#!/usr/bin/env bash
# Evaluation benchmark: SegKit vs pycocotools (COCO segm AP) and panopticapi (PQ); see run.py.
# Usage: bench/evaluation/run.sh [--repeats N] [--only coco|pq]
# Generates bench/data/evaluation/ on first use (about 200 MB: a 151 MB results JSON, 10,000 small PNGs).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/bootstrap
swift build -c release --product segkit >&2
swift build -c release --product segkit-bench >&2
source bench/venv.sh bench/evaluation/bench-requirements.txt
# panopticapi is not on PyPI under its own name; panopticapi-lite 0.2.0 ships cocodataset/panopticapi's
# evaluation.py unchanged. Its declared dependencies (matplotlib, scikit-image, numpy<2) are not
# needed for pq_compute, hence --no-deps.
python -c "import panopticapi.evaluation" 2>/dev/null || pip install --quiet --no-deps panopticapi-lite==0.2.0
python bench/evaluation/run.py bench "$@"
