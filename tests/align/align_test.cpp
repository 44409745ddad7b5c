// align::align_page / extract_zone: kind, orientation, skew, shift, a missing
// mark, residual, QR text, blank and foreign pages, zone geometry.
#include "align/align.hpp"

#include "form_scan.hpp"
#include "image/lept.hpp"
#include "lept_fixtures.hpp"
#include "test_support.hpp"

#define BOOST_TEST_MODULE align
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

namespace {

const std::string k_reference = "K7QX-M4P2";

// Rendered once per process: the filled form at 300 and 150 dpi.
struct Scans {
    test_support::TempDir dir;
    core::FormTemplate tmpl = test_support::form_template();
    core::GrayImage page300 = test_support::form_scan(300, dir.path(), test_support::sample_form_values(), k_reference);
    core::GrayImage page150 = test_support::form_scan(150, dir.path(), test_support::sample_form_values(), k_reference);
};

const Scans& scans() {
    static Scans s;
    return s;
}

std::string expected_qr(const core::FormTemplate& t) { return core::qr_payload(t, 1, k_reference); }

// Rotated by `deg` degrees, clockwise on screen (Leptonica's sense), about the centre; white comes in.
core::GrayImage rotated(const core::GrayImage& page, double deg) {
    auto pix = image::to_pix(page);
    image::PixPtr r(pixRotate(pix.get(), static_cast<float>(deg * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE,
                              0, 0));
    BOOST_REQUIRE(r);
    auto g = image::to_gray(r.get());
    g.dpi = page.dpi;
    return g;
}

// Turned by quarter turns clockwise (the page comes out landscape for 1 and 3).
core::GrayImage turned(const core::GrayImage& page, int quads) {
    auto pix = image::to_pix(page);
    image::PixPtr r(pixRotateOrth(pix.get(), quads));
    BOOST_REQUIRE(r);
    auto g = image::to_gray(r.get());
    g.dpi = page.dpi;
    return g;
}

// Where a page point lands after rotated(page, deg): clockwise on screen about the centre.
void rotate_point(const core::GrayImage& page, double deg, double x, double y, double& ox, double& oy) {
    const double cx = page.width / 2.0, cy = page.height / 2.0, t = deg * M_PI / 180.0;
    ox = cx + std::cos(t) * (x - cx) - std::sin(t) * (y - cy);
    oy = cy + std::sin(t) * (x - cx) + std::cos(t) * (y - cy);
}

// Where a page point lands after turned(page, quads).
void turn_point(const core::GrayImage& page, int quads, double x, double y, double& ox, double& oy) {
    const double w = page.width, h = page.height;
    switch (quads % 4) {
        case 0: ox = x; oy = y; break;
        case 1: ox = h - y; oy = x; break;
        case 2: ox = w - x; oy = h - y; break;
        default: ox = y; oy = w - x; break;
    }
}

// Every corner of every field box lands within `tol_mm` of where `truth` puts it.
template <class Truth>
void check_transform(const align::Alignment& al, const core::FormTemplate& t, double px_per_pt, Truth truth,
                     double tol_mm) {
    const double tol_px = tol_mm / 25.4 * 72.0 * px_per_pt;
    for (auto& f : t.fields)
        for (auto [x, y] : {std::pair{f.box.x, f.box.y}, std::pair{f.box.x + f.box.w, f.box.y + f.box.h}}) {
            double gx, gy, ex, ey;
            al.transform.apply(x, y, gx, gy);
            truth(x * px_per_pt, y * px_per_pt, ex, ey);
            BOOST_TEST(std::hypot(gx - ex, gy - ey) < tol_px,
                       f.name << " corner (" << x << "," << y << "): (" << gx << "," << gy << ") vs (" << ex << "," << ey << ")");
        }
}

int dark_count(const core::GrayImage& g, int threshold = 128) {
    int n = 0;
    for (auto p : g.pixels) n += p < threshold;
    return n;
}

// Paints the template rectangle (pt) white on an upright page at `px_per_pt`, with a margin.
void whiten(core::GrayImage& page, const core::Rect& r, double px_per_pt, double margin_pt = 3) {
    const int x0 = static_cast<int>((r.x - margin_pt) * px_per_pt), y0 = static_cast<int>((r.y - margin_pt) * px_per_pt);
    const int x1 = static_cast<int>((r.x + r.w + margin_pt) * px_per_pt), y1 = static_cast<int>((r.y + r.h + margin_pt) * px_per_pt);
    for (int y = std::max(0, y0); y < std::min(page.height, y1); ++y)
        for (int x = std::max(0, x0); x < std::min(page.width, x1); ++x) page.at(x, y) = 255;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(align_page)

BOOST_AUTO_TEST_CASE(upright_form_at_300_and_150_dpi) {
    auto& s = scans();
    for (const core::GrayImage* page : {&s.page300, &s.page150}) {
        const double px_per_pt = page->dpi / 72.0;
        auto al = align::align_page(*page, s.tmpl);
        BOOST_TEST_CONTEXT("dpi " << page->dpi) {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.registered);
            BOOST_TEST(!al.from_qr_only);
            BOOST_TEST(al.marks_found == 4);
            BOOST_TEST(al.residual_mm >= 0);
            BOOST_TEST(al.residual_mm < 0.5);
            BOOST_TEST(std::abs(al.transform.rotation_deg()) < 0.1);
            BOOST_TEST(std::abs(al.transform.scale() - px_per_pt) / px_per_pt < 0.005);
            BOOST_REQUIRE(al.qr_text.has_value());
            BOOST_TEST(*al.qr_text == expected_qr(s.tmpl));
            BOOST_TEST(al.ink_percent > 1.0);
            check_transform(al, s.tmpl, px_per_pt, [](double x, double y, double& ox, double& oy) { ox = x; oy = y; }, 0.5);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_scale_comes_from_the_page_when_the_declared_dpi_is_missing_or_wrong) {
    auto& s = scans();
    const double px_per_pt = 150 / 72.0;
    for (double declared : {0.0, 300.0, 72.0}) {
        auto page = s.page150;
        page.dpi = declared;
        auto al = align::align_page(page, s.tmpl);
        BOOST_TEST_CONTEXT("declared " << declared << " dpi") {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.marks_found == 4);
            BOOST_TEST(std::abs(al.transform.scale() - px_per_pt) / px_per_pt < 0.005);
            BOOST_TEST(al.residual_mm < 0.5);
        }
    }
    // 200 dpi, a common office setting.
    auto page200 = test_support::form_scan(200, s.dir.path(), test_support::sample_form_values(), k_reference);
    auto al = align::align_page(page200, s.tmpl);
    BOOST_TEST(al.marks_found == 4);
    BOOST_TEST(std::abs(al.transform.scale() - 200 / 72.0) / (200 / 72.0) < 0.005);
    BOOST_TEST(al.residual_mm < 0.5);
    BOOST_TEST(al.qr_text.has_value());
}

BOOST_AUTO_TEST_CASE(quarter_turns_are_found_from_the_marks) {
    auto& s = scans();
    const double px_per_pt = s.page150.dpi / 72.0;
    for (int quads : {1, 2, 3}) {
        auto page = turned(s.page150, quads);
        auto al = align::align_page(page, s.tmpl);
        BOOST_TEST_CONTEXT(90 * quads << "°") {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.marks_found == 4);
            BOOST_TEST(al.residual_mm < 0.5);
            // rotation_deg is in (-180, 180]: 90 → 90, 180 → ±180, 270 → -90.
            double expected = quads == 3 ? -90.0 : 90.0 * quads;
            double diff = std::remainder(al.transform.rotation_deg() - expected, 360.0);
            BOOST_TEST(std::abs(diff) < 0.3, "rotation " << al.transform.rotation_deg());
            BOOST_REQUIRE(al.qr_text.has_value());
            BOOST_TEST(*al.qr_text == expected_qr(s.tmpl));
            check_transform(al, s.tmpl, px_per_pt,
                            [&](double x, double y, double& ox, double& oy) { turn_point(s.page150, quads, x, y, ox, oy); }, 0.5);
        }
    }
}

BOOST_AUTO_TEST_CASE(skew_of_three_degrees_either_way) {
    auto& s = scans();
    const double px_per_pt = s.page150.dpi / 72.0;
    for (double deg : {3.0, -3.0, 1.2}) {
        auto page = rotated(s.page150, deg);
        auto al = align::align_page(page, s.tmpl);
        BOOST_TEST_CONTEXT(deg << "°") {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.marks_found == 4);
            BOOST_TEST(al.residual_mm < 0.5);
            BOOST_TEST(std::abs(al.transform.rotation_deg() - deg) < 0.3, "rotation " << al.transform.rotation_deg());
            BOOST_TEST(al.qr_text.has_value());
            check_transform(al, s.tmpl, px_per_pt,
                            [&](double x, double y, double& ox, double& oy) { rotate_point(s.page150, deg, x, y, ox, oy); }, 0.6);
        }
    }
}

BOOST_AUTO_TEST_CASE(skew_at_300_dpi_upside_down) {
    auto& s = scans();
    const double px_per_pt = s.page300.dpi / 72.0;
    auto page = rotated(turned(s.page300, 2), 2.0);
    auto al = align::align_page(page, s.tmpl);
    BOOST_TEST((al.kind == align::PageKind::form));
    BOOST_TEST(al.marks_found == 4);
    BOOST_TEST(al.residual_mm < 0.5);
    BOOST_TEST(std::abs(std::remainder(al.transform.rotation_deg() - 182.0, 360.0)) < 0.3,
               "rotation " << al.transform.rotation_deg());
    BOOST_TEST(std::abs(al.transform.scale() - px_per_pt) / px_per_pt < 0.01);
    BOOST_REQUIRE(al.qr_text.has_value());
    BOOST_TEST(*al.qr_text == expected_qr(s.tmpl));
}

BOOST_AUTO_TEST_CASE(the_reduced_page_and_its_transform_give_the_same_preview_as_the_page) {
    auto& s = scans();
    // Upside down and skewed: the reduced transform must carry rotation and offset too.
    auto page = rotated(turned(s.page300, 2), 2.0);
    auto al = align::align_page(page, s.tmpl);
    BOOST_REQUIRE(al.registered);
    BOOST_TEST(al.reduction == 3);
    BOOST_TEST(al.reduced.width == (page.width + 2) / 3);
    const double preview = 100.0 / 72.0;
    BOOST_TEST(std::abs(al.reduced_transform().scale() - al.transform.scale() / 3) < 1e-9);
    core::Rect whole{0, 0, s.tmpl.page_width, s.tmpl.page_height};
    auto from_reduced = align::extract_zone(al.reduced, al.reduced_transform(), whole, preview);
    auto from_page = align::extract_zone(page, al.transform, whole, preview);
    BOOST_REQUIRE(from_reduced.width == from_page.width);
    BOOST_REQUIRE(from_reduced.height == from_page.height);
    // Where the form has ink, both previews have it: the mark's centre is dark in both.
    auto& tl = s.tmpl.mark("tl")->box;
    const int mx = static_cast<int>(tl.cx() * preview), my = static_cast<int>(tl.cy() * preview);
    BOOST_TEST(from_reduced.at(mx, my) < 100);
    BOOST_TEST(from_page.at(mx, my) < 100);
    // And they differ only as a block mean differs from a point sample.
    double diff = 0;
    for (size_t i = 0; i < from_page.pixels.size(); ++i) diff += std::abs(int(from_reduced.pixels[i]) - int(from_page.pixels[i]));
    BOOST_TEST(diff / static_cast<double>(from_page.pixels.size()) < 6.0);
    // A page too coarse to reduce has no reduced copy; the transform is then the page's.
    auto low = align::align_page(s.page150, s.tmpl);
    BOOST_TEST(low.reduced.empty());
    BOOST_TEST(low.reduced_transform().scale() == low.transform.scale());
}

BOOST_AUTO_TEST_CASE(a_shift_moves_the_translation_only) {
    auto& s = scans();
    auto base = align::align_page(s.page150, s.tmpl);
    auto pix = image::to_pix(s.page150);
    image::PixPtr moved(pixTranslate(nullptr, pix.get(), 40, -25, L_BRING_IN_WHITE));
    BOOST_REQUIRE(moved);
    auto page = image::to_gray(moved.get());
    page.dpi = s.page150.dpi;
    auto al = align::align_page(page, s.tmpl);
    BOOST_TEST((al.kind == align::PageKind::form));
    BOOST_TEST(al.marks_found == 4);
    BOOST_TEST(std::abs(al.transform.tx - base.transform.tx - 40) < 1.0);
    BOOST_TEST(std::abs(al.transform.ty - base.transform.ty + 25) < 1.0);
    BOOST_TEST(std::abs(al.transform.a - base.transform.a) < 1e-3);
    BOOST_TEST(std::abs(al.transform.b - base.transform.b) < 1e-3);
}

BOOST_AUTO_TEST_CASE(one_missing_mark_is_tolerated) {
    auto& s = scans();
    const double px_per_pt = s.page150.dpi / 72.0;
    for (const char* id : {"tl", "tr", "bl", "br"}) {
        auto page = s.page150;
        whiten(page, s.tmpl.mark(id)->box, px_per_pt);
        auto al = align::align_page(page, s.tmpl);
        BOOST_TEST_CONTEXT("without " << id) {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.registered);
            BOOST_TEST(!al.from_qr_only);
            BOOST_TEST(al.marks_found == 3);
            BOOST_TEST(al.residual_mm < 0.5);
            check_transform(al, s.tmpl, px_per_pt, [](double x, double y, double& ox, double& oy) { ox = x; oy = y; }, 0.5);
        }
    }
    // Also turned: the marks are told apart by size, not by where they are.
    auto page = s.page150;
    whiten(page, s.tmpl.mark("br")->box, px_per_pt);
    auto al = align::align_page(turned(page, 1), s.tmpl);
    BOOST_TEST(al.marks_found == 3);
    BOOST_TEST(std::abs(al.transform.rotation_deg() - 90) < 0.3);
}

