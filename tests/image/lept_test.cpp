// image::decode_gray / decode_tiff_pages / read_header / to_gray / to_pix /
// write_png and the direct JPEG reader on images made with Leptonica at test time.
#include "image/jpeg_luminance.hpp"
#include "image/lept.hpp"
#include "lept_fixtures.hpp"
#include "test_support.hpp"

#define BOOST_TEST_MODULE image
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <random>

namespace {

using lept_fixtures::Bytes;

std::span<const std::uint8_t> span_of(const Bytes& b) { return {b.data(), b.size()}; }

l_uint32 pixel(PIX* p, int x, int y) {
    l_uint32 v = 0;
    pixGetPixel(p, x, y, &v);
    return v;
}

// JPEG's own luminance (ITU-R BT.601), which a colour JPEG stores as its Y plane.
int jpeg_luma(int r, int g, int b) { return static_cast<int>(0.299 * r + 0.587 * g + 0.114 * b + 0.5); }

// A colour PIX of four flat 32×32 blocks (whole JPEG blocks, so their centres survive compression).
lept_fixtures::Pix colour_blocks(const std::array<std::array<int, 3>, 4>& colours) {
    auto p = lept_fixtures::checked(pixCreate(64, 64, 32), "pixCreate");
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            auto& c = colours[static_cast<size_t>((y / 32) * 2 + x / 32)];
            pixSetRGBPixel(p.get(), x, y, c[0], c[1], c[2]);
        }
    return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lept)

BOOST_AUTO_TEST_CASE(to_pix_and_to_gray_round_trip_exactly_for_every_row_packing) {
    // Widths 1..9 cover a partial last 32-bit word of every length, and several words.
    std::mt19937 rng(7);
    for (int w = 1; w <= 9; ++w) {
        for (int h : {1, 3}) {
            core::GrayImage img;
            img.width = w;
            img.height = h;
            img.dpi = 200;
            for (int i = 0; i < w * h; ++i) img.pixels.push_back(static_cast<std::uint8_t>(rng() & 0xff));
            auto pix = image::to_pix(img);
            BOOST_REQUIRE(pix);
            BOOST_TEST(pixGetWidth(pix.get()) == w);
            BOOST_TEST(pixGetHeight(pix.get()) == h);
            BOOST_TEST(pixGetDepth(pix.get()) == 8);
            BOOST_TEST(pixGetXRes(pix.get()) == 200);
            // Leptonica's own accessor sees the pixels where we put them.
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    BOOST_TEST_REQUIRE(pixel(pix.get(), x, y) == img.at(x, y), "w=" << w << " x=" << x << " y=" << y);
            auto back = image::to_gray(pix.get());
            BOOST_TEST(back.width == w);
            BOOST_TEST(back.height == h);
            BOOST_TEST(back.dpi == 200);
            BOOST_TEST(back.pixels == img.pixels, "round trip differs at width " << w);
        }
    }
}

BOOST_AUTO_TEST_CASE(to_gray_reads_pixels_written_by_leptonica) {
    for (int w = 1; w <= 9; ++w) {
        auto pix = lept_fixtures::gray_pattern(w, 2, w);
        auto g = image::to_gray(pix.get());
        BOOST_REQUIRE(g.width == w);
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < w; ++x) BOOST_TEST_REQUIRE(g.at(x, y) == pixel(pix.get(), x, y));
    }
}

BOOST_AUTO_TEST_CASE(to_gray_converts_binary_colormapped_and_missing_pix) {
    auto bin = lept_fixtures::binary_with_box(11, 5, 2, 1, 3, 2);
    auto g = image::to_gray(bin.get());
    BOOST_REQUIRE(g.width == 11);
    BOOST_TEST(g.at(2, 1) == 0);     // set bit = black
    BOOST_TEST(g.at(4, 2) == 0);
    BOOST_TEST(g.at(0, 0) == 255);   // clear bit = white
    BOOST_TEST(g.at(10, 4) == 255);

    auto grey = lept_fixtures::gray_pattern(13, 4);
    lept_fixtures::Pix cmapped(pixConvertGrayToColormap(grey.get()));
    BOOST_REQUIRE(cmapped);
    BOOST_REQUIRE(pixGetColormap(cmapped.get()) != nullptr);
    auto c = image::to_gray(cmapped.get());
    BOOST_REQUIRE(c.width == 13);
    for (int x = 0; x < 13; ++x) BOOST_TEST(c.at(x, 3) == pixel(grey.get(), x, 3));

    BOOST_TEST(image::to_gray(nullptr).empty());
}

