#include "image/lept.hpp"

#include "image/jpeg_luminance.hpp"

#include <leptonica/allheaders.h>

#include <cstring>
#include <mutex>

namespace image {

void PixDeleter::operator()(Pix* p) const {
    if (p) pixDestroy(&p);
}

void quiet_leptonica() {
    static std::once_flag once;
    std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

std::optional<ImageHeader> read_header(std::span<const std::uint8_t> bytes) {
    quiet_leptonica();
    ImageHeader h;
    l_int32 format = 0, iscmap = 0;
    if (bytes.empty() || pixReadHeaderMem(bytes.data(), bytes.size(), &format, &h.width, &h.height,
                                          &h.bits_per_sample, &h.samples_per_pixel, &iscmap) != 0)
        return std::nullopt;
    return h;
}

namespace {

// Leptonica keeps 8-bit pixels in 32-bit words, the first pixel in the most
// significant byte: whole words at a time (a page is 8.7 Mpixel at 300 dpi).
void unpack_row(const l_uint32* line, std::uint8_t* dst, int width) {
    const int words = width / 4;
    for (int i = 0; i < words; ++i) {
        const l_uint32 w = line[i];
        dst[4 * i] = static_cast<std::uint8_t>(w >> 24);
        dst[4 * i + 1] = static_cast<std::uint8_t>(w >> 16);
        dst[4 * i + 2] = static_cast<std::uint8_t>(w >> 8);
        dst[4 * i + 3] = static_cast<std::uint8_t>(w);
    }
    for (int x = 4 * words; x < width; ++x) dst[x] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, x));
}

void pack_row(const std::uint8_t* src, l_uint32* line, int width) {
    const int words = width / 4;
    for (int i = 0; i < words; ++i)
        line[i] = (static_cast<l_uint32>(src[4 * i]) << 24) | (static_cast<l_uint32>(src[4 * i + 1]) << 16) |
                  (static_cast<l_uint32>(src[4 * i + 2]) << 8) | static_cast<l_uint32>(src[4 * i + 3]);
    for (int x = 4 * words; x < width; ++x) SET_DATA_BYTE(line, x, src[x]);
}

}  // namespace

core::GrayImage to_gray(Pix* pix) {
    core::GrayImage out;
    if (!pix) return out;
    PixPtr gray;
    l_int32 d = pixGetDepth(pix);
    if (d == 8 && !pixGetColormap(pix)) {
        gray.reset(pixClone(pix));
    } else if (d == 32) {
        gray.reset(pixConvertRGBToLuminance(pix));
    } else {
        PixPtr nocmap(pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC));
        Pix* src = nocmap ? nocmap.get() : pix;
        if (pixGetDepth(src) == 32) gray.reset(pixConvertRGBToLuminance(src));
        else gray.reset(pixConvertTo8(src, 0));
    }
    if (!gray || pixGetDepth(gray.get()) != 8) return out;
    out.width = pixGetWidth(gray.get());
    out.height = pixGetHeight(gray.get());
    out.dpi = pixGetXRes(pix);
    out.pixels.resize(static_cast<size_t>(out.width) * static_cast<size_t>(out.height));
    const l_uint32* data = pixGetData(gray.get());
    l_int32 wpl = pixGetWpl(gray.get());
    for (int y = 0; y < out.height; ++y)
        unpack_row(data + y * wpl, &out.pixels[static_cast<size_t>(y) * static_cast<size_t>(out.width)], out.width);
    return out;
}

PixPtr to_pix(const core::GrayImage& img) {
    PixPtr pix(pixCreate(img.width, img.height, 8));
    if (!pix) return pix;
    l_uint32* data = pixGetData(pix.get());
    l_int32 wpl = pixGetWpl(pix.get());
    for (int y = 0; y < img.height; ++y)
        pack_row(&img.pixels[static_cast<size_t>(y) * static_cast<size_t>(img.width)], data + y * wpl, img.width);
    if (img.dpi > 0) pixSetResolution(pix.get(), static_cast<l_int32>(img.dpi), static_cast<l_int32>(img.dpi));
    return pix;
}

