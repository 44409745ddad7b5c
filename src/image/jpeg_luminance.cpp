// JPEG straight into a GrayImage with libjpeg-turbo: the luminance plane
// only, each scanline written into its row of the result. Leptonica's reader
// copies every pixel through its own 32-bit words first, and to_gray copies
// them back: on a 300-dpi page that was half the decode time.
#include "image/jpeg_luminance.hpp"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>
// after jpeglib.h, which it needs
#include <jerror.h>

namespace image {

namespace {

struct JpegErrors {
    jpeg_error_mgr mgr;  // first: libjpeg sees a jpeg_error_mgr*
    std::jmp_buf jump;
};

[[noreturn]] void jump_out(j_common_ptr c) { std::longjmp(reinterpret_cast<JpegErrors*>(c->err)->jump, 1); }

// Data that ends before the last row is a truncated file, refused as a whole
// (libjpeg would go on with grey rows). Other warnings (stray bytes between
// markers, as some scanners write) are not fatal, and nothing is printed.
void on_message(j_common_ptr c, int level) {
    if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) jump_out(c);
}

// Between setjmp and a longjmp out of libjpeg this frame holds nothing with a
// destructor: `out` belongs to the caller, and is only resized before any row
// is read (after a longjmp it is partly written, and the caller discards it).
bool decode(const std::uint8_t* data, std::size_t size, core::GrayImage& out) {
    jpeg_decompress_struct c{};
    JpegErrors errors{};
    c.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = jump_out;
    errors.mgr.emit_message = on_message;
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, data, static_cast<unsigned long>(size));
    if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK || c.image_width == 0 || c.image_height == 0 ||
        c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&c);
        return false;  // CMYK has no luminance plane: the caller's general path converts it
    }
    c.out_color_space = JCS_GRAYSCALE;  // colour planes are neither decoded nor converted
    jpeg_start_decompress(&c);
    if (c.output_components != 1) {
        jpeg_destroy_decompress(&c);
        return false;
    }
    out.width = static_cast<int>(c.output_width);
    out.height = static_cast<int>(c.output_height);
    if (c.density_unit == 1 && c.X_density > 0) out.dpi = c.X_density;
    else if (c.density_unit == 2 && c.X_density > 0) out.dpi = c.X_density * 2.54;
    else out.dpi = 0;
    out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = &out.pixels[static_cast<std::size_t>(c.output_scanline) * static_cast<std::size_t>(out.width)];
        if (jpeg_read_scanlines(&c, &row, 1) != 1) {
            jpeg_destroy_decompress(&c);
            return false;
        }
    }
    jpeg_abort_decompress(&c);  // any trailing data is not ours to judge
    jpeg_destroy_decompress(&c);
    return true;
}

}  // namespace

std::optional<core::GrayImage> decode_jpeg_luminance(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 4) return std::nullopt;
    core::GrayImage out;
    if (!decode(bytes.data(), bytes.size(), out) || out.empty()) return std::nullopt;
    return out;
}

}  // namespace image
