// Similarity: the map from template points to page pixels that alignment
// finds and the readers use, and extract_zone(), which cuts one template
// rectangle out of a page through it. Pure geometry on core::GrayImage: here
// so that read (and anyone else who cuts zones) need not link align.
#pragma once

#include "core/form_template.hpp"
#include "core/image.hpp"

namespace core {

// Template point (pt, top-left origin) → page pixel:
//   x' = a·x − b·y + tx,   y' = b·x + a·y + ty
struct Similarity {
    double a = 1, b = 0, tx = 0, ty = 0;
    double scale() const;        // pixels per point
    double rotation_deg() const; // page rotation, counter-clockwise positive in image coordinates
    void apply(double x, double y, double& ox, double& oy) const;
};

// Cuts the template rectangle `zone` (pt) out of `page` upright at `px_per_pt`
// pixels per point (bilinear). `inset_pt` shrinks the rectangle on every side
// (to leave printed box lines outside the crop).
core::GrayImage extract_zone(const core::GrayImage& page, const Similarity& transform, const core::Rect& zone,
                             double px_per_pt, double inset_pt = 0);

}  // namespace core
