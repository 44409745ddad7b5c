#include "core/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace core {

double Similarity::scale() const { return std::hypot(a, b); }
double Similarity::rotation_deg() const { return std::atan2(b, a) * 180.0 / M_PI; }
void Similarity::apply(double x, double y, double& ox, double& oy) const {
    ox = a * x - b * y + tx;
    oy = b * x + a * y + ty;
}

core::GrayImage extract_zone(const core::GrayImage& page, const Similarity& tr, const core::Rect& zone,
                             double px_per_pt, double inset_pt) {
    core::GrayImage out;
    double zx = zone.x + inset_pt, zy = zone.y + inset_pt;
    double zw = std::max(1.0, zone.w - 2 * inset_pt), zh = std::max(1.0, zone.h - 2 * inset_pt);
    out.width = std::max(1, static_cast<int>(std::lround(zw * px_per_pt)));
    out.height = std::max(1, static_cast<int>(std::lround(zh * px_per_pt)));
    out.dpi = px_per_pt * 72.0;
    out.pixels.assign(static_cast<size_t>(out.width) * static_cast<size_t>(out.height), 255);
    // Bilinear sampling with the map stepped along each row in 16.16 fixed
    // point (the map is affine, so one step is a constant) and weights in
    // 1/256: the inner loop has no floating point and no calls.
    const double step = 1.0 / px_per_pt;
    const double dx_x = tr.a * step, dx_y = tr.b * step;  // page-pixel step per output pixel
    const auto fixed = [](double v) { return static_cast<std::int64_t>(std::llround(v * 65536.0)); };
    const std::int64_t sx_step = fixed(dx_x), sy_step = fixed(dx_y);
    const int w = page.width, h = page.height;
    const std::uint8_t* src = page.pixels.data();
    for (int y = 0; y < out.height; ++y) {
        double sx0, sy0;
        tr.apply(zx + 0.5 * step, zy + (y + 0.5) * step, sx0, sy0);
        std::int64_t sx = fixed(sx0 - 0.5), sy = fixed(sy0 - 0.5);
        std::uint8_t* dst = &out.pixels[static_cast<size_t>(y) * static_cast<size_t>(out.width)];
        for (int x = 0; x < out.width; ++x, sx += sx_step, sy += sy_step) {
            const std::int64_t x0 = sx >> 16, y0 = sy >> 16;  // floor, also below zero
            if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) continue;
            const std::uint32_t fx = static_cast<std::uint32_t>((sx >> 8) & 0xff), fy = static_cast<std::uint32_t>((sy >> 8) & 0xff);
            const std::uint8_t* p = src + static_cast<size_t>(y0) * static_cast<size_t>(w) + static_cast<size_t>(x0);
            const std::uint32_t top = p[0] * (256 - fx) + p[1] * fx;
            const std::uint32_t bottom = p[w] * (256 - fx) + p[w + 1] * fx;
            dst[x] = static_cast<std::uint8_t>((top * (256 - fy) + bottom * fy + 32768) >> 16);
        }
    }
    return out;
}

}  // namespace core
