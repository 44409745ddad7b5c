"""Pixels for make_realworld.py: handwriting-like signatures (Bézier strokes), rubber stamps."""
import os

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def pnm_ext(im):
    """The uncompressed format for an intermediate file handed to another tool (fast to write and read)."""
    return "pgm" if im.mode == "L" else "ppm"


def font(name, px):
    return ImageFont.truetype(os.path.join(FONT_DIR, name), max(6, int(px)))


def bezier(p0, p1, p2, p3, n=24):
    pts = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
        pts.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return pts


def signature_strokes(rng, box_w, box_h):
    """Handwriting-like strokes in points inside a box (origin top-left): chains of
    cubic Bézier segments with loops and direction changes, a capital, maybe an underline."""
    strokes = []
    x = rng.uniform(0.06, 0.3) * box_w
    base = box_h * rng.uniform(0.55, 0.7)
    xh = box_h * rng.uniform(0.15, 0.26)     # x-height
    slant = rng.uniform(0.1, 0.45)
    for word in range(rng.randint(1, 2)):
        # The capital: a tall stroke up and a loop back.
        top = base - xh * rng.uniform(2.0, 2.8)
        cap = bezier((x, base), (x + xh * slant * 2, top - xh * 0.3), (x + xh * 1.8, top + xh * 0.2),
                     (x + xh * 0.6, base - xh * 0.9))
        cap += bezier(cap[-1], (x - xh * 0.2, base - xh * 0.4), (x + xh * 0.6, base + xh * 0.3),
                      (x + xh * 1.2, base - xh * 0.2))[1:]
        pts = cap
        cx = x + xh * 1.2
        for _ in range(rng.randint(4, 8)):
            w = xh * rng.uniform(0.7, 1.4)
            hgt = xh * rng.choice([1.0, 1.0, 1.0, 1.9, -1.1])  # ascender / descender now and then
            p0 = pts[-1]
            if rng.random() < 0.5:      # a loop: the path goes back on itself
                seg = bezier(p0, (cx + w * 0.9 + hgt * slant, base - hgt * 1.1), (cx - w * 0.3, base - hgt),
                             (cx + w * 0.7, base))
            else:                        # an arch
                seg = bezier(p0, (cx + w * 0.2 + hgt * slant, base - hgt * 1.2),
                             (cx + w * 0.8 + hgt * slant, base - hgt * 1.2), (cx + w, base + rng.uniform(-1, 1)))
            pts += seg[1:]
            cx += w
        strokes.append(pts)
        x = cx + xh * rng.uniform(0.8, 1.6)
        if x > box_w * 0.8:
            break
    if rng.random() < 0.6:                # a flourish under the name
        y = base + xh * rng.uniform(0.5, 0.9)
        x0, x1 = strokes[0][0][0] - xh * 0.3, max(p[0] for s in strokes for p in s)
        strokes.append(bezier((x0, y + 2), (x0 + (x1 - x0) * 0.3, y - 3), (x0 + (x1 - x0) * 0.7, y + 4), (x1, y - 1)))
    # Keep inside the box.
    clipped = []
    for s in strokes:
        clipped.append([(min(max(px, 2), box_w - 2), min(max(py, 2), box_h - 2)) for px, py in s])
    return clipped


def ink_colour(rng, colour):
    if colour == "blue":
        return (rng.randint(15, 40), rng.randint(25, 55), rng.randint(110, 170))
    g = rng.randint(10, 90)
    return (g, g, g)


def draw_signature(im, dpi, tpl, rng, colour="black", offset=(0.0, 0.0), width_frac=1.0):
    """Draws a signature into the signature box of a page image at dpi."""
    k = dpi / 72.0
    s = tpl.signature
    strokes = signature_strokes(rng, s["w"] * width_frac, s["h"])
    pen = max(1, int(round(rng.uniform(0.6, 1.6) * k)))
    ink = ink_colour(rng, colour)
    fill = ink if im.mode == "RGB" else int(sum(ink) / 3)
    d = ImageDraw.Draw(im)
    for st in strokes:
        pts = [((s["x"] + offset[0] + x) * k, (s["y"] + offset[1] + y) * k) for x, y in st]
        d.line(pts, fill=fill, width=pen, joint="curve")
    return {"pen_px": pen, "ink": list(ink), "strokes": len(strokes)}


def signature_png(path, tpl, rng, dpi=200):
    """A transparent PNG of the signature box holding a drawn signature (for pdf-lib drawImage)."""
    s = tpl.signature
    k = dpi / 72.0
    im = Image.new("RGBA", (int(s["w"] * k), int(s["h"] * k)), (255, 255, 255, 0))
    strokes = signature_strokes(rng, s["w"], s["h"])
    ink = ink_colour(rng, rng.choice(["black", "blue"])) + (255,)
    pen = max(1, int(round(rng.uniform(0.7, 1.5) * k)))
    d = ImageDraw.Draw(im)
    for st in strokes:
        d.line([(x * k, y * k) for x, y in st], fill=ink, width=pen, joint="curve")
    im.save(path)
    return [s["x"], tpl.page_h - s["y"] - s["h"], s["w"], s["h"]]


def stamp(im, dpi, rng, text_lines, colour, size_pt, centre_pt, angle=None):
    """A rubber stamp: double frame, bold capitals, uneven ink, slightly turned."""
    k = dpi / 72.0
    f = font("DejaVuSans-Bold.ttf", size_pt * k)
    pad = size_pt * 0.45 * k
    widths = [f.getlength(t) for t in text_lines]
    w = int(max(widths) + 2 * pad)
    line_h = size_pt * 1.2 * k
    h = int(len(text_lines) * line_h + 2 * pad)
    layer = Image.new("L", (w + 8, h + 8), 0)
    d = ImageDraw.Draw(layer)
    lw = max(1, int(size_pt * 0.12 * k))
    d.rectangle([2, 2, w + 4, h + 4], outline=255, width=lw)
    d.rectangle([2 + 2 * lw, 2 + 2 * lw, w + 4 - 2 * lw, h + 4 - 2 * lw], outline=255, width=max(1, lw // 2))
    for i, t in enumerate(text_lines):
        d.text(((w + 8 - widths[i]) / 2, pad + 4 + i * line_h), t, font=f, fill=255)
    # Uneven ink: holes where the rubber did not touch.
    holes = Image.frombytes("L", layer.size, rng.randbytes(layer.size[0] * layer.size[1]))
    holes = holes.filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: 0 if v < 118 else 255)
    layer = ImageChops.multiply(layer, holes)
    layer = layer.rotate(angle if angle is not None else rng.uniform(-8, 8), expand=True,
                         resample=Image.Resampling.BICUBIC)
    rgb = {"red": (200, 30, 40), "blue": (30, 60, 170), "grey": (110, 110, 110)}[colour]
    if im.mode != "RGB":
        im = im.convert("RGB")
    ink = Image.new("RGB", layer.size, rgb)
    cx, cy = centre_pt
    im.paste(ink, (int(cx * k - layer.size[0] / 2), int(cy * k - layer.size[1] / 2)), layer.point(lambda v: v * 0.85))
    return im