BOOST_AUTO_TEST_CASE(decode_gray_of_png_is_lossless) {
    auto pix = lept_fixtures::gray_pattern(37, 21, 5);
    pixSetResolution(pix.get(), 300, 300);
    auto png = lept_fixtures::encode(pix.get(), IFF_PNG);
    auto g = image::decode_gray(span_of(png));
    BOOST_REQUIRE(g);
    BOOST_TEST(g->width == 37);
    BOOST_TEST(g->height == 21);
    BOOST_TEST(g->dpi == 300);
    BOOST_TEST(g->pixels == image::to_gray(pix.get()).pixels);
}

BOOST_AUTO_TEST_CASE(decode_gray_of_bilevel_palette_and_16_bit_png) {
    auto bin = lept_fixtures::binary_with_box(21, 9, 3, 2, 5, 4);
    auto b = image::decode_gray(span_of(lept_fixtures::encode(bin.get(), IFF_PNG)));
    BOOST_REQUIRE(b);
    BOOST_TEST(b->width == 21);
    BOOST_TEST(b->at(4, 3) == 0);
    BOOST_TEST(b->at(15, 7) == 255);

    auto grey = lept_fixtures::gray_pattern(19, 7);
    lept_fixtures::Pix palette(pixConvertGrayToColormap(grey.get()));
    BOOST_REQUIRE(palette);
    auto p = image::decode_gray(span_of(lept_fixtures::encode(palette.get(), IFF_PNG)));
    BOOST_REQUIRE(p);
    BOOST_TEST(p->pixels == image::to_gray(grey.get()).pixels);

    auto deep = lept_fixtures::checked(pixCreate(10, 4, 16), "pixCreate");
    for (int x = 0; x < 10; ++x) pixSetPixel(deep.get(), x, 0, static_cast<l_uint32>(x * 6000));
    auto d = image::decode_gray(span_of(lept_fixtures::encode(deep.get(), IFF_PNG)));
    BOOST_REQUIRE(d);
    BOOST_TEST(d->width == 10);
    for (int x = 0; x < 10; ++x) BOOST_TEST(std::abs(d->at(x, 0) - x * 6000 / 256) <= 1, "x=" << x);
}

BOOST_AUTO_TEST_CASE(decode_gray_of_colour_png_is_grey) {
    auto pix = colour_blocks({{{255, 255, 255}, {0, 0, 0}, {128, 128, 128}, {255, 0, 0}}});
    auto g = image::decode_gray(span_of(lept_fixtures::encode(pix.get(), IFF_PNG)));
    BOOST_REQUIRE(g);
    BOOST_TEST(g->width == 64);
    BOOST_TEST(g->at(16, 16) == 255);
    BOOST_TEST(g->at(48, 16) == 0);
    BOOST_TEST(std::abs(g->at(16, 48) - 128) <= 1);
    BOOST_TEST(g->at(48, 48) > 40);  // red is a mid-dark grey, neither black nor white
    BOOST_TEST(g->at(48, 48) < 120);
}

BOOST_AUTO_TEST_CASE(decode_gray_of_colour_jpeg_is_its_luminance) {
    const std::array<std::array<int, 3>, 4> colours{{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 120, 40}}};
    auto pix = colour_blocks(colours);
    auto jpeg = lept_fixtures::encode_jpeg(pix.get(), 95);
    auto g = image::decode_gray(span_of(jpeg));
    BOOST_REQUIRE(g);
    BOOST_TEST(g->width == 64);
    BOOST_TEST(g->height == 64);
    for (int i = 0; i < 4; ++i) {
        const int x = (i % 2) * 32 + 16, y = (i / 2) * 32 + 16;
        auto& c = colours[static_cast<size_t>(i)];
        BOOST_TEST(std::abs(g->at(x, y) - jpeg_luma(c[0], c[1], c[2])) <= 3,
                   "block " << i << ": " << int(g->at(x, y)) << " vs luma " << jpeg_luma(c[0], c[1], c[2]));
    }
}