std::optional<core::GrayImage> decode_gray(std::span<const std::uint8_t> bytes) {
    quiet_leptonica();
    if (bytes.empty()) return std::nullopt;
    // A JPEG is decoded to its luminance only: the colour planes are never
    // converted (a scanner's colour JPEG costs the time of a grey one).
    const bool jpeg = bytes.size() > 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff;
    if (jpeg)
        if (auto g = decode_jpeg_luminance(bytes)) return g;
    // Anything else, and a JPEG without a luminance plane (CMYK: Leptonica
    // converts it to RGB, and to_gray takes the luminance of that).
    PixPtr pix(pixReadMem(bytes.data(), bytes.size()));
    if (!pix) return std::nullopt;
    auto g = to_gray(pix.get());
    if (g.empty()) return std::nullopt;
    return g;
}

std::optional<std::vector<core::GrayImage>> decode_tiff_pages(std::span<const std::uint8_t> bytes, int max_pages,
                                                               const std::function<bool(int, int)>& accept,
                                                               std::optional<ImageHeader>* refused) {
    quiet_leptonica();
    if (bytes.empty()) return std::nullopt;
    // Page by page, so a TIFF whose next-page offset never ends (found by fuzzing:
    // pixaReadMemMultipageTiff then loops and grows without bound) stops here.
    std::vector<core::GrayImage> pages;
    size_t offset = 0;
    for (int i = 0; i <= max_pages; ++i) {
        size_t before = offset;
        if (accept) {
            // A small first page must not let a huge G4 page behind it be decoded.
            ImageHeader h;
            l_int32 res = 0, cmap = 0, format = 0;
            if (readHeaderMemTiff(bytes.data(), bytes.size(), i, &h.width, &h.height, &h.bits_per_sample,
                                  &h.samples_per_pixel, &res, &cmap, &format) != 0)
                return std::nullopt;
            if (!accept(h.width, h.height)) {
                if (refused) *refused = h;
                return pages;
            }
        }
        PixPtr p(pixReadMemFromMultipageTiff(bytes.data(), bytes.size(), &offset));
        if (!p) return std::nullopt;
        auto g = to_gray(p.get());
        if (g.empty()) return std::nullopt;
        pages.push_back(std::move(g));
        if (offset == 0) return pages;                    // that was the last page
        if (offset <= before || offset >= bytes.size()) return std::nullopt;  // a loop or a pointer outside the file
    }
    return pages;  // more than max_pages: the caller refuses it by count
}

std::optional<TiffPage> decode_tiff_page_at(std::span<const std::uint8_t> bytes, std::size_t ifd_offset) {
    quiet_leptonica();
    if (bytes.empty() || ifd_offset >= bytes.size()) return std::nullopt;
    std::size_t offset = ifd_offset;
    PixPtr p(pixReadMemFromMultipageTiff(bytes.data(), bytes.size(), &offset));
    if (!p) return std::nullopt;
    TiffPage page;
    page.image = to_gray(p.get());
    if (page.image.empty()) return std::nullopt;
    page.xres = pixGetXRes(p.get());
    page.yres = pixGetYRes(p.get());
    return page;
}

bool write_png(const core::GrayImage& img, const std::filesystem::path& file) {
    auto pix = to_pix(img);
    // zlib's fastest level: crops and page previews are written for every form,
    // read by a reviewer now and then; size grows a little, time shrinks a lot.
    if (pix) pixSetZlibCompression(pix.get(), 1);
    return pix && pixWrite(file.c_str(), pix.get(), IFF_PNG) == 0;
}

std::vector<std::uint8_t> encode_png(const core::GrayImage& img) {
    quiet_leptonica();
    std::vector<std::uint8_t> out;
    auto pix = to_pix(img);
    if (!pix) return out;
    pixSetZlibCompression(pix.get(), 1);
    l_uint8* data = nullptr;
    size_t size = 0;
    if (pixWriteMem(&data, &size, pix.get(), IFF_PNG) == 0 && data) out.assign(data, data + size);
    if (data) lept_free(data);
    return out;
}

}  // namespace image
