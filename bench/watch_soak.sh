#!/usr/bin/env bash
# Watcher soak (issue 19, item 9): is the watcher's memory flat over many files?
#   bench/watch_soak.sh [N=10000] [CHUNK=500]
# Runs `linkage watch` on a fresh home and feeds it N cheap files in chunks of
# CHUNK (small distinct text files and tiny distinct PNG images that are no
# forms, so OCR time does not dominate; the sample scans from data/sample-scans
# first, and a copy of one every 1,000 files), waits until each chunk is
# processed, and prints the watcher's VmRSS (/proc/PID/status) at 1,000, 5,000
# and 10,000 files (and at every chunk with VERBOSE=1). Prints figures;
# asserts nothing. Not a ctest: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
CHUNK=${2:-500}
BIN=${LINKAGE_BIN:-$PWD/build/linkage}
WORK=$(mktemp -d /tmp/linkage-soak.XXXXXX)
HOME_DIR=$WORK/home
WATCH_PID=
cleanup() {
  if [ -n "$WATCH_PID" ] && kill -0 "$WATCH_PID" 2>/dev/null; then
    kill -TERM "$WATCH_PID"
    wait "$WATCH_PID" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export OMP_THREAD_LIMIT=1
export LINKAGE_BATCH_STABLE_SECONDS=0

"$BIN" --home "$HOME_DIR" init >/dev/null
"$BIN" --home "$HOME_DIR" registry import data/sample-registry.json >/dev/null

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
processed() {  # originals moved out of work/ (sidecars not counted)
  find "$HOME_DIR/archive" "$HOME_DIR/rejected" -type f ! -name '*.json' | wc -l
}

# Writes files FROM..TO-1 into a staging folder, then moves them into the inbox
# (a rename: each file appears complete).
feed() {
  local from=$1 to=$2 stage=$WORK/stage
  mkdir -p "$stage"
  python3 - "$stage" "$from" "$to" "$HOME_DIR/inbox" <<'EOF'
import os, struct, sys, time, zlib
stage, a, b, inbox = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
old = time.time() - 600
def png(seed):
    w = h = 48
    rows = b"".join(b"\0" + bytes(((x * 7 + y * 13 + seed) % 251) for x in range(w)) for y in range(h))
    rows = b"\0" + seed.to_bytes(4, "big") + rows[5:]  # distinct bytes per file
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
for i in range(a, b):
    name = ("image-%06d.png" % i) if i % 10 == 9 else ("note-%06d.txt" % i)
    data = png(i) if i % 10 == 9 else ("not a scan, number %d\n" % i).encode()
    path = os.path.join(stage, name)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (old, old))
    os.rename(path, os.path.join(inbox, name))
EOF
}

wait_processed() {  # count
  local want=$1 waited=0
  while [ "$(processed)" -lt "$want" ]; do
    sleep 0.5
    waited=$((waited + 1))
    kill -0 "$WATCH_PID" 2>/dev/null || { echo "the watcher died; its stderr:" >&2; tail -20 "$WORK/watch.err" >&2; exit 1; }
    [ $waited -lt 1200 ] || { echo "no progress for 10 minutes at $(processed)/$want" >&2; exit 1; }
  done
}

"$BIN" --home "$HOME_DIR" watch --no-progress >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCH_PID=$!
sleep 1
echo "watcher pid $WATCH_PID, RSS at start $(rss_kb "$WATCH_PID") kB"

# The sample scans first (OCRed once each), counted among the N.
fed=0
for f in data/sample-scans/*.jpg data/sample-scans/*.pdf; do
  cp "$f" "$WORK/$(basename "$f")"
  touch -d '10 minutes ago' "$WORK/$(basename "$f")"
  mv "$WORK/$(basename "$f")" "$HOME_DIR/inbox/"
  fed=$((fed + 1))
done
wait_processed "$fed"
echo "after $fed sample scans: RSS $(rss_kb "$WATCH_PID") kB"

t0=$(date +%s)
next_mark=1000
while [ "$fed" -lt "$N" ]; do
  to=$((fed + CHUNK))
  [ "$to" -le "$N" ] || to=$N
  feed "$fed" "$to"
  # A copy of a sample form now and then: a duplicate, found by checksum.
  if [ $((to / 1000)) -gt $((fed / 1000)) ]; then
    cp data/sample-scans/sample-001-clean.jpg "$WORK/dup-$to.jpg"
    touch -d '10 minutes ago' "$WORK/dup-$to.jpg"
    mv "$WORK/dup-$to.jpg" "$HOME_DIR/inbox/"
    to=$((to + 1))
  fi
  fed=$to
  wait_processed "$fed"
  rss=$(rss_kb "$WATCH_PID")
  [ "${VERBOSE:-0}" = 1 ] && echo "  $fed files: RSS $rss kB"
  while [ "$fed" -ge "$next_mark" ]; do
    case $next_mark in 1000|5000|10000) echo "files $fed (mark $next_mark): watcher RSS $rss kB, $(( $(date +%s) - t0 )) s" ;; esac
    next_mark=$((next_mark + 1000))
  done
done
echo "end: $fed files, watcher RSS $(rss_kb "$WATCH_PID") kB, journal $(du -k "$HOME_DIR"/reports/.journal-* 2>/dev/null | awk '{s+=$1} END {print s+0}') kB"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" || true
WATCH_PID=
ls "$HOME_DIR/reports" | sed 's/^/report: /'
grep -v '^watching' "$WORK/watch.err" | head -5 || true
