#!/usr/bin/python3
"""Pages for the unexplained-marks rule (src/marks): clean filled forms that
must never fire, and forms with a mark nothing explains that must fire.

Uses tests/support/make_scans.py's painter (the blank rendered by poppler,
values typed where the template puts them, a scribbled signature) and adds
what a mailroom, an office and a scanner add:
  clean:  noise, small rotation and shift, hole punches at the left margin,
          a staple at a corner, a scanner edge shadow, JPEG, 100/200/300 dpi
  fires:  MAKULERAD across the page (dark or mid grey, rotated ~30°), OGILTIG
          written over a field and past its edge, a received stamp overlapping
          a field, a strike-through over a field value, a scribble beside a
          field, a white box over a field (outline erased, another value
          typed), a white box over the signature box, a note box over a field
Writes DIR/cases.json: [{file, dpi, expect: "clean"|"fires", what}].

usage: make_marked.py --out DIR --seed S [--dpis 100,200,300] [--today YYYY-MM-DD]
"""

import argparse
import datetime
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import make_scans  # noqa: E402
from PIL import Image, ImageChops, ImageDraw  # noqa: E402


def mm(dpi, v):
    return v / 25.4 * dpi


def pt(dpi, v):
    return v * dpi / 72.0


class Maker:
    def __init__(self, out, seed, today):
        self.out = out
        self.seed = seed
        self.today = today
        self.tpl = make_scans.Template(make_scans.TEMPLATE)
        self.reg = make_scans.Registry(os.path.join(make_scans.ROOT, "data", "sample-registry.json"))
        self.work = os.path.join(out, "work")
        os.makedirs(self.work, exist_ok=True)
        self.painter = make_scans.Painter(self.tpl, self.work)
        self.cases = []
        self.n = 0

    def rng(self, label):
        return random.Random("%s|%d|%s" % (self.seed, self.n, label))

    def filled(self, dpi, rng, **kw):
        values = self.reg.values(rng, self.today)
        hand = kw.pop("hand", rng.random() < 0.25)
        font = None if hand else rng.choice(make_scans.TYPED_FONTS)
        return self.painter.form(dpi, values, rng, font=font, hand=hand), values

    def emit(self, im, dpi, expect, what, rng, jpeg=False, shadow=False):
        self.n += 1
        # What every scanner adds: a little rotation and shift, some noise.
        im, _ = make_scans.degrade(im, rng, dpi, {"rotate_deg": round(rng.uniform(-2.0, 2.0), 2),
                                                  "shift_mm": [round(rng.uniform(-3, 3), 1),
                                                               round(rng.uniform(-3, 3), 1)],
                                                  "noise": rng.choice([0, 4, 8, 12])})
        if shadow:  # in the scanner's frame, not the paper's
            im = self.edge_shadow(im.convert("L"), dpi, rng)
        name = "%03d-%s-%d.%s" % (self.n, what, dpi, "jpg" if jpeg else "png")
        path = os.path.join(self.out, name)
        if jpeg:
            im.convert("L").save(path, format="JPEG", quality=rng.randint(55, 85), dpi=(dpi, dpi))
        else:
            im.convert("L").save(path, format="PNG", dpi=(dpi, dpi))
        self.cases.append({"file": name, "dpi": dpi, "expect": expect, "what": what})

    # ---------------------------------------------------------- clean noise

    def hole_punches(self, im, dpi, rng):
        d = ImageDraw.Draw(im)
        cx = mm(dpi, rng.uniform(10, 13))
        r = mm(dpi, 3)
        shade = rng.choice([20, 60, 110])
        mid = im.size[1] / 2
        for dy in (-40, 40):
            cy = mid + mm(dpi, dy + rng.uniform(-2, 2))
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=shade)

    def staple(self, im, dpi, rng):
        d = ImageDraw.Draw(im)
        w, h = im.size
        cx, cy = mm(dpi, rng.uniform(7, 12)), mm(dpi, rng.uniform(7, 12))
        if rng.random() < 0.5:
            cx = w - cx
        ang = math.radians(rng.choice([0, 45, 90, 135]) + rng.uniform(-10, 10))
        half = mm(dpi, 6)
        d.line([(cx - half * math.cos(ang), cy - half * math.sin(ang)),
                (cx + half * math.cos(ang), cy + half * math.sin(ang))],
               fill=rng.choice([40, 90]), width=max(2, int(mm(dpi, 0.8))))

    def edge_shadow(self, im, dpi, rng):
        """A dark band fading inwards along one edge of the scan (the lid's shadow)."""
        w, h = im.size
        side = rng.choice(["left", "right", "bottom", "top"])
        depth = max(2, int(mm(dpi, rng.uniform(3, 12))))
        ramp = bytes(int(15 + 240 * (i / depth) ** 1.5) for i in range(depth))
        if side in ("left", "right"):
            band = Image.frombytes("L", (depth, 1), ramp if side == "left" else ramp[::-1]).resize((depth, h))
            box = (0, 0) if side == "left" else (w - depth, 0)
        else:
            band = Image.frombytes("L", (1, depth), ramp if side == "top" else ramp[::-1]).resize((w, depth))
            box = (0, 0) if side == "top" else (0, h - depth)
        region = im.crop((box[0], box[1], box[0] + band.size[0], box[1] + band.size[1]))
        im.paste(ImageChops.darker(region, band), box)
        return im

    # ---------------------------------------------------------- attacks

    def makulerad(self, im, dpi, rng, grey):
        word = rng.choice(["MAKULERAD", "OGILTIG", "MAKULERAD"])
        size = int(pt(dpi, rng.uniform(60, 90)))
        f = self.painter.font("DejaVuSans-Bold.ttf", size)
        layer = Image.new("L", im.size, 0)
        ImageDraw.Draw(layer).text((im.size[0] / 2, im.size[1] / 2 + rng.uniform(-0.2, 0.2) * im.size[1]), word,
                                   font=f, fill=255, anchor="mm")
        layer = layer.rotate(rng.uniform(25, 35) * rng.choice([1, -1]), resample=Image.Resampling.BICUBIC)
        shade = rng.randint(110, 150) if grey else rng.randint(10, 50)
        ink = Image.new("L", im.size, shade)
        im.paste(ink, (0, 0), layer)

    def word_over_field(self, im, dpi, rng):
        """A word written over a field and past its edge (writing that stays inside a
        box is the value's business: OCR and the registry checks judge it)."""
        box = self.tpl.fields[rng.choice(["bureau_name", "client_name", "signer_name", "signer_email"])]
        f = self.painter.font(make_scans.HAND_FONT, int(pt(dpi, rng.uniform(24, 34))))
        x = pt(dpi, box["x"] + rng.uniform(40, 200))
        y = pt(dpi, box["y"] + box["h"] * rng.choice([rng.uniform(-0.5, -0.2), rng.uniform(1.2, 1.5)]))
        ImageDraw.Draw(im).text((x, y), rng.choice(["OGILTIG", "Makulerad", "GÄLLER EJ"]), font=f,
                                fill=rng.randint(10, 60), anchor="lm")

    def stamp(self, im, dpi, rng):
        name = rng.choice(list(self.tpl.fields))
        box = self.tpl.fields[name]
        sw, sh = mm(dpi, rng.uniform(35, 50)), mm(dpi, rng.uniform(14, 20))
        layer = Image.new("L", (int(sw), int(sh)), 0)
        d = ImageDraw.Draw(layer)
        lw = max(2, int(mm(dpi, 0.6)))
        d.rectangle([lw, lw, sw - lw, sh - lw], outline=255, width=lw)
        f1 = self.painter.font("DejaVuSans-Bold.ttf", int(sh * 0.35))
        f2 = self.painter.font("DejaVuSans.ttf", int(sh * 0.22))
        d.text((sw / 2, sh * 0.36), rng.choice(["INKOM", "MOTTAGET", "INKOM"]), font=f1, fill=255, anchor="mm")
        date = (self.today - datetime.timedelta(days=rng.randint(0, 10))).isoformat()
        d.text((sw / 2, sh * 0.74), date, font=f2, fill=255, anchor="mm")
        layer = layer.rotate(rng.uniform(-12, 12), expand=True, resample=Image.Resampling.BICUBIC)
        # Red or blue ink as a grey scanner sees it.
        shade = rng.choice([80, 95, 60])
        cx = pt(dpi, box["x"] + box["w"] * rng.uniform(0.3, 0.9))
        cy = pt(dpi, box["y"] + box["h"] * rng.uniform(-0.2, 1.2))
        im.paste(Image.new("L", layer.size, shade), (int(cx - layer.size[0] / 2), int(cy - layer.size[1] / 2)), layer)

    def strike(self, im, dpi, rng):
        name = rng.choice(list(self.tpl.fields))
        box = self.tpl.fields[name]
        y = pt(dpi, box["y"] + box["h"] / 2 + rng.uniform(-3, 2))
        x0 = pt(dpi, box["x"] + rng.uniform(3, 8))
        x1 = pt(dpi, box["x"] + box["w"] * rng.uniform(0.82, 0.97))
        rise = pt(dpi, rng.uniform(-3, 3))
        ImageDraw.Draw(im).line([(x0, y - rise / 2), (x1, y + rise / 2)], fill=rng.randint(10, 60),
                                width=max(2, int(pt(dpi, rng.uniform(0.8, 1.6)))))
        return name

    def scribble_beside(self, im, dpi, rng):
        # Whitespace beside a field: right of the bureau's number or of the reference box (clear of
        # the signature's overflow band, which another rule judges).
        spot = rng.choice([(275, 247, 150, 22), (275, 694, 200, 20), (420, 694, 110, 20)])
        x0, y0, w, h = spot
        d = ImageDraw.Draw(im)
        pts = []
        n = 50
        freq = rng.uniform(2, 5)
        span = w * rng.uniform(0.5, 0.9)
        for i in range(n + 1):
            t = i / n
            pts.append((pt(dpi, x0 + span * t), pt(dpi, y0 + h / 2 + h * 0.4 * math.sin(2 * math.pi * freq * t))))
        d.line(pts, fill=rng.randint(10, 60), width=max(2, int(pt(dpi, 0.9))), joint="curve")

    def whiteout_field(self, im, dpi, rng):
        name = rng.choice(list(self.tpl.fields))
        box = self.tpl.fields[name]
        pad = rng.uniform(2, 6)
        d = ImageDraw.Draw(im)
        d.rectangle([pt(dpi, box["x"] - pad), pt(dpi, box["y"] - pad * 0.6), pt(dpi, box["x"] + box["w"] + pad),
                     pt(dpi, box["y"] + box["h"] + pad)], fill=rng.choice([255, 250, 245]))
        f = self.painter.font("DejaVuSans.ttf", int(pt(dpi, 12)))
        d.text((pt(dpi, box["x"] + 5), pt(dpi, box["y"] + box["h"] / 2 + 4)), "Annat Värde AB", font=f, fill=20,
               anchor="ls")

    def note_over_field(self, im, dpi, rng):
        """A note pasted or drawn over a field (a PDF editor's comment box, a sticky note):
        an opaque light box with a border and a line of text, over a box line."""
        name = rng.choice(list(self.tpl.fields))
        box = self.tpl.fields[name]
        w, h = rng.uniform(90, 160), rng.uniform(22, 34)
        x = box["x"] + rng.uniform(0.1, 0.6) * box["w"]
        y = box["y"] + rng.choice([-0.5, 0.6]) * h
        d = ImageDraw.Draw(im)
        d.rectangle([pt(dpi, x), pt(dpi, y), pt(dpi, x + w), pt(dpi, y + h)], fill=rng.choice([232, 240, 248]),
                    outline=rng.choice([120, 160]), width=max(1, int(pt(dpi, 0.6))))
        f = self.painter.font("DejaVuSans.ttf", int(pt(dpi, 9)))
        d.text((pt(dpi, x + 4), pt(dpi, y + h / 2)), rng.choice(["Fel nummer!", "Se bilaga", "Ändrat 12/3"]), font=f,
               fill=30, anchor="lm")

    def whiteout_signature(self, im, dpi, rng):
        s = self.tpl.signature
        pad = rng.uniform(1, 6)
        ImageDraw.Draw(im).rectangle([pt(dpi, s["x"] - pad), pt(dpi, s["y"] - pad), pt(dpi, s["x"] + s["w"] + pad),
                                      pt(dpi, s["y"] + s["h"] + pad)], fill=rng.choice([255, 250]))

    # ---------------------------------------------------------- cases

    def run(self, dpis):
        for dpi in dpis:
            for what in ("plain", "punches", "staple", "shadow", "all-three"):
                rng = self.rng(what + str(dpi))
                im, _ = self.filled(dpi, rng)
                if what in ("punches", "all-three"):
                    self.hole_punches(im, dpi, rng)
                if what in ("staple", "all-three"):
                    self.staple(im, dpi, rng)
                self.emit(im, dpi, "clean", what, rng, jpeg=rng.random() < 0.4,
                          shadow=what in ("shadow", "all-three"))
        attacks = [("makulerad-dark", lambda im, d, r: self.makulerad(im, d, r, False)),
                   ("makulerad-grey", lambda im, d, r: self.makulerad(im, d, r, True)),
                   ("word-over-field", self.word_over_field),
                   ("stamp-over-field", self.stamp),
                   ("strike-through", self.strike),
                   ("scribble-beside", self.scribble_beside),
                   ("whiteout-field", self.whiteout_field),
                   ("whiteout-signature", self.whiteout_signature),
                   ("note-over-field", self.note_over_field)]
        for i, (what, attack) in enumerate(attacks):
            for dpi in (dpis[i % len(dpis)], dpis[(i + 1) % len(dpis)]):
                rng = self.rng(what + str(dpi))
                im, _ = self.filled(dpi, rng)
                attack(im, dpi, rng)
                if rng.random() < 0.5:
                    self.hole_punches(im, dpi, rng)
                self.emit(im, dpi, "fires", what, rng, jpeg=rng.random() < 0.3)
        with open(os.path.join(self.out, "cases.json"), "w", encoding="utf-8") as f:
            json.dump(self.cases, f, ensure_ascii=False, indent=1)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seed", required=True)
    p.add_argument("--dpis", default="100,200,300")
    p.add_argument("--today", default=None)
    a = p.parse_args(argv)
    today = datetime.date.fromisoformat(a.today) if a.today else datetime.date.today()
    os.makedirs(a.out, exist_ok=True)
    m = Maker(a.out, a.seed, today)
    m.run([int(x) for x in a.dpis.split(",")])
    print("make_marked: %d pages in %s (seed %s)" % (len(m.cases), a.out, a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
