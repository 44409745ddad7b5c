#!/usr/bin/python3
"""A second corpus of the linkage form, made by tools that are NOT our generator.

Issue 14: our own corpus (tests/support/make_scans.py) only holds pages our
generator drew. This one fills the blank forms/linkage-form-v1.pdf with other
people's software (pdftk-java, python3-pypdf, pdf-lib from npm, qpdf), prints
those fills through poppler at 150-600 dpi with a drawn signature, wraps the
pixels the way scanner and PDF software does (img2pdf, tiff2pdf, ocrmypdf,
ghostscript, mutool, JPEG 2000, palette, 16-bit, CMYK, /Rotate), makes faxes,
attacks (stamps, creases, streaks, white-out edits, MAKULERAD) and a feeder
stack. Beside each FILE it writes FILE.truth.json in the format make_scans.py
writes (file, sha256, format, encoding, dpi, page_count, pages, documents with
expected/allowed outcomes, expected reasons and the values), plus:
  class        fill | print | fax | attack | stack
  tool         the chain of programs that made the file
  documents[].must_not      outcomes that are a WRONG result ("accepted" for
                            every attack and every unsigned form)
  documents[].strict        true: a working product must give an allowed
                            outcome (and one of reasons_any); false: a
                            mismatch is reported only
  documents[].reasons_any   the result should carry at least one of these
The values come from the fictional data/sample-registry.json the way
make_scans.py draws them (registry clients, admins as signers, dates within
the last 20 days of today, UTC).

The seed is drawn fresh on every run and printed; --seed S reproduces a run
(with the same --today and the same tool versions).

usage: make_realworld.py --out DIR [--seed S] [--today YYYY-MM-DD] [--registry FILE]
                         [--only CLASS[,CLASS]]
"""

import argparse
import datetime
import json
import math
import os
import random
import secrets
import sys
import tempfile
import time

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import make_scans as ms  # noqa: E402  (Registry, Template, noise, sha256: the same draws and truth format)
sys.path.insert(0, HERE)
import rw_pdf  # noqa: E402
from rw_draw import (FONT_DIR, draw_signature, font, pnm_ext, signature_png, signature_strokes,  # noqa: E402
                     stamp)
from rw_pdf import overlay_pdf, pdf_string, win_ansi  # noqa: E402
from rw_tools import ToolMissing, have, run  # noqa: E402

BLANK = os.path.join(ROOT, "forms", "linkage-form-v1.pdf")
PDFLIB_FILL = os.path.join(HERE, "pdflib_fill.js")
FIELDS = ["bureau_name", "bureau_orgnr", "client_name", "client_orgnr", "client_subscription",
          "signer_name", "signer_email", "place", "date"]
ACCEPT_INFO = ms.ACCEPT_INFO + ["low_confidence"]


# ---------------------------------------------------------------- expectations

def signed_ok(strict=True, accepted_only=False):
    return {"expected_outcome": "accepted", "allowed_outcomes": ["accepted"] if accepted_only else ["accepted", "review"],
            "expected_reasons": [], "may_also_have": ACCEPT_INFO, "must_not": [], "strict": strict,
            "reasons_any": []}


def unsigned_form():
    # Never accepted, whatever the tool; the right answer is `unsigned` (or a person).
    return {"expected_outcome": "rejected", "allowed_outcomes": ["rejected", "review"], "expected_reasons": [],
            "must_not": ["accepted"], "strict": True,
            "reasons_any": ["unsigned", "signature_unclear", "unexplained_marks"]}


def attack(*reasons_any):
    return {"expected_outcome": "review", "allowed_outcomes": ["review", "rejected"], "expected_reasons": [],
            "must_not": ["accepted"], "strict": True, "reasons_any": list(reasons_any)}


# ---------------------------------------------------------------- the generator

