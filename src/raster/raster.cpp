#include "raster/raster.hpp"

#include "core/outcome.hpp"
#include "image/lept.hpp"
#include "raster/pdf_pages.hpp"

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
                                 std::to_string(static_cast<int>(limits.max_megapixels)) + " megapixels"};
    return std::nullopt;
}

}  // namespace

std::expected<Raster, RasterProblem> rasterize(std::span<const std::uint8_t> bytes, const Limits& limits) {
    if (bytes.empty()) return problem(core::reason::unreadable, "the file is empty");
    if (bytes.size() > limits.max_bytes)
        return problem(core::reason::too_large, "file of " + std::to_string(bytes.size() >> 20) +
                                                    " MiB exceeds the limit of " +
                                                    std::to_string(limits.max_bytes >> 20) + " MiB");
    Raster r;
    r.container = sniff(bytes);
    switch (r.container) {
        case Container::unknown:
            return problem(core::reason::unsupported_format,
                           "not a PDF, TIFF, PNG or JPEG file (judged by its first bytes, not its name)");
        case Container::png:
        case Container::jpeg: {
            auto h = image::read_header(bytes);
            if (!h) return problem(core::reason::unreadable, "the image header cannot be read (corrupt or truncated)");
            if (auto p = check_pixels(h->width, h->height, limits)) return std::unexpected(*p);
            auto g = image::decode_gray(bytes);
            if (!g) return problem(core::reason::unreadable, "the image cannot be decoded (corrupt or truncated)");
            r.pages.push_back(std::move(*g));
            return r;
        }
        case Container::tiff: {
            auto h = image::read_header(bytes);
            if (!h) return problem(core::reason::unreadable, "the TIFF header cannot be read (corrupt or truncated)");
            if (auto p = check_pixels(h->width, h->height, limits)) return std::unexpected(*p);
            std::optional<image::ImageHeader> refused;
            auto pages = image::decode_tiff_pages(
                bytes, limits.max_pages, [&](int pw, int ph) { return !check_pixels(pw, ph, limits); }, &refused);
            if (!pages) return problem(core::reason::unreadable, "the TIFF cannot be decoded (corrupt or truncated)");
            if (refused) {
                auto p = check_pixels(refused->width, refused->height, limits);
                p->detail = "TIFF page " + std::to_string(pages->size() + 1) + ": " + p->detail;
                return std::unexpected(*p);
            }
            if (static_cast<int>(pages->size()) > limits.max_pages)
                return problem(core::reason::too_large, "TIFF with " + std::to_string(pages->size()) +
                                                            " pages exceeds the limit of " +
                                                            std::to_string(limits.max_pages));
            for (auto& p : *pages)
                if (auto pr = check_pixels(p.width, p.height, limits)) return std::unexpected(*pr);
            r.pages = std::move(*pages);
            return r;
        }
        case Container::pdf: {
            auto pdf = read_pdf(bytes, limits);
            if (!pdf) return std::unexpected(pdf.error());
            r.pages = std::move(pdf->pages);
            r.born_digital = pdf->born_digital;
            r.form_fields = std::move(pdf->form_fields);
            r.signature_value_present = pdf->signature_value_present;
            return r;
        }
    }
    return problem(core::reason::unsupported_format, "unknown container");
}

}  // namespace raster
