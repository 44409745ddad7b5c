#!/usr/bin/python3
"""Synthetic scans of the linkage form, with the truth beside each file.

Renders the blank form (forms/linkage-form-v1.pdf) at a dpi with poppler,
types values from the registry into the boxes the template names
(templates/linkage-form.v1.json: the only place coordinates live), scribbles
a signature, degrades the page the way scanners and people do (rotation,
upside down, shift, noise, blur, JPEG artefacts) and writes it as a scanner
would: PNG, JPEG, multi-page TIFF (CCITT G4 or LZW), image-only PDF (one image
per page: DCT, Flate or CCITT G4). Also stacks of forms in one file, blank
back sides, a cover letter, corrupt and truncated files, exact duplicates.

Beside each file FILE it writes FILE.truth.json:
  file, sha256, format, encoding, dpi, pages (page → kind, document, the
  distortions applied), documents (expected outcome, allowed outcomes,
  expected reasons (core::reason codes), values drawn, signed), and for a
  copy: duplicate_of. `DIR/manifest.json` lists every file.

Expected reasons are a subset of what the pipeline should report; an accepted
form may also carry the informational reasons in `may_also_have` (a pair seen
earlier in the same set is already linked).

Deterministic for (preset, seed, dpi, today, count). Only synthetic data: the
values come from the fictional sample registry.

usage: make_scans.py --out DIR --registry data/sample-registry.json
                     --preset ci|bench|sample [--count N] [--dpi 300] [--seed S]
                     [--today YYYY-MM-DD]
       make_scans.py --self-test [--registry FILE]   (generates the ci preset
                     into a temporary folder and checks it; used by ctest)
"""

import argparse
import datetime
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zlib

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TEMPLATE = os.path.join(ROOT, "templates", "linkage-form.v1.json")
BLANK_PDF = os.path.join(ROOT, "forms", "linkage-form-v1.pdf")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
TYPED_FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf",
               "DejaVuSerifCondensed.ttf"]
HAND_FONT = "DejaVuSans-Oblique.ttf"
PLACES = ["Stockholm", "Göteborg", "Malmö", "Umeå", "Västerås", "Örebro", "Jönköping", "Luleå", "Växjö"]
ACCEPT_INFO = ["already_linked", "approved_pending_request"]


# ---------------------------------------------------------------- registry

def luhn_ok(ten):
    s = 0
    for i, ch in enumerate(ten):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        s += v - 9 if v > 9 else v
    return s % 10 == 0


def with_check_digit(nine):
    for d in "0123456789":
        if luhn_ok(nine + d):
            return nine + d
    raise AssertionError


class Registry:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        # Bureaus that may use the paper path for a plain linkage (the two
        # ordinary ones of the sample registry).
        self.bureaus = [b for b in data["bureaus"] if not b.get("multi_company") and
                        any(u["role"] == "admin" for u in b["users"]) and b["name"] != "KPMG AB"]
        self.clients = data["clients"]
        self.subscriptions = {c["subscription"] for c in self.clients}
        self.orgnrs = {c["orgnr"].replace("-", "")[-10:] for c in self.clients}

    @staticmethod
    def admins(client):
        return [u for u in client["users"] if u["role"] == "system_administrator"]

    @staticmethod
    def non_admins(client):
        return [u for u in client["users"] if u["role"] != "system_administrator"]

    def values(self, rng, today, bureau=None, client=None):
        bureau = bureau or rng.choice(self.bureaus)
        client = client or rng.choice(self.clients)
        signer = rng.choice(self.admins(client))
        date = today - datetime.timedelta(days=rng.randint(0, 20))
        return {
            "bureau_name": bureau["name"], "bureau_orgnr": bureau["orgnr"],
            "client_name": client["name"], "client_orgnr": client["orgnr"],
            "client_subscription": client["subscription"],
            "signer_name": signer["name"], "signer_email": signer["email"],
            "place": rng.choice(PLACES), "date": date.isoformat(),
        }

    def unknown_client(self, rng):
        while True:
            ten = with_check_digit("5596" + "".join(rng.choice("0123456789") for _ in range(5)))
            sub = str(rng.randint(104000, 109999))
            if ten not in self.orgnrs and sub not in self.subscriptions:
                return {"client_name": rng.choice(["Björkdalens Snickeri AB", "Fjällrävens Åkeri AB",
                                                   "Sjöbodens Rökeri AB"]),
                        "client_orgnr": ten[:6] + "-" + ten[6:], "client_subscription": sub}


