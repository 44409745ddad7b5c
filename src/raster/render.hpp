// The PDF renderer of the raster stage: poppler-cpp (Splash, the renderer of
// pdftoppm) draws a page as a viewer shows it — page content, form-field
// appearances and annotations — into 8-bit grey. Internal to raster.
//
// Why poppler-cpp: Debian's poppler is the renderer most Linux viewers use;
// its C++ binding has no glib/cairo dependency, renders straight to gray8,
// and opens encrypted files with an empty user password as a viewer does.
// Containment: it runs inside the worker process under the worker's rlimits
// (address space, CPU); we cap pages, pixels and the file size before it
// draws anything (Limits), never draw more than one page at a time, and its
// error messages go into the RasterProblem detail instead of stderr.
//
// Thread-safety: one Renderer per thread; Renderers in different threads are
// independent (poppler's global state is locked internally). The bytes given
// to open() must outlive the Renderer (poppler reads them in place).
#pragma once

#include "raster/raster.hpp"

#include <memory>

namespace raster {

class Renderer {
public:
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Loads with an empty owner and user password. unreadable when poppler
    // cannot open it, or when it needs a password to be opened.
    static std::expected<std::unique_ptr<Renderer>, RasterProblem> open(std::span<const std::uint8_t> bytes);

    int page_count() const;
    // The page's size as shown (CropBox, after /Rotate) in points.
    std::pair<double, double> page_size_pt(int index) const;
    // Page `index` (0-based) drawn at `dpi`, lowered so that the page stays
    // within limits.max_megapixels. Antialiased; annotations drawn.
    std::expected<core::GrayImage, RasterProblem> render(int index, double dpi, const Limits& limits) const;

private:
    struct Impl;
    explicit Renderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The dpi at which to render a page: the resolution of its largest image when
// there is one (`image_dpi` > 0), clamped to 200–400; else 300.
double choose_render_dpi(double image_dpi);

}  // namespace raster
