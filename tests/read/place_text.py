#!/usr/bin/python3
"""Types values into the field boxes of a rendered blank form page, each at a
given distance (pt) from one side of its box (measured from the inner edge of
the printed line to the ink), as PDF form fillers place text 0.5-4 pt from
the border. For tests/read/box_lines_test.cpp.

Usage: place_text.py --page blank.pgm --dpi 300 --side left --out page.png
         --template templates/linkage-form.v1.json FIELD=VALUE@OFFSET ...
"""
import argparse
import json

from PIL import Image, ImageDraw, ImageFont


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", required=True)
    ap.add_argument("--dpi", type=float, required=True)
    ap.add_argument("--side", choices=["left", "right", "top", "bottom"], required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("values", nargs="+")
    a = ap.parse_args()
    t = json.load(open(a.template))
    boxes = {f["name"]: f for f in t["fields"]}
    s = a.dpi / 72
    img = Image.open(a.page).convert("L")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", round(12 * s))
    line = 0.5  # the printed line's inner edge lies 0.5 pt inside the box coordinate
    for spec in a.values:
        name, rest = spec.split("=", 1)
        value, off = rest.rsplit("@", 1)
        off = float(off)
        b = boxes[name]
        x0, y0, x1, y1 = b["x"] + line, b["y"] + line, b["x"] + b["w"] - line, b["y"] + b["h"] - line
        l, tp, r, bt = font.getbbox(value)
        w, h = (r - l) / s, (bt - tp) / s  # ink size, pt
        if a.side == "left":
            X, Y = x0 + off, (y0 + y1 - h) / 2
        elif a.side == "right":
            X, Y = x1 - off - w, (y0 + y1 - h) / 2
        elif a.side == "top":
            X, Y = x0 + 6, y0 + off
        else:
            X, Y = x0 + 6, y1 - off - h
        d.text((X * s - l, Y * s - tp), value, font=font, fill=0)
    img.save(a.out)


if __name__ == "__main__":
    main()
