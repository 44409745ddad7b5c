#!/usr/bin/env bash
# Paper-path benchmark (issue 4). Prints figures; asserts nothing.
#   bench/paper_bench.sh [FORMS=60] [RSS_FORMS=1000] [DEGRADED_FORMS=60]
# 1. per-form time split decode/align/read/total (median), one worker, 300 and 200 dpi;
# 2. forms/s with 1 and with all cores;
# 3. the naive baseline on the same images: `tesseract IMAGE - -l swe+eng`, OMP_THREAD_LIMIT=1;
# 4. peak and per-stage RSS over RSS_FORMS forms (memory flat from form 100 on?);
# 5. degraded 200-dpi typed forms (noise, dust, blur, skew, strong JPEG): share
#    accepted automatically, wrong accepts, field values right (check_corpus.py).
set -euo pipefail
cd "$(dirname "$0")/.."
FORMS=${1:-60}
RSS_FORMS=${2:-1000}
DEGRADED_FORMS=${3:-60}
BIN=$PWD/build/linkage
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/linkage-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMP_THREAD_LIMIT=1

run_batch() {  # home workers jsonl
  local home=$1 workers=$2 out=$3
  local t0 t1
  t0=$(date +%s.%N)
  "$BIN" --home "$home" batch --json --workers "$workers" --no-progress >"$out" 2>/dev/null
  t1=$(date +%s.%N)
  echo "$t0 $t1"
}

