// ocr::stroke_ink_percent, remove_specks and remove_dust on synthetic crops.
#define BOOST_TEST_MODULE read
#include <boost/test/unit_test.hpp>

#include "crop_fixtures.hpp"

#include "read/read.hpp"

#include <cstdint>

namespace {

// A white crop at 216 dpi (3 px per pt, the crop resolution read_form uses).
core::GrayImage white(int w, int h, double dpi = 216) { return crop_fixtures::paper(w, h, dpi, 255); }
using crop_fixtures::dark;
using crop_fixtures::fill;

int dark(const core::GrayImage& g) { return dark(g, 0, 0, g.width, g.height); }

// Letter-sized strokes: 11 bars 4 px wide and 25 px tall (12 pt type at 3 px/pt), x 100..304.
void write_letters(core::GrayImage& g) {
    for (int i = 0; i < 11; ++i) fill(g, 100 + 20 * i, 18, 4, 25);
}

// A "5" drawn with 3-px strokes, top-left at (x, y), 24 px wide, 36 px tall.
void draw_five(core::GrayImage& g, int x, int y) {
    fill(g, x, y, 24, 3);           // top bar
    fill(g, x, y, 3, 18);           // left upper stem
    fill(g, x, y + 16, 24, 3);      // middle bar
    fill(g, x + 21, y + 16, 3, 20); // right lower stem
    fill(g, x, y + 33, 24, 3);      // bottom bar
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stroke_ink)

BOOST_AUTO_TEST_CASE(empty_crop_has_no_ink) {
    BOOST_TEST(ocr::stroke_ink_percent(white(300, 100)) == 0.0);
    BOOST_TEST(ocr::stroke_ink_percent(core::GrayImage{}) == 0.0);
    // Light grey is paper, not ink.
    auto grey = white(300, 100);
    fill(grey, 0, 0, 300, 100, 160);
    BOOST_TEST(ocr::stroke_ink_percent(grey) == 0.0);
}

BOOST_AUTO_TEST_CASE(strokes_count_specks_do_not) {
    auto g = white(300, 100);
    fill(g, 50, 40, 30, 20);  // 600 of 30 000 pixels
    BOOST_TEST(ocr::stroke_ink_percent(g) == 2.0, boost::test_tools::tolerance(1e-9));
    // Specks under ~1 mm (8.5 px at 216 dpi) in both directions are dust.
    for (int i = 0; i < 20; ++i) fill(g, 5 + 14 * i, 5, 3, 3);
    BOOST_TEST(ocr::stroke_ink_percent(g) == 2.0, boost::test_tools::tolerance(1e-9));
    // A thin but long stroke is writing.
    fill(g, 100, 80, 60, 2);
    BOOST_TEST(ocr::stroke_ink_percent(g) == 100.0 * 720 / 30000, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(the_speck_size_follows_the_crops_dpi) {
    // A 6×6 blob: a speck at 216 dpi (1 mm = 8.5 px), a stroke at 72 dpi (1 mm ≈ 3 px).
    auto g = white(100, 100, 216);
    fill(g, 40, 40, 6, 6);
    BOOST_TEST(ocr::stroke_ink_percent(g) == 0.0);
    g.dpi = 72;
    BOOST_TEST(ocr::stroke_ink_percent(g) > 0.3);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(remove_specks)

BOOST_AUTO_TEST_CASE(specks_away_from_the_writing_go_and_the_writing_stays) {
    auto crop = white(600, 60);
    write_letters(crop);
    const int letters = dark(crop);
    fill(crop, 200, 8, 3, 3);      // the dot of an i, just above the letters: stays
    fill(crop, 20, 5, 2, 2);       // specks far from the writing: go
    fill(crop, 550, 50, 2, 2);
    fill(crop, 450, 30, 3, 2);
    fill(crop, 150, 47, 1, 1);     // a single pixel next to the writing: goes
    fill(crop, 480, 10, 30, 12, 200);  // a light smudge: paper

    auto writing = ocr::remove_specks(crop, 3.0, 12.0);
    // In the crop itself:
    BOOST_TEST(crop.at(20, 5) == 255);
    BOOST_TEST(crop.at(550, 50) == 255);
    BOOST_TEST(crop.at(451, 31) == 255);
    BOOST_TEST(crop.at(150, 47) == 255);
    BOOST_TEST(crop.at(490, 15) == 255);
    BOOST_TEST(dark(crop, 200, 8, 3, 3) == 9);
    BOOST_TEST(dark(crop) == letters + 9);
    // The result is the writing with a margin, not the long empty line.
    BOOST_TEST(dark(writing) == letters + 9);
    BOOST_TEST(writing.width >= 205);
    BOOST_TEST(writing.width < 300);
    BOOST_TEST(writing.height >= 26);
    BOOST_TEST(writing.height <= 60);
    BOOST_TEST(writing.dpi == crop.dpi);
}

BOOST_AUTO_TEST_CASE(a_crop_without_writing_comes_back_whole) {
    auto crop = white(600, 60);
    fill(crop, 300, 30, 2, 2);
    fill(crop, 10, 10, 20, 10, 220);
    auto out = ocr::remove_specks(crop, 3.0, 12.0);
    BOOST_TEST(out.width == 600);
    BOOST_TEST(out.height == 60);
    BOOST_TEST(out.at(15, 15) == 255);  // light grey still goes to white
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(remove_dust)

BOOST_AUTO_TEST_CASE(a_thick_dot_touching_a_letter_is_whitened_the_strokes_stay) {
    auto crop = white(200, 60);
    draw_five(crop, 20, 10);
    draw_five(crop, 60, 10);
    draw_five(crop, 100, 10);
    const auto before = crop;
    const int strokes = dark(crop);
    // A 9×9 dot at the foot of the first 5, touching its left end (a 5 that reads as a 6 or 9).
    fill(crop, 11, 36, 9, 9);
    auto out = ocr::remove_dust(crop);
    BOOST_TEST(dark(out, 11, 36, 9, 9) == 0);
    BOOST_TEST(dark(out) == strokes);
    for (int y = 0; y < 60; ++y)
        for (int x = 0; x < 200; ++x)
            if (before.at(x, y) < 128) BOOST_TEST_REQUIRE(out.at(x, y) < 128, "stroke pixel lost at " << x << "," << y);
}

BOOST_AUTO_TEST_CASE(thin_strokes_alone_are_untouched) {
    auto crop = white(200, 60);
    draw_five(crop, 20, 10);
    draw_five(crop, 60, 10);
    auto out = ocr::remove_dust(crop);
    BOOST_TEST(out.pixels == crop.pixels);
    BOOST_TEST(ocr::remove_dust(white(50, 20)).pixels == white(50, 20).pixels);
    BOOST_TEST(ocr::remove_dust(core::GrayImage{}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
