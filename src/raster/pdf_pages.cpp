#include "raster/pdf_pages.hpp"

#include "core/outcome.hpp"
#include "image/lept.hpp"
#include "raster/flate_image.hpp"
#include "raster/render.hpp"
#include "raster/resample.hpp"
#include "raster/tiff_wrap.hpp"

#include <openssl/provider.h>
#include <podofo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
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

// A PDF without pages, or with more than the limit (the detail names it).
std::optional<RasterProblem> page_count_problem(int count, const Limits& limits) {
    if (count <= 0) return RasterProblem{core::reason::unreadable, "the PDF has no pages"};
    if (count > limits.max_pages)
        return RasterProblem{core::reason::too_large, "PDF with " + std::to_string(count) + " pages exceeds the limit of " +
                                                          std::to_string(limits.max_pages) + " pages (limits.max_pages)"};
    return std::nullopt;
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

// A number operand (integer or real), NaN otherwise.
double number_of(const PdfVariant& v) {
    if (v.IsReal()) return v.GetReal();
    if (v.IsNumber()) return static_cast<double>(v.GetNumber());
    return std::nan("");
}

PdfObject* resolve(PdfMemDocument& doc, PdfObject* o) {
    return o && o->IsReference() ? doc.GetObjects().GetObject(o->GetReference()) : o;
}

// The Decode array is the default one, or inverts every component alike (what
// decode_image_object handles); `inverted` tells which.
bool simple_decode(PdfObject* obj, bool& inverted) {
    inverted = false;
    PdfObject* d = obj->GetIndirectKey(PdfName("Decode"));
    if (!d) return true;
    if (!d->IsArray() || d->GetArray().GetSize() < 2 || d->GetArray().GetSize() % 2) return false;
    const auto& a = d->GetArray();
    const double lo = number_of(a[0]), hi = number_of(a[1]);
    if (!((lo == 0 && hi == 1) || (lo == 1 && hi == 0))) return false;
    for (size_t i = 0; i + 1 < a.GetSize(); i += 2)
        if (number_of(a[i]) != lo || number_of(a[i + 1]) != hi) return false;
    inverted = lo == 1;
    return true;
}

// An image coding decode_image_object reads exactly as a viewer shows it.
bool coding_we_decode(PdfMemDocument& doc, PdfObject* img) {
    for (const char* key : {"SMask", "Mask", "OC", "SMaskInData", "Alternates"})
        if (img->GetDictionary().HasKey(PdfName(key))) return false;
    // An image mask paints its 0 samples in the fill colour, black here (the
    // page sets no colour): the same pixels as a 1-bit grey image.
    const bool mask = bool_key(img, "ImageMask", false);
    bool inverted = false;
    if (!simple_decode(img, inverted)) return false;
    if (filter_count(img) > 1) return false;
    const std::string filter = filter_name(doc, img);
    const int bpc = static_cast<int>(int_key(img, "BitsPerComponent", mask ? 1 : 0));
    if (mask && bpc != 1) return false;
    const int comps = mask ? 1 : components(doc, img);  // a mask's /ColorSpace (if any) is ignored by viewers
    if (filter == "DCTDecode") return bpc == 8 && (comps == 1 || comps == 3);
    if (filter == "FlateDecode" || filter.empty()) return (bpc == 8 && (comps == 1 || comps == 3)) || (bpc == 1 && comps == 1);
    if (filter == "CCITTFaxDecode") {
        PdfObject* parms = decode_parms(doc, img);
        if (bool_key(parms, "EncodedByteAlign", false)) return false;
        const std::int64_t w = int_key(img, "Width", 0), h = int_key(img, "Height", 0);
        const std::int64_t rows = int_key(parms, "Rows", h);
        return comps == 1 && int_key(parms, "Columns", 1728) == w && (rows == h || rows <= 0);
    }
    return false;  // JPX, JBIG2, LZW, RunLength, Indexed, CMYK, 16-bit …: the renderer draws them
}

struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    Matrix times(const Matrix& n) const {  // this × n (this applied first)
        return {a * n.a + b * n.c, a * n.b + b * n.d, c * n.a + d * n.c, c * n.b + d * n.d, e * n.a + f * n.c + n.e,
                e * n.b + f * n.d + n.f};
    }
};

