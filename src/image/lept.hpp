// The one wrapper around Leptonica. Owns PIX lifetimes through PixPtr
// (unique_ptr with pixDestroy); converts between PIX and core::GrayImage;
// decodes image bytes. Null pointers from Leptonica become empty results
// here and nowhere else. Stages (raster, align, read) use it; it depends on
// core only.
//
// Thread-safety: functions are reentrant; a PIX is not shared between threads.
#pragma once

#include "core/image.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct Pix;  // Leptonica's PIX

namespace image {

struct PixDeleter {
    void operator()(Pix* p) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Silences Leptonica's messages on stderr (once per process; idempotent).
void quiet_leptonica();

// Header of an encoded image without decoding it (for size limits).
struct ImageHeader {
    int width = 0, height = 0, bits_per_sample = 0, samples_per_pixel = 0;
};
std::optional<ImageHeader> read_header(std::span<const std::uint8_t> bytes);

// Decodes one image (PNG, JPEG, TIFF first page, PNM, BMP …) to 8-bit grey;
// nullopt when the bytes are not a decodable image.
std::optional<core::GrayImage> decode_gray(std::span<const std::uint8_t> bytes);
// The pages of a TIFF (at most max_pages + 1, so the caller can tell there are too
// many), to 8-bit grey; nullopt when not decodable or when its page chain loops.
// Each page's header is read before the page is decoded: a page whose
// header says `accept(width, height)` is false is not decoded, its header
// goes to *refused and the pages before it are returned.
std::optional<std::vector<core::GrayImage>> decode_tiff_pages(
    std::span<const std::uint8_t> bytes, int max_pages,
    const std::function<bool(int width, int height)>& accept = {}, std::optional<ImageHeader>* refused = nullptr);

// One TIFF page, decoded from the directory (IFD) at `ifd_offset` (0: the
// first page), with its own X and Y resolution in dpi (0 when the file does not
// say; fax pages differ: 204×98). image.dpi is the X resolution. nullopt when
// not decodable. The caller checks the page's size before (its IFD).
struct TiffPage {
    core::GrayImage image;
    double xres = 0, yres = 0;
};
std::optional<TiffPage> decode_tiff_page_at(std::span<const std::uint8_t> bytes, std::size_t ifd_offset);

// Any-depth PIX → 8-bit grey GrayImage (copies). Returns empty on failure.
core::GrayImage to_gray(Pix* pix);
// GrayImage → 8-bit PIX (copies).
PixPtr to_pix(const core::GrayImage& img);

// Writes a PNG (crops for the review queue). Returns false on failure.
bool write_png(const core::GrayImage& img, const std::filesystem::path& file);

// Encodes a PNG in memory (zlib's fastest level), so the caller decides how the
// bytes reach the disk and sees every write error itself (Leptonica's own file
// writer reports a full disk only as a libpng line on stderr). Empty when the
// image cannot be encoded.
std::vector<std::uint8_t> encode_png(const core::GrayImage& img);

}  // namespace image
