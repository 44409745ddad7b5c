"""PDF bytes for make_realworld.py: strings, a one-page overlay, an incremental update with a hex
UTF-16BE /V, a CMS signature (openssl) in an incremental update: what the tools we call do not write."""
import io

from rw_tools import ToolMissing, have, run


def pdf_string(text):
    """A PDF literal string: PDFDocEncoding/Latin-1 when it fits, else UTF-16BE with BOM."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def overlay_pdf(path, page_w, page_h, ops, fonts=("Helvetica",)):
    """A one-page PDF whose content stream is `ops` (bytes), with /F1.. as the standard fonts named."""
    objs = []

    def add(b):
        objs.append(b)
        return len(objs)

    content = add(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    fobjs = [add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % f.encode())
             for f in fonts]
    res = b"<< /Font << " + b" ".join(b"/F%d %d 0 R" % (i + 1, o) for i, o in enumerate(fobjs)) + b" >> " \
        b"/ExtGState << /GS1 << /Type /ExtGState /ca 0.85 /CA 0.85 >> >> >>"
    pages = len(objs) + 2
    page = add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s /Contents %d 0 R >>"
               % (pages, page_w, page_h, res, content))
    add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    cat = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, b in enumerate(objs):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % (i + 1) + b + b"\nendobj\n")
    x = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, cat, x))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def win_ansi(text):
    return pdf_string(text) if all(ord(c) < 256 for c in text) else pdf_string(text.encode("ascii", "replace").decode())


def incremental_update(base, out, field, value):
    """Appends a revision to `base`: the field `field` with /V as a hex UTF-16BE string and no /AP, the
    AcroForm with /NeedAppearances true; classic xref section with /Prev."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject
    with open(base, "rb") as f:
        data = f.read()
    r = PdfReader(base)
    root_ref = r.trailer.raw_get("/Root")
    target = next(ref for ref in r.trailer["/Root"]["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == field)

    def dict_bytes(d, override):
        b = io.BytesIO()
        b.write(b"<<")
        for k, val in d.items():
            if k in override:
                continue
            b.write(b" " + k.encode() + b" ")
            val.write_to_stream(b, None)
        for k, raw in override.items():
            if raw is not None:
                b.write(b" " + k.encode() + b" " + raw)
        b.write(b" >>")
        return b.getvalue()

    objs = [(target.idnum, target.generation, dict_bytes(target.get_object(), {
        "/V": b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">", "/AP": None}))]
    af = r.trailer["/Root"].raw_get("/AcroForm")
    if isinstance(af, IndirectObject):
        objs.append((af.idnum, af.generation, dict_bytes(af.get_object(), {"/NeedAppearances": b"true"})))
    else:
        af_bytes = dict_bytes(af, {"/NeedAppearances": b"true"})
        root = r.trailer["/Root"]
        objs.append((root_ref.idnum, root_ref.generation, dict_bytes(root, {"/AcroForm": af_bytes})))
    prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
    out_b = io.BytesIO()
    out_b.write(data if data.endswith(b"\n") else data + b"\n")
    offsets = []
    for num, gen, body in objs:
        offsets.append((num, gen, out_b.tell()))
        out_b.write(b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n")
    xref = out_b.tell()
    out_b.write(b"xref\n0 1\n0000000000 65535 f \n")
    for num, gen, off in sorted(offsets):
        out_b.write(b"%d 1\n%010d %05d n \n" % (num, off, gen))
    trailer = b"/Size %d /Root %d %d R /Prev %d" % (r.trailer["/Size"], root_ref.idnum, root_ref.generation, prev)
    if "/ID" in r.trailer:
        idb = io.BytesIO()
        r.trailer.raw_get("/ID").write_to_stream(idb, None)
        trailer += b" /ID " + idb.getvalue()
    out_b.write(b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    with open(out, "wb") as f:
        f.write(out_b.getvalue())

def sign_digitally(base, out, tmp, today):
    """Signs `base` in an incremental update: a /Sig dictionary (adbe.pkcs7.detached, a CMS signature by
    `openssl cms` over the ByteRange, self-signed certificate) as /V of the signature field."""
    if not have("openssl"):
        raise ToolMissing("openssl not installed")
    from pypdf import PdfReader
    key, cert = tmp("pem"), tmp("pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "30",
         "-subj", "/CN=Karin Testsson/O=Exempel AB/C=SE"])
    with open(base, "rb") as f:
        data = f.read()
    r = PdfReader(base)
    root_ref = r.trailer.raw_get("/Root")
    acro = r.trailer["/Root"]["/AcroForm"]
    sig_field = next(ref for ref in acro["/Fields"] if ref.get_object().get("/FT") == "/Sig")
    size = int(r.trailer["/Size"])
    sig_num = size

    def ser(obj):
        b = io.BytesIO()
        obj.write_to_stream(b, None)
        return b.getvalue()

    def dict_with(d, extra):
        return b"<<" + b"".join(b" " + k.encode() + b" " + ser(val) for k, val in d.items() if k not in extra) + \
            b"".join(b" " + k.encode() + b" " + raw for k, raw in extra.items()) + b" >>"

    placeholder_len = 8192
    br_placeholder = b"/ByteRange [0 0000000000 0000000000 0000000000]"
    sig_obj = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached " + br_placeholder +
               b" /Contents <" + b"0" * placeholder_len + b"> /M (D:%s) /Name (Karin Testsson) /Reason "
               b"(Godk\\344nner kopplingen) >>" % today.strftime("%Y%m%d120000Z").encode())
    objs = [(sig_field.idnum, sig_field.generation, dict_with(sig_field.get_object(), {"/V": b"%d 0 R" % sig_num}))]
    af = r.trailer["/Root"].raw_get("/AcroForm")
    from pypdf.generic import IndirectObject
    if isinstance(af, IndirectObject):
        objs.append((af.idnum, af.generation, dict_with(af.get_object(), {"/SigFlags": b"3"})))
    else:
        objs.append((root_ref.idnum, root_ref.generation,
                     dict_with(r.trailer["/Root"], {"/AcroForm": dict_with(af, {"/SigFlags": b"3"})})))
    objs.append((sig_num, 0, sig_obj))
    prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
    buf = io.BytesIO()
    buf.write(data if data.endswith(b"\n") else data + b"\n")
    offsets = []
    for num, gen, body in objs:
        offsets.append((num, gen, buf.tell()))
        buf.write(b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n")
    xref = buf.tell()
    buf.write(b"xref\n0 1\n0000000000 65535 f \n")
    for num, gen, off in sorted(offsets):
        buf.write(b"%d 1\n%010d %05d n \n" % (num, off, gen))
    trailer = b"/Size %d /Root %d %d R /Prev %d" % (size + 1, root_ref.idnum, root_ref.generation, prev)
    if "/ID" in r.trailer:
        trailer += b" /ID " + ser(r.trailer.raw_get("/ID"))
    buf.write(b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    pdf = bytearray(buf.getvalue())
    c0 = pdf.rindex(b"/Contents <") + len(b"/Contents ")
    c1 = c0 + placeholder_len + 2
    br = b"/ByteRange [0 %010d %010d %010d]" % (c0, c1, len(pdf) - c1)
    i = pdf.rindex(br_placeholder)
    pdf[i:i + len(br)] = br
    signed_part = tmp("bin")
    with open(signed_part, "wb") as f:
        f.write(bytes(pdf[:c0]) + bytes(pdf[c1:]))
    der = tmp("der")
    run(["openssl", "cms", "-sign", "-binary", "-in", signed_part, "-signer", cert, "-inkey", key, "-outform",
         "DER", "-out", der, "-md", "sha256", "-nosmimecap"])
    with open(der, "rb") as f:
        h = f.read().hex().encode()
    assert len(h) <= placeholder_len, "CMS signature larger than its placeholder"
    pdf[c0 + 1:c0 + 1 + len(h)] = h
    with open(out, "wb") as f:
        f.write(bytes(pdf))
