#!/usr/bin/python3
"""Prints a pre-filled linkage form, fills in the client's part by "hand" and scans it.

usage: sign_prefilled.py IN.pdf OUT.jpg SIGNER_NAME SIGNER_EMAIL PLACE DATE [--dpi 300] [--quality 85] [--rotate DEG]

Renders IN.pdf with poppler (the bureau's values as printed), types the signer's
values into their boxes (coordinates from templates/linkage-form.v1.json), adds
a pen scribble in the signature box and writes a JPEG, as a scanner would.
"""
import argparse
import json
import os
import subprocess
import tempfile

from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pdf")
    p.add_argument("out")
    p.add_argument("signer_name")
    p.add_argument("signer_email")
    p.add_argument("place")
    p.add_argument("date")
    p.add_argument("--dpi", type=int, default=300)
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--rotate", type=float, default=0.0)
    a = p.parse_args()
    with open(os.path.join(ROOT, "templates", "linkage-form.v1.json"), encoding="utf-8") as f:
        tpl = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        stem = os.path.join(tmp, "page")
        subprocess.run(["pdftoppm", "-r", str(a.dpi), "-gray", "-singlefile", a.pdf, stem], check=True)
        im = Image.open(stem + ".pgm")
        im.load()
    k = a.dpi / 72.0
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", int(round(tpl["value_size"] * k)))
    boxes = {f["name"]: f for f in tpl["fields"]}
    for name, value in (("signer_name", a.signer_name), ("signer_email", a.signer_email), ("place", a.place),
                        ("date", a.date)):
        b = boxes[name]
        d.text(((b["x"] + 5) * k, (b["y"] + b["h"] / 2 + tpl["value_size"] * 0.36) * k), value, font=font, fill=20,
               anchor="ls")
    s = tpl["signature"]
    pts = [((s["x"] + 40 + i * 4) * k, (s["y"] + s["h"] / 2 + (12 if i % 4 < 2 else -12)) * k) for i in range(50)]
    d.line(pts, fill=20, width=max(2, int(k)), joint="curve")
    if a.rotate:
        im = im.rotate(a.rotate, resample=Image.BICUBIC, fillcolor=255)
    im.save(a.out, "JPEG", quality=a.quality, dpi=(a.dpi, a.dpi))


if __name__ == "__main__":
    main()
