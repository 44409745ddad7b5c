// Square pixels for pages whose X and Y resolutions differ (fax: 204×98 and
// 204×196 dpi; a PDF image stretched over its page). Internal to raster.
//
// Thread-safety: reentrant.
#pragma once

#include "raster/raster.hpp"

namespace raster {

// `img` resampled (linear, area-weighted when shrinking) to `width`×`height`.
core::GrayImage resample(const core::GrayImage& img, int width, int height);

// Square pixels at the finer of the two resolutions, or at the coarser one
// when the finer would exceed limits.max_megapixels; `img` unchanged (dpi set)
// when they already agree within 1 %. dpi of the result is set. A resolution
// ≤ 0 is taken as equal to the other (unknown).
core::GrayImage square_pixels(core::GrayImage img, double xdpi, double ydpi, const Limits& limits);

}  // namespace raster
