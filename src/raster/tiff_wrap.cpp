#include "raster/tiff_wrap.hpp"

namespace raster {

namespace {
void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
}
void entry(std::vector<std::uint8_t>& b, std::uint16_t tag, std::uint16_t type, std::uint32_t value) {
    put16(b, tag);
    put16(b, type);
    put32(b, 1);
    if (type == 3) {  // SHORT, left-justified in the 4-byte field
        put16(b, static_cast<std::uint16_t>(value));
        put16(b, 0);
    } else {
        put32(b, value);
    }
}
}  // namespace

std::vector<std::uint8_t> wrap_ccitt_as_tiff(std::span<const std::uint8_t> data, int width, int height, int k) {
    constexpr std::uint16_t k_short = 3, k_long = 4;
    const std::uint16_t entries = 10;
    const std::uint32_t ifd_size = 2 + entries * 12 + 4;
    const std::uint32_t data_offset = 8 + ifd_size;
    std::vector<std::uint8_t> b;
    b.reserve(data_offset + data.size());
    b.push_back('I');
    b.push_back('I');
    put16(b, 42);
    put32(b, 8);
    put16(b, entries);
    entry(b, 256, k_long, static_cast<std::uint32_t>(width));
    entry(b, 257, k_long, static_cast<std::uint32_t>(height));
    entry(b, 258, k_short, 1);
    entry(b, 259, k_short, k < 0 ? 4 : 3);  // CCITT T.6 (G4) or T.4 (G3)
    entry(b, 262, k_short, 0);              // WhiteIsZero: black runs are black
    entry(b, 273, k_long, data_offset);
    entry(b, 277, k_short, 1);
    entry(b, 278, k_long, static_cast<std::uint32_t>(height));
    entry(b, 279, k_long, static_cast<std::uint32_t>(data.size()));
    entry(b, k < 0 ? 293 : 292, k_long, 0);  // T6Options / T4Options
    put32(b, 0);                             // no next IFD
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

}  // namespace raster
