#include "intake/completeness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace intake {

namespace {

// A file read by offset (pread): every read is bounds-checked against the size.
class Source {
public:
    explicit Source(const std::filesystem::path& p) : m_fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC)) {
        struct stat st {};
        if (m_fd >= 0 && ::fstat(m_fd, &st) == 0) m_size = static_cast<std::uint64_t>(st.st_size);
    }
    ~Source() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    bool open() const { return m_fd >= 0; }
    std::uint64_t size() const { return m_size; }
    // True when [offset, offset + length) lies inside the file (no overflow).
    bool inside(std::uint64_t offset, std::uint64_t length) const {
        return offset <= m_size && length <= m_size - offset;
    }
    // Reads exactly `length` bytes at `offset`; false when they are not all there.
    bool read(std::uint64_t offset, std::uint64_t length, std::string& out) const {
        if (!inside(offset, length)) return false;
        out.resize(static_cast<size_t>(length));
        size_t done = 0;
        while (done < length) {
            ssize_t n = ::pread(m_fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
            if (n <= 0) return false;
            done += static_cast<size_t>(n);
        }
        return true;
    }

private:
    int m_fd;
    std::uint64_t m_size = 0;
};

// ---- TIFF ----

class TiffWalker {
public:
    TiffWalker(const Source& src, bool little, bool big) : m_src(src), m_le(little), m_big(big) {}

    bool complete() {
        std::string head;
        if (!m_src.read(0, m_big ? 16 : 8, head)) return false;
        std::uint64_t ifd = m_big ? u64(head, 8) : u32(head, 4);
        std::set<std::uint64_t> seen;
        while (ifd != 0) {
            // A writer patches the pointer to the next IFD last; a cycle or an
            // endless chain is a broken file, never a complete one.
            if (ifd < 8 || !seen.insert(ifd).second || seen.size() > static_cast<size_t>(k_max_tiff_ifds)) return false;
            if (!directory(ifd, ifd)) return false;
        }
        return !seen.empty();
    }

private:
    std::uint64_t uint(std::string_view b, size_t at, size_t n) const {
        std::uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) {
            auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + (m_le ? n - 1 - i : i)]));
            v = (v << 8) | byte;
        }
        return v;
    }
    std::uint64_t u16(std::string_view b, size_t at) const { return uint(b, at, 2); }
    std::uint64_t u32(std::string_view b, size_t at) const { return uint(b, at, 4); }
    std::uint64_t u64(std::string_view b, size_t at) const { return uint(b, at, 8); }

    static std::uint64_t type_size(std::uint64_t type) {
        switch (type) {
            case 1: case 2: case 6: case 7: return 1;           // BYTE ASCII SBYTE UNDEFINED
            case 3: case 8: return 2;                           // SHORT SSHORT
            case 4: case 9: case 11: case 13: return 4;         // LONG SLONG FLOAT IFD
            case 5: case 10: case 12: case 16: case 17: case 18: return 8;  // RATIONAL … LONG8 SLONG8 IFD8
            default: return 0;                                  // unknown: its size cannot be checked
        }
    }

    // Reads one IFD at `at`: its entries, their values and its strips or tiles
    // must lie inside the file. Sets `next` to the following IFD's offset.
    bool directory(std::uint64_t at, std::uint64_t& next) {
        const std::uint64_t count_len = m_big ? 8 : 2, entry_len = m_big ? 20 : 12, next_len = m_big ? 8 : 4;
        std::string b;
        if (!m_src.read(at, count_len, b)) return false;
        const std::uint64_t n = m_big ? u64(b, 0) : u16(b, 0);
        if (n == 0 || n > 65535) return false;
        if (!m_src.read(at + count_len, n * entry_len + next_len, b)) return false;
        std::vector<std::uint64_t> offsets, counts;
        bool unchecked = false;
        for (std::uint64_t i = 0; i < n; ++i) {
            const size_t e = static_cast<size_t>(i * entry_len);
            const std::uint64_t tag = u16(b, e), type = u16(b, e + 2);
            const std::uint64_t values = m_big ? u64(b, e + 4) : u32(b, e + 4);
            const size_t value_at = e + (m_big ? 12 : 8);
            const std::uint64_t width = type_size(type);
            if (width == 0) continue;
            if (values > (std::uint64_t{1} << 40) / width) return false;
            const std::uint64_t bytes = values * width;
            const bool inline_value = bytes <= (m_big ? 8u : 4u);
            const std::uint64_t where = m_big ? u64(b, value_at) : u32(b, value_at);
            if (!inline_value && !m_src.inside(where, bytes)) return false;
            const bool is_offsets = tag == 273 || tag == 324, is_counts = tag == 279 || tag == 325;
            if (!is_offsets && !is_counts) continue;
            if (type != 3 && type != 4 && type != 16) return false;
            if (values > (1u << 22)) {  // beyond any scan; left to the decoder's limits
                unchecked = true;
                continue;
            }
            std::string raw;
            if (inline_value) raw = b.substr(value_at, static_cast<size_t>(bytes));
            else if (!m_src.read(where, bytes, raw)) return false;
            auto& list = is_offsets ? offsets : counts;
            list.clear();
            for (std::uint64_t k = 0; k < values; ++k)
                list.push_back(uint(raw, static_cast<size_t>(k * width), static_cast<size_t>(width)));
        }
        if (!unchecked) {
            if (offsets.size() != counts.size()) return false;  // half a directory: its arrays not yet written
            for (size_t k = 0; k < offsets.size(); ++k)
                if (!m_src.inside(offsets[k], counts[k])) return false;  // a strip or tile past the end
        }
        next = m_big ? u64(b, static_cast<size_t>(n * entry_len)) : u32(b, static_cast<size_t>(n * entry_len));
        return true;
    }

    const Source& m_src;
    bool m_le, m_big;
};

