#!/usr/bin/env bash
# Issue 14: per-page time of the whole paper path (decode, align, read,
# total; median over N forms, one worker) for the SAME scans taken by the
# direct-image path and by the renderer (an empty overlay page added with
# qpdf makes the page "not provably one image", so poppler draws it), at 300
# and 200 dpi; and for born-digital fills (pdftk) read from their rendered
# page. Prints figures; asserts nothing.
#   bench/render_bench.sh [N=8] [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-8}
BIN=$PWD/${2:-build}/linkage
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/linkage-render-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMP_THREAD_LIMIT=1
printf '%%!PS\n<< /PageSize [595.28 841.89] >> setpagedevice showpage\n' >"$WORK/empty.ps"
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -o "$WORK/empty.pdf" "$WORK/empty.ps"

# N signed forms per dpi from our generator (the values and signatures only;
# the PDF wrapping below is img2pdf's and qpdf's).
for dpi in 300 200; do
  "$PY" tests/support/make_scans.py --out "$WORK/scans$dpi" --registry data/sample-registry.json --preset bench \
    --count "$((N * 2))" --dpi "$dpi" >/dev/null
done

run() {  # set-name files... → median timings
  local name=$1; shift
  local home="$WORK/home-$name"
  "$BIN" --home "$home" init >/dev/null
  "$BIN" --home "$home" registry import data/sample-registry.json >/dev/null
  local i=0 now; now=$(date +%s)
  for f in "$@"; do cp "$f" "$home/inbox/"; touch -d "@$((now - 3600 + i))" "$home/inbox/$(basename "$f")"; i=$((i + 1)); done
  "$BIN" --home "$home" batch --json --workers 1 --no-progress >"$WORK/$name.jsonl" 2>/dev/null || true
  "$PY" - "$name" "$WORK/$name.jsonl" <<'PY'
import json, statistics, sys
name, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path) if l.strip()]
rows = [r for r in rows if r.get("page")]
if not rows:
    print(f"{name:<22} no forms"); sys.exit()
med = lambda k: statistics.median(r["timing_ms"][k] for r in rows)
out = {}
for r in rows: out[r["outcome"]] = out.get(r["outcome"], 0) + 1
print(f"{name:<22} {len(rows):>3} forms  decode {med('decode'):7.1f}  align {med('align'):6.1f}  read {med('read'):7.1f}"
      f"  total {med('total'):7.1f} ms   {out}")
PY
}

for dpi in 300 200; do
  direct=() rendered=()
  for f in $(ls "$WORK/scans$dpi" | grep -E '\.(png|jpg|tif)$' | head -n "$N"); do
    src="$WORK/scans$dpi/$f"
    jpg="$WORK/d$dpi-${f%.*}.jpg"
    "$PY" -c "from PIL import Image; import sys; Image.open(sys.argv[1]).convert('L').save(sys.argv[2], quality=90, dpi=($dpi, $dpi))" "$src" "$jpg"
    img2pdf "$jpg" -o "$WORK/d$dpi-${f%.*}.pdf"
    qpdf "$WORK/d$dpi-${f%.*}.pdf" --overlay "$WORK/empty.pdf" -- "$WORK/r$dpi-${f%.*}.pdf"
    direct+=("$WORK/d$dpi-${f%.*}.pdf") rendered+=("$WORK/r$dpi-${f%.*}.pdf")
  done
  run "direct-$dpi" "${direct[@]}"
  run "rendered-$dpi" "${rendered[@]}"
done

# Born-digital: pdftk fills of the blank, read from the rendered page.
fills=()
"$PY" - "$WORK" "$N" <<'PY'
import json, subprocess, sys
work, n = sys.argv[1], int(sys.argv[2])
reg = json.load(open("data/sample-registry.json"))
bureau = [b for b in reg["bureaus"] if not b.get("multi_company")][0]
for i, c in enumerate(reg["clients"][:n]):
    admin = next(u for u in c["users"] if u["role"] == "system_administrator")
    vals = {"bureau_name": bureau["name"], "bureau_orgnr": bureau["orgnr"], "client_name": c["name"],
            "client_orgnr": c["orgnr"], "client_subscription": c["subscription"], "signer_name": admin["name"],
            "signer_email": admin["email"], "place": "Stockholm", "date": "2026-11-20"}
    fields = "".join(f'<field name="{k}"><value>{v}</value></field>' for k, v in vals.items())
    xfdf = f'{work}/fill{i}.xfdf'
    open(xfdf, "w", encoding="utf-8").write(
        f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>')
    subprocess.run(["pdftk", "forms/linkage-form-v1.pdf", "fill_form", xfdf, "output", f"{work}/fill{i}.pdf"], check=True)
PY
for i in $(seq 0 $((N - 1))); do [ -f "$WORK/fill$i.pdf" ] && fills+=("$WORK/fill$i.pdf"); done
run "born-digital" "${fills[@]}"
echo "(direct vs rendered: the same scans; rendered = an empty qpdf overlay forces poppler. Born-digital fills are unsigned: rejected 'unsigned' after a full read.)"
