#include "raster/raster.hpp"

#include "core/outcome.hpp"
#include "image/lept.hpp"
#include "raster/pdf_pages.hpp"
#include "raster/resample.hpp"
#include "raster/tiff_wrap.hpp"

namespace raster {

std::string_view to_string(Container c) {
    switch (c) {
        case Container::pdf: return "pdf";
        case Container::tiff: return "tiff";
        case Container::png: return "png";
        case Container::jpeg: return "jpeg";
        case Container::unknown: return "unknown";
    }
    return "unknown";
}

Container sniff(std::span<const std::uint8_t> b) {
    auto starts = [&](std::initializer_list<std::uint8_t> m) {
        if (b.size() < m.size()) return false;
        size_t i = 0;
        for (auto x : m)
            if (b[i++] != x) return false;
        return true;
    };
    if (starts({'%', 'P', 'D', 'F', '-'})) return Container::pdf;
    if (starts({'I', 'I', 42, 0}) || starts({'M', 'M', 0, 42})) return Container::tiff;
    if (starts({0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a})) return Container::png;
    if (starts({0xff, 0xd8, 0xff})) return Container::jpeg;
    // Some PDF writers put garbage before the header; PDF allows it in the first 1 KiB.
    std::string_view head(reinterpret_cast<const char*>(b.data()), std::min<size_t>(b.size(), 1024));
    if (head.find("%PDF-") != std::string_view::npos) return Container::pdf;
    return Container::unknown;
}

namespace {

std::unexpected<RasterProblem> problem(std::string_view reason, std::string detail) {
    return std::unexpected(RasterProblem{reason, std::move(detail)});
}

std::optional<RasterProblem> check_pixels(int w, int h, const Limits& limits) {
    double mp = static_cast<double>(w) * static_cast<double>(h) / 1e6;
    if (w <= 0 || h <= 0) return RasterProblem{core::reason::unreadable, "image has no pixels"};
    if (mp > limits.max_megapixels)
        return RasterProblem{core::reason::too_large,
                             "page of " + std::to_string(w) + "x" + std::to_string(h) + " pixels exceeds the limit of " +
                                 std::to_string(static_cast<int>(limits.max_megapixels)) + " megapixels (limits.max_megapixels)"};
    return std::nullopt;
}

}  // namespace

namespace {

// A PNG or JPEG: one page, decoded when asked for.
class ImageSource final : public PageSource {
public:
    ImageSource(Container c, std::span<const std::uint8_t> bytes) : PageSource(c), m_bytes(bytes) {}
    int page_count() const override { return 1; }
    std::expected<Page, RasterProblem> page(int) override {
        auto g = image::decode_gray(m_bytes);
        if (!g) return problem(core::reason::unreadable, "the image cannot be decoded (corrupt or truncated)");
        return Page{std::move(*g), false, {}, {}};
    }

private:
    std::span<const std::uint8_t> m_bytes;
};

// A TIFF: its page directories walked up front (sizes checked), each page
// decoded when asked for, with its X and Y resolution made square (fax).
class TiffSource final : public PageSource {
public:
    TiffSource(std::span<const std::uint8_t> bytes, std::vector<TiffDirectory> dirs, const Limits& limits)
        : PageSource(Container::tiff), m_bytes(bytes), m_dirs(std::move(dirs)), m_limits(limits) {}
    int page_count() const override { return static_cast<int>(m_dirs.size()); }
    std::expected<Page, RasterProblem> page(int index) override {
        if (index < 0 || index >= page_count()) return problem(core::reason::unreadable, "no such page");
        const auto& d = m_dirs[static_cast<std::size_t>(index)];
        if (auto p = check_pixels(d.width, d.height, m_limits)) {
            p->detail = "TIFF page " + std::to_string(index + 1) + ": " + p->detail;
            return std::unexpected(*p);
        }
        auto tp = image::decode_tiff_page_at(m_bytes, index == 0 ? 0 : d.offset);
        if (!tp) return problem(core::reason::unreadable, "TIFF page " + std::to_string(index + 1) +
                                                              " cannot be decoded (corrupt or truncated)");
        return Page{square_pixels(std::move(tp->image), tp->xres, tp->yres, m_limits), false, {}, {}};
    }

private:
    std::span<const std::uint8_t> m_bytes;
    std::vector<TiffDirectory> m_dirs;
    Limits m_limits;
};

}  // namespace

std::expected<std::unique_ptr<PageSource>, RasterProblem> open_pages(std::span<const std::uint8_t> bytes,
                                                                      const Limits& limits) {
    if (bytes.empty()) return problem(core::reason::unreadable, "the file is empty");
    if (bytes.size() > limits.max_bytes)
        return problem(core::reason::too_large, "file of " + std::to_string(bytes.size() >> 20) +
                                                    " MiB exceeds the limit of " +
                                                    std::to_string(limits.max_bytes >> 20) + " MiB (limits.max_file_mb)");
    const Container c = sniff(bytes);
    switch (c) {
        case Container::unknown:
            return problem(core::reason::unsupported_format,
                           "not a PDF, TIFF, PNG or JPEG file (judged by its first bytes, not its name)");
        case Container::png:
        case Container::jpeg: {
            auto h = image::read_header(bytes);
            if (!h) return problem(core::reason::unreadable, "the image header cannot be read (corrupt or truncated)");
            if (auto p = check_pixels(h->width, h->height, limits)) return std::unexpected(*p);
            return std::unique_ptr<PageSource>(std::make_unique<ImageSource>(c, bytes));
        }
        case Container::tiff: {
            auto dirs = tiff_directories(bytes, limits.max_pages);
            if (!dirs) return problem(core::reason::unreadable, "the TIFF cannot be decoded (corrupt or truncated)");
            if (static_cast<int>(dirs->size()) > limits.max_pages)
                return problem(core::reason::too_large, "TIFF with more than " + std::to_string(limits.max_pages) +
                                                            " pages exceeds the limit of " +
                                                            std::to_string(limits.max_pages) +
                                                            " pages (limits.max_pages)");
            if (auto p = check_pixels((*dirs)[0].width, (*dirs)[0].height, limits)) return std::unexpected(*p);
            return std::unique_ptr<PageSource>(std::make_unique<TiffSource>(bytes, std::move(*dirs), limits));
        }
        case Container::pdf:
            return open_pdf(bytes, limits);
    }
    return problem(core::reason::unsupported_format, "unknown container");
}

std::expected<Raster, RasterProblem> rasterize(std::span<const std::uint8_t> bytes, const Limits& limits) {
    auto src = open_pages(bytes, limits);
    if (!src) return std::unexpected(src.error());
    PageSource& s = **src;
    Raster r;
    r.container = s.container();
    r.born_digital = s.born_digital;
    r.form_fields = s.form_fields;
    r.signature_value_present = s.signature_value_present;
    for (int i = 0; i < s.page_count(); ++i) {
        auto p = s.page(i);
        if (!p) return std::unexpected(p.error());
        r.pages.push_back(std::move(p->image));
        r.rendered.push_back(p->rendered);
    }
    return r;
}

}  // namespace raster
