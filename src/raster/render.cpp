#include "raster/render.hpp"

#include "core/outcome.hpp"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace raster {

namespace {

// poppler reports errors through one process-wide callback; it is called on
// the thread doing the work, so each thread collects its own messages.
thread_local std::string* t_errors = nullptr;

void collect_error(const std::string& msg, void*) {
    if (!t_errors || t_errors->size() > 600) return;
    if (!t_errors->empty()) *t_errors += "; ";
    *t_errors += msg.substr(0, 200);
}

void route_poppler_errors() {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function(collect_error, nullptr); });
}

// Collects poppler's messages for the lifetime of the scope.
class ErrorScope {
public:
    ErrorScope() : m_prev(t_errors) {
        route_poppler_errors();
        t_errors = &m_text;
    }
    ~ErrorScope() { t_errors = m_prev; }
    ErrorScope(const ErrorScope&) = delete;
    ErrorScope& operator=(const ErrorScope&) = delete;
    std::string suffix() const { return m_text.empty() ? std::string() : " (poppler: " + m_text + ")"; }

private:
    std::string* m_prev;
    std::string m_text;
};

std::unexpected<RasterProblem> problem(std::string_view reason, std::string detail) {
    return std::unexpected(RasterProblem{reason, std::move(detail)});
}

}  // namespace

struct Renderer::Impl {
    std::unique_ptr<poppler::document> doc;
};

Renderer::Renderer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Renderer::~Renderer() = default;

std::expected<std::unique_ptr<Renderer>, RasterProblem> Renderer::open(std::span<const std::uint8_t> bytes) {
    ErrorScope errors;
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return problem(core::reason::too_large, "the PDF is too large to render");
    auto impl = std::make_unique<Impl>();
    impl->doc.reset(poppler::document::load_from_raw_data(reinterpret_cast<const char*>(bytes.data()),
                                                          static_cast<int>(bytes.size()), "", ""));
    if (!impl->doc) return problem(core::reason::unreadable, "the PDF renderer cannot open the file" + errors.suffix());
    if (impl->doc->is_locked())
        return problem(core::reason::unreadable,
                       "the PDF is encrypted with a password needed to open it" + errors.suffix());
    return std::unique_ptr<Renderer>(new Renderer(std::move(impl)));
}

int Renderer::page_count() const { return m_impl->doc->pages(); }

std::pair<double, double> Renderer::page_size_pt(int index) const {
    std::unique_ptr<poppler::page> p(m_impl->doc->create_page(index));
    if (!p) return {0, 0};
    auto r = p->page_rect(poppler::crop_box);
    double w = r.width(), h = r.height();
    auto o = p->orientation();
    if (o == poppler::page::landscape || o == poppler::page::seascape) std::swap(w, h);
    return {w, h};
}

std::expected<core::GrayImage, RasterProblem> Renderer::render(int index, double dpi, const Limits& limits) const {
    ErrorScope errors;
    const std::string where = "page " + std::to_string(index + 1) + ": ";
    std::unique_ptr<poppler::page> p(m_impl->doc->create_page(index));
    if (!p) return problem(core::reason::unreadable, where + "the PDF renderer cannot find the page" + errors.suffix());
    auto rect = p->page_rect(poppler::crop_box);
    const double w_pt = std::abs(rect.width()), h_pt = std::abs(rect.height());
    if (!(w_pt >= 1) || !(h_pt >= 1) || w_pt > 14400 || h_pt > 14400)
        return problem(core::reason::unreadable, where + "the page has no usable size");
    // Never over the pixel limit: lower the dpi instead.
    const double mp_at_dpi = w_pt * h_pt / (72.0 * 72.0) * dpi * dpi / 1e6;
    if (mp_at_dpi > limits.max_megapixels) dpi *= std::sqrt(limits.max_megapixels / mp_at_dpi) * 0.999;
    if (dpi < 50)
        return problem(core::reason::too_large, where + "a page of " + std::to_string(static_cast<int>(w_pt)) + "x" +
                                                    std::to_string(static_cast<int>(h_pt)) +
                                                    " pt cannot be drawn at 50 dpi within the limit of " +
                                                    std::to_string(static_cast<int>(limits.max_megapixels)) +
                                                    " megapixels");
    poppler::page_renderer r;
    r.set_render_hint(poppler::page_renderer::antialiasing, true);
    r.set_render_hint(poppler::page_renderer::text_antialiasing, true);
    r.set_image_format(poppler::image::format_gray8);
    poppler::image img = r.render_page(p.get(), dpi, dpi);
    if (!img.is_valid() || img.width() <= 0 || img.height() <= 0)
        return problem(core::reason::unreadable, where + "the PDF renderer cannot draw the page" + errors.suffix());
    core::GrayImage g;
    g.width = img.width();
    g.height = img.height();
    g.dpi = dpi;
    g.pixels.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height));
    const int stride = img.bytes_per_row();
    const char* data = img.const_data();
    if (img.format() == poppler::image::format_gray8) {
        for (int y = 0; y < g.height; ++y)
            std::copy_n(reinterpret_cast<const std::uint8_t*>(data + static_cast<std::ptrdiff_t>(y) * stride), g.width,
                        &g.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(g.width)]);
    } else if (img.format() == poppler::image::format_argb32) {
        for (int y = 0; y < g.height; ++y) {
            auto* row = reinterpret_cast<const std::uint8_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
            for (int x = 0; x < g.width; ++x) {
                const std::uint8_t* px = row + 4 * x;  // B G R A in memory (little-endian ARGB words)
                g.at(x, y) = static_cast<std::uint8_t>((px[2] * 77 + px[1] * 150 + px[0] * 29) >> 8);
            }
        }
    } else {
        return problem(core::reason::unreadable, where + "the PDF renderer gave an unexpected pixel format");
    }
    return g;
}

double choose_render_dpi(double image_dpi) {
    if (!(image_dpi > 0)) return 300;
    return std::clamp(image_dpi, 200.0, 400.0);
}

}  // namespace raster
