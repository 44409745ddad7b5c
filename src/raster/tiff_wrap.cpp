#include "raster/tiff_wrap.hpp"

#include <set>

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
    entry(b, k < 0 ? 293 : 292, k_long, k > 0 ? 1u : 0u);  // T6Options / T4Options (bit 0: 2-D coding)
    put32(b, 0);                             // no next IFD
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

std::optional<std::vector<TiffDirectory>> tiff_directories(std::span<const std::uint8_t> b, int max_pages) {
    if (b.size() < 8) return std::nullopt;
    const bool le = b[0] == 'I' && b[1] == 'I';
    if (!le && !(b[0] == 'M' && b[1] == 'M')) return std::nullopt;
    auto get = [&](std::size_t at, int n) -> std::optional<std::uint64_t> {
        if (at + static_cast<std::size_t>(n) > b.size()) return std::nullopt;
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) {
            const std::uint64_t byte = b[at + static_cast<std::size_t>(le ? i : n - 1 - i)];
            v |= byte << (8 * i);
        }
        return v;
    };
    const auto magic = get(2, 2);
    const bool big = magic && *magic == 43;
    if (!magic || (*magic != 42 && !big)) return std::nullopt;
    const int off_size = big ? 8 : 4, count_size = big ? 8 : 2, entry_size = big ? 20 : 12;
    auto first = get(big ? 8 : 4, off_size);
    if (!first) return std::nullopt;
    std::vector<TiffDirectory> dirs;
    std::set<std::uint64_t> seen;
    std::uint64_t at = *first;
    while (at != 0 && static_cast<int>(dirs.size()) <= max_pages) {
        if (at >= b.size() || !seen.insert(at).second) return std::nullopt;  // outside the file, or a loop
        auto count = get(static_cast<std::size_t>(at), count_size);
        if (!count || *count > 10000) return std::nullopt;
        TiffDirectory d;
        d.offset = static_cast<std::size_t>(at);
        for (std::uint64_t i = 0; i < *count; ++i) {
            const std::size_t e = static_cast<std::size_t>(at) + static_cast<std::size_t>(count_size) +
                                  static_cast<std::size_t>(i) * static_cast<std::size_t>(entry_size);
            auto tag = get(e, 2), type = get(e + 2, 2);
            if (!tag || !type) return std::nullopt;
            if (*tag != 256 && *tag != 257) continue;
            const std::size_t value_at = e + 4 + static_cast<std::size_t>(off_size);
            std::optional<std::uint64_t> v;
            if (*type == 3) v = get(value_at, 2);        // SHORT
            else if (*type == 4) v = get(value_at, 4);   // LONG
            else if (*type == 16) v = get(value_at, 8);  // LONG8 (BigTIFF)
            if (!v || *v > 1000000) return std::nullopt;
            (*tag == 256 ? d.width : d.height) = static_cast<int>(*v);
        }
        dirs.push_back(d);
        auto next = get(static_cast<std::size_t>(at) + static_cast<std::size_t>(count_size) +
                            static_cast<std::size_t>(*count) * static_cast<std::size_t>(entry_size),
                        off_size);
        if (!next) return std::nullopt;
        at = *next;
    }
    if (dirs.empty()) return std::nullopt;
    return dirs;
}

}  // namespace raster
