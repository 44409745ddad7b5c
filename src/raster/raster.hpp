// raster: input bytes → page images (or, for a born-digital filled PDF, its
// form field values). PDFs as scanners write them (one image per page:
// DCT/JPEG, Flate, CCITT G3/G4), multi-page TIFF, PNG, JPEG.
//
// A hostile or broken file is a value (RasterProblem), never a crash we can
// prevent: sizes are checked against Limits before anything is decoded.
// Thread-safety: reentrant; call from any worker thread.
#pragma once

#include "core/image.hpp"

#include <cstdint>
#include <expected>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace raster {

struct Limits {
    std::size_t max_bytes = 50u << 20;    // file size
    int max_pages = 50;
    double max_megapixels = 60;           // per page, before decoding
    std::size_t max_pdf_objects = 20000;
};

enum class Container { pdf, tiff, png, jpeg, unknown };
std::string_view to_string(Container c);
// By magic bytes, not by file name.
Container sniff(std::span<const std::uint8_t> bytes);

struct Raster {
    Container container = Container::unknown;
    // Scanned pages in file order (empty for a born-digital form).
    std::vector<core::GrayImage> pages;
    // Born-digital: the AcroForm's text field values by field name, and
    // whether the signature field carries a value (a digital signature).
    bool born_digital = false;
    std::map<std::string, std::string> form_fields;
    bool signature_value_present = false;
};

struct RasterProblem {
    std::string_view reason;  // a core::reason code: unreadable, unsupported_format, too_large
    std::string detail;       // English, for logs and staff
};

std::expected<Raster, RasterProblem> rasterize(std::span<const std::uint8_t> bytes, const Limits& limits);

}  // namespace raster
