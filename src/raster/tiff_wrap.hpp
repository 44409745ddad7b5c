// Wraps a raw CCITT fax stream (as stored in a PDF) into a minimal one-strip
// TIFF so Leptonica can decode it. Internal to raster.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace raster {

// k < 0: Group 4; k == 0: Group 3 one-dimensional. Returns the TIFF bytes.
std::vector<std::uint8_t> wrap_ccitt_as_tiff(std::span<const std::uint8_t> data, int width, int height, int k);

}  // namespace raster
