// PdfCanvas: the one wrapper around PoDoFo (0.9.8) in this project's form
// generator. It owns a one-page PdfMemDocument with two embedded, subset
// DejaVu fonts (Identity-H, so å ä ö and any other Unicode text show in every
// reader) and an AcroForm. Coordinates are the template's: PDF points,
// origin TOP-LEFT, y downwards; the y flip happens here and nowhere else.
//
// Output is deterministic: no creation date, a fixed /ID derived from the
// content, so the same template and values give the same bytes.
//
// Errors: PoDoFo failures (unreadable font, internal error) are thrown as
// std::runtime_error — a broken environment, not bad input.
// Thread-safety: one instance per thread; PoDoFo keeps no shared state we use.
#pragma once

#include "core/form_template.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace forms {

class PdfCanvas {
public:
    // regular_font/bold_font: TrueType files, embedded as subsets.
    PdfCanvas(double page_width, double page_height, const std::filesystem::path& regular_font,
              const std::filesystem::path& bold_font);
    ~PdfCanvas();
    PdfCanvas(const PdfCanvas&) = delete;
    PdfCanvas& operator=(const PdfCanvas&) = delete;

    void fill_rect(const core::Rect& r, double gray = 0.0);
    void stroke_rect(const core::Rect& r, double line_width, double gray);
    // Text starting at x with its baseline at y (top-left coordinates), size in points.
    void text(double x, double baseline_y, double size, bool bold, const std::string& utf8, double gray = 0.0);
    double text_width(const std::string& utf8, double size, bool bold) const;

    // A text field whose widget rectangle is exactly `box`. A value is stored
    // as /V and drawn into the widget's own appearance (so every reader shows
    // it exactly once); a field with a value is read-only.
    void text_field(const std::string& name, const core::Rect& box, int max_length,
                    const std::optional<std::string>& value, double value_size);
    // An unsigned signature field whose widget rectangle is exactly `box`.
    void signature_field(const std::string& name, const core::Rect& box);

    void set_title(const std::string& utf8);
    // Finishes the page and serialises the document. Call once, last.
    std::string finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace forms
