// The raster stage on inputs made by other tools than ours (tests/raster/
// make_inputs.sh: poppler, img2pdf, tiffcp/tiff2pdf, ImageMagick, ghostscript,
// mutool, qpdf, pypdf), built once at test time from the blank form. Each case
// asserts the path taken (direct image or rendered), that the page is right
// side up and not negative (the large top-left mark is dark, the paper is
// light), its dpi and square pixels, and what the renderer adds (a white box
// drawn over the scan is visible).
#include "raster/raster.hpp"

#include "core/outcome.hpp"
#include "test_support.hpp"

#define BOOST_TEST_MODULE raster_tools
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>

namespace {

namespace fs = std::filesystem;

// The inputs, made once per test run.
struct Inputs {
    test_support::TempDir dir;
    Inputs() {
        const auto cmd = "bash '" + (test_support::source_dir() / "tests/raster/make_inputs.sh").string() + "' '" +
                         test_support::source_dir().string() + "' '" + dir.path().string() + "'";
        if (test_support::run_shell(cmd) != 0) throw std::runtime_error("make_inputs.sh failed");
    }
    std::vector<std::uint8_t> bytes(const std::string& name) const {
        const fs::path p = dir.path() / name;
        std::ifstream f(p, std::ios::binary);
        BOOST_REQUIRE_MESSAGE(f.good(), name << " was not made; tools.log: " << test_support::read_file(dir.path() / "tools.log"));
        return {std::istreambuf_iterator<char>(f), {}};
    }
};

const Inputs& inputs() {
    static Inputs in;
    return in;
}

raster::Raster open(const std::string& name, const raster::Limits& limits = {}) {
    const auto b = inputs().bytes(name);
    auto r = raster::rasterize(b, limits);
    BOOST_REQUIRE_MESSAGE(r.has_value(), name << ": " << (r ? "" : std::string(r.error().reason) + ": " + r.error().detail));
    BOOST_REQUIRE(r->pages.size() == r->rendered.size());
    return std::move(*r);
}

// Mean grey of a square of `size_pt` around (x_pt, y_pt) on the A4 form
// (points from the top-left), scaled to the page as given.
double mean_at(const core::GrayImage& g, double x_pt, double y_pt, double size_pt = 6) {
    const double sx = g.width / 595.28, sy = g.height / 841.89;
    const int x0 = static_cast<int>((x_pt - size_pt / 2) * sx), x1 = static_cast<int>((x_pt + size_pt / 2) * sx);
    const int y0 = static_cast<int>((y_pt - size_pt / 2) * sy), y1 = static_cast<int>((y_pt + size_pt / 2) * sy);
    double sum = 0;
    int n = 0;
    for (int y = std::max(0, y0); y <= std::min(g.height - 1, y1); ++y)
        for (int x = std::max(0, x0); x <= std::min(g.width - 1, x1); ++x) sum += g.at(x, y), ++n;
    return n ? sum / n : -1;
}

// Upright and positive: the large top-left mark (34–68 pt) is dark at a point
// the smaller bottom-right mark would not cover if the page were upside down;
// the paper around it is light.
void check_upright_positive(const core::GrayImage& g, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_REQUIRE(!g.empty());
        BOOST_TEST(g.height > g.width);
        BOOST_TEST(mean_at(g, 51, 51) < 80);      // the mark's centre
        BOOST_TEST(mean_at(g, 64, 64, 3) < 80);   // inside the large mark only
        BOOST_TEST(mean_at(g, 20, 20) > 200);     // margin
        BOOST_TEST(mean_at(g, 300, 15) > 200);    // margin
        BOOST_TEST(mean_at(g, 550, 796) < 80);    // the bottom-right mark
    }
}

// The page's pixels are square at `dpi`: A4 at that resolution (±1 %).
void check_a4_at(const core::GrayImage& g, double dpi) {
    BOOST_TEST(std::abs(g.dpi - dpi) < 0.5, "dpi " << g.dpi << " (want " << dpi << ")");
    BOOST_TEST(std::abs(g.width - 8.2677 * dpi) < 0.01 * g.width, "width " << g.width);
    BOOST_TEST(std::abs(g.height - 11.6929 * dpi) < 0.01 * g.height, "height " << g.height);
}

long vm_hwm_kib() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(direct_path)

BOOST_AUTO_TEST_CASE(img2pdf_scans_are_read_from_their_image) {
    for (auto [name, dpi] : {std::pair{"img2pdf_jpeg200.pdf", 200.0}, std::pair{"img2pdf_png300.pdf", 300.0}}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        BOOST_TEST(!r.rendered[0], name);
        check_upright_positive(r.pages[0], name);
        check_a4_at(r.pages[0], dpi);
    }
}

BOOST_AUTO_TEST_CASE(tiff2pdf_g4_and_lzw_and_tiffs) {
    for (auto name : {"tiff2pdf_g4.pdf", "tiff2pdf_lzw.pdf", "tiff2pdf_jpeg.pdf", "g4.tif", "lzw.tif", "jpeg.tif"}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        BOOST_TEST(!r.rendered[0], name);
        check_upright_positive(r.pages[0], name);
    }
}

