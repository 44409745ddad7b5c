// align: one page image + the form template → where the template lies on
// the page. Finds the four registration marks (tolerates one missing),
// identifies them by size and geometry (so 0/90/180/270° and skew of any
// angle come out of one similarity fit), keeps the fit's residual in mm,
// reads the QR code from its template zone, and tells blank and foreign
// pages apart from forms. Field zones are then cut out upright with
// extract_zone(), warping only the rectangles that are read.
//
// Thread-safety: reentrant.
#pragma once

#include "core/similarity.hpp"
#include "core/form_template.hpp"
#include "core/image.hpp"

#include <optional>
#include <string>

namespace align {

using core::Similarity;  // core/similarity.hpp: shared with read, which must not link align
using core::extract_zone;

enum class PageKind { form, blank, foreign };

struct Alignment {
    PageKind kind = PageKind::foreign;
    bool registered = false;  // a transform was found (marks, or the QR code as fallback)
    bool from_qr_only = false;  // fewer than three marks: transform from the QR code's corners
    Similarity transform;
    int marks_found = 0;
    double residual_mm = -1;   // RMS distance of the marks from the fit; -1 when unknown
    double ink_percent = 0;    // dark pixels of the page, 0–100
    std::optional<std::string> qr_text;  // decoded QR payload, if any
    std::string note;          // why a page is not a form, for staff and logs
    // The page at 1/reduction of its resolution (block means, about 100 dpi),
    // as the marks were searched on; empty when the page was not reduced.
    // `reduced_transform()` maps the template onto it (previews).
    core::GrayImage reduced;
    int reduction = 1;
    Similarity reduced_transform() const;
};

struct AlignOptions {
    double blank_ink_percent = 0.15;  // below: a blank page
};

Alignment align_page(const core::GrayImage& page, const core::FormTemplate& t, const AlignOptions& options = {});

}  // namespace align