struct DirectImage {
    PdfObject* image = nullptr;
    Matrix placed;         // where the image's unit square goes (points)
    std::string why_not;   // when image is null: which rule sent the page to the renderer
};

// THE RULE of the direct path. A page is read from its own image, without the
// renderer, only when that is provably the picture a viewer shows:
//  - the catalog has no /OCProperties (no optional content);
//  - the page has no /Rotate (0), and its CropBox is its MediaBox;
//  - the page has no annotation a viewer draws (any /Annots entry other than
//    a Link or Popup without an /AP; widgets always count);
//  - all of its content streams together hold only q, Q, cm and exactly one
//    Do, which names an image XObject (not a form XObject) of the page's
//    resources; no inline image, text, path, colour or graphics-state
//    operator at all;
//  - that image, placed by the current matrix, is upright (no rotation,
//    skew or flip) and covers ≥ 98 % of the MediaBox, with ≥ 98 % of the
//    image inside it;
//  - its coding is one we decode ourselves exactly (coding_we_decode: DCT
//    grey/RGB, Flate or none 8-bit grey/RGB or 1-bit, CCITT G4/G3 1-D/2-D),
//    with no /SMask, /Mask, /OC, and a /Decode that is the default or
//    inverts all components alike (a 1-bit /ImageMask is black where it
//    paints: no colour operator can have changed the fill).
// Anything else, and any parse error, goes to the renderer.
DirectImage direct_image_of(PdfMemDocument& doc, PdfPage* page) {
    DirectImage out;
    auto refuse = [&](std::string why) {
        out.image = nullptr;
        out.why_not = std::move(why);
        return out;
    };
    if (PdfObject* root = doc.GetCatalog(); root && root->GetDictionary().HasKey(PdfName("OCProperties")))
        return refuse("optional content");
    if (page->GetRotation() % 360 != 0) return refuse("rotated page");
    const PdfRect media = page->GetMediaBox();
    const PdfRect crop = page->GetCropBox();
    auto near = [](double x, double y) { return std::abs(x - y) <= 0.5; };
    if (crop.GetWidth() > 0 && !(near(crop.GetLeft(), media.GetLeft()) && near(crop.GetBottom(), media.GetBottom()) &&
                                 near(crop.GetWidth(), media.GetWidth()) && near(crop.GetHeight(), media.GetHeight())))
        return refuse("CropBox differs from MediaBox");
    if (!(media.GetWidth() > 0 && media.GetHeight() > 0)) return refuse("no MediaBox");
    if (PdfObject* annots = resolve(doc, page->GetObject()->GetIndirectKey(PdfName("Annots")))) {
        if (!annots->IsArray()) return refuse("annotations");
        for (auto& a : annots->GetArray()) {
            PdfObject* annot = resolve(doc, const_cast<PdfObject*>(&a));
            if (!annot || !annot->IsDictionary()) continue;
            PdfObject* sub = annot->GetIndirectKey(PdfName::KeySubtype);
            const std::string kind = sub && sub->IsName() ? sub->GetName().GetName() : "";
            if ((kind != "Link" && kind != "Popup") || annot->GetDictionary().HasKey(PdfName("AP")))
                return refuse("annotation " + kind);
        }
    }
    PdfObject* res = page->GetResources();
    PdfObject* xobjs = res ? res->GetIndirectKey(PdfName("XObject")) : nullptr;
    std::vector<Matrix> stack;
    Matrix ctm;
    std::vector<PdfVariant> operands;
    int dos = 0;
    try {
        PdfContentsTokenizer tok(page);
        EPdfContentsType type;
        const char* keyword = nullptr;
        PdfVariant var;
        while (tok.ReadNext(type, keyword, var)) {
            if (type == ePdfContentsType_Variant) {
                if (operands.size() > 16) return refuse("too many operands");
                operands.push_back(var);
                continue;
            }
            if (type != ePdfContentsType_Keyword) return refuse("inline image");
            const std::string_view op(keyword);
            if (op == "q") {
                if (stack.size() > 64) return refuse("graphics state nesting");
                stack.push_back(ctm);
            } else if (op == "Q") {
                if (!stack.empty()) {
                    ctm = stack.back();
                    stack.pop_back();
                }
            } else if (op == "cm") {
                if (operands.size() != 6) return refuse("malformed cm");
                std::array<double, 6> m{};
                for (size_t i = 0; i < 6; ++i) m[i] = number_of(operands[i]);
                for (double v : m)
                    if (!std::isfinite(v)) return refuse("malformed cm");
                ctm = Matrix{m[0], m[1], m[2], m[3], m[4], m[5]}.times(ctm);
            } else if (op == "Do") {
                if (++dos > 1) return refuse("more than one XObject drawn");
                if (operands.size() != 1 || !operands[0].IsName() || !xobjs || !xobjs->IsDictionary())
                    return refuse("malformed Do");
                PdfObject* x = resolve(doc, xobjs->GetDictionary().GetKey(operands[0].GetName()));
                if (!x || !x->IsDictionary()) return refuse("missing XObject");
                PdfObject* sub = x->GetIndirectKey(PdfName::KeySubtype);
                if (!sub || !sub->IsName() || sub->GetName().GetName() != "Image") return refuse("form XObject");
                out.image = x;
                out.placed = ctm;
            } else {
                return refuse("content operator " + std::string(op));
            }
            operands.clear();
        }
    } catch (const PdfError&) {
        return refuse("content stream cannot be parsed");
    }
    if (!out.image) return refuse("no image drawn");
    const Matrix& m = out.placed;
    const double scale = std::max(std::abs(m.a), std::abs(m.d));
    if (!(m.a > 0 && m.d > 0) || std::abs(m.b) > 1e-6 * scale || std::abs(m.c) > 1e-6 * scale)
        return refuse("image rotated, skewed or flipped");
    const double ix0 = m.e, iy0 = m.f, ix1 = m.e + m.a, iy1 = m.f + m.d;
    const double mx0 = media.GetLeft(), my0 = media.GetBottom(), mx1 = mx0 + media.GetWidth(),
                 my1 = my0 + media.GetHeight();
    const double overlap = std::max(0.0, std::min(ix1, mx1) - std::max(ix0, mx0)) *
                           std::max(0.0, std::min(iy1, my1) - std::max(iy0, my0));
    if (overlap < 0.98 * media.GetWidth() * media.GetHeight() || overlap < 0.98 * m.a * m.d)
        return refuse("image does not cover the page");
    if (!coding_we_decode(doc, out.image)) return refuse("image coding");
    return out;
}

