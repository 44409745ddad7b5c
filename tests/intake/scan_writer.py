#!/usr/bin/python3
"""A scanner that writes its files IN PLACE, slowly, holding the descriptor.

    scan_writer.py tiff OUT --delay S IMAGE...   multi-page TIFF, page by page (libtiff's way:
                                                   after each page the file is a complete
                                                   TIFF of the pages so far)
    scan_writer.py pdf OUT --delay S IMAGE...    a PDF of page 1, then the whole file
                                                   rewritten (from offset 0) with every page
    scan_writer.py series DIR --delay S --count N IMAGE...
                                                 N files one after the other, alternately
                                                 TIFF and PDF, each with a distinct tag so
                                                 no two are the same bytes
Each step prints one line ("page 1 OUT", "closed OUT") on stdout, flushed, so a test
can follow. `--tag T` puts T in the file (TIFF ImageDescription, PDF title).
"""
import argparse
import io
import os
import sys
import time

from PIL import Image, TiffImagePlugin


def say(*words):
    print(*words, flush=True)


def pages(paths):
    return [Image.open(p).convert("L") for p in paths]


def write_tiff(out, images, delay, tag):
    # PIL's own multi-page writer, one page at a time: the same in-place updates
    # (page data, then its IFD, then the previous IFD's next pointer) a scanner makes.
    with open(out, "w+b") as f:
        with TiffImagePlugin.AppendingTiffWriter(f) as tf:
            for n, im in enumerate(images, 1):
                im.encoderinfo = {"compression": "tiff_deflate", "description": tag, "dpi": (200, 200)}
                im.encoderconfig = ()
                TiffImagePlugin._save(im, tf, out)
                tf.newFrame()
                f.flush()
                os.fsync(f.fileno())
                say("page", n, out)
                time.sleep(delay)
    say("closed", out)


def pdf_bytes(images, tag):
    b = io.BytesIO()
    images[0].save(b, format="PDF", save_all=True, append_images=images[1:], resolution=200.0, title=tag,
                   quality=90)
    return b.getvalue()


def write_pdf(out, images, delay, tag):
    first, whole = pdf_bytes(images[:1], tag), pdf_bytes(images, tag)
    with open(out, "w+b") as f:
        f.write(first)
        f.flush()
        os.fsync(f.fileno())
        say("page", 1, out)
        time.sleep(delay)
        # Rewritten in place in a few chunks, the descriptor held throughout.
        f.seek(0)
        chunk = max(1, len(whole) // 3)
        for i in range(0, len(whole), chunk):
            f.write(whole[i:i + chunk])
            f.flush()
            time.sleep(delay / 3)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
        say("page", len(images), out)
    say("closed", out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["tiff", "pdf", "series"])
    ap.add_argument("out")
    ap.add_argument("images", nargs="+")
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--tag", default="scan")
    a = ap.parse_args()
    images = pages(a.images)
    if a.mode == "tiff":
        write_tiff(a.out, images, a.delay, a.tag)
    elif a.mode == "pdf":
        write_pdf(a.out, images, a.delay, a.tag)
    else:
        for i in range(a.count):
            kind = "tif" if i % 2 == 0 else "pdf"
            out = os.path.join(a.out, "scan-%03d.%s" % (i + 1, kind))
            tag = "%s %d" % (a.tag, i + 1)
            (write_tiff if kind == "tif" else write_pdf)(out, images, a.delay, tag)
            time.sleep(a.delay / 2)
        say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