BOOST_AUTO_TEST_CASE(decode_gray_of_grey_jpeg_keeps_the_values) {
    auto pix = lept_fixtures::gray_flat(40, 24, 0);
    BOX* b = boxCreate(0, 0, 16, 24);
    pixSetInRectArbitrary(pix.get(), b, 200);
    boxDestroy(&b);
    b = boxCreate(24, 0, 16, 24);
    pixSetInRectArbitrary(pix.get(), b, 90);
    boxDestroy(&b);
    auto g = image::decode_gray(span_of(lept_fixtures::encode_jpeg(pix.get(), 95)));
    BOOST_REQUIRE(g);
    BOOST_TEST(g->width == 40);
    BOOST_TEST(std::abs(g->at(4, 12) - 200) <= 3);
    BOOST_TEST(std::abs(g->at(32, 12) - 90) <= 3);
}

BOOST_AUTO_TEST_CASE(read_header_reports_size_and_samples_without_decoding) {
    auto grey = lept_fixtures::gray_pattern(123, 45);
    auto h = image::read_header(span_of(lept_fixtures::encode(grey.get(), IFF_PNG)));
    BOOST_REQUIRE(h);
    BOOST_TEST(h->width == 123);
    BOOST_TEST(h->height == 45);
    BOOST_TEST(h->bits_per_sample == 8);
    BOOST_TEST(h->samples_per_pixel == 1);

    auto colour = colour_blocks({{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}}});
    auto j = image::read_header(span_of(lept_fixtures::encode_jpeg(colour.get())));
    BOOST_REQUIRE(j);
    BOOST_TEST(j->width == 64);
    BOOST_TEST(j->samples_per_pixel == 3);

    auto bin = lept_fixtures::binary_with_box(77, 33, 1, 1, 5, 5);
    auto t = image::read_header(span_of(lept_fixtures::encode(bin.get(), IFF_TIFF_G4)));
    BOOST_REQUIRE(t);
    BOOST_TEST(t->width == 77);
    BOOST_TEST(t->height == 33);
    BOOST_TEST(t->bits_per_sample == 1);

    BOOST_TEST(!image::read_header({}));
    const Bytes junk{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    BOOST_TEST(!image::read_header(span_of(junk)));
}

BOOST_AUTO_TEST_CASE(decode_tiff_pages_returns_every_page_in_order) {
    auto p1 = lept_fixtures::gray_pattern(31, 17, 1);
    auto p2 = lept_fixtures::binary_with_box(50, 40, 10, 10, 20, 5);
    auto p3 = lept_fixtures::gray_flat(9, 9, 77);
    auto tiff = lept_fixtures::encode_multipage_tiff({p1.get(), p2.get(), p3.get()});
    auto pages = image::decode_tiff_pages(span_of(tiff), 10);
    BOOST_REQUIRE(pages);
    BOOST_REQUIRE(pages->size() == 3u);
    BOOST_TEST((*pages)[0].width == 31);
    BOOST_TEST((*pages)[0].pixels == image::to_gray(p1.get()).pixels);
    BOOST_TEST((*pages)[1].width == 50);
    BOOST_TEST((*pages)[1].height == 40);
    BOOST_TEST((*pages)[1].at(15, 12) == 0);
    BOOST_TEST((*pages)[1].at(5, 5) == 255);
    BOOST_TEST((*pages)[2].width == 9);
    BOOST_TEST((*pages)[2].at(4, 4) == 77);

    // At most max_pages + 1, so the caller can tell there are too many.
    auto capped = image::decode_tiff_pages(span_of(tiff), 1);
    BOOST_REQUIRE(capped);
    BOOST_TEST(capped->size() == 2u);

    // decode_gray takes the first page.
    auto first = image::decode_gray(span_of(tiff));
    BOOST_REQUIRE(first);
    BOOST_TEST(first->width == 31);
}

BOOST_AUTO_TEST_CASE(decode_tiff_pages_reads_each_header_before_decoding_its_page) {
    auto p1 = lept_fixtures::gray_flat(20, 20, 255);
    auto p2 = lept_fixtures::gray_flat(300, 200, 0);
    auto p3 = lept_fixtures::gray_flat(20, 20, 255);
    auto tiff = lept_fixtures::encode_multipage_tiff({p1.get(), p2.get(), p3.get()});
    std::vector<std::pair<int, int>> asked;
    std::optional<image::ImageHeader> refused;
    auto pages = image::decode_tiff_pages(
        span_of(tiff), 10,
        [&](int w, int h) {
            asked.emplace_back(w, h);
            return w * h <= 400;
        },
        &refused);
    BOOST_REQUIRE(pages);
    BOOST_TEST(pages->size() == 1u);  // only the page before the refused one was decoded
    BOOST_REQUIRE(refused);
    BOOST_TEST(refused->width == 300);
    BOOST_TEST(refused->height == 200);
    BOOST_TEST(asked.size() == 2u);  // the third page is never looked at
    // Without a refusal every page comes back, each asked about once.
    asked.clear();
    refused.reset();
    pages = image::decode_tiff_pages(span_of(tiff), 10, [&](int w, int h) { asked.emplace_back(w, h); return true; }, &refused);
    BOOST_REQUIRE(pages);
    BOOST_TEST(pages->size() == 3u);
    BOOST_TEST(!refused);
    BOOST_TEST(asked.size() == 3u);
}