BOOST_AUTO_TEST_CASE(mark_sized_blots_elsewhere_do_not_displace_the_marks) {
    auto& s = scans();
    const double px_per_pt = s.page150.dpi / 72.0;
    for (int blots : {4, 12}) {
        auto page = s.page150;
        // Solid squares the size of the small marks (and one of the big one) inside the page.
        for (int i = 0; i < blots; ++i) {
            const double side = i == 0 ? 34 : 23;
            const double x = 90 + (i % 6) * 70, y = 580 + (i / 6) * 40;  // inside the signature box
            for (int yy = static_cast<int>(y * px_per_pt); yy < static_cast<int>((y + side) * px_per_pt); ++yy)
                for (int xx = static_cast<int>(x * px_per_pt); xx < static_cast<int>((x + side) * px_per_pt); ++xx)
                    page.at(xx, yy) = 0;
        }
        auto al = align::align_page(page, s.tmpl);
        BOOST_TEST_CONTEXT(blots << " blots") {
            BOOST_TEST((al.kind == align::PageKind::form));
            BOOST_TEST(al.marks_found == 4);
            BOOST_TEST(al.residual_mm < 0.5);
            check_transform(al, s.tmpl, px_per_pt, [](double x, double y, double& ox, double& oy) { ox = x; oy = y; }, 0.5);
        }
    }
}