fresh_home() {  # dir set
  local home=$1 set=$2
  "$BIN" --home "$home" demo >/dev/null 2>&1 || true  # registry + sample run
  "$BIN" --home "$home" init >/dev/null
  local i=0
  for f in "$set"/*; do
    case "$f" in *.json) continue;; esac
    cp "$f" "$home/inbox/"
    touch -d "@$(( $(date +%s) - 600 + i ))" "$home/inbox/$(basename "$f")"
    i=$((i+1))
  done
}

[ "$FORMS" -gt 0 ] && for dpi in 300 200; do
  set=$WORK/set$dpi
  $PY tests/support/make_scans.py --out "$set" --preset bench --count "$FORMS" --dpi "$dpi" --seed "b$dpi" >/dev/null
  for workers in 1 2; do
    home=$WORK/h$dpi-$workers
    fresh_home "$home" "$set"
    read -r t0 t1 < <(run_batch "$home" "$workers" "$WORK/out$dpi-$workers.jsonl")
    echo "$t0 $t1" >"$WORK/wall$dpi-$workers"
  done
  # The naive baseline on the same images (tesseract cannot read PDF: images only).
  : >"$WORK/base$dpi"
  for f in "$set"/*; do
    case "$f" in *.png|*.jpg|*.tif) ;; *) continue;; esac
    s=$(date +%s.%N)
    tesseract "$f" - -l swe+eng >/dev/null 2>&1
    e=$(date +%s.%N)
    echo "$(basename "$f") $s $e" >>"$WORK/base$dpi"
  done
done

[ "$FORMS" -gt 0 ] && $PY - "$WORK" "$FORMS" <<'PYEOF'
import json, statistics, sys, os
work, forms = sys.argv[1], int(sys.argv[2])
print("paper-path benchmark: %d generated forms per dpi, 2 cores" % forms)
for dpi in (300, 200):
    rows = [json.loads(l) for l in open(os.path.join(work, "out%d-1.jsonl" % dpi)) if l.strip()]
    t = [r["timing_ms"] for r in rows if "timing_ms" in r]
    med = lambda k: statistics.median(x[k] for x in t)
    base = {}
    for l in open(os.path.join(work, "base%d" % dpi)):
        n, s, e = l.split()
        base[n] = (float(e) - float(s)) * 1000
    ours = {r["file"]: r["timing_ms"]["total"] for r in rows if "timing_ms" in r and r["file"] in base}
    accepted = sum(1 for r in rows if r["outcome"] == "accepted")
    w = {}
    for workers in (1, 2):
        t0, t1 = map(float, open(os.path.join(work, "wall%d-%d" % (dpi, workers))).read().split())
        w[workers] = len(rows) / (t1 - t0)
    bmed, omed = statistics.median(base.values()), statistics.median(ours.values())
    print("\n%d dpi, one worker (median ms per form): decode %.0f  align %.0f  read %.0f  total %.0f" %
          (dpi, med("decode"), med("align"), med("read"), med("total")))
    print("  accepted automatically: %d/%d" % (accepted, len(rows)))
    print("  naive baseline `tesseract IMG - -l swe+eng` (same %d images): median %.0f ms; ours %.0f ms -> %.1fx faster (ratio %.3f)" %
          (len(base), bmed, omed, bmed / omed, omed / bmed))
    print("  throughput incl. process start and store: 1 worker %.2f forms/s, 2 workers %.2f forms/s (x%.2f)" %
          (w[1], w[2], w[2] / w[1]))
PYEOF

# Memory over many forms: RSS sampled every second next to the number of documents done.
if [ "$RSS_FORMS" -gt 0 ]; then
  set=$WORK/rss-src
  $PY tests/support/make_scans.py --out "$set" --preset bench --count 50 --dpi 300 --seed rss >/dev/null
  home=$WORK/hrss
  "$BIN" --home "$home" demo >/dev/null 2>&1 || true
  n=0
  while [ "$n" -lt "$RSS_FORMS" ]; do
    for f in "$set"/*.jpg "$set"/*.png; do
      [ "$n" -ge "$RSS_FORMS" ] && break
      ext=${f##*.}
      # Distinct bytes (not duplicates): a trailing byte after the image's end marker.
      { cat "$f"; printf '%08d' "$n"; } >"$home/inbox/rss-$n.$ext"
      n=$((n+1))
    done
  done
  touch -d '10 minutes ago' "$home"/inbox/*
  "$BIN" --home "$home" batch --json --workers 2 --no-progress >"$WORK/rss.jsonl" 2>/dev/null &
  pid=$!
  : >"$WORK/rss.log"
  while kill -0 "$pid" 2>/dev/null; do
    # The batch and its worker processes together.
    rss=0
    for p in $pid $(cat /proc/$pid/task/$pid/children 2>/dev/null); do
      r=$(awk '/VmRSS/{print $2}' /proc/$p/status 2>/dev/null || echo 0)
      rss=$((rss + ${r:-0}))
    done
    done_n=$(wc -l <"$WORK/rss.jsonl")
    echo "$done_n $rss" >>"$WORK/rss.log"
    sleep 1
  done
  wait "$pid"
  $PY - "$WORK/rss.log" "$RSS_FORMS" <<'PYEOF'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 2 and l.split()[1] != "0"]
def at(n):
    c = [r for r in rows if r[0] >= n]
    return c[0][1] / 1024 if c else float("nan")
peak = max(r[1] for r in rows) / 1024
print("\nmemory over %s forms (batch + 2 worker processes): RSS at form 100 %.0f MiB, at form 500 %.0f MiB, at the end %.0f MiB, peak %.0f MiB" %
      (sys.argv[2], at(100), at(500), rows[-1][1] / 1024, peak))
PYEOF
fi

# Degraded 200-dpi forms: how many are accepted without a person, and never a wrong accept.
if [ "$DEGRADED_FORMS" -gt 0 ]; then
  set=$WORK/degraded
  $PY tests/support/make_scans.py --out "$set" --preset bench-degraded --count "$DEGRADED_FORMS" --dpi 200 --seed bench-degraded >/dev/null
  home=$WORK/hdeg
  fresh_home "$home" "$set"
  run_batch "$home" 2 "$WORK/degraded.jsonl" >/dev/null
  echo
  echo "degraded 200-dpi typed forms ($DEGRADED_FORMS):"
  $PY tests/support/check_corpus.py "$set" "$WORK/degraded.jsonl" | grep -E "accepted automatically|wrong accepts|field values" | sed 's/^/  /'
fi
