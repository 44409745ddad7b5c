// decode_jpeg_luminance: a JPEG's luminance plane as a GrayImage, decoded by
// libjpeg-turbo straight into the image's rows (see decode_gray).
//
// Thread-safety: reentrant.
#pragma once

#include "core/image.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace image {

// nullopt when libjpeg cannot decode `bytes` to luminance (not a JPEG, a
// broken header, CMYK, data that ends before the last row): the caller then
// tries the general path, which refuses a broken file as well.
std::optional<core::GrayImage> decode_jpeg_luminance(std::span<const std::uint8_t> bytes);

}  // namespace image