// The page's largest image XObject (a scan under the page's other content),
// also inside form XObjects (qpdf --overlay and PDF editors wrap the original
// page into one), or null.
PdfObject* largest_image_in(PdfMemDocument& doc, PdfObject* resources, int depth, std::int64_t& best_area) {
    PdfObject* xobjs = resources ? resources->GetIndirectKey(PdfName("XObject")) : nullptr;
    if (!xobjs || !xobjs->IsDictionary() || depth > 3) return nullptr;
    PdfObject* best = nullptr;
    for (auto& [name, value] : xobjs->GetDictionary().GetKeys()) {
        (void)name;
        PdfObject* o = resolve(doc, value);
        if (!o || !o->IsDictionary()) continue;
        PdfObject* sub = o->GetIndirectKey(PdfName::KeySubtype);
        if (!sub || !sub->IsName()) continue;
        if (sub->GetName().GetName() == "Form") {
            if (PdfObject* inner = largest_image_in(doc, o->GetIndirectKey(PdfName("Resources")), depth + 1, best_area))
                best = inner;
            continue;
        }
        if (sub->GetName().GetName() != "Image") continue;
        const std::int64_t iw = int_key(o, "Width", 0), ih = int_key(o, "Height", 0);
        if (iw > 0 && ih > 0 && iw * ih > best_area) best_area = iw * ih, best = o;
    }
    return best;
}

PdfObject* largest_image(PdfMemDocument& doc, PdfPage* page) {
    std::int64_t area = 0;
    return largest_image_in(doc, page->GetResources(), 0, area);
}

// Pixels per inch of the page's largest image XObject, measured against the
// page width; 0 when the page has none or only a small one (a logo, a
// signature): then the renderer's default applies.
double largest_image_dpi(PdfMemDocument& doc, PdfPage* page) {
    PdfObject* img = largest_image(doc, page);
    const PdfRect media = page->GetMediaBox();
    const std::int64_t w = img ? int_key(img, "Width", 0) : 0;
    if (w <= 0 || !(media.GetWidth() > 0)) return 0;
    const double dpi = static_cast<double>(w) / (media.GetWidth() / 72.0);
    return dpi >= 100 ? dpi : 0;  // a small image is not a scan of the page
}

