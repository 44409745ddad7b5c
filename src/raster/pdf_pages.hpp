// The PoDoFo wrapper of the raster stage: one image per page out of a
// scanner's PDF, or the AcroForm values of a born-digital form. PoDoFo
// exceptions become RasterProblem here and nowhere else. Internal to raster.
#pragma once

#include "raster/raster.hpp"

namespace raster {

struct PdfContent {
    std::vector<core::GrayImage> pages;
    bool born_digital = false;
    std::map<std::string, std::string> form_fields;
    bool signature_value_present = false;
};

std::expected<PdfContent, RasterProblem> read_pdf(std::span<const std::uint8_t> bytes, const Limits& limits);

}  // namespace raster
