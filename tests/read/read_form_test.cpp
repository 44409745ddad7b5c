// ocr::read_form / reread_field with a scripted fake engine: which zones are
// read, the second look at a doubtful field, the signature by ink.
#include <boost/test/unit_test.hpp>

#include "align/align.hpp"
#include "form_scan.hpp"
#include "read/read.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace {

// Answers from a script: (field name, how many times it was read before) → text.
class FakeEngine final : public ocr::OcrEngine {
public:
    std::function<ocr::OcrText(const std::string& field, int nth)> script;
    std::map<std::string, int> calls;
    std::vector<core::GrayImage> crops;

    ocr::OcrText read_line(const core::GrayImage& crop, const core::FieldSpec& field) override {
        crops.push_back(crop);
        return script(field.name, calls[field.name]++);
    }
};

struct Page {
    test_support::TempDir dir;
    core::FormTemplate tmpl = test_support::form_template();
    std::map<std::string, std::string> values = test_support::sample_form_values();
    core::GrayImage filled, blank;
    align::Similarity filled_at, blank_at;

    Page() {
        auto v = values;
        v.erase("client_subscription");  // one field left empty
        filled = test_support::form_scan(150, dir.path(), v);
        blank = test_support::form_scan(150, dir.path());
        filled_at = align::align_page(filled, tmpl).transform;
        blank_at = align::align_page(blank, tmpl).transform;
    }
};

const Page& page() {
    static Page p;
    return p;
}

// Draws a zigzag, 3 px thick, across the middle of the signature box.
void sign(core::GrayImage& g, const core::FormTemplate& t, const align::Similarity& at) {
    const auto& b = t.signature;
    for (double u = 0; u < 1; u += 0.0002) {
        double x, y;
        at.apply(b.x + 40 + u * 300, b.y + b.h / 2 + 25 * std::sin(u * 60), x, y);
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) g.at(static_cast<int>(x) + dx, static_cast<int>(y) + dy) = 0;
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_form)

BOOST_AUTO_TEST_CASE(each_inked_field_is_read_once_when_sure_empty_ones_never) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string& f, int) { return ocr::OcrText{"value of " + f, 96}; };
    auto r = ocr::read_form(p.filled, p.filled_at, p.tmpl, engine);
    BOOST_REQUIRE(r.reading.fields.size() == p.tmpl.fields.size());
    for (auto& f : r.reading.fields) {
        BOOST_TEST_CONTEXT(f.name) {
            if (f.name == "client_subscription") {
                BOOST_TEST(f.empty);
                BOOST_TEST(f.text.empty());
                BOOST_TEST(engine.calls.count(f.name) == 0u);
            } else {
                BOOST_TEST(!f.empty);
                BOOST_TEST(f.text == "value of " + f.name);
                BOOST_TEST(f.confidence == 96);
                // Place and date are checked by nothing else: always read twice.
                BOOST_TEST(engine.calls[f.name] == (f.name == "place" || f.name == "date" ? 2 : 1));
            }
        }
    }
    // Crops for the review queue: every field and the signature.
    BOOST_TEST(r.crops.size() == p.tmpl.fields.size() + 1);
    BOOST_TEST(r.crops.count(p.tmpl.signature_name) == 1u);
    BOOST_TEST(!r.reading.signature.present);
    BOOST_TEST(r.reading.signature.ink_percent < 0.05);
    // The engine got the writing, upright and without the box lines: dark pixels, none on the top row.
    for (auto& c : engine.crops) {
        BOOST_REQUIRE(!c.empty());
        int top = 0, ink = 0;
        for (int x = 0; x < c.width; ++x) top += c.at(x, 0) < 128;
        for (auto v : c.pixels) ink += v < 128;
        BOOST_TEST(top == 0);
        BOOST_TEST(ink > 20);
    }
}

BOOST_AUTO_TEST_CASE(the_blank_form_reads_nothing) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string&, int) { return ocr::OcrText{"ghost", 99}; };
    auto r = ocr::read_form(p.blank, p.blank_at, p.tmpl, engine);
    BOOST_TEST(engine.calls.empty());
    for (auto& f : r.reading.fields) BOOST_TEST(f.empty);
    BOOST_TEST(!r.reading.signature.present);
}

