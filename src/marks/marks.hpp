// marks: "nothing unexplained is accepted" (issue 14, item 4). The
// registered page is compared with what the blank form prints (built from
// core::FormTemplate geometry alone: marks, QR zone, texts, labels, box
// outlines) plus what the read values explain (the inside of each box, a band
// around the signature box). Ink that nothing explains — a word written or
// stamped across the page, a stamp or strike-through over a field, a
// scribble beside the fields — and printed lines that have gone missing (a
// white box pasted over a field or the signature) come back as regions in
// template points; the batch sends such a form to review as
// `unexplained_marks` and the review page outlines the regions.
//
// Page-edge noise is not a mark: everything more than `margin_mm` outside
// the rectangle spanned by the four marks is ignored, and in the band
// between that rectangle's edge and the printed content only large marks
// count (hole punches, staples and scanner edge shadows do not).
//
// Pure computation on a grey image; no I/O. Thread-safety: reentrant.
#pragma once

#include "core/form_template.hpp"
#include "core/image.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace marks {

// What kind of unexplained mark a region is.
inline constexpr std::string_view kind_ink = "ink";            // ink outside everything printed or filled in
inline constexpr std::string_view kind_strike = "strike";      // a straight line through a field's value
inline constexpr std::string_view kind_cover = "cover";        // a field's inside largely covered (stamp, scribble)
inline constexpr std::string_view kind_empty_field = "ink_in_empty_field";  // ink in a box whose value reads empty
inline constexpr std::string_view kind_whiteout = "whiteout";  // a printed box line missing (pasted white box)

struct Region {
    core::Rect box;     // template points (top-left origin), clipped to the page
    std::string kind;   // one of the kind_* above
    std::string near;   // the field (or "signature", "reference") it concerns; empty when none
    double ink_mm2 = 0; // dark area inside the region (0 for whiteout)
};

struct Evidence {
    std::vector<Region> regions;  // empty: every mark on the page is explained
    double paper_level = 0;       // median of the local paper estimates, 0–255
    int stray_components = 0;     // dark components outside the explained mask, before the size rules
    double densest_field = 0;     // highest ink share of a box-high window inside a field box, 0–1
};

struct Options {
    double tolerance_mm = 2.0;        // expected ink dilated by this: tolerance_for_residual()
    double margin_mm = 5.0;           // ignored beyond the marks' outer edges + this
    double min_darkness = 40;         // a pixel is ink when this much (and a quarter of the paper) darker than the paper
    double speck_mm2 = 2.0;           // dark components smaller than this are noise (dust of ~1.5 mm)
    double group_gap_mm = 2.5;        // components closer than this form one region …
    double group_gap_x_mm = 6;        // … or this along a line (the letters of a word)
    double min_region_mm2 = 4.0;      // a region counts from this much ink …
    double min_region_extent_mm = 3;  // … spanning at least this much,
    double min_line_mm2 = 2;          // or from this much ink in a line …
    double min_line_extent_mm = 10;   // … at least this long (a thin rule, a box's border)
    double band_compact_mm = 15;      // in the edge band, marks up to this size are punches or staples
    double band_compact_mm2 = 80;     // … with at most this much ink
    double edge_strip_mm = 15;        // in the edge band, strips touching the margin up to this wide are shadows
    double field_band_pt = 3;         // handwriting may overflow a box by this much
    double signature_band_pt = 25;    // signatures overflow their box left, right and below by this much
    double signature_band_top_pt = 10;
    double strike_share = 0.7;        // a straight line this long (share of the box width) inside a box
    double cover_share = 0.35;        // ink share of a field box's inside (inset by the tolerance) …
    double cover_window_share = 0.6;  // … or of a box-high window in it: a stamp, a blot, a scribble
    double outline_min_side_pt = 30;  // box sides this long are checked for white-out …
    double outline_dark_share = 0.5;  // … and count as missing below this share of dark samples
    double outline_gap_pt = 45;       // … or with a gap this long
    double merge_gap_pt = 12;         // regions of one kind this close are reported as one
};

// The tolerance for a page registered with this RMS mark residual (mm; -1
// unknown): the residual plus 0.9 mm, within 1.2–2 mm. A form is accepted
// only with a residual ≤ 1.5 mm (decide), so 2 mm covers every such page;
// a well registered page gets a tighter mask and so a sharper look.
double tolerance_for_residual(double residual_mm);

// Finds the marks on `page` that the template and the values do not
// explain. `page` is the whole page resampled onto template coordinates
// (pixel (x, y) shows the template point (x / px_per_pt, y / px_per_pt); the
// analyser's page preview), at 1–3 px per point (72–216 dpi; ~1.39 at 100
// dpi). `field_has_value(name)` tells whether a field's value was read
// non-empty (the inside of a box with a value is explained by it).
Evidence find_unexplained(const core::GrayImage& page, double px_per_pt, const core::FormTemplate& t,
                          const std::function<bool(std::string_view field)>& field_has_value, const Options& options = {});

// The mask of ink the blank form may print (1 = may be dark), `width`×`height`
// pixels at `px_per_pt`, every element dilated by `tolerance_pt`. Exposed for
// the test that checks it against the rendered blank.
std::vector<std::uint8_t> expected_ink_mask(const core::FormTemplate& t, int width, int height, double px_per_pt,
                                            double tolerance_pt);

}  // namespace marks