# ---------------------------------------------------------------- template

class Template:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.t = json.load(f)
        self.fields = {f["name"]: f for f in self.t["fields"]}
        self.signature = self.t["signature"]
        self.value_size = self.t["value_size"]
        self.page_w = self.t["page"]["width"]
        self.page_h = self.t["page"]["height"]


# ---------------------------------------------------------------- drawing

class Painter:
    """Draws on the blank form rendered at one dpi (cached per dpi)."""

    def __init__(self, template, work_dir):
        self.tpl = template
        self.work = work_dir
        self.blanks = {}
        self.fonts = {}

    def blank(self, dpi):
        if dpi not in self.blanks:
            stem = os.path.join(self.work, "blank-%d" % dpi)
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", BLANK_PDF, stem], check=True)
            im = Image.open(stem + ".pgm")
            im.load()
            self.blanks[dpi] = im
        return self.blanks[dpi].copy()

    def font(self, name, px):
        key = (name, px)
        if key not in self.fonts:
            self.fonts[key] = ImageFont.truetype(os.path.join(FONT_DIR, name), px)
        return self.fonts[key]

    def form(self, dpi, values, rng, font=None, hand=False, signed=True, colour=False):
        k = dpi / 72.0
        im = self.blank(dpi)
        if colour:
            im = im.convert("RGB")
        ink = (25, 35, 110) if colour else 20
        d = ImageDraw.Draw(im)
        font_name = HAND_FONT if hand else (font or TYPED_FONTS[0])
        for name, value in values.items():
            box = self.tpl.fields[name]
            size_pt = self.tpl.value_size * rng.uniform(0.85, 1.05)
            f = self.font(font_name, max(6, int(round(size_pt * k))))
            x = (box["x"] + rng.uniform(3, 8)) * k
            base = (box["y"] + box["h"] / 2 + size_pt * 0.36 + rng.uniform(-1.5, 1.5)) * k
            if hand:
                # Each letter on its own slightly wandering baseline.
                for ch in value:
                    d.text((x, base + rng.uniform(-0.8, 0.8) * k), ch, font=f, fill=ink, anchor="ls")
                    x += f.getlength(ch) * rng.uniform(0.98, 1.12)
            else:
                d.text((x, base), value, font=f, fill=ink, anchor="ls")
        if signed:
            self.scribble(d, dpi, rng, ink)
        return im

    def scribble(self, d, dpi, rng, ink):
        k = dpi / 72.0
        s = self.tpl.signature
        x0 = (s["x"] + rng.uniform(20, 80)) * k
        width = rng.uniform(140, 260) * k
        cy = (s["y"] + s["h"] * rng.uniform(0.45, 0.6)) * k
        amp = s["h"] * rng.uniform(0.12, 0.25) * k
        pen = max(2, int(round(0.9 * k)))
        for stroke in range(rng.randint(2, 3)):
            pts = []
            n = 60
            freq = rng.uniform(3, 7)
            phase = rng.uniform(0, math.pi)
            start = x0 + stroke * width * 0.35
            span = width * rng.uniform(0.4, 0.7)
            for i in range(n + 1):
                t = i / n
                x = start + span * t + amp * 0.35 * math.sin(2 * math.pi * freq * t * 1.3)
                y = cy + amp * math.sin(2 * math.pi * freq * t + phase) * (1 - 0.5 * t)
                pts.append((x, y))
            d.line(pts, fill=ink, width=pen, joint="curve")
        # The underline most people add.
        d.line([(x0, cy + amp * 1.3), (x0 + width, cy + amp * 1.1)], fill=ink, width=pen)

    def blank_page(self, dpi, rng):
        w, h = int(round(self.tpl.page_w * dpi / 72)), int(round(self.tpl.page_h * dpi / 72))
        im = Image.new("L", (w, h), 250)
        return noise(im, rng, 6)

    def letter(self, dpi, rng):
        """A cover letter: not our form (no marks, no QR code)."""
        k = dpi / 72.0
        w, h = int(round(self.tpl.page_w * k)), int(round(self.tpl.page_h * k))
        im = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(im)
        f = self.font("DejaVuSerif.ttf", int(11 * k))
        fb = self.font("DejaVuSerif-Bold.ttf", int(13 * k))
        d.text((72 * k, 90 * k), "Ekonomihuset Väst AB", font=fb, fill=0)
        lines = ["Storgatan 12, 411 38 Göteborg", "", "Till backoffice", "", "Hej!", "",
                 "Här kommer de undertecknade blanketterna för våra nya klienter.",
                 "Hör av er om något saknas eller behöver kompletteras.", "",
                 "Med vänliga hälsningar", "", "Jonas Berg", "Ekonomihuset Väst AB"]
        y = 120
        for line in lines:
            d.text((72 * k, y * k), line, font=f, fill=0)
            y += 17
        return im


