#!/usr/bin/env bash
# Builds the raster stage's test inputs with other tools than ours (poppler,
# img2pdf, libtiff's tiffcp/tiff2pdf, ImageMagick, ghostscript, mutool, qpdf,
# pypdf): make_inputs.sh SOURCE_DIR OUT_DIR. Each input is one file in OUT_DIR;
# a tool that fails leaves its file missing (the test names it). Fast: about
# 10 s on one core.
set -u
src="$1"
out="$2"
mkdir -p "$out"
cd "$out" || exit 1
blank="$src/forms/linkage-form-v1.pdf"
py=/usr/bin/python3
run() { "$@" >/dev/null 2>>"$out/tools.log" || echo "failed: $*" >>"$out/tools.log"; }

# The blank form as a flat scanner delivers it (poppler renders it).
run pdftoppm -gray -r 300 -singlefile -png "$blank" p300
run pdftoppm -gray -r 200 -singlefile -jpeg "$blank" p200
run pdftoppm -mono -r 300 -singlefile "$blank" p300mono         # p300mono.pbm
# img2pdf: one image per page, as scanners write them.
run img2pdf p300.png -o img2pdf_png300.pdf
run img2pdf p200.jpg -o img2pdf_jpeg200.pdf
# CMYK JPEG: img2pdf writes /Decode [1 0 1 0 1 0 1 0] for Adobe's inverted CMYK.
run convert p200.jpg -colorspace CMYK -density 200 -units PixelsPerInch cmyk.jpg
run img2pdf cmyk.jpg -o img2pdf_cmyk.pdf
# JPEG 2000, palette and 16-bit PNG.
run convert p200.jpg -density 200 -units PixelsPerInch p200.jp2
run img2pdf p200.jp2 -o img2pdf_jp2.pdf
run convert p200.jpg -density 200 -units PixelsPerInch -colors 16 PNG8:pal.png
run img2pdf pal.png -o img2pdf_palette.pdf
run convert p200.jpg -density 200 -units PixelsPerInch -depth 16 PNG48:p16.png
run img2pdf p16.png -o img2pdf_16bit.pdf
# tiff2pdf from G4, LZW and JPEG TIFFs.
run convert p300mono.pbm -density 300 -units PixelsPerInch -compress Group4 g4.tif
run tiff2pdf -o tiff2pdf_g4.pdf g4.tif
run convert p200.jpg -density 200 -units PixelsPerInch -compress LZW lzw.tif
run tiff2pdf -o tiff2pdf_lzw.pdf lzw.tif
run convert p200.jpg -density 200 -units PixelsPerInch -compress JPEG jpeg.tif
run tiff2pdf -j -q 85 -o tiff2pdf_jpeg.pdf lzw.tif   # tiff2pdf of a JPEG TIFF is broken in every viewer; -j re-encodes
# Fax: 204×98 (standard) and 204×196 (fine), G3 1-D and 2-D, as TIFF and through tiff2pdf.
run pdftoppm -mono -r 204 -singlefile "$blank" fax204
run convert fax204.pbm -resize '100%x48.039%!' -density 204x98 -units PixelsPerInch -compress Fax fax_98_g3.tif
run tiffcp -c g3:2d fax_98_g3.tif fax_98_g3_2d.tif
run convert fax204.pbm -resize '100%x96.078%!' -density 204x196 -units PixelsPerInch -compress Fax fax_196_g3.tif
run tiff2pdf -o tiff2pdf_fax_98_2d.pdf fax_98_g3_2d.tif
# Vector PDFs of the blank: ghostscript pdfwrite, mutool convert.
run gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -o gs_pdfwrite.pdf "$blank"
run mutool convert -o mutool.pdf "$blank"
# A white box over the top-left mark and a black bar across the page, drawn
# over the scan (qpdf --overlay of a page ghostscript writes).
cat >overlay.ps <<'PS'
%!PS
<< /PageSize [595.28 841.89] >> setpagedevice
1 setgray 30 770 42 42 rectfill
0 setgray 100 400 400 30 rectfill
showpage
PS
run gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -o overlay.pdf overlay.ps
run qpdf img2pdf_jpeg200.pdf --overlay overlay.pdf -- whitebox.pdf
# A scan whose cross-reference table and trailer are gone (cut after the last
# object): PoDoFo refuses it, poppler rebuilds it as viewers do.
run "$py" -c "import sys; d=open(sys.argv[1],'rb').read(); open(sys.argv[2],'wb').write(d[:d.rindex(b'endobj')+6]+b'\\n')" img2pdf_jpeg200.pdf noxref.pdf
# /Rotate 90 on a scan.
run qpdf img2pdf_jpeg200.pdf --rotate=+90 -- rotated.pdf
# Encrypted with an empty user password: RC4-40, RC4-128, AES-128, AES-256.
run qpdf --allow-weak-crypto --encrypt '' owner 40 -- img2pdf_jpeg200.pdf enc40.pdf
run qpdf --allow-weak-crypto --encrypt '' owner 128 --use-aes=n -- img2pdf_jpeg200.pdf enc128.pdf
run qpdf --encrypt '' owner 128 --use-aes=y -- img2pdf_jpeg200.pdf encaes128.pdf
run qpdf --encrypt '' owner 256 -- img2pdf_jpeg200.pdf encaes256.pdf
# Feeder stacks: 500 pages (TIFF G4 at 150 dpi; img2pdf of one JPEG), 11 pages.
run pdftoppm -mono -r 150 -singlefile "$blank" p150mono
run pdftoppm -gray -r 150 -singlefile -jpeg -jpegopt quality=60 "$blank" p150
run convert p150mono.pbm -density 150 -units PixelsPerInch -compress Group4 g4_150.tif
run tiffcp -c g4 $(for i in $(seq 500); do echo g4_150.tif; done) stack500.tif
run img2pdf $(for i in $(seq 500); do echo p150.jpg; done) -o stack500.pdf
run img2pdf $(for i in $(seq 11); do echo p200.jpg; done) -o stack11.pdf
# Born-digital fills with pypdf: values as hex strings (UTF-16BE with BOM,
# PDFDocEncoding), fields nested under a parent, /V inherited from /Parent;
# an incremental update that changes one value (hex); the fill encrypted
# (AES-256, AES-128, RC4-128).
run "$py" "$src/tests/raster/fill_hex.py" "$blank" fill_hex.pdf
run "$py" "$src/tests/raster/incremental.py" fill_hex.pdf fill_incremental.pdf 556000-1111
run qpdf --encrypt '' owner 256 -- fill_hex.pdf fill_hex_aes256.pdf
run qpdf --encrypt '' owner 128 --use-aes=y -- fill_hex.pdf fill_hex_aes128.pdf
run qpdf --allow-weak-crypto --encrypt '' owner 128 --use-aes=n -- fill_hex.pdf fill_hex_rc4.pdf
exit 0
