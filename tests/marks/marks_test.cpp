// marks::find_unexplained: the expected-ink mask against the real blank;
// clean filled pages (noise, punches, staples, edge shadows, 100–300 dpi)
// never fire; pages with a mark nothing explains (MAKULERAD, a stamp, a
// strike-through, a scribble, white-out) always fire; the CI and degraded
// corpora never fire (marks_corpus); decide sends `unexplained_marks` to review.
//
// Pages are made by tests/marks/make_marked.py with a seed drawn per run
// (printed; set MARKS_SEED to repeat one) and go the analyser's way: align,
// then the whole page resampled onto template coordinates at ~100 dpi.
#include "marks/marks.hpp"

#include "align/align.hpp"
#include "batch/analysis_json.hpp"
#include "decide/decide.hpp"
#include "image/lept.hpp"
#include "raster/raster.hpp"
#include "test_support.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#define BOOST_TEST_MODULE marks
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <random>
#include <ctime>

namespace fs = std::filesystem;
using test_support::TempDir;

namespace {

constexpr double k_px_per_pt = 100.0 / 72.0;  // the analyser's page preview

core::FormTemplate form_template() {
    return core::FormTemplate::load(core::template_path(test_support::source_dir() / "templates", 1));
}

core::GrayImage decode_file(const fs::path& p) {
    const std::string bytes = test_support::read_file(p);
    auto g = image::decode_gray({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    if (!g) throw std::runtime_error("cannot decode " + p.string());
    return *g;
}

core::GrayImage render_blank(int dpi, const fs::path& dir) {
    const auto stem = dir / ("blank-" + std::to_string(dpi));
    const fs::path pdf = test_support::source_dir() / "forms" / "linkage-form-v1.pdf";
    if (test_support::run_shell("pdftoppm -r " + std::to_string(dpi) + " -gray -singlefile '" + pdf.string() + "' '" +
                                stem.string() + "'") != 0)
        throw std::runtime_error("pdftoppm failed");
    return decode_file(stem.string() + ".pgm");
}

// As batch::Analyser::analyse_page makes form.page_preview, with the fit's residual.
struct Registered {
    core::GrayImage page;
    double residual_mm = -1;
};
std::optional<Registered> page_at_template(const core::GrayImage& page, const core::FormTemplate& t) {
    auto al = align::align_page(page, t);
    if (al.kind != align::PageKind::form || !al.registered || al.from_qr_only) return std::nullopt;
    core::Rect whole{0, 0, t.page_width, t.page_height};
    return Registered{align::extract_zone(al.reduced.empty() ? page : al.reduced, al.reduced_transform(), whole, k_px_per_pt),
                      al.residual_mm};
}

const auto k_all_filled = [](std::string_view) { return true; };

std::string describe(const marks::Evidence& ev) {
    std::string s;
    for (auto& r : ev.regions) {
        char buf[160];
        std::snprintf(buf, sizeof buf, " [%s %s at %.0f,%.0f %.0fx%.0f pt, %.1f mm2]", r.kind.c_str(), r.near.c_str(),
                      r.box.x, r.box.y, r.box.w, r.box.h, r.ink_mm2);
        s += buf;
    }
    return (s.empty() ? std::string(" none") : s) + " (stray components " + std::to_string(ev.stray_components) + ")";
}

struct Timing {
    std::vector<double> ms;
    std::vector<double> residuals;
    // As batch::Analyser::find_unexplained_marks calls it.
    marks::Evidence run(const Registered& page, const core::FormTemplate& t,
                        const std::function<bool(std::string_view)>& has_value = k_all_filled) {
        marks::Options o;
        o.tolerance_mm = marks::tolerance_for_residual(page.residual_mm);
        residuals.push_back(page.residual_mm);
        // Thread CPU time: the machine is shared, wall time would measure the neighbours.
        timespec t0{}, t1{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        auto ev = marks::find_unexplained(page.page, k_px_per_pt, t, has_value, o);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        ms.push_back((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
        return ev;
    }
    void report(const std::string& what) const {
        if (ms.empty()) return;
        auto sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        std::cout << what << ": " << ms.size() << " pages, find_unexplained CPU time mean "
                  << std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size()) << " ms, median "
                  << sorted[sorted.size() / 2] << " ms, max " << sorted.back() << " ms; registration residual max "
                  << *std::max_element(residuals.begin(), residuals.end()) << " mm" << std::endl;
    }
};

std::string seed_for_run() {
    if (const char* s = std::getenv("MARKS_SEED"); s && *s) return s;
    std::random_device rd;
    return std::to_string(rd());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expected_ink)

// No ink of the real blank (poppler's rendering of forms/linkage-form-v1.pdf)
// lies outside the mask built from the template alone, at any resolution,
// even with the mask's tolerance taken away to a third.
BOOST_AUTO_TEST_CASE(the_mask_covers_every_printed_pixel_of_the_blank) {
    TempDir dir;
    const auto t = form_template();
    for (int dpi : {72, 100, 150}) {
        const auto blank = render_blank(dpi, dir.path());
        const double s = dpi / 72.0;
        const double tol = 2.0 * 72.0 / 25.4 / 3.0;  // two thirds of the slack kept for registration
        const auto mask = marks::expected_ink_mask(t, blank.width, blank.height, s, tol);
        int outside = 0, inside = 0;
        for (std::size_t i = 0; i < blank.pixels.size(); ++i)
            if (blank.pixels[i] < 200) (mask[i] ? inside : outside) += 1;
        BOOST_TEST_INFO("dpi " << dpi);
        BOOST_TEST(outside == 0);
        BOOST_TEST(inside > 10000 * s * s / 2);
        // The mask is not the whole page: most of the paper stays judged.
        const auto covered = std::count(mask.begin(), mask.end(), 1);
        BOOST_TEST(static_cast<double>(covered) / static_cast<double>(mask.size()) < 0.5);
    }
}

BOOST_AUTO_TEST_CASE(the_blank_itself_has_nothing_unexplained) {
    TempDir dir;
    const auto t = form_template();
    for (int dpi : {100, 150, 200}) {
        const auto blank = render_blank(dpi, dir.path());
        auto ev = marks::find_unexplained(blank, dpi / 72.0, t, [](std::string_view) { return false; });
        BOOST_TEST_INFO("dpi " << dpi << ":" << describe(ev));
        BOOST_TEST(ev.regions.empty());
        BOOST_TEST(ev.paper_level > 240);
    }
}

// The rule sees what it is meant to on the blank itself (no alignment):
// every kind of region, each at the place it was made.
BOOST_AUTO_TEST_CASE(each_kind_is_found_where_it_was_made) {
    TempDir dir;
    const auto t = form_template();
    const auto blank = render_blank(100, dir.path());
    const double s = 100.0 / 72.0;
    auto paint = [&](core::GrayImage& im, core::Rect r, std::uint8_t v) {
        for (int y = static_cast<int>(r.y * s); y < static_cast<int>((r.y + r.h) * s); ++y)
            for (int x = static_cast<int>(r.x * s); x < static_cast<int>((r.x + r.w) * s); ++x) im.at(x, y) = v;
    };
    const auto none = [](std::string_view) { return false; };
    {  // a blot between the fields
        auto im = blank;
        paint(im, {300, 250, 20, 12}, 30);
        auto ev = marks::find_unexplained(im, s, t, none);
        BOOST_TEST_INFO(describe(ev));
        BOOST_REQUIRE(ev.regions.size() == 1u);
        BOOST_TEST(ev.regions[0].kind == std::string(marks::kind_ink));
        BOOST_TEST(std::abs(ev.regions[0].box.cx() - 310) < 3);
        BOOST_TEST(std::abs(ev.regions[0].box.cy() - 256) < 3);
    }
    {  // a line through the client's name box
        auto im = blank;
        const auto& b = t.field("client_name")->box;
        paint(im, {b.x + 4, b.cy(), b.w * 0.85, 1.2}, 20);
        auto ev = marks::find_unexplained(im, s, t, [](std::string_view) { return true; });
        BOOST_TEST_INFO(describe(ev));
        BOOST_REQUIRE(ev.regions.size() == 1u);
        BOOST_TEST(ev.regions[0].kind == std::string(marks::kind_strike));
        BOOST_TEST(ev.regions[0].near == "client_name");
    }
    {  // the date box filled solid
        auto im = blank;
        const auto& b = t.field("date")->box;
        paint(im, {b.x + 30, b.y + 5, 40, 16}, 60);
        auto ev = marks::find_unexplained(im, s, t, [](std::string_view) { return true; });
        BOOST_TEST_INFO(describe(ev));
        BOOST_REQUIRE(ev.regions.size() == 1u);
        BOOST_TEST(ev.regions[0].kind == std::string(marks::kind_cover));
        BOOST_TEST(ev.regions[0].near == "date");
    }
    {  // a word in a box whose value reads empty
        auto im = blank;
        const auto& b = t.field("place")->box;
        paint(im, {b.x + 10, b.y + 9, 40, 1.5}, 20);
        paint(im, {b.x + 10, b.y + 15, 40, 1.5}, 20);
        auto ev = marks::find_unexplained(im, s, t, none);
        BOOST_TEST_INFO(describe(ev));
        BOOST_REQUIRE(ev.regions.size() == 1u);
        BOOST_TEST(ev.regions[0].kind == std::string(marks::kind_empty_field));
        BOOST_TEST(ev.regions[0].near == "place");
    }
    {  // a white box over the signature box
        auto im = blank;
        const auto& b = t.signature;
        paint(im, {b.x - 3, b.y - 3, b.w + 6, b.h + 6}, 255);
        auto ev = marks::find_unexplained(im, s, t, none);
        BOOST_TEST_INFO(describe(ev));
        BOOST_REQUIRE(ev.regions.size() == 1u);
        BOOST_TEST(ev.regions[0].kind == std::string(marks::kind_whiteout));
        BOOST_TEST(ev.regions[0].near == "signature");
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(made_pages)

// Clean pages never fire; every page with a mark nothing explains fires.
BOOST_AUTO_TEST_CASE(clean_pages_never_fire_and_marked_pages_always_do) {
    TempDir dir;
    const std::string seed = seed_for_run();
    std::cout << "make_marked seed " << seed << " (MARKS_SEED=" << seed << " repeats it)" << std::endl;
    BOOST_REQUIRE(test_support::run_shell("/usr/bin/python3 '" +
                                          (test_support::source_dir() / "tests/marks/make_marked.py").string() +
                                          "' --out '" + dir.path().string() + "' --seed " + seed) == 0);
    const auto t = form_template();
    auto cases = Poco::JSON::Parser().parse(test_support::read_file(dir.path() / "cases.json")).extract<Poco::JSON::Array::Ptr>();
    Timing timing;
    int clean = 0, false_fires = 0, attacks = 0, fired = 0;
    for (unsigned i = 0; i < cases->size(); ++i) {
        auto c = cases->getObject(i);
        const std::string file = c->getValue<std::string>("file"), expect = c->getValue<std::string>("expect");
        auto page = page_at_template(decode_file(dir.path() / file), t);
        BOOST_TEST_INFO(file);
        BOOST_REQUIRE(page);
        auto ev = timing.run(*page, t);
        std::cout << "  " << file << " (" << expect << "):" << describe(ev) << " densest field window "
                  << ev.densest_field << std::endl;
        BOOST_TEST_INFO(file << " seed " << seed << ":" << describe(ev));
        if (expect == "clean") {
            ++clean;
            false_fires += !ev.regions.empty();
            BOOST_TEST(ev.regions.empty());
        } else {
            ++attacks;
            fired += !ev.regions.empty();
            BOOST_TEST(!ev.regions.empty());
        }
    }
    std::cout << "clean pages " << clean << ", false fires " << false_fires << "; marked pages " << attacks
              << ", fired " << fired << std::endl;
    timing.report("made pages at ~100 dpi");
    BOOST_TEST(clean >= 15);
    BOOST_TEST(attacks >= 16);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(corpus)

// Every form page of the CI corpus (tests/support/make_scans.py --preset ci,
// made by the corpus_generate fixture) and of a degraded set (the preset of
// tests/batch/degraded_corpus.sh): nothing on them is unexplained.
BOOST_AUTO_TEST_CASE(the_clean_corpora_never_fire) {
    const char* ci = std::getenv("LINKAGE_CORPUS_DIR");
    BOOST_REQUIRE_MESSAGE(ci && fs::is_directory(ci), "LINKAGE_CORPUS_DIR must name the generated CI corpus");
    TempDir dir;
    const fs::path degraded = dir.path() / "degraded";
    BOOST_REQUIRE(test_support::run_shell("/usr/bin/python3 '" +
                                          (test_support::source_dir() / "tests/support/make_scans.py").string() +
                                          "' --out '" + degraded.string() + "' --registry '" +
                                          (test_support::source_dir() / "data/sample-registry.json").string() +
                                          "' --preset bench-degraded --count 20 --dpi 200 --seed ci-degraded >/dev/null") == 0);
    const auto t = form_template();
    for (const fs::path& set : {fs::path(ci), degraded}) {
        Timing timing;
        int pages = 0, fires = 0;
        std::vector<fs::path> files;
        for (auto& e : fs::directory_iterator(set))
            if (e.path().string().ends_with(".truth.json")) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (auto& truth_file : files) {
            auto truth = Poco::JSON::Parser().parse(test_support::read_file(truth_file)).extract<Poco::JSON::Object::Ptr>();
            if (truth->getValue<std::string>("format") == "corrupt") continue;
            const fs::path file = truth_file.parent_path() / truth->getValue<std::string>("file");
            const std::string bytes = test_support::read_file(file);
            auto r = raster::rasterize({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, {});
            if (!r) continue;
            for (std::size_t p = 0; p < r->pages.size(); ++p) {
                auto page = page_at_template(r->pages[p], t);
                if (!page) continue;
                ++pages;
                auto ev = timing.run(*page, t);
                if (!ev.regions.empty()) {
                    ++fires;
                    std::cout << "  fires: " << file.filename().string() << " page " << p + 1 << ":" << describe(ev)
                              << std::endl;
                }
                BOOST_TEST_INFO(file.filename().string() << " page " << p + 1 << ":" << describe(ev));
                BOOST_TEST(ev.regions.empty());
            }
        }
        std::cout << set.filename().string() << ": " << pages << " form pages, " << fires << " fire(s)" << std::endl;
        timing.report(set.filename().string());
        BOOST_TEST(pages >= 20);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(decision)

BOOST_AUTO_TEST_CASE(unexplained_marks_go_to_review_never_accepted) {
    decide::Evidence e;
    e.registered = true;
    e.residual_mm = 0.3;
    BOOST_TEST((decide::decide(e, {}).outcome == core::Outcome::accepted));
    e.unexplained_marks = true;
    auto d = decide::decide(e, {});
    BOOST_TEST((d.outcome == core::Outcome::review));
    BOOST_TEST(d.reasons == std::vector<std::string>{std::string(core::reason::unexplained_marks)});
    // A reject reason still rejects; the marks are then one more thing, not a way out.
    e.reject_reasons = {std::string(core::reason::unsigned_form)};
    BOOST_TEST((decide::decide(e, {}).outcome == core::Outcome::rejected));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(evidence)

// What a worker process sends back keeps the regions and their page.
BOOST_AUTO_TEST_CASE(regions_survive_the_worker_line) {
    batch::FileAnalysis a;
    a.container = "png";
    a.pages = 1;
    batch::FormResult f;
    f.page = 1;
    f.reasons = {std::string(core::reason::unexplained_marks)};
    f.unexplained = {{12.5, 40, 100, 20.25, std::string(marks::kind_ink), ""},
                     {57, 355, 200, 26, std::string(marks::kind_strike), "client_orgnr"}};
    f.page_width_pt = 595.28;
    f.page_height_pt = 841.89;
    a.forms.push_back(f);
    auto back = batch::analysis_from_json(batch::analysis_to_json(a));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST_REQUIRE(back->forms.size() == 1u);
    const auto& g = back->forms[0];
    BOOST_TEST_REQUIRE(g.unexplained.size() == 2u);
    BOOST_TEST(g.unexplained[0].x == 12.5);
    BOOST_TEST(g.unexplained[0].h == 20.25);
    BOOST_TEST(g.unexplained[1].kind == "strike");
    BOOST_TEST(g.unexplained[1].near == "client_orgnr");
    BOOST_TEST(g.page_width_pt == 595.28);
    BOOST_TEST(g.page_height_pt == 841.89);
}

BOOST_AUTO_TEST_SUITE_END()