BOOST_AUTO_TEST_CASE(a_doubtful_read_is_read_again_agreement_raises_confidence) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string&, int) { return ocr::OcrText{"same", 50}; };
    auto r = ocr::read_form(p.filled, p.filled_at, p.tmpl, engine, {});
    auto* f = r.reading.field("bureau_name");
    BOOST_REQUIRE(f);
    BOOST_TEST(engine.calls["bureau_name"] == 2);
    BOOST_TEST(f->text == "same");
    BOOST_TEST(f->confidence == ocr::ReadOptions{}.agreement_confidence);
}

BOOST_AUTO_TEST_CASE(two_reads_that_differ_keep_the_surer_text_with_the_weaker_confidence) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string& f, int nth) {
        if (f == "bureau_name") return nth == 0 ? ocr::OcrText{"first", 50} : ocr::OcrText{"second", 70};
        if (f == "client_name") return nth == 0 ? ocr::OcrText{"first", 50} : ocr::OcrText{"second", 40};
        return ocr::OcrText{"x", 99};
    };
    auto r = ocr::read_form(p.filled, p.filled_at, p.tmpl, engine);
    BOOST_TEST(r.reading.field("bureau_name")->text == "second");
    BOOST_TEST(r.reading.field("bureau_name")->confidence == 50);
    BOOST_TEST(r.reading.field("client_name")->text == "first");
    BOOST_TEST(r.reading.field("client_name")->confidence == 50);
    BOOST_TEST(engine.calls["signer_email"] == 1);
}

BOOST_AUTO_TEST_CASE(a_place_or_date_whose_two_reads_differ_goes_to_a_person) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string& f, int nth) {
        if (f == "place") return nth == 0 ? ocr::OcrText{"Götebarg", 92} : ocr::OcrText{"Göteborg", 95};
        if (f == "date") return ocr::OcrText{"2026-11-20", 96};
        return ocr::OcrText{"x", 99};
    };
    auto r = ocr::read_form(p.filled, p.filled_at, p.tmpl, engine);
    BOOST_TEST(engine.calls["place"] == 2);
    BOOST_TEST(r.reading.field("place")->confidence == 0);  // both sure of themselves, and different
    BOOST_TEST(r.reading.field("date")->text == "2026-11-20");
    BOOST_TEST(r.reading.field("date")->confidence == 96);  // two reads that agree keep their confidence
    // Without the rule the surer read would simply win.
    ocr::ReadOptions plain;
    plain.read_twice_rules.clear();
    FakeEngine again;
    again.script = engine.script;
    auto q = ocr::read_form(p.filled, p.filled_at, p.tmpl, again, plain);
    BOOST_TEST(again.calls["place"] == 1);
    BOOST_TEST(q.reading.field("place")->confidence == 92);
}