def noise(im, rng, amplitude):
    """Uniform noise of +-amplitude grey levels, from the seeded generator."""
    grey = im.convert("L") if im.mode != "L" else im
    n = Image.frombytes("L", grey.size, rng.randbytes(grey.size[0] * grey.size[1]))
    lut = [128 + int(round((v / 255.0 * 2 - 1) * amplitude)) for v in range(256)]
    n = n.point(lut)
    if im.mode == "L":
        return ImageChops.add(im, n, 1.0, -128)
    return ImageChops.add(im, Image.merge("RGB", (n, n, n)), 1.0, -128)


def speckle(im, rng, count):
    d = ImageDraw.Draw(im)
    fill = 0 if im.mode == "L" else (0, 0, 0)
    for _ in range(count):
        x, y = rng.randrange(im.size[0]), rng.randrange(im.size[1])
        r = rng.choice([0, 1, 1, 2])
        d.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    return im


def degrade(im, rng, dpi, spec):
    """Applies the distortions in spec (dict) and returns (image, record)."""
    fill = 255 if im.mode == "L" else (255, 255, 255)
    rec = {}
    if spec.get("shift_mm"):
        dx, dy = spec["shift_mm"]
        px = (int(round(dx / 25.4 * dpi)), int(round(dy / 25.4 * dpi)))
        canvas = Image.new(im.mode, im.size, fill)
        canvas.paste(im, px)
        im = canvas
        rec["shift_mm"] = [dx, dy]
    if spec.get("rotate_deg"):
        im = im.rotate(spec["rotate_deg"], resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)
        rec["rotation_deg"] = spec["rotate_deg"]
    if spec.get("upside_down"):
        im = im.rotate(180)
        rec["upside_down"] = True
    if spec.get("blur"):
        im = im.filter(ImageFilter.GaussianBlur(spec["blur"]))
        rec["blur_px"] = spec["blur"]
    if spec.get("noise"):
        im = noise(im, rng, spec["noise"])
        im = speckle(im, rng, spec["noise"] * 20)
        rec["noise"] = spec["noise"]
    return im, rec


# ---------------------------------------------------------------- writers

def to_bilevel(im):
    return im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)


def jpeg_bytes(im, quality, dpi):
    b = io.BytesIO()
    im.save(b, format="JPEG", quality=quality, dpi=(dpi, dpi), optimize=False)
    return b.getvalue()


def g4_strip(im):
    """CCITT G4 data of a bilevel image (one strip), via libtiff."""
    b = io.BytesIO()
    im.save(b, format="TIFF", compression="group4", strip_size=1 << 30)
    t = Image.open(io.BytesIO(b.getvalue()))
    offsets, counts = t.tag_v2[273], t.tag_v2[279]
    assert len(offsets) == 1, "expected one G4 strip"
    return b.getvalue()[offsets[0]:offsets[0] + counts[0]], t.tag_v2.get(262, 0)


