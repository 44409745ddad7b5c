"""Fills the blank linkage form with pypdf the ways other tools write values:
hex strings in UTF-16BE with BOM and in PDFDocEncoding, a literal string, a
field split into a parent (/T, /V) and a widget kid, and a field whose /V is
inherited from a parent that carries another /T. fill_hex.py BLANK OUT."""
import sys

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, ByteStringObject, DictionaryObject, NameObject,
                           TextStringObject)

blank, out = sys.argv[1], sys.argv[2]
w = PdfWriter()
w.clone_reader_document_root(PdfReader(blank))
form = w._root_object["/AcroForm"]
fields = form["/Fields"]
by_name = {f.get_object()["/T"]: f for f in fields}


def utf16(s):
    return ByteStringObject(b"\xfe\xff" + s.encode("utf-16-be"))


def pdfdoc(s):
    return ByteStringObject(s.encode("latin-1"))  # PDFDocEncoding agrees with Latin-1 for these letters


by_name["bureau_name"].get_object()[NameObject("/V")] = utf16("Byrå Öst & Co AB")
by_name["bureau_orgnr"].get_object()[NameObject("/V")] = pdfdoc("556677-8899")
by_name["client_name"].get_object()[NameObject("/V")] = pdfdoc("Åkeri Ölhall AB")
by_name["signer_name"].get_object()[NameObject("/V")] = utf16("Märta Ågren")
by_name["place"].get_object()[NameObject("/V")] = TextStringObject("Mölndal")

# client_orgnr: the field (/T, /FT, /V) as a parent, its widget a kid without /T.
widget_ref = by_name["client_orgnr"]
widget = widget_ref.get_object()
parent = DictionaryObject({NameObject("/T"): widget["/T"], NameObject("/FT"): widget["/FT"],
                           NameObject("/V"): utf16("559123-4567")})
for k in ("/T", "/FT", "/V"):
    if k in widget:
        del widget[k]
parent_ref = w._add_object(parent)
parent[NameObject("/Kids")] = ArrayObject([widget_ref])
widget[NameObject("/Parent")] = parent_ref

# client_subscription: a child field under a parent "grupp" that holds /V.
child_ref = by_name["client_subscription"]
child = child_ref.get_object()
group = DictionaryObject({NameObject("/T"): TextStringObject("grupp"), NameObject("/FT"): NameObject("/Tx"),
                          NameObject("/V"): pdfdoc("AB12345")})
if "/V" in child:
    del child["/V"]
group_ref = w._add_object(group)
group[NameObject("/Kids")] = ArrayObject([child_ref])
child[NameObject("/Parent")] = group_ref

new_fields = ArrayObject()
for f in fields:
    t = f.get_object().get("/T")
    if t == "client_subscription":
        new_fields.append(group_ref)
    elif f == widget_ref:
        new_fields.append(parent_ref)
    else:
        new_fields.append(f)
form[NameObject("/Fields")] = new_fields
form[NameObject("/NeedAppearances")] = BooleanObject(True)
with open(out, "wb") as fh:
    w.write(fh)
