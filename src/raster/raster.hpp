// raster: input bytes → page images (and, for a born-digital filled PDF, its
// form field values too). A PDF page is what a viewer shows: the page is
// rendered (poppler, raster/render.hpp) unless it is provably one scanned
// image covering the page and nothing else, then that image is decoded
// directly (faster; the rule is direct_image_of() in pdf_pages.cpp).
// Multi-page TIFF (X/Y resolution honoured: fax), PNG, JPEG. Pages always
// come out with square pixels and GrayImage.dpi set when known.
//
// Pages are produced one at a time (PageSource), so a 500-page feeder stack
// never holds more than one decoded page.
//
// A hostile or broken file is a value (RasterProblem), never a crash we can
// prevent: sizes are checked against Limits before anything is decoded.
// Thread-safety: reentrant; call from any worker thread (a PageSource is used
// by one thread).
#pragma once

#include "core/image.hpp"

#include <array>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace raster {

struct Limits {
    std::size_t max_bytes = 200u << 20;   // file size (limits.max_file_mb)
    int max_pages = 500;                  // a feeder stack
    double max_megapixels = 60;           // per page, before decoding
    std::size_t max_pdf_objects = 20000;
};

enum class Container { pdf, tiff, png, jpeg, unknown };
std::string_view to_string(Container c);
// By magic bytes, not by file name.
Container sniff(std::span<const std::uint8_t> bytes);

struct Raster {
    Container container = Container::unknown;
    // Pages in file order (a born-digital form's pages rendered too).
    std::vector<core::GrayImage> pages;
    // Per page: drawn by the PDF renderer (true) or decoded from the file's
    // own image (false).
    std::vector<bool> rendered;
    // Born-digital: the AcroForm's text field values by field name, and
    // whether the signature field carries a value (a digital signature).
    bool born_digital = false;
    std::map<std::string, std::string> form_fields;
    bool signature_value_present = false;
};

struct RasterProblem {
    std::string_view reason;  // a core::reason code: unreadable, unsupported_format, too_large
    std::string detail;       // English, for logs and staff
};

struct Page {
    core::GrayImage image;
    bool rendered = false;
    std::string render_reason;  // when rendered: which rule of the direct path the page fails (English)
    // A rendered page over a scanned image: where the scan's ink is hidden by
    // something drawn over it (a white-out box, an edit), as fractions of the
    // page (x, y, w, h from the top-left); empty when nothing is hidden or the
    // page has no scan under it. The form then goes to a person.
    std::vector<std::array<double, 4>> covered_ink;
};

// The pages of one file, decoded or rendered on demand. The bytes given to
// open_pages() must outlive the source (PDF pages are read from them in place).
class PageSource {
public:
    virtual ~PageSource() = default;
    Container container() const { return m_container; }
    virtual int page_count() const = 0;
    // Page `index` (0-based, < page_count()). Cheapest in file order.
    virtual std::expected<Page, RasterProblem> page(int index) = 0;
    // Born-digital: AcroForm values were found (see Raster).
    bool born_digital = false;
    std::map<std::string, std::string> form_fields;
    bool signature_value_present = false;

protected:
    explicit PageSource(Container c) : m_container(c) {}

private:
    Container m_container;
};

// Opens the file and checks what can be checked before decoding: size, page
// count, object count. Errors: unreadable, unsupported_format, too_large (the
// detail names the limit that was hit and its value).
std::expected<std::unique_ptr<PageSource>, RasterProblem> open_pages(std::span<const std::uint8_t> bytes,
                                                                      const Limits& limits);

// open_pages() and every page, into memory (for small files and tests).
std::expected<Raster, RasterProblem> rasterize(std::span<const std::uint8_t> bytes, const Limits& limits);

}  // namespace raster
