#include "raster/resample.hpp"

#include <algorithm>
#include <cmath>

namespace raster {

namespace {

// One axis: for each output index, the source taps and their weights
// (a triangle filter, widened by the shrink factor).
struct Taps {
    std::vector<int> first, count;
    std::vector<float> weights;  // count[i] weights starting at offset[i]
    std::vector<std::size_t> offset;
};

Taps make_taps(int src, int dst) {
    Taps t;
    const double scale = static_cast<double>(dst) / src;
    const double support = scale < 1 ? 1.0 / scale : 1.0;
    for (int i = 0; i < dst; ++i) {
        const double centre = (i + 0.5) / scale - 0.5;
        const int lo = std::max(0, static_cast<int>(std::floor(centre - support)) + 1);
        const int hi = std::min(src - 1, static_cast<int>(std::ceil(centre + support)) - 1);
        t.first.push_back(lo);
        t.offset.push_back(t.weights.size());
        double sum = 0;
        const std::size_t start = t.weights.size();
        for (int s = lo; s <= hi; ++s) {
            const double w = std::max(0.0, 1.0 - std::abs(s - centre) / support);
            t.weights.push_back(static_cast<float>(w));
            sum += w;
        }
        int n = hi - lo + 1;
        if (n <= 0 || sum <= 0) {  // at the very edge: nearest pixel
            t.weights.resize(start);
            t.first.back() = std::clamp(static_cast<int>(std::lround(centre)), 0, src - 1);
            t.weights.push_back(1.0f);
            n = 1;
        } else {
            for (std::size_t k = start; k < t.weights.size(); ++k) t.weights[k] = static_cast<float>(t.weights[k] / sum);
        }
        t.count.push_back(n);
    }
    return t;
}

}  // namespace

core::GrayImage resample(const core::GrayImage& img, int width, int height) {
    core::GrayImage out;
    out.width = width;
    out.height = height;
    out.dpi = img.dpi;
    out.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 255);
    if (img.empty() || width <= 0 || height <= 0) return out;
    const Taps tx = make_taps(img.width, width), ty = make_taps(img.height, height);
    // Horizontal pass into floats, one source row at a time; vertical pass per output row.
    std::vector<float> mid(static_cast<std::size_t>(width) * static_cast<std::size_t>(img.height));
    for (int y = 0; y < img.height; ++y) {
        const std::uint8_t* row = &img.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width)];
        float* dst = &mid[static_cast<std::size_t>(y) * static_cast<std::size_t>(width)];
        for (int x = 0; x < width; ++x) {
            float v = 0;
            const float* w = &tx.weights[tx.offset[static_cast<std::size_t>(x)]];
            const std::uint8_t* s = row + tx.first[static_cast<std::size_t>(x)];
            for (int k = 0; k < tx.count[static_cast<std::size_t>(x)]; ++k) v += w[k] * s[k];
            dst[x] = v;
        }
    }
    std::vector<float> acc(static_cast<std::size_t>(width));
    for (int y = 0; y < height; ++y) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        const float* w = &ty.weights[ty.offset[static_cast<std::size_t>(y)]];
        for (int k = 0; k < ty.count[static_cast<std::size_t>(y)]; ++k) {
            const float* src = &mid[static_cast<std::size_t>(ty.first[static_cast<std::size_t>(y)] + k) * static_cast<std::size_t>(width)];
            for (int x = 0; x < width; ++x) acc[static_cast<std::size_t>(x)] += w[k] * src[x];
        }
        std::uint8_t* dst = &out.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width)];
        for (int x = 0; x < width; ++x)
            dst[x] = static_cast<std::uint8_t>(std::clamp(std::lround(acc[static_cast<std::size_t>(x)]), 0L, 255L));
    }
    return out;
}

core::GrayImage square_pixels(core::GrayImage img, double xdpi, double ydpi, const Limits& limits) {
    if (!(xdpi > 0)) xdpi = ydpi;
    if (!(ydpi > 0)) ydpi = xdpi;
    if (!(xdpi > 0) || img.empty()) return img;
    if (std::abs(xdpi - ydpi) <= 0.01 * std::max(xdpi, ydpi)) {
        img.dpi = xdpi;
        return img;
    }
    double target = std::max(xdpi, ydpi);
    auto size_at = [&](double dpi) {
        return std::pair{std::max(1, static_cast<int>(std::lround(img.width * dpi / xdpi))),
                         std::max(1, static_cast<int>(std::lround(img.height * dpi / ydpi)))};
    };
    auto [w, h] = size_at(target);
    if (static_cast<double>(w) * h / 1e6 > limits.max_megapixels) {
        target = std::min(xdpi, ydpi);
        std::tie(w, h) = size_at(target);
    }
    auto out = resample(img, w, h);
    out.dpi = target;
    return out;
}

}  // namespace raster