// Where ink of the scan under a rendered page is hidden by what is drawn
// over it: both pictures on a grid of ~0.25 mm cells (the scan stretched over
// the page, as a scanner's PDF places it), a cell "covered" when the scan is
// dark there (mean < 140) and the page as shown is paper-white (> 240). A few
// cells are resampling noise; a white-out box over writing is hundreds. The
// boxes are the covered cells' clusters, as fractions of the page. Nothing
// is reported when the scan's shape is not the page's (it is not a full-page
// scan) or when it cannot be decoded here.
std::vector<std::array<double, 4>> covered_ink(const core::GrayImage& shown, const core::GrayImage& scan) {
    std::vector<std::array<double, 4>> out;
    if (shown.empty() || scan.empty()) return out;
    const double ar_shown = static_cast<double>(shown.width) / shown.height;
    const double ar_scan = static_cast<double>(scan.width) / scan.height;
    if (std::abs(ar_shown / ar_scan - 1) > 0.02) return out;
    const double cell_in = 0.01;  // 0.254 mm
    const int gw = std::max(1, static_cast<int>(shown.width / (shown.dpi > 0 ? shown.dpi * cell_in : 3.0)));
    const int gh = std::max(1, static_cast<int>(std::lround(gw / ar_shown)));
    auto mean = [](const core::GrayImage& g, int cx, int cy, int nw, int nh) {
        const int x0 = cx * g.width / nw, x1 = std::max(x0 + 1, (cx + 1) * g.width / nw);
        const int y0 = cy * g.height / nh, y1 = std::max(y0 + 1, (cy + 1) * g.height / nh);
        long sum = 0, n = 0;
        for (int y = y0; y < y1 && y < g.height; ++y)
            for (int x = x0; x < x1 && x < g.width; ++x) sum += g.at(x, y), ++n;
        return n ? static_cast<double>(sum) / static_cast<double>(n) : 255.0;
    };
    std::vector<std::uint8_t> cov(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh), 0);
    for (int cy = 0; cy < gh; ++cy)
        for (int cx = 0; cx < gw; ++cx)
            cov[static_cast<std::size_t>(cy) * gw + cx] = mean(scan, cx, cy, gw, gh) < 140 && mean(shown, cx, cy, gw, gh) > 240;
    // Clusters by a flood fill over 8-neighbours with a gap of 8 cells (2 mm): the letters under one box join.
    std::vector<int> label(cov.size(), 0);
    int next = 0;
    for (int cy = 0; cy < gh; ++cy)
        for (int cx = 0; cx < gw; ++cx) {
            const std::size_t i = static_cast<std::size_t>(cy) * gw + cx;
            if (!cov[i] || label[i]) continue;
            ++next;
            int x0 = cx, y0 = cy, x1 = cx, y1 = cy, cells = 0;
            std::vector<std::pair<int, int>> todo{{cx, cy}};
            label[i] = next;
            while (!todo.empty()) {
                auto [x, y] = todo.back();
                todo.pop_back();
                ++cells;
                x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
                for (int dy = -8; dy <= 8; ++dy)
                    for (int dx = -8; dx <= 8; ++dx) {
                        const int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= gw || ny >= gh) continue;
                        const std::size_t j = static_cast<std::size_t>(ny) * gw + nx;
                        if (cov[j] && !label[j]) label[j] = next, todo.push_back({nx, ny});
                    }
            }
            if (cells >= 40)
                out.push_back({static_cast<double>(x0) / gw, static_cast<double>(y0) / gh,
                               static_cast<double>(x1 - x0 + 1) / gw, static_cast<double>(y1 - y0 + 1) / gh});
        }
    return out;
}

// ---- AcroForm values ----

