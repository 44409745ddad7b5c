// Synthetic crops for the read stage's unit tests: a plain paper crop, a
// filled rectangle, and a count of dark pixels in a rectangle.
#pragma once

#include "core/image.hpp"

#include <cstddef>
#include <cstdint>

namespace crop_fixtures {

inline core::GrayImage paper(int w, int h, double dpi, std::uint8_t level = 255) {
    core::GrayImage g;
    g.width = w;
    g.height = h;
    g.dpi = dpi;
    g.pixels.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), level);
    return g;
}

inline void fill(core::GrayImage& g, int x, int y, int w, int h, std::uint8_t v = 0) {
    for (int yy = y; yy < y + h; ++yy)
        for (int xx = x; xx < x + w; ++xx) g.at(xx, yy) = v;
}

inline int dark(const core::GrayImage& g, int x, int y, int w, int h) {
    int n = 0;
    for (int yy = y; yy < y + h; ++yy)
        for (int xx = x; xx < x + w; ++xx) n += g.at(xx, yy) < 128;
    return n;
}

}  // namespace crop_fixtures
