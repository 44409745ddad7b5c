#!/bin/sh
# The real-world corpus (make_realworld.py) through a real `linkage batch`:
# a fresh home with the sample registry, every file in the inbox (name order,
# a second apart, an hour old), then check_realworld.py judges the results.
#   run_realworld.sh LINKAGE_BIN SOURCE_DIR CORPUS_DIR WORK_DIR [checker options]
# LINKAGE_REALWORLD_NO_STRICT=1: strict mismatches are reported, not failed (wrong
# accepts and crashes always fail).
set -eu
bin=$1 src=$2 set=$3 work=$4
shift 4
[ -f "$set/manifest.json" ] || { echo "no corpus in $set: run realworld_generate first"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
"$bin" --home "$work/home" init >/dev/null
"$bin" --home "$work/home" registry import "$src/data/sample-registry.json" >/dev/null
now=$(date +%s)
i=0
for f in $(ls "$set" | grep -v '\.json$' | sort); do
  cp "$set/$f" "$work/home/inbox/$f"
  touch -d "@$((now - 3600 + i))" "$work/home/inbox/$f"
  i=$((i + 1))
done
start=$(date +%s)
rc=0
"$bin" --home "$work/home" batch --json --no-progress >"$work/out.jsonl" 2>"$work/batch.err" || rc=$?
echo "batch: $i files in $(( $(date +%s) - start )) s, exit code $rc"
[ "$rc" = 0 ] || tail -20 "$work/batch.err"
[ "${LINKAGE_REALWORLD_NO_STRICT:-0}" = 1 ] && set -- --no-strict "$@"
exec /usr/bin/python3 "$src/tests/realworld/check_realworld.py" "$set" "$work/out.jsonl" --exit-code "$rc" "$@"