// PDFDocEncoding bytes 0x18–0x1F and 0x80–0xA0 (the rest is Latin-1).
constexpr char32_t k_doc_low[8] = {0x02D8, 0x02C7, 0x02C6, 0x02D9, 0x02DD, 0x02DB, 0x02DA, 0x02DC};
constexpr char32_t k_doc_high[33] = {0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039,
                                     0x203A, 0x2212, 0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A,
                                     0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017D, 0x0131,
                                     0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC};

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string utf16be_to_utf8(const unsigned char* p, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i + 1 < n; i += 2) {
        char32_t c = static_cast<char32_t>(p[i] << 8 | p[i + 1]);
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
            const char32_t lo = static_cast<char32_t>(p[i + 2] << 8 | p[i + 3]);
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        append_utf8(out, c);
    }
    return out;
}

}  // namespace

// A text string of a PDF as UTF-8: UTF-16BE with its BOM (PoDoFo marks it
// unicode and drops the BOM), UTF-8 with its BOM (PDF 2.0), else
// PDFDocEncoding. Literal and hex strings alike. PoDoFo 0.9.8 leaves the
// PKCS#7 padding on strings of AES-256 files (AESV3; AES-128 is right):
// `strip_aes_padding` removes it.
std::string pdf_text_to_utf8(const PoDoFo::PdfString& s, bool strip_aes_padding) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.GetString());
    std::size_t n = p ? static_cast<std::size_t>(s.GetLength()) : 0;
    if (strip_aes_padding && n > 0) {
        const std::size_t pad = p[n - 1];
        bool padded = pad >= 1 && pad <= 16 && pad <= n;
        for (std::size_t i = 0; padded && i < pad; ++i) padded = p[n - 1 - i] == pad;
        if (padded) n -= pad;
    }
    if (s.IsUnicode()) return utf16be_to_utf8(p, n);
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) return std::string(reinterpret_cast<const char*>(p) + 3, n - 3);
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return utf16be_to_utf8(p + 2, n - 2);  // a BOM PoDoFo did not take
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char b = p[i];
        if (b >= 0x18 && b <= 0x1F) append_utf8(out, k_doc_low[b - 0x18]);
        else if (b >= 0x80 && b <= 0xA0) append_utf8(out, k_doc_high[b - 0x80]);
        else if (b == 0xAD) append_utf8(out, 0xFFFD);
        else append_utf8(out, b);
    }
    return out;
}

namespace {

struct FieldWalk {
    PdfMemDocument& doc;
    PdfContent& out;
    std::map<std::string, std::set<std::string>> by_terminal;  // terminal /T → values seen
    std::set<const PdfObject*> seen;
    bool aes = false;