BOOST_AUTO_TEST_CASE(decode_tiff_pages_stops_on_a_page_chain_that_loops) {
    // A single-page little-endian TIFF whose "next IFD" offset points back at its own IFD.
    auto p = lept_fixtures::gray_flat(8, 8, 10);
    auto tiff = lept_fixtures::encode(p.get(), IFF_TIFF);
    BOOST_REQUIRE(tiff.size() > 8);
    BOOST_REQUIRE(tiff[0] == 'I');
    auto u32 = [&](size_t at) {
        return static_cast<std::uint32_t>(tiff[at]) | static_cast<std::uint32_t>(tiff[at + 1]) << 8 |
               static_cast<std::uint32_t>(tiff[at + 2]) << 16 | static_cast<std::uint32_t>(tiff[at + 3]) << 24;
    };
    const std::uint32_t ifd = u32(4);
    const std::uint32_t entries = static_cast<std::uint32_t>(tiff[ifd]) | static_cast<std::uint32_t>(tiff[ifd + 1]) << 8;
    const size_t next_at = ifd + 2 + 12 * entries;
    BOOST_REQUIRE(next_at + 4 <= tiff.size());
    BOOST_REQUIRE(u32(next_at) == 0u);
    for (int i = 0; i < 4; ++i) tiff[next_at + static_cast<size_t>(i)] = static_cast<std::uint8_t>(ifd >> (8 * i));

    const auto start = std::chrono::steady_clock::now();
    auto pages = image::decode_tiff_pages(span_of(tiff), 50);
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(took < std::chrono::seconds(5));
    // Either refused, or stopped at the loop: never 51 copies of the same page.
    if (pages) BOOST_TEST(pages->size() <= 1u);
    BOOST_TEST_MESSAGE("looping TIFF: " << (pages ? std::to_string(pages->size()) + " page(s)" : "refused"));
}

// The direct libjpeg path (jpeg_luminance.cpp) must give what Leptonica's
// reader gave before it, pixel for pixel.
BOOST_AUTO_TEST_CASE(jpeg_luminance_equals_leptonicas_decode_pixel_for_pixel) {
    auto grey = lept_fixtures::gray_pattern(203, 151);  // widths not a multiple of the 8-pixel block
    auto colour = colour_blocks({{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 120, 40}}});
    for (PIX* pix : {grey.get(), colour.get()}) {
        pixSetResolution(pix, 300, 300);
        for (int quality : {40, 95}) {
            auto jpeg = lept_fixtures::encode_jpeg(pix, quality);
            auto ours = image::decode_jpeg_luminance(span_of(jpeg));
            BOOST_REQUIRE(ours);
            l_int32 warnings = 0;
            image::PixPtr theirs(pixReadMemJpeg(jpeg.data(), jpeg.size(), 0, 1, &warnings, L_JPEG_READ_LUMINANCE));
            BOOST_REQUIRE(theirs);
            auto expected = image::to_gray(theirs.get());
            BOOST_TEST(ours->width == expected.width);
            BOOST_TEST(ours->height == expected.height);
            BOOST_TEST((ours->pixels == expected.pixels), "depth " << pixGetDepth(pix) << ", quality " << quality);
            BOOST_TEST(ours->dpi == 300);
            // decode_gray takes this path for every JPEG.
            BOOST_TEST((image::decode_gray(span_of(jpeg))->pixels == expected.pixels));
        }
    }
}