class Realworld:
    def __init__(self, args, work):
        self.args = args
        self.seed = args.seed
        self.today = args.today
        self.out = args.out
        self.work = work
        self.reg = ms.Registry(args.registry)
        self.tpl = ms.Template(ms.TEMPLATE)
        self.files = []
        self.skipped = []
        self.n = 0
        self.tmpn = 0

    # ------------------------------------------------------------ basics

    def rng(self, salt):
        return random.Random("%s|%d|%s" % (self.seed, self.n, salt))

    def tmp(self, ext):
        self.tmpn += 1
        return os.path.join(self.work, "t%04d.%s" % (self.tmpn, ext))

    def values(self, salt):
        return self.reg.values(self.rng("values-" + salt), self.today)

    def name(self, cls, label, ext):
        self.n += 1
        return "rw-%03d-%s-%s.%s" % (self.n, cls, label, ext)

    def write_truth(self, name, cls, tool, docs, pages, fmt, encoding, dpi, note=None, extra=None):
        path = os.path.join(self.out, name)
        truth = {"file": name, "sha256": ms.sha256(path), "format": fmt, "encoding": encoding, "dpi": dpi,
                 "page_count": len(pages), "pages": pages, "documents": docs, "class": cls, "tool": tool,
                 "generator": {"script": "tests/realworld/make_realworld.py", "seed": self.seed,
                               "today": self.today.isoformat(), "template": "templates/linkage-form.v1.json"}}
        if len(docs) == 1 and len(pages) == 1:
            truth.update({k: docs[0][k] for k in ("expected_outcome", "allowed_outcomes", "expected_reasons")})
        if note:
            truth["note"] = note
        if extra:
            truth.update(extra)
        with open(path + ".truth.json", "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        self.files.append(truth)
        return path

    def one(self, cls, label, ext, make, values, expect, tool, signed, fmt=None, encoding=None, dpi=None,
            note=None, page_rec=None, extra=None):
        """Makes one single-form file: make(path) writes it (and may return a note)."""
        name = self.name(cls, label, ext)
        path = os.path.join(self.out, name)
        t0 = time.time()
        try:
            got = make(path)
        except ToolMissing as e:
            self.skipped.append("%s: %s" % (name, e))
            print("make_realworld: skipped %s (%s)" % (name, e), file=sys.stderr)
            if os.path.exists(path):
                os.remove(path)
            return None
        if self.args.verbose:
            print("make_realworld: %5.1f s %s" % (time.time() - t0, name), file=sys.stderr)
        if got:
            note = (note + "; " if note else "") + got
        doc = dict(expect)
        doc.update({"index": 0, "pages": [1], "values": values, "signed": signed})
        page = {"page": 1, "kind": "form", "document": 0}
        page.update(page_rec or {})
        self.write_truth(name, cls, tool, [doc], [page], fmt or ext, encoding or label, dpi, note, extra)
        return path

    # ------------------------------------------------------------ fills (born-digital)

    def fill_pdftk(self, values, out, how="xfdf"):
        """how: xfdf | fdf | need_appearances | flatten."""
        if how == "fdf":
            body = b"".join(b"<< /T (%s) /V %s >>\n" % (k.encode(), pdf_string(v)) for k, v in values.items())
            data = b"%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n" + body + b"] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
            src = self.tmp("fdf")
        else:
            from xml.sax.saxutils import escape
            data = ('<?xml version="1.0" encoding="UTF-8"?>\n<xfdf xmlns="http://ns.adobe.com/xfdf/" '
                    'xml:space="preserve"><fields>\n' +
                    "".join('<field name="%s"><value>%s</value></field>\n' % (k, escape(v)) for k, v in values.items())
                    + "</fields></xfdf>\n").encode("utf-8")
            src = self.tmp("xfdf")
        with open(src, "wb") as f:
            f.write(data)
        cmd = ["pdftk", BLANK, "fill_form", src, "output", out]
        if how == "need_appearances":
            cmd.append("need_appearances")
        if how == "flatten":
            cmd.append("flatten")
        run(cmd)

    def fill_pypdf(self, values, out, ink=None, v_override=None, need_appearances=True, base=BLANK):
        """pypdf (the Debian python3-pypdf 3.x): /V of each field, NeedAppearances (what
        auto_regenerate does in newer pypdf: 3.x writes no appearance streams). ink: strokes
        of an Ink annotation in the signature box. v_override: {field: value} written to /V
        after the appearance was made (base is then a pdftk fill with appearances)."""
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import NameObject, TextStringObject
        r = PdfReader(base)
        w = PdfWriter()
        w.clone_reader_document_root(r)
        if values:
            w.update_page_form_field_values(w.pages[0], values)
        if v_override:
            for a in w.pages[0]["/Annots"]:
                a = a.get_object()
                if a.get("/T") in v_override:
                    a[NameObject("/V")] = TextStringObject(v_override[a["/T"]])
        if need_appearances:
            w.set_need_appearances_writer()
        if ink:
            self.add_ink(w, ink)
        with open(out, "wb") as f:
            w.write(f)

    def add_ink(self, writer, rng):
        """An Ink annotation (what a viewer's "draw"/"sign" tool writes) in the signature box, with its appearance."""
        from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                                   StreamObject, TextStringObject)
        s, ph = self.tpl.signature, self.tpl.page_h
        strokes = signature_strokes(rng, s["w"], s["h"])
        pen = round(rng.uniform(0.8, 1.8), 2)
        blue = rng.random() < 0.5
        col = [0.1, 0.15, 0.6] if blue else [0.05, 0.05, 0.05]
        rect = [s["x"], ph - s["y"] - s["h"], s["x"] + s["w"], ph - s["y"]]
        ink_list = ArrayObject()
        ops = ["q", "%.3f %.3f %.3f RG" % tuple(col), "%.2f w 1 J 1 j" % pen]
        for st in strokes:
            pts = [(s["x"] + x, ph - s["y"] - y) for x, y in st]
            ink_list.append(ArrayObject([FloatObject(round(v, 2)) for p in pts for v in p]))
            ops.append("%.2f %.2f m" % pts[0])
            ops += ["%.2f %.2f l" % p for p in pts[1:]]
            ops.append("S")
        ops.append("Q")
        ap = StreamObject()
        ap._data = "\n".join(ops).encode()
        ap.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): ArrayObject([FloatObject(v) for v in rect])})
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Ink"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/InkList"): ink_list, NameObject("/C"): ArrayObject([FloatObject(v) for v in col]),
            NameObject("/BS"): DictionaryObject({NameObject("/W"): FloatObject(pen)}),
            NameObject("/F"): NumberObject(4), NameObject("/T"): TextStringObject("signer"),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(ap)}),
        })
        page = writer.pages[0]
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].append(writer._add_object(annot))

    def fill_pdflib(self, values, out, flatten=False, signature=None):
        job = {"in": BLANK, "out": out, "values": values, "flatten": flatten}
        if signature is not None:
            png = self.tmp("png")
            job["signature_png"] = png
            job["signature_rect"] = signature_png(png, self.tpl, signature)
        jp = self.tmp("json")
        with open(jp, "w", encoding="utf-8") as f:
            json.dump(job, f, ensure_ascii=False)
        if not have("node") or not os.path.isdir(os.path.join(ROOT, "node_modules", "pdf-lib")):
            raise ToolMissing("pdf-lib not installed (run ./setup: npm ci)")
        r = run(["node", PDFLIB_FILL, jp], cwd=ROOT)
        rep = json.loads(r.stdout.decode().strip().splitlines()[-1])
        if rep.get("flatten_error"):
            return "pdf-lib flatten() threw %r on the blank's signature widget; flattened the text fields only" \
                   % rep["flatten_error"]
        return None

    def fill_born_digital(self):
        cls = "fill"
        U = unsigned_form

        def pdftk(how):
            return lambda v: (lambda p: self.fill_pdftk(v, p, how))

        cases = [
            ("pdftk-xfdf", pdftk("xfdf"), "pdftk fill_form XFDF", False),
            ("pdftk-fdf-utf16", pdftk("fdf"), "pdftk fill_form FDF (UTF-16BE values)", False),
            ("pdftk-need-appearances", pdftk("need_appearances"), "pdftk fill_form need_appearances", False),
            ("pdftk-flatten", pdftk("flatten"), "pdftk fill_form flatten", False),
            ("pypdf", lambda v: (lambda p: self.fill_pypdf(v, p)), "pypdf update_page_form_field_values", False),
            ("pdflib", lambda v: (lambda p: self.fill_pdflib(v, p)), "pdf-lib setText", False),
            ("pdflib-flatten", lambda v: (lambda p: self.fill_pdflib(v, p, flatten=True)), "pdf-lib flatten()",
             False),
        ]
        for label, mk, tool, signed in cases:
            v = self.values(label)
            self.one(cls, label, "pdf", mk(v), v, U(), tool, signed, fmt="pdf", encoding="born-digital")

        # qpdf rewrites of a pdftk fill (hex strings, object streams, flattening, encryption).
        def qpdf_of(v, args, fill="pdftk"):
            def make(p):
                src = self.tmp("pdf")
                if fill == "pdftk":
                    self.fill_pdftk(v, src, "xfdf")
                else:
                    self.fill_pdflib(v, src)
                run(["qpdf"] + args + ["--", src, p] if "--encrypt" in args else ["qpdf"] + args + [src, p])
            return make

        for label, args, tool in [
                ("qpdf-object-streams", ["--object-streams=generate"], "pdftk fill | qpdf --object-streams=generate"),
                ("qpdf-flatten-annotations", ["--generate-appearances", "--flatten-annotations=all"],
                 "pdftk fill | qpdf --flatten-annotations=all"),
                ("qpdf-rc4-40", ["--allow-weak-crypto", "--encrypt", "", "owner", "40"],
                 "pdftk fill | qpdf --encrypt '' owner 40"),
                ("qpdf-rc4-128", ["--allow-weak-crypto", "--encrypt", "", "owner", "128", "--use-aes=n"],
                 "pdftk fill | qpdf --encrypt '' owner 128 (RC4)"),
                ("qpdf-aes-128", ["--encrypt", "", "owner", "128", "--use-aes=y"],
                 "pdftk fill | qpdf --encrypt '' owner 128 --use-aes=y"),
                ("qpdf-aes-256", ["--encrypt", "", "owner", "256"], "pdftk fill | qpdf --encrypt '' owner 256")]:
            v = self.values(label)
            self.one(cls, label, "pdf", qpdf_of(v, args), v, U(), tool, False, fmt="pdf", encoding="born-digital")

        # "Print to PDF" of an unsigned fill: vector page, no form left.
        v = self.values("pdftocairo-unsigned")
        self.one(cls, "print-to-pdf-cairo", "pdf", lambda p, v=v: run(["pdftocairo", "-pdf", self.pdftk_tmp(v), p])
                 and None, v, U(), "pdftk fill | pdftocairo -pdf", False, fmt="pdf", encoding="born-digital")

        # Signed born-digital forms: a signature image drawn into the box, an Ink annotation.
        def pdflib_then(v, r, cmd):
            def make(p):
                src = self.tmp("pdf")
                note = self.fill_pdflib(v, src, signature=r)
                run([c if c != "IN" else src for c in cmd(p)])
                return note
            return make

        def ink_then(v, r, cmd=None):
            def make(p):
                base = self.pdftk_tmp(v)
                dst = self.tmp("pdf") if cmd else p
                self.fill_pypdf({}, dst, ink=r, need_appearances=False, base=base)
                if cmd:
                    run([c if c != "IN" else dst for c in cmd(p)])
            return make

        S = signed_ok
        for label, mk, tool in [
                ("pdflib-sigimage", lambda v, r: (lambda p: self.fill_pdflib(v, p, signature=r)),
                 "pdf-lib setText + drawImage(PNG signature)"),
                ("pdflib-sigimage-flatten", lambda v, r: (lambda p: self.fill_pdflib(v, p, flatten=True, signature=r)),
                 "pdf-lib setText + drawImage + flatten()"),
                ("pypdf-ink", lambda v, r: (lambda p: self.fill_pypdf(v, p, ink=r)),
                 "pypdf fill + Ink annotation with appearance"),
                ("pdftk-ink", lambda v, r: ink_then(v, r), "pdftk fill (appearances) + Ink annotation (pypdf)"),
                ("pdflib-sigimage-aes256",
                 lambda v, r: pdflib_then(v, r, lambda p: ["qpdf", "--encrypt", "", "owner", "256", "--", "IN", p]),
                 "pdf-lib fill + signature image | qpdf --encrypt '' owner 256"),
                ("ink-flattened-qpdf",
                 lambda v, r: ink_then(v, r, lambda p: ["qpdf", "--flatten-annotations=all", "IN", p]),
                 "pdftk fill + Ink | qpdf --flatten-annotations=all"),
                ("print-to-pdf-signed", lambda v, r: pdflib_then(v, r, lambda p: ["pdftocairo", "-pdf", "IN", p]),
                 "pdf-lib fill + signature image | pdftocairo -pdf"),
                ("gs-pdfwrite-signed", lambda v, r: pdflib_then(v, r, lambda p: [
                    "gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sOutputFile=" + p, "IN"]),
                 "pdf-lib fill + signature image | gs -sDEVICE=pdfwrite")]:
            v = self.values(label)
            self.one(cls, label, "pdf", mk(v, self.rng("sig-" + label)), v, S(), tool, True, fmt="pdf",
                     encoding="born-digital")

        # A signed fill edited later and saved as an incremental update (a new revision appended, as viewers
        # save): the field's new /V is a UTF-16BE hex string, its old appearance dropped, NeedAppearances set.
        v = self.values("incremental")
        old_place = v["place"]
        v["place"] = self.rng("incremental-place").choice([x for x in ms.PLACES if x != old_place])

        def incremental(p, v=v, old_place=old_place):
            first = self.tmp("pdf")
            self.fill_pypdf({}, first, ink=self.rng("sig-incremental"), need_appearances=False,
                            base=self.pdftk_tmp(dict(v, place=old_place)))
            rw_pdf.incremental_update(first, p, "place", v["place"])
        self.one(cls, "incremental-update-hex", "pdf", incremental, v, S(),
                 "pdftk fill + Ink | incremental update: place /V <FEFF...> (hex UTF-16BE), NeedAppearances", True,
                 fmt="pdf", encoding="born-digital", note="the first revision says place %s" % old_place)

        # Digitally signed (a CMS signature made by openssl, self-signed certificate): a person checks it.
        v = self.values("digital-signature")
        self.one(cls, "digitally-signed-openssl", "pdf", lambda p, v=v: rw_pdf.sign_digitally(self.pdftk_tmp(v), p, self.tmp, self.today),
                 v, {"expected_outcome": "review", "allowed_outcomes": ["review"], "expected_reasons": [],
                     "must_not": ["accepted"], "strict": True, "reasons_any": ["signature_unverified"]},
                 "pdftk fill | incremental update: /Sig adbe.pkcs7.detached by openssl cms (self-signed)", True,
                 fmt="pdf", encoding="born-digital")

        # Appearance says one thing, /V another (a signed fill edited afterwards): never accepted.
        v = self.values("appearance-mismatch")
        other = self.values("appearance-mismatch-other")
        tries = 0
        while other["client_orgnr"] == v["client_orgnr"]:  # another client, or the attack is no attack
            tries += 1
            other = self.values("appearance-mismatch-other-%d" % tries)
        shown = dict(v)
        self.one("attack", "appearance-differs-from-value", "pdf",
                 lambda p: self.fill_pypdf({}, p, ink=self.rng("sig-mismatch"), need_appearances=False,
                                           base=self.pdftk_tmp(shown),
                                           v_override={"client_orgnr": other["client_orgnr"],
                                                       "client_subscription": other["client_subscription"],
                                                       "client_name": other["client_name"]}),
                 v, attack("appearance_mismatch", "unexplained_marks", "low_confidence", "signature_unverified"),
                 "pdftk fill + Ink, then /V of the client fields rewritten by pypdf (appearance unchanged)", True,
                 fmt="pdf", encoding="born-digital",
                 note="the page shows the values in `values`; /V holds %s" % json.dumps(
                     {k: other[k] for k in ("client_name", "client_orgnr", "client_subscription")},
                     ensure_ascii=False))

    def pdftk_tmp(self, v):
        p = self.tmp("pdf")
        self.fill_pdftk(v, p, "xfdf")
        return p

    # ------------------------------------------------------------ prints and scans

    def render(self, pdf, dpi, tool="pdftoppm", colour=False, rx=None, ry=None):
        stem = self.tmp("r")
        if tool == "pdftoppm":
            cmd = ["pdftoppm", "-singlefile"] + ([] if colour else ["-gray"])
            cmd += ["-rx", str(rx), "-ry", str(ry)] if rx else ["-r", str(dpi)]
            run(cmd + [pdf, stem])
            return Image.open(stem + (".ppm" if colour else ".pgm"))
        run(["pdftocairo", "-png", "-singlefile", "-r", str(dpi)] + ([] if colour else ["-gray"]) + [pdf, stem])
        return Image.open(stem + ".png")

    def printed(self, v, dpi, rng, fill="pdftk", signed=True, tool="pdftoppm", colour=False, rotate=None,
                noise_amp=None, sig_colour=None, inset=(4, 8)):
        """A fill printed and scanned: render, draw the signature, light noise and rotation."""
        src = self.tmp("pdf")
        if fill == "pdftk":
            self.fill_pdftk(v, src, "xfdf")
        elif fill == "pypdf":
            self.fill_pypdf(v, src)
        elif fill == "pdflib":
            self.fill_pdflib(v, src)
        elif fill == "pdftk-flatten":
            self.fill_pdftk(v, src, "flatten")
        elif fill == "magick":
            src = BLANK
        im = self.render(src, dpi, tool, colour=colour or sig_colour == "blue")
        im.load()
        rec = {"render": tool, "fill": fill}
        if fill == "magick":
            im, rec["typed"] = self.magick_typed(im, v, dpi, rng, inset)
            rec["inset_pt"] = list(inset)
        if signed:
            rec["signature"] = draw_signature(im, dpi, self.tpl, rng, sig_colour or rng.choice(["black", "blue"])
                                              if im.mode == "RGB" else "black")
        amp = noise_amp if noise_amp is not None else rng.randint(3, 8)
        im = ms.noise(im, rng, amp)
        rot = rotate if rotate is not None else round(rng.uniform(-1.0, 1.0), 2)
        if rot:
            im = im.rotate(rot, resample=Image.Resampling.BICUBIC, fillcolor=255 if im.mode == "L" else (255,) * 3)
        rec.update({"noise": amp, "rotation_deg": rot})
        return im, rec

    def magick_typed(self, im, v, dpi, rng, inset=(4, 8)):
        """The values typed onto the printed blank by ImageMagick (convert -annotate), 4-8 pt inside each box,
        the way a typewriter-style form program or a careful hand puts them."""
        k = dpi / 72.0
        face = rng.choice(["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf"])
        size = self.tpl.value_size * rng.uniform(0.9, 1.05)
        a, b = self.tmp(pnm_ext(im)), self.tmp(pnm_ext(im))
        im.save(a)
        cmd = ["convert", a, "-font", os.path.join(FONT_DIR, face), "-pointsize", "%.1f" % (size * k),
               "-fill", "rgb(20,20,30)"]
        for name, value in v.items():
            box = self.tpl.fields[name]
            x = (box["x"] + rng.uniform(*inset)) * k
            y = (box["y"] + box["h"] / 2 + size * 0.36 + rng.uniform(-1, 1)) * k
            cmd += ["-annotate", "+%d+%d" % (x, y), value.replace("\\", "\\\\").replace("%", "%%")]
        run(cmd + [b])
        out = Image.open(b)
        out.load()
        return out.convert(im.mode), face

    def img2pdf(self, images, out, dpi, fmt="JPEG", quality=85, extra=()):
        paths = []
        for im in images:
            p = self.tmp("jpg" if fmt == "JPEG" else "png")
            if fmt == "JPEG":
                im.save(p, "JPEG", quality=quality, dpi=(dpi, dpi))
            else:
                im.save(p, "PNG", dpi=(dpi, dpi), compress_level=1)
            paths.append(p)
        run(["img2pdf", *extra, "-o", out] + paths)

    def tiff2pdf(self, im, out, dpi, comp):
        raw = self.tmp("tif")
        (im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") if comp == "g4" else im.convert("L")) \
            .save(raw, "TIFF", dpi=(dpi, dpi))
        t = self.tmp("tif")
        # JPEG: tiff2pdf's own JPEG coding (-j) of an LZW TIFF. A JPEG-coded TIFF (tiffcp -c jpeg) passed
        # through tiff2pdf gives a PDF that no viewer can show (poppler and mupdf draw a blank page).
        run(["tiffcp", "-c", {"g4": "g4", "lzw": "lzw", "jpeg": "lzw", "zip": "zip"}[comp], "-r", "16", raw, t])
        run(["tiff2pdf"] + {"zip": ["-z"], "jpeg": ["-j", "-q", "85"]}.get(comp, []) + ["-o", out, t])

    def prints(self):
        cls = "print"
        S = signed_ok

        def case(label, dpi, fill, wrap, expect, tool, **kw):
            v = self.values(label)
            rng = self.rng(label)
            rec_box = {}

            def make(p):
                im, rec = self.printed(v, dpi, rng, fill=fill, tool=kw.get("render", "pdftoppm"),
                                       colour=kw.get("colour", False), rotate=kw.get("rotate"),
                                       inset=kw.get("inset", (4, 8)))
                rec_box.update(rec)
                return wrap(im, p, dpi)
            self.one(cls, label, "pdf", make, v, expect, tool, True, fmt="pdf", encoding=label, dpi=dpi,
                     page_rec=rec_box)

        jpeg = lambda im, p, dpi: self.img2pdf([im], p, dpi, "JPEG", 88)
        png = lambda im, p, dpi: self.img2pdf([im], p, dpi, "PNG")

        def cmyk(im, p, dpi):
            a, b = self.tmp("ppm"), self.tmp("jpg")
            im.convert("RGB").save(a)
            run(["convert", a, "-colorspace", "CMYK", "-quality", "88", "-density", str(dpi), "-units",
                 "PixelsPerInch", b])
            run(["img2pdf", "-o", p, b])

        def jp2(im, p, dpi):
            a, b = self.tmp(pnm_ext(im)), self.tmp("jp2")
            im.save(a)
            run(["convert", a, "-quality", "40", b])
            run(["img2pdf", "--pagesize", "A4", "-o", p, b])

        def palette(im, p, dpi):
            a = self.tmp("png")
            im.convert("RGB").quantize(colors=16).save(a, dpi=(dpi, dpi))
            run(["img2pdf", "-o", p, a])

        def png16(im, p, dpi):
            a, b = self.tmp(pnm_ext(im)), self.tmp("png")
            im.save(a)
            run(["convert", a, "-depth", "16", "-define", "png:bit-depth=16", "-density", str(dpi), "-units",
                 "PixelsPerInch", "PNG48:" + b if im.mode == "RGB" else b])
            run(["img2pdf", "-o", p, b])

        def via(tool_cmd):
            def w(im, p, dpi):
                a = self.tmp("pdf")
                self.img2pdf([im], a, dpi, "JPEG", 85)
                run([c if c != "IN" else a for c in tool_cmd(p)])
            return w

        def rotate90(im, p, dpi):
            a = self.tmp("pdf")
            self.img2pdf([im.rotate(90, expand=True)], a, dpi, "JPEG", 85)
            run(["qpdf", "--rotate=+90:1", a, p])

        def ocrmypdf(im, p, dpi):
            if not have("ocrmypdf"):
                raise ToolMissing("ocrmypdf not installed (apt package ocrmypdf; ./setup installs it)")
            a = self.tmp("pdf")
            self.img2pdf([im], a, dpi, "JPEG", 85)
            env = dict(os.environ, OMP_THREAD_LIMIT="1")
            run(["ocrmypdf", "-q", "--jobs", "1", "-l", "swe", "--output-type", "pdf", "--optimize", "0",
                 "--tesseract-timeout", "60", a, p], env=env)

        strict_accept = lambda: S(accepted_only=True)
        case("magick-typed-png-300", 300, "magick", png, strict_accept(),
             "pdftoppm 300 of the blank | convert -annotate values | signature | img2pdf PNG")
        # Issue 14 item 5: text close to the box's left border must be read whole.
        case("magick-inset-0.5-1pt-300", 300, "magick", png, S(strict=False, accepted_only=True),
             "pdftoppm 300 of the blank | convert -annotate values 0.5-1 pt from the left border | img2pdf PNG",
             inset=(0.5, 1.0))
        case("magick-inset-2pt-300", 300, "magick", jpeg, S(strict=False, accepted_only=True),
             "pdftoppm 300 of the blank | convert -annotate values 2 pt from the left border | img2pdf JPEG",
             inset=(2.0, 2.2))
        case("img2pdf-png-300", 300, "pdftk", png, strict_accept(), "pdftk fill | pdftoppm 300 | signature | img2pdf PNG")
        case("img2pdf-jpeg-300", 300, "pdftk", jpeg, strict_accept(), "pdftk fill | pdftoppm 300 | img2pdf JPEG")
        # 1-bit (G4): the print is thresholded, antialiased letters lose pixels; a person may have to look.
        case("tiff2pdf-g4-300", 300, "pdftk", lambda im, p, d: self.tiff2pdf(im, p, d, "g4"), S(),
             "pdftk fill | pdftoppm 300 | tiffcp -c g4 | tiff2pdf")
        case("img2pdf-jpeg-200-cairo", 200, "pypdf", jpeg, S(), "pypdf fill | pdftocairo 200 | img2pdf JPEG",
             render="pdftocairo")
        case("img2pdf-png-150", 150, "pdflib", png, S(strict=False), "pdf-lib fill | pdftoppm 150 | img2pdf PNG")
        case("img2pdf-jpeg-600", 600, "pdftk", jpeg, S(), "pdftk fill | pdftoppm 600 | img2pdf JPEG")
        case("pdflib-print-300", 300, "pdflib", png, S(), "pdf-lib fill (text 1 pt from the border) | pdftoppm 300")
        case("flattened-print-300", 300, "pdftk-flatten", jpeg, S(), "pdftk flatten | pdftocairo 300 | img2pdf JPEG",
             render="pdftocairo")
        case("img2pdf-cmyk-jpeg", 300, "magick", cmyk, S(), "pdftoppm 300 of the blank | convert -annotate values | convert -colorspace CMYK"
             " | img2pdf (Decode [1 0 1 0 1 0 1 0])", colour=True)
        case("tiff2pdf-lzw-200", 200, "pdftk", lambda im, p, d: self.tiff2pdf(im, p, d, "lzw"), S(),
             "pdftk fill | pdftoppm 200 | tiffcp -c lzw | tiff2pdf")
        case("tiff2pdf-jpeg-300", 300, "pypdf", lambda im, p, d: self.tiff2pdf(im, p, d, "jpeg"), S(),
             "pypdf fill | pdftoppm 300 | tiffcp -c lzw | tiff2pdf -j")
        case("tiff2pdf-zip-200", 200, "pdftk", lambda im, p, d: self.tiff2pdf(im, p, d, "zip"), S(),
             "pdftk fill | pdftoppm 200 | tiffcp -c zip | tiff2pdf")
        case("jpeg2000-300", 300, "pdftk", jp2, S(), "pdftk fill | pdftoppm 300 | convert JP2 | img2pdf (JPXDecode)")
        case("palette-png-300", 300, "magick", palette, S(), "pdftoppm 300 of the blank | convert -annotate values | 16-colour palette PNG | img2pdf",
             colour=True)
        case("png16-300", 300, "magick", png16, S(), "pdftoppm 300 of the blank | convert -annotate values | convert -depth 16 | img2pdf")
        case("gs-pdfwrite-300", 300, "pdftk", via(lambda p: ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER",
                                                             "-sDEVICE=pdfwrite", "-sOutputFile=" + p, "IN"]), S(),
             "scan PDF (img2pdf) | gs -sDEVICE=pdfwrite")
        case("mutool-convert-300", 300, "pdftk", via(lambda p: ["mutool", "convert", "-F", "pdf", "-o", p, "IN"]), S(),
             "scan PDF (img2pdf) | mutool convert")
        case("rotate90-sideways-300", 300, "pdftk", rotate90, S(),
             "pdftk fill | pdftoppm 300 | pixels turned 90° | img2pdf | qpdf --rotate=+90 (shows upright)")
        case("ocrmypdf-300", 300, "magick", ocrmypdf, S(), "convert -annotate values on the blank | scan PDF (img2pdf) | ocrmypdf (invisible text layer)")

    # ------------------------------------------------------------ faxes

    def faxes(self):
        cls = "fax"
        for ydpi, comp in [(98, "g3"), (98, "g3:2d"), (196, "g3"), (196, "g3:2d"), (196, "pdf")]:
            label = "204x%d-%s" % (ydpi, comp.replace(":", "-"))
            v = self.values(label)
            rng = self.rng(label)
            rec_box = {}

            def make(p, ydpi=ydpi, comp=comp, v=v, rng=rng):
                im, rec = self.printed(v, 204, rng, fill=rng.choice(["pdftk", "pypdf", "magick"]), rotate=0, noise_amp=4)
                rec_box.update(rec)
                d = ImageDraw.Draw(im)
                head = "%s 08:%02d   FRÅN: +46 8 %03d %02d %02d   %s   S. 01/01" % (
                    self.today.strftime("%d/%m %Y"), rng.randint(0, 59), rng.randint(100, 999), rng.randint(10, 99),
                    rng.randint(10, 99), v["bureau_name"][:20].upper())
                d.text((40, 6), head, font=font("DejaVuSansMono.ttf", 22), fill=0)
                # Rows resampled to the fax's vertical resolution, then 1 bit.
                im = im.resize((im.size[0], int(round(im.size[1] * ydpi / 204.0))), Image.Resampling.LANCZOS)
                bw = im.convert("L").point(lambda x: 255 if x > 165 else 0).convert("1")
                raw = self.tmp("tif")
                bw.save(raw, "TIFF", dpi=(204, ydpi))
                if comp == "pdf":
                    t = self.tmp("tif")
                    run(["tiffcp", "-c", "g3:2d", raw, t])
                    run(["tiff2pdf", "-o", p, t])
                else:
                    run(["tiffcp", "-c", comp, raw, p])
                rec_box["resolution"] = [204, ydpi]
            ext = "pdf" if comp == "pdf" else "tif"
            self.one(cls, label, ext, make, v, signed_ok(), "pdftk/pypdf fill | pdftoppm 204 | rows to %d dpi | "
                     "tiffcp -c %s%s" % (ydpi, "g3:2d | tiff2pdf" if comp == "pdf" else comp, ""), True,
                     fmt="pdf" if comp == "pdf" else "tiff", encoding="fax-" + comp, dpi=[204, ydpi], page_rec=rec_box)

    # ------------------------------------------------------------ attacks

    def attacks(self):
        cls = "attack"
        sig = self.tpl.signature
        centre = (sig["x"] + sig["w"] / 2, sig["y"] + sig["h"] / 2)

        def scan_case(label, signed, edit, expect, tool, dpi=300, wrap="jpeg", note=None):
            v = self.values(label)
            rng = self.rng(label)
            rec_box = {}

            def make(p):
                im, rec = self.printed(v, dpi, rng, fill="magick", signed=signed, colour=True,
                                       sig_colour=rng.choice(["black", "blue"]))
                rec_box.update(rec)
                im = edit(im, rng, dpi, v) or im
                if wrap == "jpeg":
                    self.img2pdf([im.convert("RGB")], p, dpi, "JPEG", 88)
                else:
                    wrap(im, p, dpi, v, rng)
            self.one(cls, label, "pdf", make, v, expect, tool, signed, fmt="pdf", encoding=label, dpi=dpi,
                     page_rec=rec_box, note=note)

        date = lambda r: (self.today - datetime.timedelta(days=r.randint(0, 5)))
        for colour, size, text in [("red", 16, lambda r: ["INKOM", date(r).isoformat()]),
                                   ("blue", 9, lambda r: ["INKOM", date(r).strftime("%d %b %Y").upper()]),
                                   ("grey", 24, lambda r: ["INKOMMEN", date(r).isoformat()]),
                                   ("red", 11, lambda r: ["MOTTAGEN", date(r).strftime("%Y-%m-%d")])]:
            def ed(im, r, dpi, v, colour=colour, size=size, text=text):
                return stamp(im, dpi, r, text(r), colour, size,
                             (centre[0] + r.uniform(-120, 120), centre[1] + r.uniform(-15, 15)))
            scan_case("unsigned-stamp-%s-%d" % (colour, size), False, ed,
                      attack("unsigned", "signature_unclear", "unexplained_marks"),
                      "pdftoppm 300 of the blank | convert -annotate values | %s received-stamp %d pt in the signature box | img2pdf" % (colour, size))

        def crease(im, r, dpi, v):
            k = dpi / 72.0
            d = ImageDraw.Draw(im)
            y0 = (sig["y"] + sig["h"] * r.uniform(0.3, 0.7)) * k
            tilt = r.uniform(-6, 6) * k
            pts = [(x, y0 + tilt * x / im.size[0] + 1.5 * math.sin(x / 97.0)) for x in range(0, im.size[0], 8)]
            g = r.randint(100, 150)
            d.line(pts, fill=(g, g, g), width=r.choice([2, 3]))
            d.line([(x, y + 3) for x, y in pts], fill=(215, 215, 215), width=2)
        scan_case("unsigned-fold-crease", False, crease, attack("unsigned", "signature_unclear", "unexplained_marks"),
                  "pdftoppm 300 of the blank | convert -annotate values | grey fold crease across the signature box | img2pdf")

        def streak(im, r, dpi, v):
            k = dpi / 72.0
            d = ImageDraw.Draw(im)
            x = (sig["x"] + sig["w"] * r.uniform(0.2, 0.8)) * k
            g = r.randint(60, 140)
            d.rectangle([x, 0, x + r.randint(2, 4), im.size[1]], fill=(g, g, g))
        scan_case("unsigned-scanner-streak", False, streak,
                  attack("unsigned", "signature_unclear", "unexplained_marks"),
                  "pdftoppm 300 of the blank | convert -annotate values | vertical scanner-glass streak | img2pdf")

        def beside(im, r, dpi, v):
            return stamp(im, dpi, r, ["INKOM", date(r).isoformat()], "red", 12,
                         (sig["x"] + sig["w"] * 0.85, sig["y"] + sig["h"] * 0.5), angle=r.uniform(-5, 5))
        # Not an attack: a signed form with a stamp beside the signature (the signature uses the left part).
        v = self.values("signed-stamp-beside")
        rng = self.rng("signed-stamp-beside")
        rec_box = {}

        def make_beside(p):
            im, rec = self.printed(v, 300, rng, fill="magick", signed=False, colour=True)
            rec["signature"] = draw_signature(im, 300, self.tpl, rng, "blue", width_frac=0.6)
            rec_box.update(rec)
            im = beside(im, rng, 300, v)
            self.img2pdf([im.convert("RGB")], p, 300, "JPEG", 88)
        self.one(cls, "signed-stamp-beside", "pdf", make_beside, v, signed_ok(strict=False),
                 "pdftoppm 300 of the blank | convert -annotate values | signature + red INKOM stamp beside it | img2pdf", True, fmt="pdf",
                 encoding="stamp-beside", dpi=300, page_rec=rec_box)

        # Pixel edits on the scan itself.
        def ogiltig(im, r, dpi, v):
            a, b = self.tmp(pnm_ext(im)), self.tmp(pnm_ext(im))
            im.save(a)
            run(["convert", a, "-fill", "rgba(200,20,20,0.8)", "-font", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"),
                 "-pointsize", str(int(70 * dpi / 72)), "-gravity", "center", "-annotate", "-35x-35+0+0", "OGILTIG", b])
            return Image.open(b).convert("RGB")
        scan_case("signed-ogiltig-across", True, ogiltig, attack("unexplained_marks"),
                  "pdftoppm 300 of the blank | convert -annotate values | signature | convert -annotate OGILTIG across the page | img2pdf")

        def strike(im, r, dpi, v):
            k = dpi / 72.0
            f = self.tpl.fields["client_orgnr"]
            d = ImageDraw.Draw(im)
            y = (f["y"] + f["h"] / 2) * k
            d.line([((f["x"] + 2) * k, y + 3 * k), ((f["x"] + f["w"] * 0.6) * k, y - 2 * k)], fill=(20, 30, 120),
                   width=max(2, int(1.2 * k)))
            d.line([((f["x"] + 2) * k, y - 3 * k), ((f["x"] + f["w"] * 0.6) * k, y + 2 * k)], fill=(20, 30, 120),
                   width=max(2, int(1.2 * k)))
        scan_case("signed-strike-through-orgnr", True, strike, attack("unexplained_marks", "low_confidence"),
                  "pdftoppm 300 of the blank | convert -annotate values | signature | a pen cross over the client's org. number | img2pdf")

        # PDF edits over a correct signed scan: white-out + another value, white box over the signature, MAKULERAD.
        ph = self.tpl.page_h

        def box_pdf(name, inset=1.5):
            f = self.tpl.fields[name] if name != "signature" else sig
            return (f["x"] + inset, ph - f["y"] - f["h"] + inset, f["w"] - 2 * inset, f["h"] - 2 * inset)

        def whiteout_ops(name, text):
            x, y, w, h = box_pdf(name)
            return (b"q 1 g %.2f %.2f %.2f %.2f re f Q BT 0 g /F1 12 Tf %.2f %.2f Td %s Tj ET"
                    % (x, y, w, h, x + 3, y + h / 2 - 4, win_ansi(text)))

        def pdf_edit(ops_of, how):
            def wrap(im, p, dpi, v, rng):
                a, ov = self.tmp("pdf"), self.tmp("pdf")
                self.img2pdf([im.convert("RGB")], a, dpi, "JPEG", 88)
                from pypdf import PdfReader
                mb = PdfReader(a).pages[0].mediabox
                overlay_pdf(ov, float(mb.width), float(mb.height), ops_of(v, rng),
                            fonts=("Helvetica", "Helvetica-Bold"))
                if how == "qpdf":
                    run(["qpdf", a, "--overlay", ov, "--", p])
                else:
                    from pypdf import PdfWriter
                    base = PdfReader(a)
                    page = base.pages[0]
                    page.merge_page(PdfReader(ov).pages[0])
                    w = PdfWriter()
                    w.add_page(page)
                    with open(p, "wb") as f:
                        w.write(f)
            return wrap

        def other_orgnr(v, rng):
            c = rng.choice([c for c in self.reg.clients if c["orgnr"] != v["client_orgnr"]])
            return whiteout_ops("client_orgnr", c["orgnr"]) + b" " + whiteout_ops("client_name", c["name"]) + \
                b" " + whiteout_ops("client_subscription", c["subscription"])
        scan_case("whiteout-client-qpdf-overlay", True, lambda *a: None,
                  attack("unexplained_marks", "low_confidence", "name_mismatch", "subscription_mismatch"),
                  "signed scan (img2pdf) | qpdf --overlay: white boxes + another client's name, number, subscription",
                  wrap=pdf_edit(other_orgnr, "qpdf"),
                  note="the image under the overlay holds `values`; the overlay shows another registry client")

        def other_signer(v, rng):
            client = next(c for c in self.reg.clients if c["orgnr"] == v["client_orgnr"])
            others = [u for u in client["users"] if u["name"] != v["signer_name"]] or client["users"]
            u = rng.choice(others)
            return whiteout_ops("signer_name", u["name"]) + b" " + whiteout_ops("signer_email", u["email"])
        scan_case("whiteout-signer-pypdf-merge", True, lambda *a: None,
                  attack("unexplained_marks", "low_confidence", "signer_not_admin", "signer_email_mismatch"),
                  "signed scan (img2pdf) | pypdf merge_page: white boxes + another user as signer",
                  wrap=pdf_edit(other_signer, "pypdf"))

        def whitebox_sig(v, rng):
            x, y, w, h = box_pdf("signature", inset=2)
            return b"q 1 g %.2f %.2f %.2f %.2f re f Q" % (x, y, w, h)
        scan_case("whitebox-over-signature", True, lambda *a: None,
                  attack("unsigned", "unexplained_marks", "signature_unclear"),
                  "signed scan (img2pdf) | qpdf --overlay: a white box over the signature",
                  wrap=pdf_edit(whitebox_sig, "qpdf"))

        def makulerad(v, rng):
            a = math.radians(rng.uniform(25, 40))
            c, s = math.cos(a), math.sin(a)
            return (b"q /GS1 gs 0.8 0.1 0.1 rg BT /F2 80 Tf %.4f %.4f %.4f %.4f 110 230 Tm (MAKULERAD) Tj ET Q"
                    % (c, s, -s, c))
        scan_case("makulerad-page-content", True, lambda *a: None, attack("unexplained_marks"),
                  "signed scan (img2pdf) | pypdf merge_page: MAKULERAD across the page (page content)",
                  wrap=pdf_edit(makulerad, "pypdf"))

        def freetext(im, p, dpi, v, rng):
            """A FreeText annotation (a viewer's "add text" tool) with its appearance: red MAKULERAD, no fill."""
            a = self.tmp("pdf")
            self.img2pdf([im.convert("RGB")], a, dpi, "JPEG", 88)
            from pypdf import PdfReader, PdfWriter
            from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                                       StreamObject, TextStringObject)
            r = PdfReader(a)
            w = PdfWriter()
            w.add_page(r.pages[0])
            rect = [70.0, 385.0, 70.0 + rng.uniform(440, 470), 455.0]
            font_ref = w._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
            size = 58
            ap = StreamObject()
            ap._data = (b"q 0.8 0 0 RG 2 w 2 2 %.2f %.2f re S BT 0.8 0 0 rg /HeBo %d Tf 10 14 Td (MAKULERAD) Tj ET Q"
                        % (rect[2] - rect[0] - 4, rect[3] - rect[1] - 4, size))
            ap.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0),
                                                         FloatObject(rect[2] - rect[0]), FloatObject(rect[3] - rect[1])]),
                       NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                           {NameObject("/HeBo"): font_ref})})})
            annot = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FreeText"),
                NameObject("/Rect"): ArrayObject([FloatObject(x) for x in rect]),
                NameObject("/Contents"): TextStringObject("MAKULERAD"),
                NameObject("/DA"): TextStringObject("/HeBo %d Tf 0.8 0 0 rg" % size),
                NameObject("/F"): NumberObject(4),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): w._add_object(ap)})})
            page = w.pages[0]
            if "/Annots" not in page:
                page[NameObject("/Annots")] = ArrayObject()
            page["/Annots"].append(w._add_object(annot))
            with open(p, "wb") as f:
                w.write(f)
        scan_case("makulerad-freetext-annotation", True, lambda *a: None, attack("unexplained_marks"),
                  "signed scan (img2pdf) | pypdf FreeText annotation MAKULERAD over the fields", wrap=freetext)

    # ------------------------------------------------------------ a feeder stack

    def stack(self, forms=30):
        cls = "stack"
        dpi = 200
        name = self.name(cls, "feeder-%d-pages" % (2 * forms), "pdf")
        images, pages, docs = [], [], []
        unsigned_at = set(self.rng("stack-unsigned").sample(range(forms), 2))
        for i in range(forms):
            v = self.values("stack%d" % i)
            rng = self.rng("stack%d" % i)
            signed = i not in unsigned_at
            im, rec = self.printed(v, dpi, rng, fill=rng.choice(["pdftk", "pypdf", "pdftk-flatten", "magick"]), signed=signed,
                                   rotate=round(rng.uniform(-1.5, 1.5), 2))
            doc = dict(signed_ok() if signed else unsigned_form())
            doc.update({"index": len(docs), "pages": [len(images) + 1], "values": v, "signed": signed})
            pages.append(dict(page=len(images) + 1, kind="form", document=doc["index"], **rec))
            docs.append(doc)
            images.append(im)
            back = Image.new("L", im.size, 250)
            back = ms.noise(back, rng, 5)
            images.append(back)
            pages.append({"page": len(images), "kind": "blank", "document": None, "may_report": ["unrecognised_page"]})
        self.img2pdf(images, os.path.join(self.out, name), dpi, "JPEG", 75)
        self.write_truth(name, cls, "pdftk/pypdf fills | pdftoppm 200 | img2pdf %d JPEG pages" % len(images), docs,
                         pages, "pdf", "feeder-stack", dpi)

    # ------------------------------------------------------------ run

    def run(self):
        only = set(self.args.only.split(",")) if self.args.only else None
        for cls, fn in [("fill", self.fill_born_digital), ("print", self.prints), ("fax", self.faxes),
                        ("attack", self.attacks), ("stack", self.stack)]:
            if only and cls not in only:
                continue
            t0 = time.time()
            fn()
            print("make_realworld: %-6s %5.1f s" % (cls, time.time() - t0), file=sys.stderr)
        manifest = {"generator": "tests/realworld/make_realworld.py", "seed": self.seed,
                    "today": self.today.isoformat(), "skipped": self.skipped,
                    "files": [{"file": t["file"], "class": t["class"], "documents": len(t["documents"])}
                              for t in self.files],
                    "documents": sum(len(t["documents"]) for t in self.files)}
        with open(os.path.join(self.out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")
        return manifest


def main(argv):
    p = argparse.ArgumentParser(description="A corpus of the linkage form made by other tools, with truth files.")
    p.add_argument("--out", required=True)
    p.add_argument("--registry", default=os.path.join(ROOT, "data", "sample-registry.json"))
    p.add_argument("--seed", default=None, help="default: a fresh random seed (printed)")
    p.add_argument("--today", default=None, help="YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--only", default=None, help="comma-separated classes: fill,print,fax,attack,stack")
    p.add_argument("--verbose", action="store_true", help="the time each file took")
    a = p.parse_args(argv)
    a.seed = a.seed or secrets.token_hex(4)
    a.today = (datetime.date.fromisoformat(a.today) if a.today
               else datetime.datetime.now(datetime.timezone.utc).date())
    print("make_realworld: seed %s (reproduce with --seed %s --today %s)" % (a.seed, a.seed, a.today.isoformat()))
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="make_realworld-") as work:
        m = Realworld(a, work).run()
    print("make_realworld: %d files, %d documents in %s (%.0f s)%s" % (
        len(m["files"]), m["documents"], a.out, time.time() - t0,
        "; skipped: " + "; ".join(m["skipped"]) if m["skipped"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