def write_pdf(path, pages, dpi, encoding, quality=85):
    """An image-only PDF, one image per page, as a scanner writes it."""
    objs = []  # index i → bytes of object i+1

    def add(body):
        objs.append(body)
        return len(objs)

    catalog = add(None)
    pages_obj = add(None)
    kids = []
    for im in pages:
        w, h = im.size
        if encoding == "dct":
            data = jpeg_bytes(im, quality, dpi)
            cs = "/DeviceRGB" if im.mode == "RGB" else "/DeviceGray"
            head = "/Filter /DCTDecode /ColorSpace %s /BitsPerComponent 8" % cs
        elif encoding == "flate":
            g = im.convert("L")
            data = zlib.compress(g.tobytes(), 6)
            head = "/Filter /FlateDecode /ColorSpace /DeviceGray /BitsPerComponent 8"
        elif encoding == "ccitt":
            data, photometric = g4_strip(to_bilevel(im))
            # PIL writes bilevel as min-is-black (photometric 1): a 1 bit is white.
            black_is_1 = "false" if photometric == 1 else "true"
            head = ("/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d /BlackIs1 %s >> "
                    "/ColorSpace /DeviceGray /BitsPerComponent 1" % (w, h, black_is_1))
            if photometric == 1:
                head += " /Decode [1 0]"
        else:
            raise ValueError(encoding)
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d %s /Length %d >>\nstream\n"
                  % (w, h, head.encode(), len(data)) + data + b"\nendstream")
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        content = ("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)).encode()
        c = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << "
                         "/Im0 %d 0 R >> >> /Contents %d 0 R >>" % (pages_obj, pw, ph, img, c)).encode()))
    objs[catalog - 1] = ("<< /Type /Catalog /Pages %d 0 R >>" % pages_obj).encode()
    objs[pages_obj - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>"
                           % (" ".join("%d 0 R" % k for k in kids), len(kids))).encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def write_pages(path, pages, dpi, fmt, quality=85):
    """fmt: png | png-bilevel | jpeg | tiff-g4 | tiff-lzw | pdf-dct | pdf-flate | pdf-ccitt."""
    if fmt.startswith("pdf-"):
        return write_pdf(path, pages, dpi, fmt[4:], quality)
    if fmt in ("png", "png-bilevel", "jpeg"):
        assert len(pages) == 1
        im = to_bilevel(pages[0]) if fmt == "png-bilevel" else pages[0]
        if fmt == "jpeg":
            with open(path, "wb") as f:
                f.write(jpeg_bytes(im, quality, dpi))
        else:
            im.save(path, format="PNG", dpi=(dpi, dpi))
        return
    if fmt == "tiff-g4":
        ims = [to_bilevel(p) for p in pages]
        ims[0].save(path, format="TIFF", compression="group4", dpi=(dpi, dpi), save_all=True,
                    append_images=ims[1:])
        return
    if fmt == "tiff-lzw":
        ims = [p.convert("L") for p in pages]
        ims[0].save(path, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi), save_all=True,
                    append_images=ims[1:])
        return
    raise ValueError(fmt)


EXTENSION = {"png": "png", "png-bilevel": "png", "jpeg": "jpg", "tiff-g4": "tif", "tiff-lzw": "tif",
             "pdf-dct": "pdf", "pdf-flate": "pdf", "pdf-ccitt": "pdf"}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---------------------------------------------------------------- documents

ACCEPTED = {"expected_outcome": "accepted", "allowed_outcomes": ["accepted"], "expected_reasons": [],
            "may_also_have": ACCEPT_INFO}
DEGRADED = {"expected_outcome": "accepted", "allowed_outcomes": ["accepted", "review"], "expected_reasons": [],
            "may_also_have": ACCEPT_INFO + ["low_confidence"]}


def review(*reasons):
    return {"expected_outcome": "review", "allowed_outcomes": ["review"], "expected_reasons": list(reasons)}


def rejected(*reasons):
    return {"expected_outcome": "rejected", "allowed_outcomes": ["rejected"], "expected_reasons": list(reasons)}


