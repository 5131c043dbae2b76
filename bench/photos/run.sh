#!/usr/bin/env bash
# Real photographs, qualitatively: `segkit segment` with the default model, `classic` and `merge`
# on photographs that ship inside scikit-image (astronaut, coffee, chelsea, rocket: public domain
# or CC0 according to scikit-image; copied into bench/data/photos/, never committed). No human
# annotations exist for them here, so this prints segment counts and times and writes a contact
# sheet (bench/data/photos/contact.png: input, default, classic, merge per row) to look at, not a
# score.
#   bench/photos/run.sh [MODEL]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
model="${1:-default}"
scripts/bootstrap
swift build -c release --product segkit >&2
segkit=.build/release/segkit
source bench/venv.sh bench/photos/requirements.txt
set -euo pipefail
data=bench/data/photos
rm -rf "$data" && mkdir -p "$data/images"
python bench/photos/collect.py "$data/images"
for m in "$model" classic merge; do
  name=$(basename "$m" .safetensors)
  echo "== model $name"
  SEGKIT_THREADS=2 "$segkit" segment "$data"/images/*.png -o "$data/$name" --model "$m" 2>&1 | grep -v "^[0-9]* of"
done
python bench/photos/collect.py --contact "$data" "$(basename "$model" .safetensors)" classic merge
