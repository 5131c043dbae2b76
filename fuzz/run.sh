#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs one or all of them.
#   fuzz/run.sh [TARGET|all] [SECONDS]      default: all, 60 seconds each
# Crashes are written to fuzz/artifacts/TARGET/, the growing corpus to fuzz/corpus-TARGET/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${1:-all}"
seconds="${2:-60}"

clang_lib=$(dirname "$(dirname "$(command -v swiftc)")")/lib/clang
fuzzer_lib=$(ls "$clang_lib"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -n 1)
if [[ -z "$fuzzer_lib" ]]; then
  echo "fuzz: libclang_rt.fuzzer_no_main not found under $clang_lib (the Swift toolchain ships it on Linux)" >&2
  exit 1
fi

"$root/scripts/bootstrap"
cd "$here"
swift build -c release --scratch-path "$here/.build-fuzz" \
  -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ >&2
binary="$here/.build-fuzz/release/segkit-fuzz"

seed_corpus() {  # $1 = target, $2 = corpus folder
  local fixtures="$root/Tests/SegKitIOTests/Fixtures"
  mkdir -p "$2"
  case "$1" in
    png) cp "$fixtures"/codecs/*.png "$root"/examples/*.png "$2"/ ;;
    jpeg) cp "$fixtures"/codecs/*.jpg "$2"/ ;;
    npy) cp "$fixtures"/npy/*.npy "$fixtures"/codecs/*.npy "$2"/ ;;
    rle) python3 - "$fixtures/rle_conformance.json" "$2" <<'PY'
import json, sys, os
data = json.load(open(sys.argv[1]))
for i, c in enumerate(data["masks"] + data["polygons"]):
    with open(os.path.join(sys.argv[2], f"seed{i}"), "wb") as f:
        f.write(bytes([(c["h"] - 1) % 64, (c["w"] - 1) % 64]) + c["string"].encode())
PY
    ;;
    coco) printf '%s' '{"images":[{"id":1,"width":4,"height":3,"file_name":"a.png"}],"annotations":[{"id":1,"image_id":1,"category_id":1,"iscrowd":0,"area":2,"bbox":[0,0,2,2],"segmentation":[[0.5,0.5,2.5,0.5,2.5,2.5]]},{"id":2,"image_id":1,"category_id":1,"segmentation":{"counts":"129","size":[3,4]}},{"id":3,"image_id":1,"category_id":1,"segmentation":{"counts":[1,2,9],"size":[3,4]}}],"categories":[{"id":1,"name":"x"}]}' > "$2/dataset.json"
          printf '%s' '[{"image_id":1,"category_id":1,"score":0.5,"bbox":[1,1,2,2],"segmentation":{"counts":"129","size":[3,4]}}]' > "$2/results.json" ;;
  esac
}

targets=(png jpeg npy rle coco)
[[ "$target" == "all" ]] || targets=("$target")
for t in "${targets[@]}"; do
  corpus="$here/corpus-$t"
  [[ -d "$corpus" ]] || seed_corpus "$t" "$corpus"
  mkdir -p "$here/artifacts/$t"
  echo "fuzz: $t for ${seconds}s" >&2
  "$binary" "$t" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$here/artifacts/$t/" "$corpus" 2>&1 | tail -n 12
done
