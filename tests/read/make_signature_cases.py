#!/usr/bin/python3
"""Signature-box images for the signature judge's test (tests/read/signature_test.cpp).

Each image is the signature zone as read_form cuts it: the box (481.28 x 100 pt)
and 1 pt around it, at --px-per-pt, with the printed box lines, scanner noise
and blur. Drawn here, not by our form generator: handwriting as pen strokes
(cursive loops, bezier scribbles, short initials, thick felt pen, thin
ballpoint, faint grey) and the marks that are not a signature (received-stamps
with and without frame, several texts, sizes, greys and small rotations; fold
creases at any angle; scanner streaks; printed text lines; filled rectangles),
and the mixed cases (a stamp beside or over a signature).

Writes PNGs and cases.tsv (file, class, style) under --out. Random from --seed.
"""
import argparse
import math
import os
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
STAMP_FONTS = ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono-Bold.ttf",
               "DejaVuSansCondensed-Bold.ttf", "DejaVuSerif.ttf"]
STAMP_WORDS = ["INKOM", "INKOM", "MOTTAGEN", "KOPIA", "INKOMMEN", "MOTTAGET", "ANKOM"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAJ", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC"]


class Box:
    def __init__(self, s):
        self.s = s
        self.mm = s * 72 / 25.4
        self.w = round((481.28 + 2) * s)
        self.h = round((100 + 2) * s)

    def blank(self):
        return Image.new("L", (self.w, self.h), 255)


def darken(base, layer):
    return ImageChops.darker(base, layer)