// ---- PDF ----

bool pdf_complete(const Source& src, const std::string& tail, std::uint64_t tail_start) {
    auto eof = tail.rfind("%%EOF");
    if (eof == std::string::npos) return false;
    auto sx = tail.rfind("startxref", eof);
    if (sx == std::string::npos) return false;
    size_t i = sx + 9;
    while (i < eof && std::isspace(static_cast<unsigned char>(tail[i]))) ++i;
    std::uint64_t offset = 0;
    size_t digits = 0;
    for (; i < eof && std::isdigit(static_cast<unsigned char>(tail[i])) && digits < 19; ++i, ++digits)
        offset = offset * 10 + static_cast<std::uint64_t>(tail[i] - '0');
    if (digits == 0 || offset >= tail_start + sx) return false;  // must point before the startxref itself
    std::string at;
    if (!src.read(offset, std::min<std::uint64_t>(64, src.size() - offset), at)) return false;
    size_t p = 0;
    while (p < at.size() && p < 4 && std::isspace(static_cast<unsigned char>(at[p]))) ++p;  // a producer's stray EOL
    std::string_view v(at);
    v.remove_prefix(p);
    if (v.substr(0, 4) == "xref") return true;
    // "N G obj": a cross-reference stream.
    auto number = [&](std::string_view& s) {
        size_t k = 0;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
        if (k == 0) return false;
        s.remove_prefix(k);
        return true;
    };
    auto spaces = [&](std::string_view& s) {
        size_t k = 0;
        while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
        s.remove_prefix(k);
        return k > 0;
    };
    return number(v) && spaces(v) && number(v) && spaces(v) && v.substr(0, 3) == "obj";
}

}  // namespace

Completeness looks_complete(const std::filesystem::path& p) {
    Source src(p);
    if (!src.open()) return Completeness::unreadable;
    const auto verdict = [](bool done) { return done ? Completeness::complete : Completeness::incomplete; };
    std::string head;
    if (src.size() < 8 || !src.read(0, 8, head)) return Completeness::incomplete;
    const std::uint64_t tail_len = std::min<std::uint64_t>(src.size(), 2048);
    const std::uint64_t tail_start = src.size() - tail_len;
    std::string tail;
    if (!src.read(tail_start, tail_len, tail)) return Completeness::incomplete;
    std::string_view h(head);
    if (h.substr(0, 5) == "%PDF-") return verdict(pdf_complete(src, tail, tail_start));
    if (static_cast<unsigned char>(head[0]) == 0xff && static_cast<unsigned char>(head[1]) == 0xd8) {
        auto pos = tail.rfind("\xff\xd9");
        return verdict(pos != std::string::npos && pos + 2 >= tail.size() - 16);
    }
    if (h.substr(1, 3) == "PNG") return verdict(tail.find("IEND") != std::string::npos);
    if (h.substr(0, 4) == std::string_view("II*\0", 4)) return verdict(TiffWalker(src, true, false).complete());
    if (h.substr(0, 4) == std::string_view("MM\0*", 4)) return verdict(TiffWalker(src, false, false).complete());
    // BigTIFF: byte size of offsets 8, then a reserved 0.
    if (h == std::string_view("II+\0\x08\0\0\0", 8)) return verdict(TiffWalker(src, true, true).complete());
    if (h == std::string_view("MM\0+\0\x08\0\0", 8)) return verdict(TiffWalker(src, false, true).complete());
    return Completeness::complete;  // other formats: judged by age alone
}

}  // namespace intake