class Generator:
    def __init__(self, args, registry, template, work):
        self.args = args
        self.reg = registry
        self.painter = Painter(template, work)
        self.today = args.today
        self.out = args.out
        self.files = []
        self.n = 0

    def rng(self, salt):
        return random.Random("%s|%s|%d|%s" % (self.args.preset, self.args.seed, self.n, salt))

    # A "page spec" is ("form", values, options, expectation) | ("blank",) | ("letter",).
    def emit(self, label, fmt, pages, dpi=None, quality=85, note=None):
        """Renders pages, writes one file and its truth. Returns the file name."""
        dpi = dpi or self.args.dpi
        self.n += 1
        rng = self.rng(label)
        name = "%s-%03d-%s.%s" % (self.args.preset, self.n, label, EXTENSION[fmt])
        path = os.path.join(self.out, name)
        images, page_truth, docs = [], [], []
        for i, p in enumerate(pages):
            kind = p[0]
            if kind == "form":
                _, values, opts, expect = p
                im = self.painter.form(dpi, values, rng, font=opts.get("font"), hand=opts.get("hand", False),
                                       signed=opts.get("signed", True), colour=opts.get("colour", False))
                im, rec = degrade(im, rng, dpi, opts)
                doc = dict(expect)
                doc.update({"index": len(docs), "pages": [i + 1], "values": values,
                            "signed": opts.get("signed", True),
                            "style": "hand" if opts.get("hand") else (opts.get("font") or TYPED_FONTS[0])})
                docs.append(doc)
                page_truth.append(dict(page=i + 1, kind="form", document=doc["index"], **rec))
            elif kind == "blank":
                im = self.painter.blank_page(dpi, rng)
                page_truth.append({"page": i + 1, "kind": "blank", "document": None,
                                   "may_report": ["unrecognised_page"]})
            elif kind == "letter":
                im = self.painter.letter(dpi, rng)
                page_truth.append({"page": i + 1, "kind": "foreign", "document": None,
                                   "may_report": ["unrecognised_page"]})
            else:
                raise ValueError(kind)
            images.append(im)
        write_pages(path, images, dpi, fmt, quality)
        truth = {"file": name, "sha256": sha256(path), "format": fmt.split("-")[0],
                 "encoding": fmt, "dpi": dpi, "page_count": len(images), "pages": page_truth, "documents": docs}
        if fmt == "jpeg" or fmt == "pdf-dct":
            truth["jpeg_quality"] = quality
        if not docs:
            # Nothing in the file is our form.
            truth.update(rejected("not_a_form"))
        elif len(docs) == 1 and len(images) == 1:
            truth.update({k: docs[0][k] for k in ("expected_outcome", "allowed_outcomes", "expected_reasons")})
        if note:
            truth["note"] = note
        self.write_truth(path, truth)
        return name

    def corrupt(self, label, source, how):
        self.n += 1
        src = os.path.join(self.out, source)
        ext = os.path.splitext(source)[1] if how != "garbage" else ".png"
        if how == "empty":
            ext = ".tif"
        name = "%s-%03d-%s%s" % (self.args.preset, self.n, label, ext)
        path = os.path.join(self.out, name)
        rng = self.rng(label)
        if how == "truncate":
            with open(src, "rb") as f:
                data = f.read()
            data = data[:int(len(data) * rng.uniform(0.3, 0.6))]
        elif how == "garbage":
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(20000)
        elif how == "empty":
            data = b""
        else:
            raise ValueError(how)
        with open(path, "wb") as f:
            f.write(data)
        truth = {"file": name, "sha256": sha256(path), "format": "corrupt", "encoding": how,
                 "corrupted_from": source if how == "truncate" else None, "pages": [], "documents": []}
        truth.update(rejected("unreadable"))
        self.write_truth(path, truth)
        return name

    def duplicate(self, label, source):
        self.n += 1
        ext = os.path.splitext(source)[1]
        # Named to sort after its original, so a sequential run sees it second.
        name = "%s-%03d-%s%s" % (self.args.preset, self.n, label, ext)
        shutil.copyfile(os.path.join(self.out, source), os.path.join(self.out, name))
        with open(os.path.join(self.out, source + ".truth.json"), encoding="utf-8") as f:
            truth = json.load(f)
        # The same bytes again are one duplicate document, whatever the
        # original held (its pages are not read again).
        verdict = {"expected_outcome": "duplicate", "allowed_outcomes": ["duplicate"],
                   "expected_reasons": ["duplicate_file"]}
        original = truth["documents"]
        truth.update({"file": name, "duplicate_of": source, **verdict})
        truth["documents"] = [dict(verdict, index=0, pages=[p["page"] for p in truth["pages"]],
                                   values=original[0]["values"] if original else {},
                                   original_documents=len(original))]
        for p in truth["pages"]:
            p["document"] = 0 if p["kind"] == "form" and original else None
        self.write_truth(os.path.join(self.out, name), truth)
        return name

    def write_truth(self, path, truth):
        truth["generator"] = {"preset": self.args.preset, "seed": self.args.seed, "today": self.today.isoformat(),
                              "template": "templates/linkage-form.v1.json"}
        with open(path + ".truth.json", "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        self.files.append(truth)

    # ------------------------------------------------------------ values

    def values(self, salt, **kw):
        return self.reg.values(self.rng(salt), self.today, **kw)

    def client(self, name_start):
        return next(c for c in self.reg.clients if c["name"].startswith(name_start))

    def bureau(self, name_start):
        return next(b for b in self.reg.bureaus if b["name"].startswith(name_start))

    def invalid(self, kind):
        """Values for one invalid case, and its expectation."""
        rng = self.rng("invalid-" + kind)
        v = self.values("invalid-" + kind)
        if kind == "check-digit":
            ten = v["client_orgnr"].replace("-", "")[-10:]
            bad = ten[:9] + str((int(ten[9]) + rng.randint(1, 9)) % 10)
            v["client_orgnr"] = bad[:6] + "-" + bad[6:]
            return v, review("orgnr_invalid")
        if kind == "unknown-client":
            v.update(self.reg.unknown_client(rng))
            return v, review("client_unknown")
        if kind == "foreign-subscription":
            other = rng.choice([c for c in self.reg.clients if c["subscription"] != v["client_subscription"]])
            v["client_subscription"] = other["subscription"]
            return v, review("subscription_mismatch")
        if kind == "signer-not-admin":
            client = self.client("Åkesson")
            v = self.values("invalid-" + kind, client=client)
            user = self.reg.non_admins(client)[0]
            v["signer_name"], v["signer_email"] = user["name"], user["email"]
            return v, review("signer_not_admin")
        if kind == "future-date":
            v["date"] = (self.today + datetime.timedelta(days=rng.randint(30, 200))).isoformat()
            return v, review("date_in_future")
        raise ValueError(kind)

    # ------------------------------------------------------------ presets

    def preset_ci(self):
        clean = lambda salt, **o: ("form", self.values(salt), o, ACCEPTED)
        soft = lambda salt, **o: ("form", self.values(salt), o, DEGRADED)
        first = self.emit("clean", "png", [clean("a")])
        self.emit("clean", "jpeg", [clean("b")], quality=90)
        stack_source = self.emit("clean", "pdf-dct", [clean("c")])
        self.emit("clean", "pdf-flate", [clean("d")])
        self.emit("clean", "pdf-ccitt", [clean("e")])
        self.emit("clean", "tiff-g4", [clean("f")])
        self.emit("clean", "tiff-lzw", [clean("g")])
        self.emit("clean-bilevel", "png-bilevel", [clean("h")])
        self.emit("rotated-plus", "png", [clean("i", rotate_deg=2.5)])
        self.emit("rotated-minus", "jpeg", [clean("j", rotate_deg=-3.0)], quality=85)
        self.emit("upside-down", "pdf-dct", [clean("k", upside_down=True, rotate_deg=1.2)])
        self.emit("upside-down", "tiff-g4", [clean("l", upside_down=True)])
        self.emit("shifted", "jpeg", [clean("m", shift_mm=[4.0, -3.0])])
        self.emit("noisy", "png", [soft("n", noise=18)])
        self.emit("blurred", "jpeg", [soft("o", blur=1.2)], quality=70)
        self.emit("poor-jpeg", "jpeg", [soft("p", blur=0.8, noise=10, rotate_deg=-1.5)], quality=25)
        self.emit("colour-blue-ink", "jpeg", [clean("q", colour=True)], quality=88)
        self.emit("font-serif", "png", [clean("r", font="DejaVuSerif.ttf")])
        self.emit("font-mono", "pdf-dct", [clean("s", font="DejaVuSansMono.ttf")])
        self.emit("font-condensed", "jpeg", [clean("t", font="DejaVuSansCondensed.ttf")])
        self.emit("hand-like", "jpeg", [soft("u", hand=True, rotate_deg=0.8)])
        self.emit("low-dpi", "jpeg", [soft("v")], dpi=200, quality=80)
        for kind in ("check-digit", "unknown-client", "foreign-subscription", "signer-not-admin", "future-date"):
            v, e = self.invalid(kind)
            self.emit(kind, "png" if kind != "future-date" else "pdf-dct", [("form", v, {}, e)])
        self.emit("unsigned", "jpeg", [("form", self.values("w"), {"signed": False}, rejected("unsigned"))])
        self.emit("blank-page", "png", [("blank",)])
        self.emit("cover-letter", "pdf-dct", [("letter",)])
        stack = self.emit("stack-3", "pdf-dct", [clean("x1"), soft("x2", rotate_deg=1.5), clean("x3")])
        self.emit("stack-duplex", "tiff-g4", [clean("y1"), ("blank",), clean("y2", upside_down=True), ("blank",)])
        v, e = self.invalid("foreign-subscription")
        self.emit("stack-letter", "pdf-flate", [("letter",), clean("z1"), ("form", v, {}, e)])
        self.corrupt("truncated", stack_source, "truncate")
        self.corrupt("truncated", "%s-%03d-clean.jpg" % (self.args.preset, 2), "truncate")
        self.corrupt("garbage", first, "garbage")
        self.corrupt("empty", first, "empty")
        self.duplicate("copy", first)
        self.duplicate("copy", stack)

    def preset_sample(self):
        first = self.emit("clean", "jpeg", [("form", self.values("a", bureau=self.bureau("Redovisningsbyrån"),
                                                                 client=self.client("Åkesson")), {}, ACCEPTED)],
                          quality=70)
        self.emit("upside-down", "pdf-dct", [("form", self.values("b", bureau=self.bureau("Ekonomihuset"),
                                                                  client=self.client("Öresunds")),
                                              {"upside_down": True, "rotate_deg": -1.5}, ACCEPTED)], quality=70)
        self.emit("stack-letter", "pdf-dct",
                  [("letter",), ("form", self.values("c", bureau=self.bureau("Ekonomihuset"),
                                                     client=self.client("Ängsbacka")), {"rotate_deg": 2.0}, ACCEPTED)],
                  quality=65)
        self.emit("unsigned", "jpeg", [("form", self.values("d", bureau=self.bureau("Redovisningsbyrån"),
                                                            client=self.client("Lena")), {"signed": False},
                                        rejected("unsigned"))], quality=70)
        v, e = self.invalid("signer-not-admin")
        self.emit("signer-not-admin", "jpeg", [("form", v, {"rotate_deg": -1.0}, e)], quality=70)
        self.duplicate("copy", first)

    def preset_bench(self):
        fmts = ["png", "jpeg", "pdf-dct", "tiff-g4"]
        for i in range(self.args.count):
            rng = self.rng("bench")
            opts = {"rotate_deg": round(rng.uniform(-2.0, 2.0), 2)}
            self.emit("bench", fmts[i % len(fmts)], [("form", self.values("bench%d" % i), opts, ACCEPTED)])

    def preset_bench_degraded(self):
        """Typed forms as a tired office scanner makes them: noise, blur, skew, strong JPEG."""
        for i in range(self.args.count):
            rng = self.rng("degraded")
            opts = {"rotate_deg": round(rng.uniform(-3.0, 3.0), 2), "noise": rng.randint(6, 14),
                    "blur": round(rng.uniform(0.4, 0.9), 2), "shift_mm": [round(rng.uniform(-3, 3), 1),
                                                                          round(rng.uniform(-3, 3), 1)]}
            self.emit("degraded", "jpeg", [("form", self.values("deg%d" % i), opts, DEGRADED)],
                      quality=rng.randint(45, 70))

    def run(self):
        getattr(self, "preset_" + self.args.preset.replace("-", "_"))()
        manifest = {"preset": self.args.preset, "seed": self.args.seed, "dpi": self.args.dpi,
                    "today": self.today.isoformat(),
                    "files": [{"file": t["file"], "expected_outcome": t.get("expected_outcome"),
                               "documents": len(t["documents"])} for t in self.files],
                    "documents": sum(max(1, len(t["documents"])) for t in self.files)}
        with open(os.path.join(self.out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")
        return manifest


# ---------------------------------------------------------------- checking

def check_output(out):
    """Checks a generated set: every file has a truth that matches it. Returns a list of problems."""
    problems = []
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    by_sha = {}
    outcomes = set()
    for entry in manifest["files"]:
        path = os.path.join(out, entry["file"])
        tp = path + ".truth.json"
        if not os.path.exists(path) or not os.path.exists(tp):
            problems.append("missing file or truth: " + entry["file"])
            continue
        with open(tp, encoding="utf-8") as f:
            t = json.load(f)
        if t["sha256"] != sha256(path):
            problems.append("sha256 differs: " + entry["file"])
        if "duplicate_of" in t:
            if by_sha.get(t["sha256"]) != t["duplicate_of"]:
                problems.append("duplicate without its original before it: " + entry["file"])
        else:
            by_sha.setdefault(t["sha256"], entry["file"])
        for d in t["documents"] or [t]:
            outcomes.add(d["expected_outcome"])
            if d["expected_outcome"] not in d["allowed_outcomes"]:
                problems.append("expected outcome not allowed: " + entry["file"])
            if d["expected_outcome"] != "accepted" and "accepted" in d["allowed_outcomes"] and d["expected_reasons"]:
                problems.append("an invalid document may be accepted: " + entry["file"])
        if t["format"] == "corrupt":
            continue
        n = len(t["pages"])
        if t["format"] == "pdf":
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
            pages = [l for l in info.stdout.splitlines() if l.startswith("Pages:")]
            if info.returncode != 0 or not pages or int(pages[0].split()[1]) != n:
                problems.append("pdf page count differs from truth: " + entry["file"])
            r = subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-gray", path],
                               capture_output=True)
            if r.returncode != 0 or len(r.stdout) < 1000:
                problems.append("pdftoppm cannot render: " + entry["file"])
        else:
            with Image.open(path) as im:
                frames = getattr(im, "n_frames", 1)
                im.load()
                if frames != n:
                    problems.append("frame count differs from truth: " + entry["file"])
        for p in t["pages"]:
            if p["kind"] == "form":
                v = t["documents"][p["document"]]["values"]
                missing = {"bureau_name", "bureau_orgnr", "client_name", "client_orgnr", "client_subscription",
                           "signer_name", "signer_email", "place", "date"} - set(v)
                if missing:
                    problems.append("values missing %s: %s" % (sorted(missing), entry["file"]))
    for must in ("accepted", "review", "rejected", "duplicate"):
        if manifest["preset"] == "ci" and must not in outcomes:
            problems.append("no document expected to be " + must)
    return problems


def self_test(args):
    with tempfile.TemporaryDirectory(prefix="make_scans-") as out:
        argv = ["--out", out, "--registry", args.registry, "--preset", "ci", "--seed", "7", "--today", "2026-11-26"]
        a = parse_args(argv)
        manifest = main_generate(a)
        problems = check_output(out)
        docs = manifest["documents"]
        if not 35 <= docs <= 50:
            problems.append("ci preset made %d documents, expected about 40" % docs)
        formats = {json.load(open(os.path.join(out, f["file"] + ".truth.json")))["encoding"] for f in manifest["files"]}
        for fmt in ("png", "jpeg", "tiff-g4", "pdf-dct", "pdf-flate", "pdf-ccitt"):
            if fmt not in formats:
                problems.append("no file in format " + fmt)
        # Deterministic: a second run of one preset gives the same bytes.
        with tempfile.TemporaryDirectory(prefix="make_scans-") as again:
            b = parse_args(["--out", again, "--registry", args.registry, "--preset", "sample", "--seed", "7",
                            "--today", "2026-11-26", "--dpi", "100"])
            c = parse_args(["--out", os.path.join(again, "2"), "--registry", args.registry, "--preset", "sample",
                            "--seed", "7", "--today", "2026-11-26", "--dpi", "100"])
            m1, m2 = main_generate(b), main_generate(c)
            for f1, f2 in zip(m1["files"], m2["files"]):
                if sha256(os.path.join(again, f1["file"])) != sha256(os.path.join(again, "2", f2["file"])):
                    problems.append("not deterministic: " + f1["file"])
        for p in problems:
            print("make_scans self-test: " + p, file=sys.stderr)
        print("make_scans self-test: %d files, %d documents, %d problem(s)"
              % (len(manifest["files"]), docs, len(problems)))
        return 1 if problems else 0


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description="Synthetic scans of the linkage form, with truth files.")
    p.add_argument("--out")
    p.add_argument("--registry", default=os.path.join(ROOT, "data", "sample-registry.json"))
    p.add_argument("--preset", choices=["ci", "bench", "bench-degraded", "sample"], default="ci")
    p.add_argument("--count", type=int, default=100, help="bench: number of forms")
    p.add_argument("--dpi", type=int, default=None, help="default 300 (sample: 200)")
    p.add_argument("--seed", default="1")
    p.add_argument("--today", default=None, help="YYYY-MM-DD the form dates are relative to (default: today, UTC)")
    p.add_argument("--self-test", action="store_true")
    a = p.parse_args(argv)
    if a.dpi is None:
        a.dpi = 200 if a.preset == "sample" else 300
    a.today = (datetime.date.fromisoformat(a.today) if a.today
               else datetime.datetime.now(datetime.timezone.utc).date())
    if not a.self_test and not a.out:
        p.error("--out DIR is required")
    return a


def main_generate(a):
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_scans-work-") as work:
        g = Generator(a, Registry(a.registry), Template(TEMPLATE), work)
        return g.run()


def main(argv):
    a = parse_args(argv)
    if a.self_test:
        return self_test(a)
    m = main_generate(a)
    print("make_scans: %d files, %d documents in %s" % (len(m["files"]), m["documents"], a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
