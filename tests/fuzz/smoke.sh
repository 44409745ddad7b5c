#!/usr/bin/env bash
# Bounded smoke run of every libFuzzer target (issue 8), for CI:
#   tests/fuzz/smoke.sh [SECONDS_PER_TARGET=8]
# 1. configures build-fuzz/ with clang (-DLINKAGE_FUZZ=ON) when it is missing
#    and builds the `fuzz` target;
# 2. replays every kept crash in tests/fuzz/crashes/<target>/ (each must now
#    pass: a regression test for what was fixed) and every open finding in
#    tests/fuzz/known/<target>/ (reported to its owner; information only);
# 3. fuzzes each target for SECONDS from tests/fuzz/seeds/<target>/ in a
#    scratch corpus (the seeds are never written to). A crash whose report
#    matches tests/fuzz/known/signatures.txt restarts the run; any other
#    stops it with exit 1 and names the input (keep it in
#    tests/fuzz/crashes/<target>/ once fixed). LINKAGE_FUZZ_BUILD overrides the
# build directory, FUZZ_JOBS the build's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-8}
build=${LINKAGE_FUZZ_BUILD:-build-fuzz}
targets=(raster template registry web_body http_head)

command -v clang++ >/dev/null || { echo "fuzz smoke: clang++ missing (./setup installs clang)" >&2; exit 4; }
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DLINKAGE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" -j"${FUZZ_JOBS:-2}" --quiet fuzz | { grep -v "^ninja: no work to do" || true; }

# One-time allocations of system libraries (fontconfig through poppler, OpenSSL's
# legacy provider) are not leaks of ours: tests/lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Stack traces in UBSan reports: the known-finding signatures match on them.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

work=$(mktemp -d /tmp/linkage-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0

# The known open findings of a target: one text per line (known/signatures.txt).
signatures() { awk -F'\t' -v t="$1" '$1 == t {print $2}' tests/fuzz/known/signatures.txt; }

keep_artifacts() {
  for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -f "$a" ] || continue
    mkdir -p /tmp/linkage-fuzz-artifacts
    cp "$a" /tmp/linkage-fuzz-artifacts/
    echo "  input: /tmp/linkage-fuzz-artifacts/$(basename "$a") ($(stat -c %s "$a") bytes)" >&2
  done
}

for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/${t}_fuzz
  dict=()
  if [ "$t" != raster ] && [ "$t" != http_head ]; then dict=(-dict=tests/fuzz/json.dict); fi
  # Fixed crashes must pass; open findings are replayed for information.
  for f in tests/fuzz/crashes/"$t"/* tests/fuzz/known/"$t"/*; do
    [ -f "$f" ] || continue
    replay_timeout=10
    case $f in tests/fuzz/known/*) replay_timeout=3;; esac
    if "$bin" -timeout="$replay_timeout" -rss_limit_mb=2048 "$f" >"$work/replay.log" 2>&1; then
      case $f in tests/fuzz/known/*) echo "fuzz smoke: $t: open finding $f passes now: move it to tests/fuzz/crashes/$t/";; esac
    else
      case $f in
        tests/fuzz/known/*) echo "fuzz smoke: $t: open finding $f still fails (reported, see tests/fuzz/known/README.md)";;
        *) echo "fuzz smoke: $t: kept crash $f fails again:" >&2; tail -n 30 "$work/replay.log" >&2; status=1;;
      esac
    fi
  done
  # Fuzz for $secs; a crash that is a known open finding restarts the run.
  mkdir -p "$work/$t"
  deadline=$((SECONDS + secs)) execs=0 known=0 crashed=0
  while left=$((deadline - SECONDS)); [ "$left" -ge 1 ]; do
    rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
    if "$bin" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/" "${dict[@]}" "$work/$t" "tests/fuzz/seeds/$t" >"$work/$t.log" 2>&1; then
      n=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$work/$t.log")
      execs=$((execs + ${n:-0}))
      break
    fi
    match=
    while IFS= read -r sig; do
      [ -n "$sig" ] && grep -qF -- "$sig" "$work/$t.log" && match=$sig
    done < <(signatures "$t")
    if [ -n "$match" ]; then
      known=$((known + 1))
      continue
    fi
    echo "fuzz smoke: $t: CRASH (keep the input in tests/fuzz/crashes/$t/ once fixed):" >&2
    grep -E "ERROR|SUMMARY|runtime error|^    #[0-9]" "$work/$t.log" | head -n 40 >&2 || true
    keep_artifacts
    crashed=1 status=1
    break
  done
  cov=$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -n1 || true)
  if [ "$crashed" = 0 ]; then
    echo "fuzz smoke: $t: ${secs} s, $execs inputs in the last run, ${cov:-cov: ?}, no new crash" \
      "(known open findings hit: $known)"
  fi
done
exit $status