BOOST_AUTO_TEST_CASE(encrypted_scans_with_an_empty_user_password_open) {
    for (auto name : {"enc40.pdf", "enc128.pdf", "encaes128.pdf", "encaes256.pdf"}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        BOOST_TEST(!r.rendered[0], name);  // PoDoFo decrypts the image: still the direct path
        check_upright_positive(r.pages[0], name);
        check_a4_at(r.pages[0], 200);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fax)

BOOST_AUTO_TEST_CASE(fax_tiffs_get_square_pixels) {
    // 204×98 (standard, G3 1-D and 2-D) and 204×196 (fine): 204 dpi both ways after resampling.
    for (auto name : {"fax_98_g3.tif", "fax_98_g3_2d.tif", "fax_196_g3.tif"}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        check_upright_positive(r.pages[0], name);
        BOOST_TEST_CONTEXT(name) { check_a4_at(r.pages[0], 204); }
    }
}

BOOST_AUTO_TEST_CASE(a_g3_2d_fax_in_a_pdf_is_decoded_with_square_pixels) {
    auto r = open("tiff2pdf_fax_98_2d.pdf");
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(!r.rendered[0]);  // CCITT K>0 decoded by libtiff
    check_upright_positive(r.pages[0], "G3 2-D in PDF");
    check_a4_at(r.pages[0], 204);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rendered_path)

BOOST_AUTO_TEST_CASE(images_we_do_not_decode_are_rendered_right) {
    // CMYK JPEG with /Decode [1 0 1 0 1 0 1 0] (once read as a negative), JPEG 2000, palette, 16-bit.
    for (auto name : {"img2pdf_cmyk.pdf", "img2pdf_jp2.pdf", "img2pdf_palette.pdf", "img2pdf_16bit.pdf"}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        BOOST_TEST(r.rendered[0], name);
        check_upright_positive(r.pages[0], name);
    }
    check_a4_at(open("img2pdf_cmyk.pdf").pages[0], 200);  // the image's own resolution
}

BOOST_AUTO_TEST_CASE(vector_pdfs_of_the_form_are_rendered_like_a_scan) {
    for (auto name : {"gs_pdfwrite.pdf", "mutool.pdf"}) {
        auto r = open(name);
        BOOST_REQUIRE(r.pages.size() == 1u);
        BOOST_TEST(!r.born_digital, name);
        BOOST_TEST(r.rendered[0], name);
        check_upright_positive(r.pages[0], name);
        check_a4_at(r.pages[0], 300);
    }
}

BOOST_AUTO_TEST_CASE(a_white_box_drawn_over_the_scan_is_what_we_read) {
    auto plain = open("img2pdf_jpeg200.pdf");
    auto edited = open("whitebox.pdf");
    BOOST_REQUIRE(edited.pages.size() == 1u);
    BOOST_TEST(edited.rendered[0]);
    const auto& g = edited.pages[0];
    // The overlay: white over the top-left mark (PDF y 770–812 → 30–72 pt from the top), black bar at 412–442 pt.
    BOOST_TEST(mean_at(plain.pages[0], 51, 51) < 80);
    BOOST_TEST(mean_at(g, 51, 51) > 220);
    BOOST_TEST(mean_at(plain.pages[0], 300, 427) > 200);
    BOOST_TEST(mean_at(g, 300, 427) < 40);
    BOOST_TEST(mean_at(g, 550, 796) < 80);  // the scan is still there under it
}

BOOST_AUTO_TEST_CASE(scan_ink_hidden_under_a_white_box_is_reported_and_nothing_else) {
    auto page_of = [](const std::string& name) {
        const auto b = inputs().bytes(name);
        auto src = raster::open_pages(b, {});
        BOOST_REQUIRE(src.has_value());
        auto p = (*src)->page(0);
        BOOST_REQUIRE(p.has_value());
        return std::move(*p);
    };
    // The white box over the top-left mark (30–72 pt): that ink is hidden; the black bar hides nothing.
    auto edited = page_of("whitebox.pdf");
    BOOST_REQUIRE_EQUAL(edited.covered_ink.size(), 1u);
    const auto& c = edited.covered_ink[0];
    BOOST_TEST(c[0] * 595.28 > 25);
    BOOST_TEST((c[0] + c[2]) * 595.28 < 80);
    BOOST_TEST(c[1] * 841.89 > 25);
    BOOST_TEST((c[1] + c[3]) * 841.89 < 80);
    // The same scan drawn alone (direct path), or under an empty page: nothing hidden.
    BOOST_TEST(page_of("img2pdf_jpeg200.pdf").covered_ink.empty());
    BOOST_TEST(page_of("gs_pdfwrite.pdf").covered_ink.empty());  // vector, no scan under it
}

BOOST_AUTO_TEST_CASE(a_rotated_page_is_rendered_as_shown) {
    auto r = open("rotated.pdf");
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.rendered[0]);
    BOOST_TEST(r.pages[0].width > r.pages[0].height);  // /Rotate 90: landscape, as a viewer shows it
}

