#!/usr/bin/env bash
# Per-page time of the raster stage: the direct-image path vs the rendered
# path (poppler) on the SAME scans (an empty overlay page added with qpdf
# forces the renderer while the picture stays the same), at 300 and 200 dpi,
# JPEG and G4; and a born-digital fill (rendered). Best of 5 runs per page,
# one thread. Usage: bench/raster_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
probe="$build/tests/raster/raster_probe"
[ -x "$probe" ] || { echo "build $probe first (ninja -C $build raster_probe)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash tests/raster/make_inputs.sh "$PWD" "$work" >/dev/null 2>&1
cd "$work"
pdftoppm -gray -r 300 -singlefile -jpeg "$OLDPWD/forms/linkage-form-v1.pdf" p300j
img2pdf p300j.jpg -o jpeg300.pdf
cp img2pdf_jpeg200.pdf jpeg200.pdf
cp tiff2pdf_g4.pdf g4_300.pdf
printf '%%!PS\n<< /PageSize [595.28 841.89] >> setpagedevice showpage\n' >empty.ps
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -o empty.pdf empty.ps
ms() { "$OLDPWD/$probe" "$1" 5 | sed -n 's/.* \(direct\|rendered\).* ms \([0-9.]*\).*/\1 \2/p' | head -1; }
printf '%-28s %-10s %8s   %-10s %8s   %s\n' "scan" "path" "ms/page" "path" "ms/page" "rendered/direct"
for f in jpeg300 jpeg200 g4_300; do
  qpdf "$f.pdf" --overlay empty.pdf -- "${f}_forced.pdf"
  read -r p1 t1 <<<"$(ms "$f.pdf")"
  read -r p2 t2 <<<"$(ms "${f}_forced.pdf")"
  printf '%-28s %-10s %8s   %-10s %8s   %.2f\n' "$f" "$p1" "$t1" "$p2" "$t2" "$(echo "$t2 / $t1" | bc -l)"
done
read -r p3 t3 <<<"$(ms fill_hex.pdf)"
printf '%-28s %-10s %8s\n' "born-digital fill (pypdf)" "$p3" "$t3"
read -r p4 t4 <<<"$(ms gs_pdfwrite.pdf)"
printf '%-28s %-10s %8s\n' "print-to-PDF (gs pdfwrite)" "$p4" "$t4"
