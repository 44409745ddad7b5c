"""Appends an incremental update to a filled form: a new revision of the
bureau_orgnr field whose /V is a hex string with another value, a new xref
section and a trailer with /Prev. incremental.py IN OUT VALUE."""
import io
import sys

from pypdf import PdfReader
from pypdf.generic import ByteStringObject, NameObject

src, out, value = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
r = PdfReader(io.BytesIO(data))
ref = next(f for f in r.trailer["/Root"]["/AcroForm"]["/Fields"] if f.get_object().get("/T") == "bureau_orgnr")
field = ref.get_object()
field[NameObject("/V")] = ByteStringObject(value.encode("latin-1"))  # written as <hex>
body = io.BytesIO()
field.write_to_stream(body, None)
prev = data.rindex(b"startxref")
prev_offset = int(data[prev + len(b"startxref"):].split()[0])
update = bytearray(b"\n")
obj_at = len(data) + len(update)
update += b"%d 0 obj\n" % ref.idnum + body.getvalue() + b"\nendobj\n"
xref_at = len(data) + len(update)
update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (ref.idnum, obj_at)
root = r.trailer.raw_get("/Root")
update += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    int(r.trailer["/Size"]), root.idnum, prev_offset, xref_at)
open(out, "wb").write(data + bytes(update))
