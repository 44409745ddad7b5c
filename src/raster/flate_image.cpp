#include "raster/flate_image.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace raster {

namespace {

// Inflates up to `cap` bytes. A stream that ends early (truncated file) gives
// what it had; corrupt data before `cap` is an error.
std::expected<std::string, FlateError> inflate_capped(std::span<const std::uint8_t> data, std::size_t cap) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return std::unexpected(FlateError{false, "zlib cannot start"});
    std::string out;
    std::vector<unsigned char> chunk(1 << 16);
    z.next_in = const_cast<Bytef*>(data.data());
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), 0x7fffffff));
    int rc = Z_OK;
    while (out.size() < cap && rc == Z_OK) {
        z.next_out = chunk.data();
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        const std::size_t got = chunk.size() - z.avail_out;
        out.append(reinterpret_cast<const char*>(chunk.data()), std::min(got, cap - out.size()));
        if (rc == Z_BUF_ERROR && got == 0) break;  // input exhausted: a truncated stream
        if (rc == Z_BUF_ERROR) rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR && out.size() < cap)
        return std::unexpected(FlateError{false, "the compressed image data is corrupt"});
    return out;
}

int paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

}  // namespace

std::expected<std::string, FlateError> decode_flate_image(std::span<const std::uint8_t> data, const FlatePredictor& p,
                                                           std::size_t wanted) {
    if (p.predictor <= 1) return inflate_capped(data, wanted);
    if (p.colors < 1 || p.colors > 32 || p.columns < 1 || p.columns > 1000000 ||
        (p.bits_per_component != 1 && p.bits_per_component != 2 && p.bits_per_component != 4 &&
         p.bits_per_component != 8 && p.bits_per_component != 16))
        return std::unexpected(FlateError{false, "invalid predictor parameters"});
    const std::size_t row = (static_cast<std::size_t>(p.columns) * static_cast<std::size_t>(p.colors) *
                                 static_cast<std::size_t>(p.bits_per_component) + 7) / 8;
    const std::size_t rows = (wanted + row - 1) / row;
    if (p.predictor == 2) {
        if (p.bits_per_component != 8) return std::unexpected(FlateError{true, "TIFF predictor with other than 8 bits per component"});
        auto raw = inflate_capped(data, rows * row);
        if (!raw) return raw;
        std::string& s = *raw;
        const std::size_t colors = static_cast<std::size_t>(p.colors);
        for (std::size_t start = 0; start < s.size(); start += row)
            for (std::size_t i = start + colors; i < std::min(start + row, s.size()); ++i)
                s[i] = static_cast<char>(static_cast<unsigned char>(s[i]) + static_cast<unsigned char>(s[i - colors]));
        s.resize(std::min(s.size(), wanted));
        return raw;
    }
    if (p.predictor < 10 || p.predictor > 15) return std::unexpected(FlateError{true, "unknown predictor " + std::to_string(p.predictor)});
    // PNG: each row starts with its filter type; `bpp` bytes back is the pixel to the left.
    auto raw = inflate_capped(data, rows * (row + 1));
    if (!raw) return raw;
    const std::size_t bpp = std::max<std::size_t>(1, static_cast<std::size_t>(p.colors * p.bits_per_component) / 8);
    std::string out;
    out.reserve(rows * row);
    std::vector<unsigned char> prior(row, 0), cur(row);
    const auto* in = reinterpret_cast<const unsigned char*>(raw->data());
    for (std::size_t at = 0; at + row + 1 <= raw->size(); at += row + 1) {
        const int type = in[at];
        for (std::size_t i = 0; i < row; ++i) {
            const int x = in[at + 1 + i];
            const int a = i >= bpp ? cur[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
            int v;
            switch (type) {
                case 0: v = x; break;
                case 1: v = x + a; break;
                case 2: v = x + b; break;
                case 3: v = x + (a + b) / 2; break;
                case 4: v = x + paeth(a, b, c); break;
                default: return std::unexpected(FlateError{false, "invalid PNG row filter " + std::to_string(type)});
            }
            cur[i] = static_cast<unsigned char>(v & 0xff);
        }
        out.append(reinterpret_cast<const char*>(cur.data()), row);
        std::swap(prior, cur);
    }
    out.resize(std::min(out.size(), wanted));
    return out;
}

}  // namespace raster
