// The PDF side of the raster stage: a PageSource whose pages are the page's
// own scanned image when that is provably what a viewer shows (the rule:
// direct_image_of() in pdf_pages.cpp), else the page as poppler renders it;
// and the AcroForm values of a born-digital form. PoDoFo exceptions become
// RasterProblem here and nowhere else. Internal to raster.
#pragma once

#include "raster/raster.hpp"

namespace PoDoFo {
class PdfString;
}

namespace raster {

struct PdfContent {
    std::map<std::string, std::string> form_fields;
    bool signature_value_present = false;
};

// Loads the PDF (PoDoFo), checks its object and page counts and reads its
// AcroForm values; pages are decoded or rendered when asked for.
std::expected<std::unique_ptr<PageSource>, RasterProblem> open_pdf(std::span<const std::uint8_t> bytes,
                                                                   const Limits& limits);

// A PDF text string (literal or hex) as UTF-8: UTF-16BE with BOM, UTF-8 with
// BOM, else PDFDocEncoding; PKCS#7 padding removed when `strip_aes_padding`
// (strings of AES-encrypted files, which PoDoFo 0.9.8 leaves padded).
std::string pdf_text_to_utf8(const PoDoFo::PdfString& s, bool strip_aes_padding = false);

}  // namespace raster
