#!/usr/bin/env bash
# Long libFuzzer run (issue 8: >= 30 min per target), figures for the note:
#   tests/fuzz/long.sh SECONDS TARGET...      e.g. tests/fuzz/long.sh 1800 raster template
# Runs the targets one after another at nice 10 in fork mode (a crash or
# timeout is kept and the run goes on), from a scratch corpus seeded by
# tests/fuzz/seeds/<target>/. Prints per target: executions, coverage,
# corpus size, and every crash/timeout/oom input kept under
# /tmp/linkage-fuzz-long/<target>/artifacts/. Build with tests/fuzz/smoke.sh first.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:?seconds per target}; shift
build=${LINKAGE_FUZZ_BUILD:-build-fuzz}
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
for t in "$@"; do
  bin=$build/tests/fuzz/${t}_fuzz
  out=/tmp/linkage-fuzz-long/$t
  rm -rf "$out"; mkdir -p "$out/corpus" "$out/artifacts"
  dict=()
  if [ "$t" != raster ]; then dict=(-dict=tests/fuzz/json.dict); fi
  start=$SECONDS
  nice -n 10 "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -fork=1 \
    -ignore_timeouts=1 -ignore_crashes=1 -ignore_ooms=1 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "${dict[@]}" "$out/corpus" "tests/fuzz/seeds/$t" \
    >"$out/log" 2>&1 || true
  execs=$(grep -oE 'exec/s:? [0-9]+' "$out/log" | tail -n1 || true)
  cov=$(grep -oE 'cov: [0-9]+' "$out/log" | tail -n1 || true)
  runs=$(grep -oE '^#[0-9]+' "$out/log" | tail -n1 | tr -d '#' || true)
  arts=$(find "$out/artifacts" -type f | wc -l)
  # fork mode: oom/timeout/crash counts of the whole run
  otc=$(grep -oE 'oom/timeout/crash: [0-9/]+' "$out/log" | tail -n1 || true)
  echo "fuzz long: $t: $((SECONDS - start)) s, ${runs:-?} inputs, ${cov:-cov: ?}, ${execs:-exec/s: ?}," \
    "corpus $(find "$out/corpus" -type f | wc -l) files, ${otc:-oom/timeout/crash: ?}, artifacts $arts"
  find "$out/artifacts" -type f -printf '  %p (%s bytes)\n'
done
