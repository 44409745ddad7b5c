// ocr::remove_box_lines on synthetic crops, and the whole inside of each box
// read by Tesseract: values typed 0.5, 1, 2 and 4 pt from each border of their
// boxes (tests/read/place_text.py on the rendered blank) at 300 and 200 dpi.
#include <boost/test/unit_test.hpp>

#include "crop_fixtures.hpp"

#include "align/align.hpp"
#include "form_scan.hpp"
#include "image/lept.hpp"
#include "read/read.hpp"
#include "test_support.hpp"

#include <iostream>

namespace {

core::GrayImage crop(int w, int h, double dpi = 180) { return crop_fixtures::paper(w, h, dpi, 250); }
using crop_fixtures::dark;
using crop_fixtures::fill;

// A field zone as read_form cuts it: the box, 1 pt (2.5 px) around it, lines ~1 pt with a grey fringe.
core::GrayImage boxed(int w = 600, int h = 70) {
    auto g = crop(w, h);
    fill(g, 0, 2, w, 3, 10), fill(g, 0, 5, w, 1, 200);
    fill(g, 0, h - 5, w, 3, 10), fill(g, 0, h - 6, w, 1, 200);
    fill(g, 2, 0, 3, h, 10), fill(g, w - 5, 0, 3, h, 10);
    return g;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(box_lines)

BOOST_AUTO_TEST_CASE(the_lines_go_letters_touching_them_stay) {
    auto g = boxed();
    fill(g, 6, 6, 4, 25);     // a stem touching the top line's fringe, 1 px from the left line
    fill(g, 100, 39, 4, 25);  // a stem down to the bottom line's fringe
    fill(g, 590, 30, 5, 4);   // a bar that touches the right line
    const int whitened = ocr::remove_box_lines(g);
    BOOST_TEST(whitened > 2 * 600 * 3);
    BOOST_TEST(dark(g, 0, 0, 600, 5) == 0);      // top line
    BOOST_TEST(dark(g, 0, 65, 600, 5) == 0);     // bottom line
    BOOST_TEST(dark(g, 0, 8, 5, 54) == 0);       // left line
    BOOST_TEST(dark(g, 595, 8, 5, 54) == 0);     // right line
    BOOST_TEST(dark(g, 6, 6, 4, 25) == 4 * 25);  // the letters, whole
    BOOST_TEST(dark(g, 100, 39, 4, 25) == 4 * 25);
    BOOST_TEST(dark(g, 590, 30, 5, 4) == 5 * 4);
}

BOOST_AUTO_TEST_CASE(lines_broken_into_dashes_go_too) {
    // A 1-bit scan (G4, fax) thresholds a thin grey line into dashes: no long run.
    auto g = crop(600, 70);
    for (int x = 0; x < 600; x += 50) fill(g, x, 2, 30, 2), fill(g, x + 10, 66, 30, 2);
    for (int y = 0; y < 70; y += 12) fill(g, 2, y, 2, 8);
    fill(g, 12, 20, 4, 30);  // a letter's stem near the left edge stays
    ocr::remove_box_lines(g, 0.6, 10);
    BOOST_TEST(dark(g, 0, 0, 600, 5) == 0);
    BOOST_TEST(dark(g, 0, 65, 600, 5) == 0);
    BOOST_TEST(dark(g, 0, 0, 5, 70) == 0);
    BOOST_TEST(dark(g, 12, 20, 4, 30) == 4 * 30);
}

BOOST_AUTO_TEST_CASE(text_rows_and_filled_areas_are_not_lines) {
    auto g = crop(600, 70);
    for (int x = 10; x < 590; x += 7) fill(g, x, 30, 4, 12);  // a long row of letters: 3-px gaps
    fill(g, 0, 50, 600, 20, 40);                              // a filled bar along the bottom edge
    const auto before = g.pixels;
    BOOST_TEST(ocr::remove_box_lines(g) == 0);
    BOOST_TEST((g.pixels == before));
    // A line in the middle is one, unless only the edges are looked at.
    auto h = crop(600, 70);
    fill(h, 0, 34, 600, 2);
    auto k = h;
    BOOST_TEST(ocr::remove_box_lines(h) == 1200);
    BOOST_TEST(ocr::remove_box_lines(k, 0.6, 10) == 0);
}

BOOST_AUTO_TEST_CASE(values_typed_near_each_border_read_whole) {
    test_support::TempDir dir;
    const auto tmpl = test_support::form_template();
    auto engine = ocr::make_tesseract_engine();
    const std::map<std::string, std::string> values{{"bureau_orgnr", "559123-4561"}, {"client_orgnr", "556016-0680"},
                                                    {"client_subscription", "100234"}, {"date", "2026-11-20"},
                                                    {"signer_name", "Olof Lindqvist"}, {"place", "Örebro"}};
    const double offsets[] = {0.5, 1, 2, 4};
    int wrong = 0, read = 0;
    for (int dpi : {300, 200}) {
        const auto pdf = dir.path() / "blank.pdf";
        test_support::write_file(pdf, test_support::form_pdf());
        const auto blank = dir.path() / ("blank-" + std::to_string(dpi) + ".pgm");
        BOOST_REQUIRE(test_support::run_shell("pdftoppm -r " + std::to_string(dpi) + " -gray -singlefile '" + pdf.string() +
                                              "' '" + (dir.path() / ("blank-" + std::to_string(dpi))).string() + "'") == 0);
        for (const char* side : {"left", "right", "top", "bottom"}) {
            std::string args;
            int i = 0;
            std::map<std::string, double> offset_of;
            for (auto& [name, value] : values) {
                const double off = offsets[(i++ + dpi / 100) % 4];
                offset_of[name] = off;
                args += " '" + name + "=" + value + "@" + std::to_string(off) + "'";
            }
            const auto out = dir.path() / (std::string(side) + "-" + std::to_string(dpi) + ".png");
            BOOST_REQUIRE(test_support::run_shell("/usr/bin/python3 '" + (test_support::source_dir() / "tests/read/place_text.py").string() +
                                                  "' --page '" + blank.string() + "' --dpi " + std::to_string(dpi) + " --side " + side +
                                                  " --template '" + (test_support::source_dir() / "templates/linkage-form.v1.json").string() +
                                                  "' --out '" + out.string() + "'" + args) == 0);
            const auto bytes = test_support::read_file(out);
            auto page = image::decode_gray({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
            BOOST_REQUIRE(page);
            page->dpi = dpi;
            auto al = align::align_page(*page, tmpl);
            BOOST_REQUIRE(al.registered);
            auto r = ocr::read_form(*page, al.transform, tmpl, *engine);
            for (auto& [name, value] : values) {
                const auto* f = r.reading.field(name);
                BOOST_REQUIRE(f);
                ++read;
                wrong += f->text != value;
                BOOST_TEST(f->text == value, dpi << " dpi, " << offset_of[name] << " pt from the " << side << " border of "
                                                 << name << ": read '" << f->text << "'");
            }
        }
    }
    std::cout << "values typed near a border: " << read - wrong << " of " << read << " read whole" << std::endl;
}

BOOST_AUTO_TEST_SUITE_END()