BOOST_AUTO_TEST_CASE(a_pdf_podofo_cannot_parse_is_rendered_when_poppler_repairs_it) {
    auto r = open("noxref.pdf");  // no cross-reference table, no trailer
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.rendered[0]);
    check_upright_positive(r.pages[0], "no xref");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(born_digital)

BOOST_AUTO_TEST_CASE(hex_utf16_pdfdoc_and_nested_values_are_read) {
    for (auto name : {"fill_hex.pdf", "fill_hex_aes256.pdf", "fill_hex_aes128.pdf", "fill_hex_rc4.pdf"}) {
        BOOST_TEST_CONTEXT(name) {
            auto r = open(name);
            BOOST_TEST(r.born_digital);
            BOOST_TEST(r.form_fields["bureau_name"] == "Byrå Öst & Co AB");     // hex UTF-16BE with BOM
            BOOST_TEST(r.form_fields["bureau_orgnr"] == "556677-8899");         // hex PDFDocEncoding
            BOOST_TEST(r.form_fields["client_name"] == "Åkeri Ölhall AB");      // hex PDFDocEncoding, non-ASCII
            BOOST_TEST(r.form_fields["signer_name"] == "Märta Ågren");
            BOOST_TEST(r.form_fields["place"] == "Mölndal");                    // literal
            BOOST_TEST(r.form_fields["client_orgnr"] == "559123-4567");         // /T and /V on the parent of the widget
            BOOST_TEST(r.form_fields["client_subscription"] == "AB12345");      // /V inherited from /Parent
            BOOST_TEST(r.form_fields["grupp.client_subscription"] == "AB12345");  // fully qualified
            BOOST_TEST(!r.form_fields.count("signer_email"));
            BOOST_TEST(r.form_fields.size() == 8u);  // no key with padding or garbage
            BOOST_REQUIRE(r.pages.size() == 1u);
            BOOST_TEST(r.rendered[0]);  // the page too, with the field appearances drawn
            check_upright_positive(r.pages[0], name);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_latest_incremental_revision_wins) {
    auto r = open("fill_incremental.pdf");
    BOOST_TEST(r.born_digital);
    BOOST_TEST(r.form_fields["bureau_orgnr"] == "556000-1111");  // was 556677-8899 in the first revision
    BOOST_TEST(r.form_fields["bureau_name"] == "Byrå Öst & Co AB");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(feeder_stacks)

BOOST_AUTO_TEST_CASE(a_500_page_stack_is_read_page_by_page_in_bounded_memory) {
    for (auto name : {"stack500.tif", "stack500.pdf"}) {
        BOOST_TEST_CONTEXT(name) {
            const auto b = inputs().bytes(name);
            raster::Limits limits;
            limits.max_bytes = 200u << 20;  // 500 JPEG pages weigh about 75 MiB
            auto src = raster::open_pages(b, limits);
            BOOST_REQUIRE_MESSAGE(src.has_value(), (src ? "" : src.error().detail));
            BOOST_REQUIRE((*src)->page_count() == 500);
            // First page decoded, then the high-water mark may grow by at most a few pages' worth.
            auto first = (*src)->page(0);
            BOOST_REQUIRE(first.has_value());
            const long page_kib = static_cast<long>(first->image.pixels.size() / 1024);
            first->image = {};
            const long before = vm_hwm_kib();
            int dark_marks = 0;
            for (int i = 0; i < 500; ++i) {
                auto p = (*src)->page(i);
                BOOST_REQUIRE(p.has_value());
                BOOST_REQUIRE(!p->rendered);
                dark_marks += mean_at(p->image, 51, 51) < 80;
            }
            BOOST_TEST(dark_marks == 500);
            const long grown = vm_hwm_kib() - before;
#if defined(__SANITIZE_ADDRESS__)
            // AddressSanitizer keeps freed memory in quarantine: the peak says nothing there.
            (void)grown;
#else
            BOOST_TEST(grown < 4 * page_kib, "peak grew by " << grown << " KiB; one page is " << page_kib << " KiB");
#endif
        }
    }
}

BOOST_AUTO_TEST_CASE(the_page_limit_names_itself) {
    raster::Limits limits;
    limits.max_pages = 10;
    const auto b = inputs().bytes("stack11.pdf");
    auto r = raster::open_pages(b, limits);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().reason == core::reason::too_large);
    BOOST_TEST(r.error().detail.find("11 pages") != std::string::npos, r.error().detail);
    BOOST_TEST(r.error().detail.find("limit of 10 pages (limits.max_pages)") != std::string::npos, r.error().detail);
    BOOST_TEST(raster::Limits{}.max_pages == 500);
}

BOOST_AUTO_TEST_SUITE_END()
