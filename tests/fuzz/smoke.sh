#!/usr/bin/env bash
# Bounded smoke run of every libFuzzer target (issue 8), for CI:
#   tests/fuzz/smoke.sh [SECONDS_PER_TARGET=8]
# 1. configures build-fuzz/ with clang (-DLINKAGE_FUZZ=ON) when it is missing
#    and builds the `fuzz` target;
# 2. replays every kept crash in tests/fuzz/crashes/<target>/ (each must now
#    pass: a regression test for what was fixed);
# 3. fuzzes each target for SECONDS from tests/fuzz/seeds/<target>/ in a
#    scratch corpus (the seeds are never written to).
# A crash stops the run with exit 1 and names the input; copy it into
# tests/fuzz/crashes/<target>/ once fixed. LINKAGE_FUZZ_BUILD overrides the
# build directory, FUZZ_JOBS the build's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-8}
build=${LINKAGE_FUZZ_BUILD:-build-fuzz}
targets=(raster template registry web_body)

command -v clang++ >/dev/null || { echo "fuzz smoke: clang++ missing (./setup installs clang)" >&2; exit 4; }
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DLINKAGE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" -j"${FUZZ_JOBS:-2}" --quiet fuzz | { grep -v "^ninja: no work to do" || true; }

work=$(mktemp -d /tmp/linkage-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/${t}_fuzz
  dict=()
  if [ "$t" != raster ]; then dict=(-dict=tests/fuzz/json.dict); fi
  shopt -s nullglob
  kept=(tests/fuzz/crashes/$t/*)
  shopt -u nullglob
  kept=("${kept[@]/*README*/}")
  for f in "${kept[@]}"; do
    [ -n "$f" ] || continue
    if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$work/$t.replay.log" 2>&1; then
      echo "fuzz smoke: $t: kept crash $f fails again:" >&2
      tail -n 30 "$work/$t.replay.log" >&2
      status=1
    fi
  done
  mkdir -p "$work/$t"
  if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" "${dict[@]}" "$work/$t" "tests/fuzz/seeds/$t" >"$work/$t.log" 2>&1; then
    execs=$(awk -F: '/stat::number_of_executed_units/ {gsub(/ /, "", $2); print $2}' "$work/$t.log")
    cov=$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -n1)
    echo "fuzz smoke: $t: ${secs} s, $execs inputs, $cov, no crash"
  else
    echo "fuzz smoke: $t: CRASH (input below; keep it in tests/fuzz/crashes/$t/ once fixed)" >&2
    grep -E "ERROR|SUMMARY|==[0-9]+==|^    #" "$work/$t.log" | head -n 40 >&2 || true
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -f "$a" ] || continue
      mkdir -p /tmp/linkage-fuzz-artifacts
      cp "$a" /tmp/linkage-fuzz-artifacts/
      echo "  input: /tmp/linkage-fuzz-artifacts/$(basename "$a") ($(stat -c %s "$a") bytes)" >&2
    done
    status=1
  fi
done
exit $status