BOOST_AUTO_TEST_CASE(jpeg_luminance_refuses_what_it_cannot_decode_whole) {
    auto pix = lept_fixtures::gray_pattern(200, 150);
    auto jpeg = lept_fixtures::encode_jpeg(pix.get());
    BOOST_TEST(!image::decode_jpeg_luminance({}));
    BOOST_TEST(!image::decode_jpeg_luminance(span_of(Bytes(jpeg.begin(), jpeg.begin() + 40))));
    BOOST_TEST(!image::decode_jpeg_luminance(span_of(Bytes(jpeg.begin(), jpeg.end() - 200))));  // rows missing
    auto png = lept_fixtures::encode(pix.get(), IFF_PNG);
    BOOST_TEST(!image::decode_jpeg_luminance(span_of(png)));
    // Stray bytes after the image's end (some scanners pad files) change nothing.
    Bytes padded = jpeg;
    padded.insert(padded.end(), {0, 0, 0, 0, 0x12, 0x34});
    auto a = image::decode_jpeg_luminance(span_of(jpeg)), b = image::decode_jpeg_luminance(span_of(padded));
    BOOST_REQUIRE(a);
    BOOST_REQUIRE(b);
    BOOST_TEST((a->pixels == b->pixels));
    // CMYK has no luminance plane: the direct path declines, Leptonica's converts it.
    auto cmyk_text = test_support::read_file(test_support::source_dir() / "tests/fuzz/seeds/raster/cmyk.jpg");
    Bytes cmyk(cmyk_text.begin(), cmyk_text.end());
    BOOST_TEST(!image::decode_jpeg_luminance(span_of(cmyk)));
    auto g = image::decode_gray(span_of(cmyk));
    BOOST_REQUIRE(g);
    BOOST_TEST(g->width == 40);
    BOOST_TEST(g->at(12, 12) < 80);   // the black square
    BOOST_TEST(g->at(32, 25) > 180);  // white paper
}

BOOST_AUTO_TEST_CASE(corrupt_truncated_and_foreign_bytes_decode_to_nothing) {
    BOOST_TEST(!image::decode_gray({}));
    BOOST_TEST(!image::decode_tiff_pages({}, 5));

    std::mt19937 rng(3);
    Bytes noise(4096);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng() & 0xff);
    BOOST_TEST(!image::decode_gray(span_of(noise)));

    const std::string text = "%PDF-1.4 not an image at all";
    BOOST_TEST(!image::decode_gray({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));

    auto pix = lept_fixtures::gray_pattern(200, 150);
    auto png = lept_fixtures::encode(pix.get(), IFF_PNG);
    Bytes half_png(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(png.size() / 2));
    BOOST_TEST(!image::decode_gray(span_of(half_png)));

    auto jpeg = lept_fixtures::encode_jpeg(pix.get());
    Bytes jpeg_head(jpeg.begin(), jpeg.begin() + 40);  // inside the header segments
    BOOST_TEST(!image::decode_gray(span_of(jpeg_head)));
    Bytes half_jpeg(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2));  // cut inside the scan data
    BOOST_TEST(!image::decode_gray(span_of(half_jpeg)));

    auto tiff = lept_fixtures::encode_multipage_tiff({pix.get(), pix.get()});
    Bytes tiff_head(tiff.begin(), tiff.begin() + 6);
    BOOST_TEST(!image::decode_tiff_pages(span_of(tiff_head), 5));
    Bytes tiff_bad_ifd = tiff;
    tiff_bad_ifd[4] = tiff_bad_ifd[5] = tiff_bad_ifd[6] = 0xff;  // first IFD far outside the file
    tiff_bad_ifd[7] = 0x7f;
    BOOST_TEST(!image::decode_tiff_pages(span_of(tiff_bad_ifd), 5));
}

BOOST_AUTO_TEST_CASE(write_png_writes_a_file_that_decodes_to_the_same_pixels) {
    test_support::TempDir dir;
    core::GrayImage img;
    img.width = 7;
    img.height = 5;
    for (int i = 0; i < 35; ++i) img.pixels.push_back(static_cast<std::uint8_t>(i * 7));
    const auto file = dir.path() / "crop.png";
    BOOST_REQUIRE(image::write_png(img, file));
    const std::string bytes = test_support::read_file(file);
    BOOST_TEST(bytes.substr(1, 3) == "PNG");
    auto back = image::decode_gray({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    BOOST_REQUIRE(back);
    BOOST_TEST(back->pixels == img.pixels);
    BOOST_TEST(!image::write_png(img, dir.path() / "missing-folder" / "x.png"));
}

BOOST_AUTO_TEST_SUITE_END()
