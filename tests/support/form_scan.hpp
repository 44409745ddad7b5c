// Synthetic scans of the linkage form for the image-stage tests (align,
// read): the form rendered in-process from the template (forms module),
// rasterised by pdftoppm (poppler-utils) to an 8-bit grey page, as a flat
// scanner would deliver it. Compiled into the tests that use it (not part of
// linkage_test_support, so the other tests need not link forms and Leptonica).
#pragma once

#include "core/form_template.hpp"
#include "core/image.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace test_support {

// The shipped template v1 (templates/ under LINKAGE_SOURCE_DIR).
core::FormTemplate form_template();

// The form as PDF bytes: `values` filled in (empty: the blank form),
// `reference` in the QR code. Throws when the form cannot be rendered.
std::string form_pdf(const std::map<std::string, std::string>& values = {},
                     const std::optional<std::string>& reference = std::nullopt);

// Page 1 of the PDF file `pdf` rendered in grey at `dpi` (pdftoppm), written
// as a PGM under `dir` and decoded; the image's dpi is set. Throws on failure.
core::GrayImage render_pdf_page(const std::filesystem::path& pdf, int dpi, const std::filesystem::path& dir);

// form_pdf() written under `dir`, then rendered at `dpi`.
core::GrayImage form_scan(int dpi, const std::filesystem::path& dir, const std::map<std::string, std::string>& values = {},
                          const std::optional<std::string>& reference = std::nullopt);

// A complete, plausible set of field values (synthetic, not real people).
std::map<std::string, std::string> sample_form_values();

}  // namespace test_support