def finish(b, img, rng):
    """Printed box lines, then a scan: blur and noise."""
    d = ImageDraw.Draw(img)
    lw = max(1, round(0.75 * b.s))
    m = round(1 * b.s)
    d.rectangle([m - lw // 2, m - lw // 2, b.w - 1 - m + lw // 2, b.h - 1 - m + lw // 2], outline=rng.randint(0, 40), width=lw)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    noise = Image.effect_noise((b.w, b.h), rng.uniform(3, 8))
    return ImageChops.add(img, noise, 1.0, -128)


def jitter(points, rng, amount):
    return [(x + rng.gauss(0, amount), y + rng.gauss(0, amount)) for x, y in points]


def stroke(img, points, width, grey):
    layer = Image.new("L", img.size, 255)
    ImageDraw.Draw(layer).line(points, fill=grey, width=width, joint="curve")
    return darken(img, layer)


def bezier(p0, p1, p2, p3, n=40):
    out = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def pen(b, rng, style):
    """(width px, grey) of the pen for a handwriting style."""
    if style == "felt":
        return max(3, round(rng.uniform(0.9, 1.8) * b.mm)), rng.randint(0, 60)
    if style == "ballpoint":
        return rng.choice([1, 2]), rng.randint(0, 70)
    if style == "faint":
        return rng.choice([1, 2]), rng.randint(140, 180)
    return max(2, round(rng.uniform(0.3, 0.7) * b.mm)), rng.randint(0, 90)


def cursive(b, rng, x0, x1, yb, height):
    """A cursive name: loops of varying size advancing along a wavy baseline, pen lifts now and then."""
    parts, cur = [], []
    x = x0
    t = 0.0
    while x < x1:
        step = rng.uniform(0.08, 0.16)
        t += step
        r = height * rng.uniform(0.25, 0.6)
        loop = rng.random() < 0.3
        y = yb - r * (1 + math.sin(t * 6.2)) * (1.6 if loop else 1.0) + height * 0.1 * math.sin(t * 1.3)
        x += b.mm * rng.uniform(0.35, 0.9) + r * 0.3 * math.cos(t * 6.2)
        cur.append((x, y))
        if len(cur) > 25 and len(parts) < 3 and rng.random() < 0.03:
            parts.append(cur)
            x += b.mm * rng.uniform(1, 4)
            cur = []
    if cur:
        parts.append(cur)
    return parts


def scribble(b, rng, x0, x1, yc, height):
    pts = []
    p = (x0, yc + rng.uniform(-height, height) / 2)
    n = rng.randint(3, 7)
    for i in range(n):
        q = (x0 + (x1 - x0) * (i + 1) / n, yc + rng.uniform(-height, height) / 2)
        c1 = (p[0] + rng.uniform(-0.3, 0.8) * (q[0] - p[0]), yc + rng.uniform(-1.2, 1.2) * height)
        c2 = (q[0] - rng.uniform(-0.3, 0.8) * (q[0] - p[0]), yc + rng.uniform(-1.2, 1.2) * height)
        pts += bezier(p, c1, c2, q)
        p = q
    # A flourish back under it.
    pts += bezier(p, (p[0] + height, p[1] + height), (x0 + (x1 - x0) * 0.3, yc + height * 0.9), (x0 - height * 0.2, yc + height * 0.4))
    return [pts]


def initials(b, rng, x0, yb, height):
    """Two letters with a pen: a K-like and an A/Å-like letter, or an E-like; a dot or a flourish."""
    parts = []
    x = x0
    for _ in range(2):
        kind = rng.choice(["K", "A", "E", "S"])
        w = height * rng.uniform(0.6, 0.9)
        if kind == "K":
            parts.append([(x, yb), (x + 0.05 * w, yb - height)])
            parts.append([(x + w, yb - height), (x + 0.1 * w, yb - height * 0.45), (x + w, yb)])
        elif kind == "A":
            parts.append([(x, yb), (x + w / 2, yb - height), (x + w, yb)])
            parts.append([(x + w * 0.25, yb - height * 0.45), (x + w * 0.75, yb - height * 0.45)])
            cx, cy, r = x + w / 2, yb - height * 1.2, height * 0.12
            parts.append([(cx + r * math.cos(a / 8 * math.pi), cy + r * math.sin(a / 8 * math.pi)) for a in range(17)])
        elif kind == "E":
            parts.append([(x + w, yb - height), (x, yb - height), (x, yb), (x + w, yb)])
            parts.append([(x, yb - height / 2), (x + w * 0.7, yb - height / 2)])
        else:
            pts = []
            for i in range(40):
                t = i / 39
                pts.append((x + w / 2 + w / 2 * math.sin(t * 2 * math.pi) * (1 if t < 0.5 else -1) * 0.9,
                            yb - height + height * t))
            parts.append(pts)
        x += w * 1.5
    # Most initials end in a flourish.
    if rng.random() < 0.7:
        parts.append(bezier((x0, yb + height * 0.2), (x0 + height, yb + height * 0.5), (x, yb - height * 0.2), (x + height * 0.3, yb + height * 0.3)))
    return parts


def signature(b, img, rng, region=None):
    x0, x1 = region or (b.w * 0.05, b.w * 0.95)
    style = rng.choice(["cursive", "scribble", "initials", "felt", "ballpoint", "faint"])
    width_mm = (x1 - x0) / b.mm
    height = b.mm * rng.uniform(6, 14)
    yb = b.h * rng.uniform(0.55, 0.75)
    length = b.mm * rng.uniform(min(35, width_mm * 0.8), min(110, width_mm * 0.95))
    start = rng.uniform(x0, max(x0 + 1, x1 - length))
    if style == "initials":
        parts = initials(b, rng, start, yb, b.mm * rng.uniform(7, 14))
    elif style == "scribble":
        parts = scribble(b, rng, start, start + length, yb - height / 2, height)
    else:
        parts = cursive(b, rng, start, start + length, yb, height)
    w, grey = pen(b, rng, style)
    for p in parts:
        if len(p) >= 2:
            img = stroke(img, jitter(p, rng, 0.25 * b.s), w, grey)
    return img, style


def stamp_layer(b, rng, size_mm=None, framed=None, angle=None):
    font = ImageFont.truetype(FONTS + rng.choice(STAMP_FONTS), max(8, round((size_mm or rng.uniform(2.5, 8)) * b.mm / 0.72)))
    word = rng.choice(STAMP_WORDS)
    day = rng.randint(1, 28)
    date = rng.choice([f"2026-{rng.randint(1, 12):02d}-{day:02d}", f"{day:02d} {rng.choice(MONTHS)} 2026", f"{day:02d}.{rng.randint(1, 12):02d}.2026"])
    lines = rng.choice([[word, date], [f"{word} {date}"], [word, date, "Redovisning AB"]])
    pad = font.size // 3
    sizes = [font.getbbox(t) for t in lines]
    tw = max(s[2] for s in sizes) + 2 * pad
    th = sum(s[3] + pad // 2 for s in sizes) + 2 * pad
    layer = Image.new("L", (tw + 8, th + 8), 255)
    d = ImageDraw.Draw(layer)
    grey = rng.choice([rng.randint(0, 60), rng.randint(60, 130)])
    y = pad + 4
    for t, s in zip(lines, sizes):
        d.text((pad + 4, y), t, font=font, fill=grey)
        y += s[3] + pad // 2
    if framed if framed is not None else rng.random() < 0.5:
        d.rectangle([2, 2, tw + 5, th + 5], outline=grey, width=max(2, font.size // 12))
    a = angle if angle is not None else rng.uniform(-5, 5)
    return layer.rotate(a, resample=Image.BICUBIC, expand=True, fillcolor=255), " ".join(lines)


def place(img, layer, x, y):
    full = Image.new("L", img.size, 255)
    full.paste(layer, (int(x), int(y)))
    return darken(img, full)


def stamp(b, img, rng, region=None):
    x0, x1 = region or (0, b.w)
    for _ in range(20):
        layer, text = stamp_layer(b, rng)
        if layer.size[0] < (x1 - x0) * 0.95 and layer.size[1] < b.h * 0.9:
            break
    x = rng.uniform(x0, max(x0, x1 - layer.size[0]))
    y = rng.uniform(b.h * 0.05, max(b.h * 0.05, b.h * 0.95 - layer.size[1]))
    return place(img, layer, x, y), text


def crease(b, img, rng):
    a = rng.uniform(0, math.pi)
    cx, cy = rng.uniform(0.1, 0.9) * b.w, rng.uniform(0.2, 0.8) * b.h
    L = b.w * 2
    p = [(cx - L * math.cos(a), cy - L * math.sin(a)), (cx + L * math.cos(a), cy + L * math.sin(a))]
    return stroke(img, p, rng.choice([2, 3]), rng.randint(90, 170)), f"angle {math.degrees(a):.0f}"


def streak(b, img, rng):
    x = rng.uniform(0.02, 0.98) * b.w
    return stroke(img, [(x, -5), (x + rng.uniform(-2, 2), b.h + 5)], rng.choice([1, 2, 3, 4]), rng.randint(40, 170)), "streak"


def printed(b, img, rng):
    font = ImageFont.truetype(FONTS + rng.choice(["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSans-Bold.ttf"]), round(rng.uniform(9, 16) * b.s))
    text = rng.choice(["Karin Åkesson, firmatecknare", "Per Andersson", "Enligt fullmakt", "Signerad digitalt 2026-11-20",
                       "Åkesson Bygg & Måleri AB", "Se bilaga"])
    d = ImageDraw.Draw(img)
    d.text((rng.uniform(0.03, 0.5) * b.w, rng.uniform(0.15, 0.6) * b.h), text, font=font, fill=rng.randint(0, 60))
    return img, text


def rectangle(b, img, rng):
    w, h = rng.uniform(8, 60) * b.mm, rng.uniform(5, 25) * b.mm
    x, y = rng.uniform(0, b.w - w), rng.uniform(0, max(1, b.h - h))
    ImageDraw.Draw(img).rectangle([x, y, x + w, y + h], fill=rng.randint(0, 130))
    return img, f"{w / b.mm:.0f}x{h / b.mm:.0f} mm"


def dust(b, img, rng):
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 15)):
        x, y, r = rng.uniform(0, b.w), rng.uniform(0, b.h), rng.uniform(0.5, 2)
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(0, 120))
    return img, "specks"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=20, help="cases per class")
    ap.add_argument("--px-per-pt", type=float, default=2.5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    b = Box(a.px_per_pt)
    os.makedirs(a.out, exist_ok=True)
    rows = []

    def emit(kind, img, style):
        name = f"{kind}_{len(rows):04d}.png"
        finish(b, img, rng).save(os.path.join(a.out, name))
        rows.append(f"{name}\t{kind}\t{style}")

    for _ in range(a.n):
        img, style = signature(b, b.blank(), rng)
        emit("signature", img, style)
        emit("stamp", stamp(b, b.blank(), rng)[0], "stamp")
        emit("crease", *crease(b, b.blank(), rng))
        emit("streak", *streak(b, b.blank(), rng))
        emit("printed", *printed(b, b.blank(), rng))
        emit("rectangle", *rectangle(b, b.blank(), rng))
        emit("blank", *dust(b, b.blank(), rng) if rng.random() < 0.5 else (b.blank(), "blank"))
        # A stamp beside a signature: the signature in one half, the stamp in the other.
        left = rng.random() < 0.5
        img, style = signature(b, b.blank(), rng, (b.w * 0.03, b.w * 0.5) if left else (b.w * 0.5, b.w * 0.97))
        img, _ = stamp(b, img, rng, (b.w * 0.55, b.w) if left else (0, b.w * 0.45))
        emit("stamp_beside_signature", img, style)
        # A stamp over a signature.
        img, style = signature(b, b.blank(), rng)
        img, _ = stamp(b, img, rng)
        emit("stamp_over_signature", img, style)
    with open(os.path.join(a.out, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
