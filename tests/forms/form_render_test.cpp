// A 300-dpi render of the form, looked at the way the scan reader will: the
// registration marks and boxes must be where the template says (within
// 1 mm, found with Leptonica), and the QR code must decode to its payload.
#include <boost/test/unit_test.hpp>

#include "core/form_template.hpp"
#include "forms/form_pdf.hpp"
#include "page_image.hpp"
#include "test_support.hpp"

#include <cmath>
#include <memory>

using namespace forms_test;

namespace {

constexpr int k_dpi = 300;

struct Rendered {
    test_support::TempDir dir;
    GrayPage page;
    std::vector<Component> components;
};

// Rendered once per variant for the whole suite (pdftoppm at 300 dpi is the slow part).
const Rendered& rendered(bool prefilled) {
    static std::unique_ptr<Rendered> cache[2];
    auto& slot = cache[prefilled ? 1 : 0];
    if (!slot) {
        slot = std::make_unique<Rendered>();
        auto pdf = slot->dir.path() / (prefilled ? "pre.pdf" : "blank.pdf");
        forms::FormValues values;
        std::optional<std::string> ref;
        if (prefilled) {
            values = {{"bureau_name", "Ekonomihuset Väst AB"}, {"bureau_orgnr", "559234-5671"},
                      {"client_name", "Öresunds Fisk AB"},     {"client_orgnr", "556612-3450"},
                      {"client_subscription", "100871"}};
            ref = "H4QX-7MKA";
        }
        auto r = forms::write_form_pdf(source_template(), values, ref, font_dir(), pdf);
        if (!r) throw std::runtime_error(r.error().message);
        slot->page = render_page(pdf, k_dpi, slot->dir.path());
        slot->components = dark_components(slot->page);
    }
    return *slot;
}

// The component whose bounding box matches `r` (template points) on every
// edge within `tol_mm`, or nullptr.
const Component* find_box(const Rendered& x, const core::Rect& r, double tol_mm, double slack_pt = 0) {
    const double tol = mm_to_px(tol_mm, k_dpi);
    const double left = pt_to_px(r.x - slack_pt, k_dpi), top = pt_to_px(r.y - slack_pt, k_dpi);
    const double right = pt_to_px(r.x + r.w + slack_pt, k_dpi), bottom = pt_to_px(r.y + r.h + slack_pt, k_dpi);
    for (auto& c : x.components)
        if (std::abs(c.x - left) <= tol && std::abs(c.y - top) <= tol && std::abs(c.x + c.w - right) <= tol &&
            std::abs(c.y + c.h - bottom) <= tol)
            return &c;
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_render)

BOOST_AUTO_TEST_CASE(page_is_a4_at_300_dpi) {
    auto& x = rendered(false);
    BOOST_TEST(std::abs(x.page.width - 2480) <= 1);
    BOOST_TEST(std::abs(x.page.height - 3508) <= 1);
}

BOOST_AUTO_TEST_CASE(registration_marks_are_solid_and_where_the_template_says) {
    auto t = source_template();
    for (bool prefilled : {false, true}) {
        auto& x = rendered(prefilled);
        for (auto& m : t.marks) {
            BOOST_TEST_INFO(m.id << (prefilled ? " (prefilled)" : " (blank)"));
            const Component* c = find_box(x, m.box, 1.0);
            BOOST_TEST_REQUIRE(c != nullptr);
            // Centroid of the bounding box within 1 mm, and solid ink.
            const double cx = c->x + c->w / 2.0, cy = c->y + c->h / 2.0;
            BOOST_TEST(std::hypot(cx - pt_to_px(m.box.cx(), k_dpi), cy - pt_to_px(m.box.cy(), k_dpi)) <=
                       mm_to_px(1.0, k_dpi));
            BOOST_TEST(c->ink >= 0.97 * c->w * c->h);
        }
    }
}

BOOST_AUTO_TEST_CASE(top_left_mark_is_the_largest_dark_square) {
    auto t = source_template();
    auto& x = rendered(false);
    const Component* tl = find_box(x, t.mark("tl")->box, 1.0);
    BOOST_TEST_REQUIRE(tl != nullptr);
    for (auto& id : {"tr", "bl", "br"}) {
        const Component* c = find_box(x, t.mark(id)->box, 1.0);
        BOOST_TEST_REQUIRE(c != nullptr);
        BOOST_TEST(tl->ink > 1.5 * c->ink);
    }
}

BOOST_AUTO_TEST_CASE(field_signature_and_reference_boxes_are_where_the_template_says) {
    auto t = source_template();
    for (bool prefilled : {false, true}) {
        auto& x = rendered(prefilled);
        std::vector<std::pair<std::string, core::Rect>> boxes;
        for (auto& f : t.fields) boxes.emplace_back(f.name, f.box);
        boxes.emplace_back("signature", t.signature);
        boxes.emplace_back("reference", t.reference);
        for (auto& [name, box] : boxes) {
            BOOST_TEST_INFO(name << (prefilled ? " (prefilled)" : " (blank)"));
            // The stroke straddles the box edge: half a line width of slack.
            const Component* c = find_box(x, box, 1.0, 0.4);
            BOOST_TEST_REQUIRE(c != nullptr);
            // An outline, not a filled area: ink only along the edges.
            BOOST_TEST(c->ink < 0.2 * c->w * c->h);
        }
    }
}

BOOST_AUTO_TEST_CASE(prefilled_values_are_drawn_inside_their_boxes) {
    auto t = source_template();
    auto& x = rendered(true);
    auto& blank = rendered(false);
    for (const char* name : {"bureau_name", "bureau_orgnr", "client_name", "client_orgnr", "client_subscription"}) {
        BOOST_TEST_INFO(name);
        auto b = t.field(name)->box;
        const double inset = 2;  // points, keeps the box outline out of the count
        const int x0 = static_cast<int>(pt_to_px(b.x + inset, k_dpi)), x1 = static_cast<int>(pt_to_px(b.x + b.w - inset, k_dpi));
        const int y0 = static_cast<int>(pt_to_px(b.y + inset, k_dpi)), y1 = static_cast<int>(pt_to_px(b.y + b.h - inset, k_dpi));
        auto ink = [&](const GrayPage& p) {
            int n = 0;
            for (int y = y0; y < y1; ++y)
                for (int xx = x0; xx < x1; ++xx) n += p.pixels[static_cast<size_t>(y * p.width + xx)] < 128;
            return n;
        };
        BOOST_TEST(ink(blank.page) == 0);
        BOOST_TEST(ink(x.page) > 500);
    }
}

BOOST_AUTO_TEST_CASE(qr_code_decodes_to_the_expected_payload) {
    auto t = source_template();
    auto blank = decode_qr(rendered(false).page);
    BOOST_TEST_REQUIRE(blank.has_value());
    BOOST_TEST(*blank == core::qr_payload(t, 1, std::nullopt));
    auto pre = decode_qr(rendered(true).page);
    BOOST_TEST_REQUIRE(pre.has_value());
    BOOST_TEST(*pre == core::qr_payload(t, 1, std::string("H4QX-7MKA")));
    auto info = core::parse_qr_payload(*pre);
    BOOST_TEST_REQUIRE(info.has_value());
    BOOST_TEST(info->reference.value_or("") == "H4QX-7MKA");
}

BOOST_AUTO_TEST_CASE(qr_code_lies_inside_its_zone) {
    auto t = source_template();
    auto& x = rendered(false);
    int n = 0;
    for (auto& c : x.components) {
        const double cx = (c.x + c.w / 2.0) * 72.0 / k_dpi, cy = (c.y + c.h / 2.0) * 72.0 / k_dpi;
        if (cx > t.qr.x && cx < t.qr.x + t.qr.w && cy > t.qr.y && cy < t.qr.y + t.qr.h) {
            ++n;
            BOOST_TEST(c.x >= pt_to_px(t.qr.x, k_dpi) - 1);
            BOOST_TEST(c.x + c.w <= pt_to_px(t.qr.x + t.qr.w, k_dpi) + 1);
            BOOST_TEST(c.y >= pt_to_px(t.qr.y, k_dpi) - 1);
            BOOST_TEST(c.y + c.h <= pt_to_px(t.qr.y + t.qr.h, k_dpi) + 1);
        }
    }
    BOOST_TEST(n > 10);
}

BOOST_AUTO_TEST_SUITE_END()