BOOST_AUTO_TEST_CASE(two_missing_marks_fall_back_to_the_qr_code) {
    // The QR code's corners give the transform (its quiet zone lies inside the
    // template's QR zone: the fit must use the symbol's own corners).
    auto& s = scans();
    for (const core::GrayImage* upright : {&s.page150, &s.page300}) {
        const double px_per_pt = upright->dpi / 72.0;
        auto damaged = *upright;
        whiten(damaged, s.tmpl.mark("tl")->box, px_per_pt);
        whiten(damaged, s.tmpl.mark("br")->box, px_per_pt);
        for (int quads : {0, 1}) {
            auto page = turned(damaged, quads);
            auto al = align::align_page(page, s.tmpl);
            BOOST_TEST_CONTEXT("dpi " << upright->dpi << ", turned " << 90 * quads << "°") {
                BOOST_TEST((al.kind == align::PageKind::form));
                BOOST_TEST(al.registered);
                BOOST_TEST(al.from_qr_only);
                BOOST_TEST(al.marks_found < 3);
                BOOST_REQUIRE(al.qr_text.has_value());
                BOOST_TEST(*al.qr_text == expected_qr(s.tmpl));
                BOOST_TEST(!al.note.empty());
                BOOST_TEST(std::abs(al.transform.scale() - px_per_pt) / px_per_pt < 0.02, "scale " << al.transform.scale());
                check_transform(al, s.tmpl, px_per_pt,
                                [&](double x, double y, double& ox, double& oy) { turn_point(*upright, quads, x, y, ox, oy); },
                                1.5);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_white_page_is_blank) {
    core::GrayImage page;
    page.width = 1240;
    page.height = 1754;
    page.dpi = 150;
    page.pixels.assign(static_cast<size_t>(page.width) * static_cast<size_t>(page.height), 255);
    // A few specks of dust do not make it a page with content.
    std::mt19937 rng(5);
    for (int i = 0; i < 40; ++i) page.at(static_cast<int>(rng() % 1240), static_cast<int>(rng() % 1754)) = 0;
    auto al = align::align_page(page, scans().tmpl);
    BOOST_TEST((al.kind == align::PageKind::blank));
    BOOST_TEST(!al.registered);
    BOOST_TEST(al.ink_percent < 0.15);
    BOOST_TEST(!al.note.empty());

    core::GrayImage tiny{10, 10, 0, std::vector<std::uint8_t>(100, 0)};
    BOOST_TEST((align::align_page(tiny, scans().tmpl).kind == align::PageKind::blank));
}

BOOST_AUTO_TEST_CASE(a_page_of_other_text_is_foreign) {
    // Rows of letter-sized blobs: a letter of some other kind, at 150 dpi.
    auto pix = lept_fixtures::gray_flat(1240, 1754, 255);
    std::mt19937 rng(17);
    for (int y = 150; y < 1600; y += 40)
        for (int x = 120; x < 1100;) {
            const int w = 6 + static_cast<int>(rng() % 14), h = 14 + static_cast<int>(rng() % 8);
            BOX* b = boxCreate(x, y + 20 - h, w, h);
            pixSetInRectArbitrary(pix.get(), b, 20);
            boxDestroy(&b);
            x += w + 3 + (rng() % 5 == 0 ? 14 : 0);
        }
    auto page = image::to_gray(pix.get());
    page.dpi = 150;
    auto al = align::align_page(page, scans().tmpl);
    BOOST_TEST((al.kind == align::PageKind::foreign));
    BOOST_TEST(!al.registered);
    BOOST_TEST(!al.qr_text.has_value());
    BOOST_TEST(al.ink_percent > 0.15);
    BOOST_TEST(!al.note.empty());
}

BOOST_AUTO_TEST_CASE(a_photo_like_page_is_foreign) {
    // Smooth light-and-dark patches with noise: no solid squares of a mark's size at the corners.
    auto pix = lept_fixtures::gray_flat(1240, 1754, 0);
    for (int y = 0; y < 1754; ++y)
        for (int x = 0; x < 1240; ++x) {
            double v = 128 + 90 * std::sin(x / 37.0) * std::cos(y / 53.0) + 30 * std::sin((x + y) / 7.0);
            pixSetPixel(pix.get(), x, y, static_cast<l_uint32>(std::clamp(v, 0.0, 255.0)));
        }
    auto page = image::to_gray(pix.get());
    page.dpi = 150;
    auto al = align::align_page(page, scans().tmpl);
    BOOST_TEST((al.kind == align::PageKind::foreign));
    BOOST_TEST(!al.registered);
}

BOOST_AUTO_TEST_CASE(the_blank_form_is_a_form_whose_qr_code_has_no_reference) {
    // The page of the blank form (QR code without a reference).
    auto& s = scans();
    auto blank = test_support::form_scan(150, s.dir.path());
    auto al = align::align_page(blank, s.tmpl);
    BOOST_TEST((al.kind == align::PageKind::form));
    BOOST_TEST(al.marks_found == 4);
    BOOST_REQUIRE(al.qr_text.has_value());
    BOOST_TEST(*al.qr_text == core::qr_payload(s.tmpl, 1, std::nullopt));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(extract_zone)

BOOST_AUTO_TEST_CASE(identity_transform_copies_the_rectangle_exactly) {
    auto pix = lept_fixtures::gray_pattern(64, 48, 3);
    auto page = image::to_gray(pix.get());
    align::Similarity identity;  // 1 px per pt, no rotation, no shift
    auto crop = align::extract_zone(page, identity, {10, 7, 20, 15}, 1.0);
    BOOST_REQUIRE(crop.width == 20);
    BOOST_REQUIRE(crop.height == 15);
    BOOST_TEST(crop.dpi == 72);
    for (int y = 0; y < 15; ++y)
        for (int x = 0; x < 20; ++x) BOOST_TEST_REQUIRE(crop.at(x, y) == page.at(10 + x, 7 + y));
    // An inset shrinks it on every side.
    auto inset = align::extract_zone(page, identity, {10, 7, 20, 15}, 1.0, 2.0);
    BOOST_REQUIRE(inset.width == 16);
    BOOST_REQUIRE(inset.height == 11);
    BOOST_TEST(inset.at(0, 0) == page.at(12, 9));
    // Outside the page is white.
    auto outside = align::extract_zone(page, identity, {50, 40, 30, 30}, 1.0);
    BOOST_TEST(outside.at(25, 25) == 255);
    BOOST_TEST(outside.at(2, 2) == page.at(52, 42));
}

BOOST_AUTO_TEST_CASE(a_field_box_comes_out_upright_at_the_asked_resolution) {
    auto& s = scans();
    const auto* f = s.tmpl.field("bureau_name");
    BOOST_REQUIRE(f);
    for (double deg : {0.0, 3.0}) {
        auto page = deg == 0 ? s.page300 : rotated(turned(s.page300, 1), deg);
        auto al = align::align_page(page, s.tmpl);
        BOOST_REQUIRE(al.registered);
        BOOST_TEST_CONTEXT("page turned " << (deg == 0 ? 0 : 90) << "+" << deg << "°") {
            auto with_lines = align::extract_zone(page, al.transform, f->box, 3.0, 0);
            BOOST_TEST(with_lines.width == std::lround(f->box.w * 3.0));
            BOOST_TEST(with_lines.height == std::lround(f->box.h * 3.0));
            BOOST_TEST(with_lines.dpi == 216);
            // The printed box's edges lie on the crop's border rows: the middle of the top row is dark.
            int top_dark = 0;
            for (int x = 0; x < with_lines.width; ++x) top_dark += with_lines.at(x, 0) < 200 || with_lines.at(x, 1) < 200;
            BOOST_TEST(top_dark > with_lines.width * 8 / 10);

            auto inside = align::extract_zone(page, al.transform, f->box, 3.0, 3.5);
            BOOST_TEST(inside.width == std::lround((f->box.w - 7) * 3.0));
            BOOST_TEST(inside.height == std::lround((f->box.h - 7) * 3.0));
            // Inside the box: the value's ink, none of the box lines on the border (the
            // typed value may touch the left edge, but a line would fill a whole column).
            int top_bottom = 0, left = 0, right = 0;
            for (int x = 0; x < inside.width; ++x)
                top_bottom += (inside.at(x, 0) < 128) + (inside.at(x, inside.height - 1) < 128);
            for (int y = 0; y < inside.height; ++y) {
                left += inside.at(0, y) < 128;
                right += inside.at(inside.width - 1, y) < 128;
            }
            BOOST_TEST(top_bottom == 0);
            BOOST_TEST(left < inside.height / 2);
            BOOST_TEST(right == 0);
            BOOST_TEST(dark_count(inside) > 300);
            // Upright: the writing starts at the left (the value is left-aligned in its box).
            int left_half = 0, right_half = 0;
            for (int y = 0; y < inside.height; ++y)
                for (int x = 0; x < inside.width; ++x)
                    if (inside.at(x, y) < 128) (x < inside.width / 2 ? left_half : right_half)++;
            BOOST_TEST(left_half > right_half);
        }
    }
    // An empty field's zone is white.
    auto blank = test_support::form_scan(150, s.dir.path());
    auto al = align::align_page(blank, s.tmpl);
    BOOST_REQUIRE(al.registered);
    auto empty = align::extract_zone(blank, al.transform, f->box, 3.0, 3.5);
    BOOST_TEST(dark_count(empty) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