    void field(PdfObject* f, const std::string& parent, PdfObject* inherited_v, const std::string& inherited_ft, int depth) {
        if (!f || !f->IsDictionary() || depth > 32 || !seen.insert(f).second) return;
        PdfObject* t = f->GetIndirectKey(PdfName("T"));
        const std::string partial = t && (t->IsString() || t->IsHexString()) ? pdf_text_to_utf8(t->GetString(), aes) : "";
        const std::string name = parent.empty() ? partial : partial.empty() ? parent : parent + "." + partial;
        PdfObject* ft_obj = f->GetIndirectKey(PdfName("FT"));
        const std::string ft = ft_obj && ft_obj->IsName() ? ft_obj->GetName().GetName() : inherited_ft;
        PdfObject* v = f->GetIndirectKey(PdfName("V"));
        if (!v) v = inherited_v;
        bool has_child_fields = false;
        if (PdfObject* kids = f->GetIndirectKey(PdfName("Kids")); kids && kids->IsArray()) {
            for (auto& k : kids->GetArray()) {
                PdfObject* kid = resolve(doc, const_cast<PdfObject*>(&k));
                if (!kid || !kid->IsDictionary() || !kid->GetDictionary().HasKey(PdfName("T"))) continue;  // a widget
                has_child_fields = true;
                field(kid, name, v, ft, depth + 1);
            }
        }
        if (has_child_fields || name.empty()) return;
        if (ft == "Sig") {
            if (v && v->IsDictionary()) out.signature_value_present = true;
            return;
        }
        if (v && (v->IsString() || v->IsHexString())) {
            const std::string value = pdf_text_to_utf8(v->GetString(), aes);
            if (value.empty()) return;
            out.form_fields[name] = value;
            by_terminal[partial.empty() ? name : partial].insert(value);
        }
    }
};

// Text field values by fully qualified name, and by terminal name (/T of the
// field itself) when that name is not ambiguous (every field of that terminal
// name holds the same value). PoDoFo reads the latest revision of an
// incrementally updated file (newer objects replace older ones).
void read_acroform(PdfMemDocument& doc, PdfContent& out) {
    PdfObject* root = doc.GetCatalog();
    PdfObject* form = root ? root->GetIndirectKey(PdfName("AcroForm")) : nullptr;
    if (!form || !form->IsDictionary()) return;
    PdfObject* fields = form->GetIndirectKey(PdfName("Fields"));
    if (!fields || !fields->IsArray()) return;
    FieldWalk walk{doc, out, {}, {}, false};
    if (const PdfEncrypt* e = doc.GetEncrypt())
        walk.aes = e->GetEncryptAlgorithm() == PdfEncrypt::ePdfEncryptAlgorithm_AESV3 ||
                   e->GetEncryptAlgorithm() == PdfEncrypt::ePdfEncryptAlgorithm_AESV3R6;
    for (auto& f : fields->GetArray()) walk.field(resolve(doc, const_cast<PdfObject*>(&f)), "", nullptr, "", 0);
    for (auto& [terminal, values] : walk.by_terminal)
        if (values.size() == 1 && !out.form_fields.count(terminal)) out.form_fields[terminal] = *values.begin();
}

bool names_encryption(std::span<const std::uint8_t> bytes) {
    std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return s.find("/Encrypt") != std::string_view::npos;
}

std::string podofo_message(const PdfError& e) {
    // ErrorMessage() is NULL for some codes (found by fuzzing): fall back to the name, then the number.
    const char* msg = PdfError::ErrorMessage(e.GetError());
    if (!msg || !*msg) msg = PdfError::ErrorName(e.GetError());
    return msg ? std::string(msg) : "PoDoFo error " + std::to_string(static_cast<int>(e.GetError()));
}

// PoDoFo decrypts RC4 (and computes the keys of AES-128 files, which takes
// RC4 too) with OpenSSL, whose RC4 lives in the "legacy" provider since
// OpenSSL 3. Loaded once per process, only when an encrypted PDF arrives,
// with the default provider kept (loading one provider explicitly would drop
// it). This adds algorithms for the whole process; it changes no default.
void allow_rc4() {
    static std::once_flag once;
    std::call_once(once, [] {
        OSSL_PROVIDER_load(nullptr, "default");
        OSSL_PROVIDER_load(nullptr, "legacy");
    });
}

class PdfSource final : public PageSource {
public:
    PdfSource(std::span<const std::uint8_t> bytes, const Limits& limits)
        : PageSource(Container::pdf), m_bytes(bytes), m_limits(limits) {}

    std::optional<RasterProblem> load() {
        const bool encrypted = names_encryption(m_bytes);
        if (encrypted) allow_rc4();
        try {
            m_doc.LoadFromBuffer(reinterpret_cast<const char*>(m_bytes.data()), static_cast<long>(m_bytes.size()));
            if (m_doc.GetObjects().GetSize() > m_limits.max_pdf_objects)
                return RasterProblem{core::reason::too_large,
                                     "PDF with " + std::to_string(m_doc.GetObjects().GetSize()) +
                                         " objects exceeds the limit of " + std::to_string(m_limits.max_pdf_objects) +
                                         " objects (limits.max_pdf_objects)"};
            m_count = m_doc.GetPageCount();
            if (auto p = page_count_problem(m_count, m_limits)) return p;
            PdfContent values;
            read_acroform(m_doc, values);
            form_fields = std::move(values.form_fields);
            signature_value_present = values.signature_value_present;
            born_digital = !form_fields.empty();
            return std::nullopt;
        } catch (const PdfError& e) {
            if (encrypted)
                return RasterProblem{core::reason::unreadable,
                                     "the PDF is encrypted and its form fields cannot be decrypted (" +
                                         podofo_message(e) + ")"};
            // A file PoDoFo cannot parse (a damaged cross-reference table, as
            // tiff2pdf -j writes) that the renderer repairs as viewers do: every
            // page rendered, no form values (read like a scan).
            return render_only("the PDF cannot be read: " + podofo_message(e));
        } catch (const std::bad_alloc&) {
            return RasterProblem{core::reason::too_large, "the PDF needs more memory than allowed to read"};
        }
    }

