#include "raster/pdf_pages.hpp"

#include "core/outcome.hpp"
#include "image/lept.hpp"
#include "raster/flate_image.hpp"
#include "raster/tiff_wrap.hpp"

#include <podofo.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <optional>

namespace raster {

namespace {

using namespace PoDoFo;

struct PodofoFree {
    void operator()(char* p) const { podofo_free(p); }
};
using Buffer = std::unique_ptr<char, PodofoFree>;

void quiet_podofo() {
    static std::once_flag once;
    std::call_once(once, [] {
        PdfError::EnableLogging(false);
        PdfError::EnableDebug(false);
    });
}

std::unexpected<RasterProblem> problem(std::string_view reason, std::string detail) {
    return std::unexpected(RasterProblem{reason, std::move(detail)});
}

// Takes a stream's decoded bytes up to `cap`, then stops the decoder by throwing:
// a few hundred KiB of Flate can inflate to gigabytes (a decompression bomb),
// and an image needs only its rows. full() tells that stop from a broken stream.
class CappedSink final : public PdfOutputStream {
public:
    explicit CappedSink(size_t cap) : m_cap(cap) {}
    pdf_long Write(const char* buffer, pdf_long len) override {
        const size_t n = len > 0 ? static_cast<size_t>(len) : 0;
        const size_t take = std::min(n, m_cap - m_data.size());
        m_data.append(buffer, take);
        if (take < n) {
            m_full = true;
            throw PdfError(ePdfError_ValueOutOfRange, __FILE__, __LINE__);
        }
        return len;
    }
    void Close() override {}
    const std::string& data() const { return m_data; }
    bool full() const { return m_full; }

private:
    size_t m_cap;
    std::string m_data;
    bool m_full = false;
};

// How many filters a stream names (0 when unfiltered).
size_t filter_count(PdfObject* obj) {
    PdfObject* f = obj->GetIndirectKey(PdfName::KeyFilter);
    if (!f) return 0;
    return f->IsArray() ? f->GetArray().GetSize() : 1;
}

// The first filter name of a stream (or empty when unfiltered).
std::string filter_name(PdfMemDocument& doc, PdfObject* obj) {
    PdfObject* f = obj->GetIndirectKey(PdfName::KeyFilter);
    if (!f) return {};
    if (f->IsName()) return f->GetName().GetName();
    if (f->IsArray() && f->GetArray().GetSize() > 0) {
        const PdfObject& first = f->GetArray()[0];
        const PdfObject* resolved = first.IsReference() ? doc.GetObjects().GetObject(first.GetReference()) : &first;
        if (resolved && resolved->IsName()) return resolved->GetName().GetName();
    }
    return {};
}

std::int64_t int_key(PdfObject* dict, const char* key, std::int64_t fallback) {
    if (!dict) return fallback;
    PdfObject* v = dict->GetIndirectKey(PdfName(key));
    return v && v->IsNumber() ? v->GetNumber() : fallback;
}

bool bool_key(PdfObject* dict, const char* key, bool fallback) {
    if (!dict) return fallback;
    PdfObject* v = dict->GetIndirectKey(PdfName(key));
    return v && v->IsBool() ? v->GetBool() : fallback;
}

PdfObject* decode_parms(PdfMemDocument& doc, PdfObject* obj) {
    PdfObject* p = obj->GetIndirectKey(PdfName("DecodeParms"));
    if (p && p->IsArray() && p->GetArray().GetSize() > 0) {
        const PdfObject& first = p->GetArray()[0];
        return first.IsReference() ? doc.GetObjects().GetObject(first.GetReference()) : const_cast<PdfObject*>(&first);
    }
    return p && p->IsDictionary() ? p : nullptr;
}

// Components of the image's colour space: 1 (grey), 3 (RGB), 4 (CMYK), 0 unknown/unsupported.
int components(PdfMemDocument& doc, PdfObject* obj) {
    PdfObject* cs = obj->GetIndirectKey(PdfName("ColorSpace"));
    if (!cs) return 1;  // image masks and CCITT images usually omit it
    if (cs->IsName()) {
        auto n = cs->GetName().GetName();
        if (n == "DeviceGray" || n == "CalGray") return 1;
        if (n == "DeviceRGB" || n == "CalRGB") return 3;
        if (n == "DeviceCMYK") return 4;
        return 0;
    }
    if (cs->IsArray() && cs->GetArray().GetSize() >= 2) {
        const PdfObject& kind = cs->GetArray()[0];
        if (kind.IsName() && kind.GetName().GetName() == "ICCBased") {
            const PdfObject& ref = cs->GetArray()[1];
            PdfObject* icc = ref.IsReference() ? doc.GetObjects().GetObject(ref.GetReference()) : nullptr;
            return icc ? static_cast<int>(int_key(icc, "N", 0)) : 0;
        }
        if (kind.IsName() && (kind.GetName().GetName() == "CalGray")) return 1;
        if (kind.IsName() && (kind.GetName().GetName() == "CalRGB")) return 3;
    }
    return 0;
}

void invert(core::GrayImage& g) {
    for (auto& p : g.pixels) p = static_cast<std::uint8_t>(255 - p);
}

// The image dictionary's /Width and /Height are only a claim: what a decoder
// would really allocate (the JPEG's own header, CCITT's /Columns × /Rows) is
// checked against the limit too, before decoding.
std::optional<RasterProblem> over_limit(int w, int h, const Limits& limits, const std::string& where) {
    if (static_cast<double>(w) * static_cast<double>(h) / 1e6 <= limits.max_megapixels) return std::nullopt;
    return RasterProblem{core::reason::too_large, where + "image of " + std::to_string(w) + "x" + std::to_string(h) +
                                                      " pixels exceeds the limit"};
}

std::expected<core::GrayImage, RasterProblem> decode_image_object(PdfMemDocument& doc, PdfObject* obj, int page_no,
                                                                  const Limits& limits) {
    const int w = static_cast<int>(int_key(obj, "Width", 0));
    const int h = static_cast<int>(int_key(obj, "Height", 0));
    const int bpc = static_cast<int>(int_key(obj, "BitsPerComponent", 1));
    const std::string filter = filter_name(doc, obj);
    const std::string where = "page " + std::to_string(page_no) + ": ";
    PdfStream* stream = obj->GetStream();
    if (!stream) return problem(core::reason::unreadable, where + "image without data");

    bool decode_inverted = false;
    if (PdfObject* d = obj->GetIndirectKey(PdfName("Decode")); d && d->IsArray() && d->GetArray().GetSize() >= 2) {
        const PdfObject& a = d->GetArray()[0];
        decode_inverted = a.IsNumber() ? a.GetNumber() == 1 : (a.IsReal() && a.GetReal() > 0.5);
    }

    if (filter == "DCTDecode") {
        char* raw = nullptr;
        pdf_long len = 0;
        stream->GetCopy(&raw, &len);
        Buffer buf(raw);
        const std::span<const std::uint8_t> jpeg(reinterpret_cast<const std::uint8_t*>(raw), static_cast<size_t>(len));
        auto header = image::read_header(jpeg);
        if (!header) return problem(core::reason::unreadable, where + "the JPEG image's header cannot be read");
        if (auto p = over_limit(header->width, header->height, limits, where)) return std::unexpected(*p);
        auto g = image::decode_gray(jpeg);
        if (!g) return problem(core::reason::unreadable, where + "the JPEG image cannot be decoded");
        if (decode_inverted) invert(*g);
        return *g;
    }
    if (filter == "CCITTFaxDecode") {
        PdfObject* parms = decode_parms(doc, obj);
        int k = static_cast<int>(int_key(parms, "K", 0));
        int columns = static_cast<int>(int_key(parms, "Columns", 1728));
        int rows = static_cast<int>(int_key(parms, "Rows", h));
        bool black_is_1 = bool_key(parms, "BlackIs1", false);
        if (k > 0) return problem(core::reason::unsupported_format, where + "CCITT Group 3 two-dimensional coding is not supported");
        if (rows <= 0) rows = h;
        if (columns <= 0 || rows <= 0) return problem(core::reason::unreadable, where + "CCITT image without a size");
        if (auto p = over_limit(columns, rows, limits, where)) return std::unexpected(*p);
        char* raw = nullptr;
        pdf_long len = 0;
        stream->GetCopy(&raw, &len);
        Buffer buf(raw);
        auto tiff = wrap_ccitt_as_tiff({reinterpret_cast<const std::uint8_t*>(raw), static_cast<size_t>(len)}, columns,
                                       rows, k);
        auto g = image::decode_gray(tiff);
        if (!g) return problem(core::reason::unreadable, where + "the CCITT fax image cannot be decoded");
        // WhiteIsZero TIFF shows black runs black; BlackIs1 and /Decode [1 0] each flip that.
        if (black_is_1 != decode_inverted) invert(*g);
        return *g;
    }
    if (filter == "FlateDecode" || filter.empty() || filter == "LZWDecode" || filter == "RunLengthDecode") {
        int comps = components(doc, obj);
        if (comps != 1 && comps != 3) return problem(core::reason::unsupported_format, where + "unsupported colour space");
        if (bpc != 8 && !(bpc == 1 && comps == 1))
            return problem(core::reason::unsupported_format, where + "unsupported bits per component " + std::to_string(bpc));
        if (w <= 0 || h <= 0) return problem(core::reason::unreadable, where + "image without a size");
        const size_t row_bytes = bpc == 1 ? (static_cast<size_t>(w) + 7) / 8 : static_cast<size_t>(w) * static_cast<size_t>(comps);
        const size_t needed = row_bytes * static_cast<size_t>(h);
        std::string decoded;
        if (filter == "FlateDecode" && filter_count(obj) == 1) {
            PdfObject* parms = decode_parms(doc, obj);
            const FlatePredictor predictor{static_cast<int>(int_key(parms, "Predictor", 1)),
                                           static_cast<int>(int_key(parms, "Colors", 1)),
                                           static_cast<int>(int_key(parms, "BitsPerComponent", 8)),
                                           static_cast<int>(int_key(parms, "Columns", 1))};
            char* raw = nullptr;
            pdf_long len = 0;
            stream->GetCopy(&raw, &len);
            Buffer buf(raw);
            auto d = decode_flate_image({reinterpret_cast<const std::uint8_t*>(raw), static_cast<size_t>(len)}, predictor, needed);
            if (!d)
                return problem(d.error().unsupported ? core::reason::unsupported_format : core::reason::unreadable,
                               where + d.error().detail);
            decoded = std::move(*d);
        } else {
            // PoDoFo 0.9 takes the image dictionary itself as the decode parameters when
            // /DecodeParms is not a dictionary: its /BitsPerComponent 1 then sets up a
            // predictor with rows of zero bytes, and the decode throws. Give it the
            // real parameters (the first of an array) or none.
            if (PdfObject* dp = obj->GetDictionary().GetKey(PdfName("DecodeParms")); !dp || !dp->IsDictionary()) {
                PdfObject* first = decode_parms(doc, obj);
                PdfDictionary parms = first && first->IsDictionary() ? first->GetDictionary() : PdfDictionary();
                obj->GetDictionary().AddKey(PdfName("DecodeParms"), parms);
            }
            CappedSink sink(needed);
            try {
                stream->GetFilteredCopy(&sink);
            } catch (const PdfError&) {
                if (!sink.full()) throw;  // a broken stream; a full sink only stopped the decoder
            }
            decoded = sink.data();
        }
        if (decoded.size() < needed)
            return problem(core::reason::unreadable, where + "the image data is shorter than its size says (truncated)");
        const char* raw = decoded.data();
        core::GrayImage g;
        g.width = w;
        g.height = h;
        g.pixels.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
        auto* src = reinterpret_cast<const std::uint8_t*>(raw);
        for (int y = 0; y < h; ++y) {
            const std::uint8_t* row = src + static_cast<size_t>(y) * row_bytes;
            for (int x = 0; x < w; ++x) {
                std::uint8_t v;
                if (bpc == 1) v = (row[x / 8] >> (7 - x % 8)) & 1 ? 255 : 0;
                else if (comps == 1) v = row[x];
                else v = static_cast<std::uint8_t>((row[3 * x] * 77 + row[3 * x + 1] * 150 + row[3 * x + 2] * 29) >> 8);
                g.at(x, y) = v;
            }
        }
        if (decode_inverted) invert(g);
        return g;
    }
    return problem(core::reason::unsupported_format, where + "image coding " + filter + " is not supported");
}

// The largest image XObject drawn on a page, or null.
PdfObject* page_image(PdfMemDocument& doc, PdfPage* page, int& w, int& h) {
    PdfObject* res = page->GetResources();
    if (!res) return nullptr;
    PdfObject* xobjs = res->GetIndirectKey(PdfName("XObject"));
    if (!xobjs || !xobjs->IsDictionary()) return nullptr;
    PdfObject* best = nullptr;
    std::int64_t best_area = 0;
    for (auto& [name, value] : xobjs->GetDictionary().GetKeys()) {
        (void)name;
        PdfObject* o = value->IsReference() ? doc.GetObjects().GetObject(value->GetReference()) : value;
        if (!o || !o->IsDictionary()) continue;
        PdfObject* sub = o->GetIndirectKey(PdfName::KeySubtype);
        if (!sub || !sub->IsName() || sub->GetName().GetName() != "Image") continue;
        std::int64_t iw = int_key(o, "Width", 0), ih = int_key(o, "Height", 0);
        if (iw * ih > best_area) {
            best_area = iw * ih;
            best = o;
            w = static_cast<int>(iw);
            h = static_cast<int>(ih);
        }
    }
    return best;
}

void read_acroform(PdfMemDocument& doc, PdfContent& out) {
    PdfAcroForm* form = doc.GetAcroForm(false);
    if (!form) return;
    PdfObject* fields = form->GetObject()->GetIndirectKey(PdfName("Fields"));
    if (!fields || !fields->IsArray()) return;
    for (auto& f : fields->GetArray()) {
        PdfObject* field = f.IsReference() ? doc.GetObjects().GetObject(f.GetReference()) : const_cast<PdfObject*>(&f);
        if (!field || !field->IsDictionary()) continue;
        PdfObject* t = field->GetIndirectKey(PdfName("T"));
        if (!t || !t->IsString()) continue;
        std::string name = t->GetString().GetStringUtf8();
        PdfObject* ft = field->GetIndirectKey(PdfName("FT"));
        PdfObject* v = field->GetIndirectKey(PdfName("V"));
        if (ft && ft->IsName() && ft->GetName().GetName() == "Sig") {
            if (v && v->IsDictionary()) out.signature_value_present = true;
            continue;
        }
        if (v && v->IsString()) {
            std::string value = v->GetString().GetStringUtf8();
            if (!value.empty()) out.form_fields[name] = value;
        }
    }
}

}  // namespace

std::expected<PdfContent, RasterProblem> read_pdf(std::span<const std::uint8_t> bytes, const Limits& limits) {
    quiet_podofo();
    PdfContent out;
    try {
        PdfMemDocument doc;
        doc.LoadFromBuffer(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
        if (doc.GetObjects().GetSize() > limits.max_pdf_objects)
            return problem(core::reason::too_large, "PDF with " + std::to_string(doc.GetObjects().GetSize()) +
                                                        " objects exceeds the limit of " +
                                                        std::to_string(limits.max_pdf_objects));
        int n = doc.GetPageCount();
        if (n <= 0) return problem(core::reason::unreadable, "the PDF has no pages");
        if (n > limits.max_pages)
            return problem(core::reason::too_large, "PDF with " + std::to_string(n) + " pages exceeds the limit of " +
                                                        std::to_string(limits.max_pages));
        read_acroform(doc, out);
        int pages_with_images = 0;
        for (int i = 0; i < n; ++i) {
            PdfPage* page = doc.GetPage(i);
            int w = 0, h = 0;
            PdfObject* img = page ? page_image(doc, page, w, h) : nullptr;
            if (!img) {
                out.pages.push_back({});  // a page without a scan: kept as a placeholder
                continue;
            }
            double mp = static_cast<double>(w) * static_cast<double>(h) / 1e6;
            if (mp > limits.max_megapixels)
                return problem(core::reason::too_large, "page " + std::to_string(i + 1) + ": image of " +
                                                            std::to_string(w) + "x" + std::to_string(h) +
                                                            " pixels exceeds the limit");
            auto g = decode_image_object(doc, img, i + 1, limits);
            if (!g) return std::unexpected(g.error());
            PdfRect box = page->GetMediaBox();
            if (box.GetWidth() > 0) g->dpi = g->width / (box.GetWidth() / 72.0);
            // A scanner's /Rotate is honoured by align (orientation is found from the page itself).
            out.pages.push_back(std::move(*g));
            ++pages_with_images;
        }
        if (pages_with_images == 0) {
            out.pages.clear();
            if (!out.form_fields.empty()) {
                out.born_digital = true;
                return out;
            }
            return problem(core::reason::unsupported_format,
                           "the PDF holds neither scanned images nor filled form fields (a printed-to-PDF file "
                           "cannot be read: scan the signed paper form, or send the filled fillable PDF)");
        }
        // Pages without an image inside a scan (rare): treat as blank pages.
        for (auto& p : out.pages)
            if (p.empty()) p = core::GrayImage{1, 1, 0, {255}};
        return out;
    } catch (const PdfError& e) {
        // ErrorMessage() is NULL for some codes (found by fuzzing): fall back to the name, then the number.
        const char* msg = PdfError::ErrorMessage(e.GetError());
        if (!msg || !*msg) msg = PdfError::ErrorName(e.GetError());
        return problem(core::reason::unreadable,
                       std::string("the PDF cannot be read: ") +
                           (msg ? std::string(msg) : "PoDoFo error " + std::to_string(static_cast<int>(e.GetError()))));
    } catch (const std::bad_alloc&) {
        return problem(core::reason::too_large, "the PDF needs more memory than allowed to read");
    }
}

}  // namespace raster
