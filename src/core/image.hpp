// GrayImage: an 8-bit grey page or crop, our own value type so that stages
// exchange images without exposing Leptonica in their interfaces.
// 0 = black, 255 = white. Owns its pixels. Thread-safety: a value; copy or
// move between threads, do not share a mutable one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace core {

struct GrayImage {
    int width = 0;
    int height = 0;
    double dpi = 0;  // as declared by the file, 0 when unknown
    std::vector<std::uint8_t> pixels;  // row-major, width * height

    bool empty() const { return width <= 0 || height <= 0; }
    std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
    std::uint8_t& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
};

}  // namespace core
