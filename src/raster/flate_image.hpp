// Decodes the data of a FlateDecode image stream as stored in a PDF: zlib
// inflate, then the /DecodeParms predictor (TIFF 2, PNG 10–15) undone. Our own
// rather than PoDoFo 0.9's, whose PNG predictor gives wrong pixels (Average and
// Paeth rows) and which inflates a whole stream before the image takes its rows
// (a decompression bomb). Internal to raster.
//
// Thread-safety: reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>

namespace raster {

struct FlatePredictor {
    int predictor = 1;  // 1: none; 2: TIFF; 10–15: PNG (the filter is given per row)
    int colors = 1;
    int bits_per_component = 8;
    int columns = 1;
};

struct FlateError {
    bool unsupported = false;  // a predictor we do not implement (else: corrupt data)
    std::string detail;        // English
};

// At most `wanted` decoded bytes (fewer when the stream ends first: the caller
// judges a short result). Stops inflating once it has them. Errors as values:
// corrupt data before `wanted` bytes, an unsupported or invalid predictor.
std::expected<std::string, FlateError> decode_flate_image(std::span<const std::uint8_t> data, const FlatePredictor& p,
                                                           std::size_t wanted);

}  // namespace raster
