// TIFF helpers of the raster stage. Internal to raster:
// - wraps a raw CCITT fax stream (as stored in a PDF) into a minimal one-strip
//   TIFF so Leptonica (libtiff) can decode it;
// - walks a TIFF's directory chain (page offsets and sizes) without decoding,
//   so pages can be decoded one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace raster {

// k < 0: Group 4; k == 0: Group 3 one-dimensional; k > 0: Group 3
// two-dimensional (T4Options bit 0). Returns the TIFF bytes.
std::vector<std::uint8_t> wrap_ccitt_as_tiff(std::span<const std::uint8_t> data, int width, int height, int k);

struct TiffDirectory {
    std::size_t offset = 0;  // of the IFD in the file
    int width = 0, height = 0;
};
// The file's pages, at most `max_pages` + 1 (so a caller can tell there are too
// many); nullopt when the header or chain is broken (a pointer outside the
// file, a loop). Classic TIFF and BigTIFF.
std::optional<std::vector<TiffDirectory>> tiff_directories(std::span<const std::uint8_t> bytes, int max_pages);

}  // namespace raster
