// The Tesseract engine (ocr::make_tesseract_engine) on the form rendered
// from the template at 300 dpi: read_form returns the typed values, and a
// lone '-' or '.' at the end of a line is not part of the value.
#include <boost/test/unit_test.hpp>

#include "align/align.hpp"
#include "form_scan.hpp"
#include "image/lept.hpp"
#include "read/ocr_engine.hpp"
#include "read/read.hpp"
#include "test_support.hpp"

namespace {

struct Filled {
    test_support::TempDir dir;
    core::FormTemplate tmpl = test_support::form_template();
    std::map<std::string, std::string> values = test_support::sample_form_values();
    std::unique_ptr<ocr::OcrEngine> engine = ocr::make_tesseract_engine();
    core::GrayImage page;
    align::Alignment al;

    Filled() {
        values["place"] = "Stockholm -";                    // a trailing dash, as a box edge reads
        values["signer_name"] = "Anna-Karin Lindqvist .";  // a trailing full stop, as a speck reads
        page = test_support::form_scan(300, dir.path(), values);
        al = align::align_page(page, tmpl);
    }

    // The field's zone as read_form cuts it; `clean`: with specks removed and cut to the writing.
    core::GrayImage zone(const std::string& name, bool clean = true) const {
        ocr::ReadOptions o;
        auto crop = align::extract_zone(page, al.transform, tmpl.field(name)->box, o.crop_px_per_pt, -o.zone_margin_pt);
        ocr::remove_box_lines(crop);
        return clean ? ocr::remove_specks(crop, o.crop_px_per_pt, tmpl.value_size) : crop;
    }
};

Filled& filled() {
    static Filled f;
    return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tesseract_engine)

BOOST_AUTO_TEST_CASE(read_form_returns_the_typed_values) {
    auto& f = filled();
    BOOST_REQUIRE(f.al.registered);
    auto r = ocr::read_form(f.page, f.al.transform, f.tmpl, *f.engine);
    for (auto& [name, value] : f.values) {
        const auto* reading = r.reading.field(name);
        BOOST_REQUIRE_MESSAGE(reading, name);
        std::string expected = value;
        if (name == "place") expected = "Stockholm";
        if (name == "signer_name") expected = "Anna-Karin Lindqvist";
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(reading->text == expected);
            BOOST_TEST(!reading->empty);
            BOOST_TEST(reading->confidence > 60);
            BOOST_TEST(reading->confidence <= 100);
        }
    }
    BOOST_TEST(!r.reading.signature.present);
}

BOOST_AUTO_TEST_CASE(a_lone_trailing_dash_or_full_stop_is_dropped) {
    auto& f = filled();
    // The zones as cut, without remove_specks (which may already whiten a dash
    // that stands apart): the engine itself must drop the punctuation.
    // Precondition: it is there to be read (Tesseract's own command line sees the dash).
    const auto png = f.dir.path() / "place.png";
    BOOST_REQUIRE(image::write_png(f.zone("place", false), png));
    const auto txt = f.dir.path() / "place-cli";
    if (test_support::run_shell("tesseract '" + png.string() + "' '" + txt.string() + "' --psm 7 -l swe >/dev/null 2>&1") == 0) {
        const auto raw = test_support::read_file(txt.string() + ".txt");
        BOOST_TEST(raw.find("Stockholm") != std::string::npos, "tesseract read: " << raw);
        BOOST_TEST(raw.find('-') != std::string::npos, "tesseract read: " << raw);
    }

    auto place = f.engine->read_line(f.zone("place", false), *f.tmpl.field("place"));
    BOOST_TEST(place.text == "Stockholm");
    BOOST_TEST(place.confidence > 60);
    // A hyphen inside the value stays; the lone full stop at the end goes.
    auto signer = f.engine->read_line(f.zone("signer_name", false), *f.tmpl.field("signer_name"));
    BOOST_TEST(signer.text == "Anna-Karin Lindqvist");
    // So does a hyphen inside an organisation number.
    auto orgnr = f.engine->read_line(f.zone("bureau_orgnr"), *f.tmpl.field("bureau_orgnr"));
    BOOST_TEST(orgnr.text == "559123-4561");
}

BOOST_AUTO_TEST_CASE(a_white_crop_reads_as_nothing) {
    auto& f = filled();
    core::GrayImage white{400, 60, 216, std::vector<std::uint8_t>(400 * 60, 255)};
    auto r = f.engine->read_line(white, *f.tmpl.field("place"));
    BOOST_TEST(r.text.empty());
    BOOST_TEST(r.confidence == 0);
}

BOOST_AUTO_TEST_SUITE_END()
