// Test images made with Leptonica at test time: patterned grey/colour PIX
// and their encodings (PNG, JPEG, TIFF, multi-page TIFF, PDF with one image
// per page as a scanner writes it). Header-only; the including test links
// Leptonica (PkgConfig::LEPT). Every function throws std::runtime_error when
// Leptonica fails, so a broken fixture never passes silently.
#pragma once

#include <leptonica/allheaders.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lept_fixtures {

struct PixFree {
    void operator()(PIX* p) const { pixDestroy(&p); }
};
using Pix = std::unique_ptr<PIX, PixFree>;

using Bytes = std::vector<std::uint8_t>;

inline Pix checked(PIX* p, const char* what) {
    if (!p) throw std::runtime_error(std::string("leptonica: ") + what);
    return Pix(p);
}

inline Bytes take(l_uint8* data, size_t size) {
    Bytes out(data, data + size);
    lept_free(data);
    return out;
}

// 8-bit grey, value at (x, y) = (x * 7 + y * 13 + seed) % 256.
inline Pix gray_pattern(int w, int h, int seed = 0) {
    auto p = checked(pixCreate(w, h, 8), "pixCreate");
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) pixSetPixel(p.get(), x, y, static_cast<l_uint32>((x * 7 + y * 13 + seed) % 256));
    return p;
}

// 8-bit grey filled with `value`.
inline Pix gray_flat(int w, int h, int value) {
    auto p = checked(pixCreate(w, h, 8), "pixCreate");
    pixSetAllArbitrary(p.get(), static_cast<l_uint32>(value));
    return p;
}

// 1-bit page (white) with a black filled rectangle.
inline Pix binary_with_box(int w, int h, int bx, int by, int bw, int bh) {
    auto p = checked(pixCreate(w, h, 1), "pixCreate");
    BOX* b = boxCreate(bx, by, bw, bh);
    pixSetInRect(p.get(), b);  // 1 = black in a 1-bit PIX
    boxDestroy(&b);
    return p;
}

inline Bytes encode(PIX* pix, int format) {
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixWriteMem(&data, &size, pix, format) != 0 || !data) throw std::runtime_error("leptonica: pixWriteMem");
    return take(data, size);
}

inline Bytes encode_jpeg(PIX* pix, int quality = 95) {
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixWriteMemJpeg(&data, &size, pix, quality, 0) != 0 || !data) throw std::runtime_error("leptonica: pixWriteMemJpeg");
    return take(data, size);
}

// A PIXA holding copies of `pages`.
struct PixaFree {
    void operator()(PIXA* p) const { pixaDestroy(&p); }
};
inline std::unique_ptr<PIXA, PixaFree> pixa_of(const std::vector<PIX*>& pages) {
    std::unique_ptr<PIXA, PixaFree> pixa(pixaCreate(static_cast<l_int32>(pages.size())));
    for (PIX* p : pages) pixaAddPix(pixa.get(), p, L_COPY);
    return pixa;
}

inline Bytes encode_multipage_tiff(const std::vector<PIX*>& pages) {
    auto pixa = pixa_of(pages);
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixaWriteMemMultipageTiff(&data, &size, pixa.get()) != 0 || !data)
        throw std::runtime_error("leptonica: pixaWriteMemMultipageTiff");
    return take(data, size);
}

// Leptonica 1.82 writes its /Pages object without "endobj" (qpdf warns,
// PoDoFo 0.9 refuses the file), which no scanner does: put every missing
// "endobj" back and rebuild the cross-reference table.
inline Bytes repair_leptonica_pdf(const Bytes& in) {
    std::string s(in.begin(), in.end());
    const size_t xref = s.rfind("\nxref\n");
    const size_t trailer = s.rfind("trailer");
    const size_t startxref = s.rfind("startxref");
    if (xref == std::string::npos || trailer == std::string::npos || startxref == std::string::npos)
        throw std::runtime_error("leptonica PDF: no xref");
    std::string body = s.substr(0, xref + 1);
    std::vector<size_t> offsets{0};
    for (int n = 1;; ++n) {
        const std::string head = "\n" + std::to_string(n) + " 0 obj\n";
        size_t at = body.find(head);
        if (at == std::string::npos) break;
        if (n > 1) {
            size_t end = body.find_last_not_of(" \r\n", at);
            if (end == std::string::npos || end < 6 || body.compare(end - 5, 6, "endobj") != 0) {
                body.insert(at + 1, "endobj\n");
                at += 7;
            }
        }
        offsets.push_back(at + 1);
    }
    std::string out = body;
    const size_t new_xref = out.size();
    char line[32];
    out += "xref\n0 " + std::to_string(offsets.size()) + "\n0000000000 65535 f \n";
    for (size_t i = 1; i < offsets.size(); ++i) {
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offsets[i]);
        out += line;
    }
    out += s.substr(trailer, startxref - trailer);
    out += "startxref\n" + std::to_string(new_xref) + "\n%%EOF\n";
    return Bytes(out.begin(), out.end());
}

// A PDF with one image per page, encoded as `type` (L_JPEG_ENCODE → DCTDecode,
// L_G4_ENCODE → CCITTFaxDecode K -1, L_FLATE_ENCODE → FlateDecode), at `res` dpi.
// `edit`, when given, changes the PDF's text (an image dictionary, say) before
// the cross-reference table is rebuilt.
inline Bytes encode_pdf(const std::vector<PIX*>& pages, int type, int res = 300,
                        const std::function<void(std::string&)>& edit = {}) {
    auto pixa = pixa_of(pages);
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixaConvertToPdfData(pixa.get(), res, 1.0f, type, 90, "test", &data, &size) != 0 || !data)
        throw std::runtime_error("leptonica: pixaConvertToPdfData");
    Bytes raw = take(data, size);
    if (edit) {
        std::string text(raw.begin(), raw.end());
        edit(text);
        raw.assign(text.begin(), text.end());
    }
    return repair_leptonica_pdf(raw);
}

inline std::string as_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace lept_fixtures