BOOST_AUTO_TEST_CASE(a_place_vouched_for_is_read_once_unless_its_first_read_is_doubtful) {
    auto& p = page();
    ocr::ReadOptions options;
    std::vector<std::string> asked;
    options.vouched_for = [&](const core::FieldSpec& f, std::string_view text) {
        asked.push_back(f.name);
        return f.rule == "place" && text == "Göteborg";
    };
    FakeEngine engine;
    engine.script = [](const std::string& f, int nth) {
        if (f == "place") return nth == 0 ? ocr::OcrText{"Göteborg", 92} : ocr::OcrText{"Götebarg", 95};
        if (f == "date") return ocr::OcrText{"2026-11-20", 96};
        return ocr::OcrText{"x", 99};
    };
    auto r = ocr::read_form(p.filled, p.filled_at, p.tmpl, engine, options);
    BOOST_TEST(engine.calls["place"] == 1);
    BOOST_TEST(r.reading.field("place")->text == "Göteborg");
    BOOST_TEST(r.reading.field("place")->confidence == 92);
    BOOST_TEST(engine.calls["date"] == 2);  // not vouched for: still read twice
    BOOST_TEST((std::find(asked.begin(), asked.end(), "date") != asked.end()));
    // A doubtful first read is not vouched for, whatever it says; nor is a
    // place the list does not know. Either is read again, and two reads that
    // differ go to a person.
    const ocr::OcrText doubtful{"Göteborg", 60}, unknown{"Götebarg", 92};
    for (const auto& first : {doubtful, unknown}) {
        BOOST_TEST_CONTEXT("first read '" << first.text << "' at " << first.confidence) {
            FakeEngine twice;
            twice.script = [&](const std::string& f, int nth) {
                if (f == "place") return nth == 0 ? first : ocr::OcrText{"Göteborj", 95};
                return ocr::OcrText{"2026-11-20", 96};
            };
            auto q = ocr::read_form(p.filled, p.filled_at, p.tmpl, twice, options);
            BOOST_TEST(twice.calls["place"] == 2);
            BOOST_TEST(q.reading.field("place")->confidence == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_signed_form_has_a_signature) {
    auto& p = page();
    auto signed_page = p.filled;
    sign(signed_page, p.tmpl, p.filled_at);
    FakeEngine engine;
    engine.script = [](const std::string&, int) { return ocr::OcrText{"x", 99}; };
    auto r = ocr::read_form(signed_page, p.filled_at, p.tmpl, engine);
    BOOST_TEST(r.reading.signature.present);
    BOOST_TEST(core::to_string(r.reading.signature.verdict) == "handwriting");
    BOOST_TEST(r.reading.signature.ink_percent >= ocr::ReadOptions{}.min_ink_percent);
}

BOOST_AUTO_TEST_CASE(the_signature_is_judged_as_handwriting_not_by_its_ink) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string&, int) { return ocr::OcrText{"x", 99}; };
    auto signed_page = p.blank;
    sign(signed_page, p.tmpl, p.blank_at);
    auto r = ocr::read_form(signed_page, p.blank_at, p.tmpl, engine);
    BOOST_TEST(core::to_string(r.reading.signature.verdict) == "handwriting", r.reading.signature.evidence.why);
    BOOST_TEST(r.reading.signature.evidence.stroke_mm > 25);
    // A fold crease and a scanner streak across the whole page: ink in the box, no signature.
    auto creased = p.blank;
    for (double x = 0; x < creased.width; x += 0.5) {
        double px, py;
        p.blank_at.apply(0, 0, px, py);
        const int y = static_cast<int>(p.blank_at.scale() * (p.tmpl.signature.y + 20) + 0.12 * x);
        const int sx = static_cast<int>(creased.width * 0.63);
        for (int t = 0; t < 2; ++t) {
            if (y + t < creased.height) creased.at(static_cast<int>(x), y + t) = 110;
            const int yy = static_cast<int>(x * creased.height / creased.width);
            if (yy < creased.height) creased.at(sx + t, yy) = 90;
        }
    }
    r = ocr::read_form(creased, p.blank_at, p.tmpl, engine);
    BOOST_TEST(r.reading.signature.ink_percent > 0.05);
    BOOST_TEST(core::to_string(r.reading.signature.verdict) == "empty", r.reading.signature.evidence.why);
    BOOST_TEST(!r.reading.signature.present);
    // The same crease across a signed box does not hide the signature.
    sign(creased, p.tmpl, p.blank_at);
    r = ocr::read_form(creased, p.blank_at, p.tmpl, engine);
    BOOST_TEST(core::to_string(r.reading.signature.verdict) != "empty", r.reading.signature.evidence.why);
}

BOOST_AUTO_TEST_CASE(reread_field_reads_other_samplings_up_to_the_limit) {
    auto& p = page();
    FakeEngine engine;
    engine.script = [](const std::string&, int nth) { return ocr::OcrText{"read " + std::to_string(nth), 60}; };
    const auto* field = p.tmpl.field("client_orgnr");
    BOOST_REQUIRE(field);
    auto reads = ocr::reread_field(p.filled, p.filled_at, p.tmpl, *field, engine, {}, 3);
    BOOST_REQUIRE(reads.size() == 3u);
    BOOST_TEST(reads[0].text == "read 0");
    BOOST_TEST(reads[2].text == "read 2");
    // Different samplings: not the same crop three times.
    BOOST_REQUIRE(engine.crops.size() == 3u);
    BOOST_TEST((engine.crops[0].width != engine.crops[1].width || engine.crops[0].pixels != engine.crops[1].pixels));
    BOOST_TEST(ocr::reread_field(p.filled, p.filled_at, p.tmpl, *field, engine, {}, 1).size() == 1u);
    // An empty zone is not read at all.
    const auto* empty = p.tmpl.field("client_subscription");
    engine.calls.clear();
    BOOST_TEST(ocr::reread_field(p.filled, p.filled_at, p.tmpl, *empty, engine, {}, 3).empty());
    BOOST_TEST(engine.calls.empty());
}

BOOST_AUTO_TEST_SUITE_END()