    int page_count() const override { return m_count; }

    std::expected<Page, RasterProblem> page(int index) override {
        if (index < 0 || index >= m_count) return problem(core::reason::unreadable, "no such page");
        if (m_render_only) {
            auto g = m_renderer->render(index, choose_render_dpi(0), m_limits);
            if (!g) return std::unexpected(g.error());
            return Page{std::move(*g), true, "PDF structure repaired by the renderer", {}};
        }
        try {
            PdfPage* pg = m_doc.GetPage(index);
            if (!pg) return problem(core::reason::unreadable, "page " + std::to_string(index + 1) + " cannot be found");
            DirectImage direct = direct_image_of(m_doc, pg);
            if (direct.image) {
                const int w = static_cast<int>(int_key(direct.image, "Width", 0));
                const int h = static_cast<int>(int_key(direct.image, "Height", 0));
                if (auto p = over_limit(w, h, m_limits, "page " + std::to_string(index + 1) + ": "))
                    return std::unexpected(*p);
                auto g = decode_image_object(m_doc, direct.image, index + 1, m_limits);
                if (g) {
                    const double xdpi = w / (direct.placed.a / 72.0), ydpi = h / (direct.placed.d / 72.0);
                    return Page{square_pixels(std::move(*g), xdpi, ydpi, m_limits), false, {}, {}};
                }
                if (g.error().reason != core::reason::unsupported_format) return std::unexpected(g.error());
                // a detail of the coding we do not handle after all: the renderer draws it
            }
            const double dpi = choose_render_dpi(largest_image_dpi(m_doc, pg));
            if (!m_renderer) {
                auto r = Renderer::open(m_bytes);
                if (!r) return std::unexpected(r.error());
                m_renderer = std::move(*r);
                if (m_renderer->page_count() != m_count)
                    return problem(core::reason::unreadable,
                                   "the PDF's page count is ambiguous (" + std::to_string(m_count) + " or " +
                                       std::to_string(m_renderer->page_count()) + " pages)");
            }
            auto g = m_renderer->render(index, dpi, m_limits);
            if (!g) return std::unexpected(g.error());
            Page out{std::move(*g), true, direct.image ? "image coding detail" : direct.why_not, {}};
            // A scan with something drawn over it: is any of its ink hidden?
            // Only a scan we decode exactly (coding_we_decode): a picture of ours that differs from
            // the viewer's (a CMYK negative) must not look like hidden ink.
            if (PdfObject* scan = largest_image(m_doc, pg); scan && pg->GetRotation() % 360 == 0 &&
                                                            largest_image_dpi(m_doc, pg) > 0 && coding_we_decode(m_doc, scan)) {
                auto under = decode_image_object(m_doc, scan, index + 1, m_limits);
                if (under) out.covered_ink = covered_ink(out.image, *under);
            }
            return out;
        } catch (const PdfError& e) {
            return problem(core::reason::unreadable, "the PDF cannot be read: " + podofo_message(e));
        } catch (const std::bad_alloc&) {
            return problem(core::reason::too_large, "the PDF needs more memory than allowed to read");
        }
    }

private:
    std::optional<RasterProblem> render_only(std::string podofo_problem) {
        auto r = Renderer::open(m_bytes);
        if (!r) return RasterProblem{core::reason::unreadable, podofo_problem + "; " + r.error().detail};
        m_renderer = std::move(*r);
        m_render_only = true;
        m_count = m_renderer->page_count();
        if (auto p = page_count_problem(m_count, m_limits)) return p;
        return std::nullopt;
    }

    std::span<const std::uint8_t> m_bytes;
    Limits m_limits;
    PdfMemDocument m_doc;
    bool m_render_only = false;
    std::unique_ptr<Renderer> m_renderer;
    int m_count = 0;
};

}  // namespace

std::expected<std::unique_ptr<PageSource>, RasterProblem> open_pdf(std::span<const std::uint8_t> bytes,
                                                                   const Limits& limits) {
    quiet_podofo();
    auto src = std::make_unique<PdfSource>(bytes, limits);
    if (auto p = src->load()) return std::unexpected(*p);
    return std::unique_ptr<PageSource>(std::move(src));
}

}  // namespace raster
