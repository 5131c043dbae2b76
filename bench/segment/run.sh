#!/usr/bin/env bash
# Entity segmentation on the fixed held-out procedural test set, and timing on a 1024×768 image.
#   bench/segment/run.sh [MODEL]     MODEL defaults to Models/entity-d64.safetensors
# Writes bench/data/segment/ (ignored by git) and prints the tables recorded in BENCHMARKS.md and
# Models/README.md. Needs only the Swift build (no Python).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
model="${1:-Models/entity-d64.safetensors}"
scripts/bootstrap
swift build -c release --product segkit >&2
segkit=.build/release/segkit
data=bench/data/segment
rm -rf "$data" && mkdir -p "$data/test" "$data/photo"

# The held-out set: seed 20261123 is never used for training (training uses --seed and its
# validation stream, see Models/README.md). 200 scenes of 256 × 256.
"$segkit" scenes -o "$data/test" --count 200 --seed 20261123 --size 256 --quiet
images=$(ls "$data"/test/scene-????.png)

for m in "$model" classic merge; do
  name=$(basename "$m" .safetensors)
  for res in 256 128,256; do
    out="$data/pred-$name-${res/,/-}"
    start=$(date +%s.%N)
    "$segkit" segment $images -o "$out" --model "$m" --resolutions "$res" --quiet > "$out.log"
    end=$(date +%s.%N)
    echo "== model $name, resolutions $res: $(echo "$end - $start" | bc) s for 200 images"
    "$segkit" eval entity --pred "$out" --gt "$data/test" --json "$out.json" --quiet
  done
done

# Table 5 of the paper: similarities of the model's features on the held-out set.
"$segkit" eval embedding --model "$model" --images "$data/test" --gt "$data/test" --json "$data/embedding.json" --quiet

# Timing and peak memory on a 1024 × 768 image (2 threads), single and multi-resolution. flock keeps
# concurrent benchmark scripts on this machine from timing at the same moment.
"$segkit" scenes -o "$data/photo" --count 1 --seed 99 --width 1024 --height 768 --quiet
for res in 384 384,768; do
  for run in 1 2 3; do
    SEGKIT_THREADS=2 flock /tmp/segkit-bench.lock /usr/bin/time -f "peak RSS %M KB, wall %e s" "$segkit" segment "$data/photo/scene-0000.png" \
      -o "$data/photo-out-$run" --model "$model" --resolutions "$res" 2>&1 | sed "s/^/[res $res run $run] /"
  done
done
