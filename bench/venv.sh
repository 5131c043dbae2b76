#!/usr/bin/env bash
# Creates (once) the Python virtual environment that benchmark and conformance scripts use to run
# peer tools (scikit-image, scikit-learn, OpenCV, pycocotools, …). Python never runs in the product.
#   source bench/venv.sh [requirements-file ...]   → activates bench/.venv with those installed
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
fi
for req in "$@"; do
  stamp="$venv/.installed-$(basename "$(dirname "$req")")-$(basename "$req")"
  if [[ ! -f "$stamp" || "$req" -nt "$stamp" ]]; then
    "$venv/bin/pip" install --quiet -r "$req"
    touch "$stamp"
  fi
done
# shellcheck disable=SC1091
source "$venv/bin/activate"
set +euo pipefail
