// raster::sniff / rasterize on PNG, JPEG, multi-page TIFF, scanner PDFs
// (DCT, Flate, CCITT G4), born-digital AcroForm PDFs, hostile sizes, and the
// rule that decides between a PDF page's own image and the renderer.
// (Inputs made by other tools: raster_tools_test.cpp.)
#include "raster/raster.hpp"

#include "core/outcome.hpp"
#include "form_scan.hpp"
#include "image/lept.hpp"
#include "lept_fixtures.hpp"
#include "test_support.hpp"

#define BOOST_TEST_MODULE raster
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <sys/resource.h>
#include <zlib.h>
#include <stdexcept>

namespace {

using lept_fixtures::Bytes;

std::span<const std::uint8_t> span_of(const Bytes& b) { return {b.data(), b.size()}; }
std::span<const std::uint8_t> span_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

raster::Raster ok(std::expected<raster::Raster, raster::RasterProblem> r) {
    BOOST_REQUIRE_MESSAGE(r.has_value(), "rasterize failed: " << (r ? "" : std::string(r.error().reason) + ": " + r.error().detail));
    return std::move(*r);
}

std::string_view reason_of(const std::expected<raster::Raster, raster::RasterProblem>& r) {
    return r ? std::string_view("ok") : r.error().reason;
}

// A scan-like page: white, a black bar across the top-left quarter, a mid-grey block bottom-right.
lept_fixtures::Pix scan_like(int w, int h) {
    auto p = lept_fixtures::gray_flat(w, h, 255);
    BOX* b = boxCreate(w / 8, h / 8, w / 4, h / 4);
    pixSetInRectArbitrary(p.get(), b, 0);
    boxDestroy(&b);
    b = boxCreate(w * 5 / 8, h * 5 / 8, w / 4, h / 4);
    pixSetInRectArbitrary(p.get(), b, 128);
    boxDestroy(&b);
    return p;
}

// The page shows scan_like()'s layout (within `tolerance` grey levels).
void check_scan_like(const core::GrayImage& g, int w, int h, int tolerance) {
    BOOST_REQUIRE(g.width == w);
    BOOST_REQUIRE(g.height == h);
    BOOST_TEST(g.at(w / 4, h / 4) <= tolerance);                              // black bar
    BOOST_TEST(std::abs(g.at(w * 3 / 4, h * 3 / 4) - 128) <= tolerance);      // grey block
    BOOST_TEST(g.at(w / 16, h * 15 / 16) >= 255 - tolerance);                 // paper
    BOOST_TEST(g.at(w * 15 / 16, h / 16) >= 255 - tolerance);
}

// A 1-bit page with a black box in its top-left quarter.
lept_fixtures::Pix fax_like(int w, int h) { return lept_fixtures::binary_with_box(w, h, w / 8, h / 8, w / 4, h / 4); }

void check_fax_like(const core::GrayImage& g, int w, int h) {
    BOOST_REQUIRE(g.width == w);
    BOOST_REQUIRE(g.height == h);
    BOOST_TEST(g.at(w / 4, h / 4) == 0);        // black stays black (polarity)
    BOOST_TEST(g.at(w * 3 / 4, h * 3 / 4) == 255);
    BOOST_TEST(g.at(w / 16, h / 16) == 255);
}

// A one-page PDF showing one image XObject: `image_keys` and `data` make the image's stream.
std::string one_image_pdf(const std::string& image_keys, const std::string& data, int w_pt, int h_pt) {
    const std::string size = std::to_string(w_pt) + " " + std::to_string(h_pt);
    const std::string content = "q " + std::to_string(w_pt) + " 0 0 " + std::to_string(h_pt) + " 0 0 cm /Im1 Do Q";
    const std::vector<std::string> objects{
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + size + "] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /XObject /Subtype /Image " + image_keys + " /Length " + std::to_string(data.size()) + " >>\nstream\n" +
            data + "\nendstream",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
    };
    std::string pdf = "%PDF-1.4\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    char line[32];
    for (size_t o : offsets) {
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

// A one-page PDF of 100×100 pt whose resources hold a 100×100 grey image /Im1
// (black top-left quarter, white elsewhere) and a form XObject 6 0 R (an
// appearance): `content` is the page's content stream, `page_keys` and
// `catalog_keys` are added to those dictionaries. For the direct-path rule.
std::string rule_pdf(const std::string& content, const std::string& page_keys = "", const std::string& catalog_keys = "") {
    std::string px(100 * 100, '\xff');
    for (int y = 0; y < 50; ++y)
        for (int x = 0; x < 50; ++x) px[static_cast<size_t>(y * 100 + x)] = 0;
    const std::string ap = "0 g 0 0 10 10 re f";
    const std::vector<std::string> objects{
        "<< /Type /Catalog /Pages 2 0 R " + catalog_keys + " >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /XObject << /Im1 4 0 R /Fm1 6 0 R >> >> "
        "/Contents 5 0 R " + page_keys + " >>",
        "<< /Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " +
            std::to_string(px.size()) + " >>\nstream\n" + px + "\nendstream",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
        "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length " + std::to_string(ap.size()) + " >>\nstream\n" + ap +
            "\nendstream",
    };
    std::string pdf = "%PDF-1.4\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    char line[32];
    for (size_t o : offsets) {
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

std::string zlib_pack(const std::string& raw) {
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string out(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), 9) != Z_OK)
        throw std::runtime_error("zlib compress2 failed");
    out.resize(size);
    return out;
}

// PNG row filtering (types 0–4 in turn, row by row), as img2pdf and many PDF
// writers store images with /Predictor 15.
std::string png_predicted(const std::vector<std::uint8_t>& px, int w, int h, int bpp) {
    const int row = w * bpp;
    std::string out;
    auto at = [&](int x, int y) -> int { return x < 0 || y < 0 ? 0 : px[static_cast<size_t>(y * row + x)]; };
    for (int y = 0; y < h; ++y) {
        const int type = y % 5;
        out.push_back(static_cast<char>(type));
        for (int x = 0; x < row; ++x) {
            const int raw = at(x, y), a = at(x - bpp, y), b = at(x, y - 1), c = at(x - bpp, y - 1);
            int pred = 0;
            if (type == 1) pred = a;
            else if (type == 2) pred = b;
            else if (type == 3) pred = (a + b) / 2;
            else if (type == 4) {
                const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            out.push_back(static_cast<char>((raw - pred) & 0xff));
        }
    }
    return out;
}

}  // namespace

namespace raster {
std::ostream& operator<<(std::ostream& os, Container c) { return os << to_string(c); }
}  // namespace raster

BOOST_AUTO_TEST_SUITE(rasterize)

BOOST_AUTO_TEST_CASE(sniff_goes_by_magic_bytes) {
    auto pix = scan_like(40, 40);
    BOOST_TEST(raster::sniff(span_of(lept_fixtures::encode(pix.get(), IFF_PNG))) == raster::Container::png);
    BOOST_TEST(raster::sniff(span_of(lept_fixtures::encode_jpeg(pix.get()))) == raster::Container::jpeg);
    BOOST_TEST(raster::sniff(span_of(lept_fixtures::encode(pix.get(), IFF_TIFF))) == raster::Container::tiff);
    BOOST_TEST(raster::sniff(span_of(std::string("MM\0*rest", 8))) == raster::Container::tiff);  // big-endian TIFF
    BOOST_TEST(raster::sniff(span_of(std::string("%PDF-1.7\n"))) == raster::Container::pdf);
    // PDF allows junk before the header (within the first KiB), not after it.
    BOOST_TEST(raster::sniff(span_of(std::string(500, 'x') + "%PDF-1.4\n")) == raster::Container::pdf);
    BOOST_TEST(raster::sniff(span_of(std::string(2000, 'x') + "%PDF-1.4\n")) == raster::Container::unknown);
    BOOST_TEST(raster::sniff(span_of(std::string("GIF89a......"))) == raster::Container::unknown);
    BOOST_TEST(raster::sniff(span_of(std::string("%PD"))) == raster::Container::unknown);
    BOOST_TEST(raster::sniff({}) == raster::Container::unknown);
    BOOST_TEST(raster::to_string(raster::Container::pdf) == "pdf");
    BOOST_TEST(raster::to_string(raster::Container::tiff) == "tiff");
    BOOST_TEST(raster::to_string(raster::Container::unknown) == "unknown");
}

BOOST_AUTO_TEST_CASE(png_is_one_page) {
    auto pix = scan_like(120, 170);
    auto r = ok(raster::rasterize(span_of(lept_fixtures::encode(pix.get(), IFF_PNG)), {}));
    BOOST_TEST(r.container == raster::Container::png);
    BOOST_TEST(!r.born_digital);
    BOOST_REQUIRE(r.pages.size() == 1u);
    check_scan_like(r.pages[0], 120, 170, 0);
}

BOOST_AUTO_TEST_CASE(jpeg_is_one_page) {
    auto pix = scan_like(160, 224);
    auto r = ok(raster::rasterize(span_of(lept_fixtures::encode_jpeg(pix.get(), 90)), {}));
    BOOST_TEST(r.container == raster::Container::jpeg);
    BOOST_REQUIRE(r.pages.size() == 1u);
    check_scan_like(r.pages[0], 160, 224, 6);
}

BOOST_AUTO_TEST_CASE(multipage_tiff_gives_every_page_in_order) {
    auto p1 = scan_like(100, 140);
    auto p2 = fax_like(200, 280);
    auto p3 = lept_fixtures::gray_flat(60, 80, 255);
    auto tiff = lept_fixtures::encode_multipage_tiff({p1.get(), p2.get(), p3.get()});
    auto r = ok(raster::rasterize(span_of(tiff), {}));
    BOOST_TEST(r.container == raster::Container::tiff);
    BOOST_REQUIRE(r.pages.size() == 3u);
    check_scan_like(r.pages[0], 100, 140, 0);
    check_fax_like(r.pages[1], 200, 280);
    BOOST_TEST(r.pages[2].width == 60);
}

BOOST_AUTO_TEST_CASE(pdf_with_a_jpeg_per_page) {
    auto p1 = scan_like(248, 351);
    auto p2 = scan_like(248, 351);
    pixInvert(p2.get(), p2.get());  // page 2 differs: black where page 1 is white
    auto pdf = lept_fixtures::encode_pdf({p1.get(), p2.get()}, L_JPEG_ENCODE, 30);
    BOOST_REQUIRE(lept_fixtures::as_string(pdf).find("/DCTDecode") != std::string::npos);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_TEST(r.container == raster::Container::pdf);
    BOOST_TEST(!r.born_digital);
    BOOST_REQUIRE(r.pages.size() == 2u);
    check_scan_like(r.pages[0], 248, 351, 8);
    BOOST_TEST(r.pages[1].at(10, 10) <= 8);           // page 2 is the inverted one, in file order
    BOOST_TEST(r.pages[1].at(248 / 4, 351 / 4) >= 247);
    // The dpi follows from the image size and the page's media box.
    BOOST_TEST(std::abs(r.pages[0].dpi - 30) < 0.5);
}

BOOST_AUTO_TEST_CASE(pdf_with_a_flate_grey_image_is_lossless) {
    auto pix = lept_fixtures::gray_pattern(101, 67, 9);
    auto pdf = lept_fixtures::encode_pdf({pix.get()}, L_FLATE_ENCODE, 72);
    BOOST_REQUIRE(lept_fixtures::as_string(pdf).find("/FlateDecode") != std::string::npos);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.pages[0].width == 101);
    BOOST_TEST(r.pages[0].height == 67);
    BOOST_TEST(r.pages[0].pixels == image::to_gray(pix.get()).pixels);
}

BOOST_AUTO_TEST_CASE(pdf_with_a_flate_colour_image_is_grey) {
    auto pix = lept_fixtures::checked(pixCreate(64, 32, 32), "pixCreate");
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 64; ++x) pixSetRGBPixel(pix.get(), x, y, x < 32 ? 255 : 0, x < 32 ? 255 : 0, x < 32 ? 255 : 0);
    auto pdf = lept_fixtures::encode_pdf({pix.get()}, L_FLATE_ENCODE, 72);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.pages[0].width == 64);
    BOOST_TEST(r.pages[0].at(5, 5) >= 254);
    BOOST_TEST(r.pages[0].at(50, 5) <= 1);
}

BOOST_AUTO_TEST_CASE(pdf_with_a_flate_bilevel_image_keeps_black_black) {
    auto pix = fax_like(203, 111);
    auto pdf = lept_fixtures::encode_pdf({pix.get()}, L_FLATE_ENCODE, 72);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_REQUIRE(r.pages.size() == 1u);
    check_fax_like(r.pages[0], 203, 111);
}

BOOST_AUTO_TEST_CASE(pdf_with_ccitt_g4_pages_keeps_black_black) {
    auto p1 = fax_like(1728, 400);
    auto p2 = fax_like(640, 900);
    auto pdf = lept_fixtures::encode_pdf({p1.get(), p2.get()}, L_G4_ENCODE, 200);
    BOOST_REQUIRE(lept_fixtures::as_string(pdf).find("/CCITTFaxDecode") != std::string::npos);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_REQUIRE(r.pages.size() == 2u);
    check_fax_like(r.pages[0], 1728, 400);
    check_fax_like(r.pages[1], 640, 900);
    BOOST_TEST(std::abs(r.pages[1].dpi - 200) < 0.5);
}

// How the image dictionary's flags (ImageMask, BlackIs1, Decode, filter and
// parameter arrays) turn into black and white: poppler's renderer is the judge.
BOOST_AUTO_TEST_CASE(pdf_image_flags_give_what_a_pdf_renderer_shows) {
    test_support::TempDir dir;
    auto bin = lept_fixtures::binary_with_box(200, 120, 20, 10, 60, 30);
    {
        BOX* b = boxCreate(120, 70, 50, 8);  // a second, asymmetric mark
        pixSetInRect(bin.get(), b);
        boxDestroy(&b);
    }
    lept_fixtures::Pix grey(pixConvert1To8(nullptr, bin.get(), 255, 0));
    BOOST_REQUIRE(grey);

    auto replace = [](std::string from, std::string to) {
        return [from, to](std::string& text) {
            const size_t at = text.find(from);
            if (at == std::string::npos) throw std::runtime_error("fixture: '" + from + "' not in the PDF");
            text.replace(at, from.size(), to);
        };
    };
    auto both = [](auto f, auto g) { return [f, g](std::string& t) { f(t); g(t); }; };
    auto parms_array = [](std::string& t) {
        const size_t at = t.find("/DecodeParms");
        const size_t open = t.find("<<", at), close = t.find(">>", open);
        t.insert(close + 2, " ]");
        t.insert(open, "[ ");
    };
    const auto black_is_1 = replace("/BlackIs1 false", "/BlackIs1 true");
    const auto decode_10 = replace("/BitsPerComponent 1\n", "/BitsPerComponent 1\n/Decode [1 0]\n");
    const auto no_mask = replace("/ImageMask true\n", "");

    struct Variant {
        std::string name;
        int type;
        std::function<void(std::string&)> edit;
    };
    const std::vector<Variant> variants{
        {"g4", L_G4_ENCODE, {}},
        {"g4 BlackIs1", L_G4_ENCODE, black_is_1},
        {"g4 Decode [1 0]", L_G4_ENCODE, decode_10},
        {"g4 BlackIs1 + Decode [1 0]", L_G4_ENCODE, both(black_is_1, decode_10)},
        {"g4 not a mask", L_G4_ENCODE, no_mask},
        {"g4 not a mask, BlackIs1", L_G4_ENCODE, both(no_mask, black_is_1)},
        {"g4 not a mask, Decode [1 0]", L_G4_ENCODE, both(no_mask, decode_10)},
        {"g4 filter and parameters as arrays", L_G4_ENCODE,
         both(replace("/Filter /CCITTFaxDecode", "/Filter [/CCITTFaxDecode]"), parms_array)},
        {"flate 1-bit", L_FLATE_ENCODE, {}},
        {"flate filter as array", L_FLATE_ENCODE, replace("/Filter /FlateDecode", "/Filter [/FlateDecode]")},
        {"dct Decode [1 0]", L_JPEG_ENCODE, replace("/BitsPerComponent 8\n", "/BitsPerComponent 8\n/Decode [1 0]\n")},
    };
    int n = 0;
    for (auto& v : variants) {
        BOOST_TEST_CONTEXT(v.name) {
            PIX* source = v.type == L_JPEG_ENCODE ? grey.get() : bin.get();
            auto pdf = lept_fixtures::encode_pdf({source}, v.type, 72, v.edit);
            const auto file = dir.path() / ("variant-" + std::to_string(++n) + ".pdf");
            test_support::write_file(file, lept_fixtures::as_string(pdf));
            auto shown = test_support::render_pdf_page(file, 72, dir.path());
            auto r = raster::rasterize(span_of(pdf), {});
            BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().detail));
            BOOST_REQUIRE(r->pages.size() == 1u);
            const auto& page = r->pages[0];
            BOOST_REQUIRE(page.width == shown.width);
            BOOST_REQUIRE(page.height == shown.height);
            int differ = 0;
            for (size_t i = 0; i < page.pixels.size(); ++i) differ += std::abs(page.pixels[i] - shown.pixels[i]) > 64;
            BOOST_TEST(differ < static_cast<int>(page.pixels.size() / 100),
                       differ << " pixels differ; at the box: ours " << int(page.at(50, 25)) << ", poppler "
                              << int(shown.at(50, 25)));
        }
    }
}

BOOST_AUTO_TEST_CASE(born_digital_filled_form_gives_its_field_values_and_its_rendered_page) {
    const auto values = test_support::sample_form_values();
    const auto pdf = test_support::form_pdf(values, std::string("K7QX-M4P2"));
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    BOOST_TEST(r.container == raster::Container::pdf);
    BOOST_TEST(r.born_digital);
    BOOST_REQUIRE(r.pages.size() == 1u);  // rendered, so the signature box can be judged like a scan
    BOOST_TEST(r.rendered.at(0));
    BOOST_TEST(r.pages[0].dpi == 300);
    BOOST_TEST(!r.signature_value_present);  // no digital signature in the signature field
    for (auto& [name, value] : values) {
        auto it = r.form_fields.find(name);
        BOOST_REQUIRE_MESSAGE(it != r.form_fields.end(), "field " << name << " missing");
        BOOST_TEST(it->second == value);
    }
    BOOST_TEST(r.form_fields.size() == values.size());
}

BOOST_AUTO_TEST_CASE(born_digital_form_keeps_non_ascii_values) {
    auto values = test_support::sample_form_values();
    values["client_name"] = "Åkeri & Ölhall i Mölndal AB";
    values["signer_name"] = "Märta Ågren";
    auto r = ok(raster::rasterize(span_of(test_support::form_pdf(values)), {}));
    BOOST_TEST(r.born_digital);
    BOOST_TEST(r.form_fields["client_name"] == "Åkeri & Ölhall i Mölndal AB");
    BOOST_TEST(r.form_fields["signer_name"] == "Märta Ågren");
}

BOOST_AUTO_TEST_CASE(the_direct_path_is_taken_only_for_one_image_covering_the_page_and_nothing_else) {
    const std::string draw = "q 100 0 0 100 0 0 cm /Im1 Do Q";
    struct Case {
        std::string name, content, page_keys, catalog_keys;
        bool rendered;
    };
    const std::vector<Case> cases{
        {"one image over the page", draw, "", "", false},
        {"the same in two q/Q levels and split cm", "q q 2 0 0 2 0 0 cm 50 0 0 50 0 0 cm /Im1 Do Q Q", "", "", false},
        {"a link annotation without appearance", draw, "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] >>]", "", false},
        {"text drawn after the image", draw + " BT /F1 12 Tf 10 10 Td (x) Tj ET", "", "", true},
        {"a white box drawn over it", draw + " 1 g 0 50 50 50 re f", "", "", true},
        {"a path before the image", "0 0 m 100 100 l S " + draw, "", "", true},
        {"a form XObject", draw + " /Fm1 Do", "", "", true},
        {"the image twice", draw + " " + draw, "", "", true},
        {"an image over half the page", "q 100 0 0 50 0 0 cm /Im1 Do Q", "", "", true},
        {"a rotated image", "q 0 100 -100 0 100 0 cm /Im1 Do Q", "", "", true},
        {"a flipped image", "q 100 0 0 -100 0 100 cm /Im1 Do Q", "", "", true},
        {"/Rotate 90", draw, "/Rotate 90", "", true},
        {"a CropBox inside the MediaBox", draw, "/CropBox [0 0 50 50]", "", true},
        {"an annotation with an appearance", draw,
         "/Annots [<< /Type /Annot /Subtype /Stamp /Rect [0 0 10 10] /AP << /N 6 0 R >> >>]", "", true},
        {"a widget", draw, "/Annots [<< /Type /Annot /Subtype /Widget /FT /Tx /T (x) /V (y) /Rect [0 0 10 10] >>]", "", true},
        {"a markup annotation without appearance", draw,
         "/Annots [<< /Type /Annot /Subtype /Square /Rect [0 0 10 10] >>]", "", true},
        {"optional content in the catalog", draw, "", "/OCProperties << /OCGs [] /D << /Order [] >> >>", true},
    };
    for (auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            const auto pdf = rule_pdf(c.content, c.page_keys, c.catalog_keys);
            auto src = raster::open_pages(span_of(pdf), {});
            BOOST_REQUIRE_MESSAGE(src.has_value(), (src ? "" : src.error().detail));
            auto page = (*src)->page(0);
            BOOST_REQUIRE_MESSAGE(page.has_value(), (page ? "" : page.error().detail));
            BOOST_TEST(page->rendered == c.rendered, "render reason: " << page->render_reason);
            const auto& g = page->image;
            BOOST_REQUIRE(!g.empty());
            if (!page->rendered) {
                BOOST_TEST(g.width == 100);
                BOOST_TEST(std::abs(g.dpi - 72) < 0.01);
                BOOST_TEST(g.at(25, 25) == 0);  // the black quarter at the top left
                BOOST_TEST(g.at(75, 75) == 255);
            }
        }
    }
    // What the renderer adds is in the picture: the white box hides the black quarter.
    auto boxed = raster::rasterize(span_of(rule_pdf(draw + " 1 g 0 50 50 50 re f")), {});
    BOOST_REQUIRE(boxed.has_value());
    const auto& g = boxed->pages.at(0);
    BOOST_TEST(g.at(g.width / 4, g.height / 4) > 250);
    BOOST_TEST(g.at(g.width / 4, g.height * 3 / 4) > 250);
    auto plain = raster::rasterize(span_of(rule_pdf("q 100 0 0 100 0 0 cm /Im1 Do Q 0 0 m S")), {});  // rendered, no box
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(plain->rendered.at(0));
    BOOST_TEST(plain->pages[0].at(plain->pages[0].width / 4, plain->pages[0].height / 4) < 5);
}

BOOST_AUTO_TEST_CASE(a_tiff_whose_page_chain_loops_or_leaves_the_file_is_unreadable) {
    auto p = lept_fixtures::gray_flat(8, 8, 10);
    const auto tiff = lept_fixtures::encode(p.get(), IFF_TIFF);
    BOOST_REQUIRE(tiff.size() > 8 && tiff[0] == 'I');
    const std::uint32_t ifd = static_cast<std::uint32_t>(tiff[4]) | static_cast<std::uint32_t>(tiff[5]) << 8 |
                              static_cast<std::uint32_t>(tiff[6]) << 16 | static_cast<std::uint32_t>(tiff[7]) << 24;
    const std::uint32_t entries = static_cast<std::uint32_t>(tiff[ifd]) | static_cast<std::uint32_t>(tiff[ifd + 1]) << 8;
    const size_t next_at = ifd + 2 + 12 * entries;
    BOOST_REQUIRE(next_at + 4 <= tiff.size());
    BOOST_TEST(reason_of(raster::rasterize(span_of(tiff), {})) == "ok");
    auto with_next = [&](std::uint32_t next) {
        auto t = tiff;
        for (int i = 0; i < 4; ++i) t[next_at + static_cast<size_t>(i)] = static_cast<std::uint8_t>(next >> (8 * i));
        return t;
    };
    BOOST_TEST(reason_of(raster::rasterize(span_of(with_next(ifd)), {})) == core::reason::unreadable);  // itself
    BOOST_TEST(reason_of(raster::rasterize(span_of(with_next(0x7fffffff)), {})) == core::reason::unreadable);  // outside
}

BOOST_AUTO_TEST_CASE(a_pdf_with_neither_scan_nor_filled_fields_is_rendered_like_a_scan) {
    // The blank form: fields, but all empty; no scanned image (a print-to-PDF or a flattened fill is the same case).
    auto r = ok(raster::rasterize(span_of(test_support::form_pdf()), {}));
    BOOST_TEST(!r.born_digital);
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.rendered.at(0));
    BOOST_TEST(r.pages[0].width == 2480);  // A4 at 300 dpi
    BOOST_TEST(r.pages[0].height == 3508);
}

BOOST_AUTO_TEST_CASE(a_rendered_page_stays_within_the_pixel_limit_by_a_lower_dpi) {
    raster::Limits limits;
    limits.max_megapixels = 2;
    auto r = ok(raster::rasterize(span_of(test_support::form_pdf()), limits));
    BOOST_REQUIRE(r.pages.size() == 1u);
    const auto& g = r.pages[0];
    BOOST_TEST(static_cast<double>(g.width) * g.height <= 2e6);
    BOOST_TEST(g.dpi < 300);
    BOOST_TEST(g.dpi > 100);
    BOOST_TEST(std::abs(g.width - 8.2677 * g.dpi) <= 2);  // the dpi said is the dpi drawn
}

BOOST_AUTO_TEST_CASE(empty_garbage_and_truncated_files) {
    BOOST_TEST(reason_of(raster::rasterize({}, {})) == core::reason::unreadable);

    std::mt19937 rng(11);
    Bytes noise(10000);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng() & 0xff);
    noise[0] = 'x';
    BOOST_TEST(reason_of(raster::rasterize(span_of(noise), {})) == core::reason::unsupported_format);
    BOOST_TEST(reason_of(raster::rasterize(span_of(std::string("Hej, här är blanketten!\n")), {})) ==
               core::reason::unsupported_format);

    auto pix = scan_like(300, 400);
    auto cut = [](const Bytes& b, double part) {
        return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(static_cast<double>(b.size()) * part));
    };
    auto png = lept_fixtures::encode(pix.get(), IFF_PNG);
    BOOST_TEST(reason_of(raster::rasterize(span_of(cut(png, 0.5)), {})) == core::reason::unreadable);
    BOOST_TEST(reason_of(raster::rasterize(span_of(Bytes(png.begin(), png.begin() + 12)), {})) == core::reason::unreadable);
    auto jpeg = lept_fixtures::encode_jpeg(pix.get());
    BOOST_TEST(reason_of(raster::rasterize(span_of(cut(jpeg, 0.5)), {})) == core::reason::unreadable);
    auto tiff = lept_fixtures::encode_multipage_tiff({pix.get(), pix.get()});
    BOOST_TEST(reason_of(raster::rasterize(span_of(Bytes(tiff.begin(), tiff.begin() + 10)), {})) == core::reason::unreadable);
    auto pdf = lept_fixtures::encode_pdf({pix.get()}, L_JPEG_ENCODE, 100);
    BOOST_TEST(reason_of(raster::rasterize(span_of(Bytes(pdf.begin(), pdf.begin() + 200)), {})) == core::reason::unreadable);
    BOOST_TEST(reason_of(raster::rasterize(span_of(std::string("%PDF-1.4\n%%EOF\n")), {})) == core::reason::unreadable);
}

BOOST_AUTO_TEST_CASE(file_size_limit) {
    auto pix = lept_fixtures::gray_pattern(400, 400);
    auto png = lept_fixtures::encode(pix.get(), IFF_PNG);
    raster::Limits limits;
    limits.max_bytes = png.size() - 1;
    BOOST_TEST(reason_of(raster::rasterize(span_of(png), limits)) == core::reason::too_large);
    limits.max_bytes = png.size();
    BOOST_TEST(reason_of(raster::rasterize(span_of(png), limits)) == "ok");
}

BOOST_AUTO_TEST_CASE(pixel_limit_is_checked_for_every_container) {
    auto big = lept_fixtures::gray_flat(1000, 1000, 255);  // 1.0 megapixel
    raster::Limits limits;
    limits.max_megapixels = 0.9;
    BOOST_TEST(reason_of(raster::rasterize(span_of(lept_fixtures::encode(big.get(), IFF_PNG)), limits)) == core::reason::too_large);
    BOOST_TEST(reason_of(raster::rasterize(span_of(lept_fixtures::encode_jpeg(big.get())), limits)) == core::reason::too_large);
    BOOST_TEST(reason_of(raster::rasterize(span_of(lept_fixtures::encode_pdf({big.get()}, L_JPEG_ENCODE, 100)), limits)) ==
               core::reason::too_large);
    // TIFF: a small first page does not let a big later page through.
    auto small = lept_fixtures::gray_flat(100, 100, 255);
    auto tiff = lept_fixtures::encode_multipage_tiff({small.get(), big.get()});
    BOOST_TEST(reason_of(raster::rasterize(span_of(tiff), limits)) == core::reason::too_large);
    auto refused = raster::rasterize(span_of(tiff), limits);
    BOOST_TEST((!refused && refused.error().detail.rfind("TIFF page 2: ", 0) == 0));  // judged by its header
    limits.max_megapixels = 1.1;
    BOOST_TEST(reason_of(raster::rasterize(span_of(tiff), limits)) == "ok");
}

BOOST_AUTO_TEST_CASE(page_limit_for_tiff_and_pdf) {
    auto p = lept_fixtures::gray_flat(50, 70, 255);
    std::vector<PIX*> four{p.get(), p.get(), p.get(), p.get()};
    raster::Limits limits;
    limits.max_pages = 3;
    BOOST_TEST(reason_of(raster::rasterize(span_of(lept_fixtures::encode_multipage_tiff(four)), limits)) == core::reason::too_large);
    BOOST_TEST(reason_of(raster::rasterize(span_of(lept_fixtures::encode_pdf(four, L_FLATE_ENCODE, 72)), limits)) ==
               core::reason::too_large);
    limits.max_pages = 4;
    BOOST_TEST(ok(raster::rasterize(span_of(lept_fixtures::encode_multipage_tiff(four)), limits)).pages.size() == 4u);
    BOOST_TEST(ok(raster::rasterize(span_of(lept_fixtures::encode_pdf(four, L_FLATE_ENCODE, 72)), limits)).pages.size() == 4u);
}

// The image dictionary's /Width and /Height are only what the file claims: the
// limit must hold for what would really be decoded (the JPEG's own header, the
// CCITT parameters' /Columns and /Rows).
BOOST_AUTO_TEST_CASE(pixel_limit_holds_when_the_image_dictionary_understates_the_size) {
    raster::Limits limits;
    limits.max_megapixels = 0.1;
    auto understate = [](const std::string& from, const std::string& to) {
        return [from, to](std::string& t) {
            const size_t at = t.find(from);
            if (at == std::string::npos) throw std::runtime_error("fixture: '" + from + "' not in the PDF");
            t.replace(at, from.size(), to);
        };
    };
    auto grey = lept_fixtures::gray_flat(600, 400, 200);  // 0.24 megapixels
    auto dct = lept_fixtures::encode_pdf({grey.get()}, L_JPEG_ENCODE, 72, understate("/Width 600\n/Height 400", "/Width 10\n/Height 10"));
    auto r = raster::rasterize(span_of(dct), limits);
    BOOST_TEST(reason_of(r) == core::reason::too_large, (r ? "decoded " + std::to_string(r->pages[0].width) + "x" + std::to_string(r->pages[0].height) : ""));

    auto fax = fax_like(1000, 500);  // 0.5 megapixels
    auto g4 = lept_fixtures::encode_pdf({fax.get()}, L_G4_ENCODE, 72, [&](std::string& t) {
        understate("/Width 1000\n/Height 500", "/Width 10\n/Height 10")(t);
        understate("/Columns 1000", "/Columns 1000 /Rows 500")(t);
    });
    r = raster::rasterize(span_of(g4), limits);
    BOOST_TEST(reason_of(r) == core::reason::too_large, (r ? "decoded " + std::to_string(r->pages[0].width) + "x" + std::to_string(r->pages[0].height) : ""));
}

// A 10×10 image whose Flate stream inflates to 128 MiB of zeros (about 130 KiB
// in the file): the raster stage takes the rows it needs and stops inflating.
BOOST_AUTO_TEST_CASE(a_flate_decompression_bomb_is_not_inflated) {
    std::string packed;
    {
        z_stream z{};
        BOOST_REQUIRE(deflateInit(&z, 9) == Z_OK);
        std::vector<unsigned char> zeros(1 << 20, 0), out(1 << 16);
        for (int i = 0; i <= 128; ++i) {
            const bool last = i == 128;
            z.next_in = zeros.data();
            z.avail_in = last ? 0 : static_cast<uInt>(zeros.size());
            do {
                z.next_out = out.data();
                z.avail_out = static_cast<uInt>(out.size());
                deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
                packed.append(reinterpret_cast<char*>(out.data()), out.size() - z.avail_out);
            } while (z.avail_out == 0);
        }
        deflateEnd(&z);
    }
    BOOST_REQUIRE(packed.size() < (1u << 20));
    const std::string pdf = one_image_pdf("/Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", packed, 10, 10);

    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    auto r = ok(raster::rasterize(span_of(pdf), {}));
    getrusage(RUSAGE_SELF, &after);
    BOOST_REQUIRE(r.pages.size() == 1u);
    BOOST_TEST(r.pages[0].width == 10);
    BOOST_TEST(r.pages[0].at(5, 5) == 0);
    // ru_maxrss is the peak, in KiB: inflating it all would raise it by 128 MiB.
    BOOST_TEST(after.ru_maxrss - before.ru_maxrss < 32 * 1024, "peak grew by " << (after.ru_maxrss - before.ru_maxrss) / 1024 << " MiB");
}

BOOST_AUTO_TEST_CASE(flate_images_with_png_predictors) {
    // Grey and RGB, with bright values (the average and Paeth filters overflow a signed byte).
    for (int comps : {1, 3}) {
        const int w = 61, h = 40;
        std::vector<std::uint8_t> px(static_cast<size_t>(w * h * comps));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w * comps; ++x)
                px[static_cast<size_t>(y * w * comps + x)] = static_cast<std::uint8_t>(x * 37 + y * 91 + (x * y) % 7 + 128);
        const std::string keys = std::string("/Width 61 /Height 40 /ColorSpace ") + (comps == 1 ? "/DeviceGray" : "/DeviceRGB") +
                                 " /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors " +
                                 std::to_string(comps) + " /BitsPerComponent 8 /Columns 61 >>";
        auto r = raster::rasterize(span_of(one_image_pdf(keys, zlib_pack(png_predicted(px, w, h, comps)), w, h)), {});
        BOOST_TEST_CONTEXT(comps << " component(s)") {
            BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().detail));
            BOOST_REQUIRE(r->pages.size() == 1u);
            const auto& g = r->pages[0];
            BOOST_REQUIRE(g.width == w);
            int wrong = 0;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const auto* p = &px[static_cast<size_t>((y * w + x) * comps)];
                    const int expected = comps == 1 ? p[0] : (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8;
                    wrong += g.at(x, y) != expected;
                }
            BOOST_TEST(wrong == 0, wrong << " pixels wrong");
        }
    }
}

BOOST_AUTO_TEST_CASE(flate_images_with_the_tiff_predictor) {
    const int w = 33, h = 9;
    std::string raw, predicted;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) raw.push_back(static_cast<char>((x * 29 + y * 7) & 0xff));
    for (int i = 0; i < w * h; ++i)
        predicted.push_back(static_cast<char>(i % w == 0 ? raw[static_cast<size_t>(i)] : raw[static_cast<size_t>(i)] - raw[static_cast<size_t>(i - 1)]));
    auto r = raster::rasterize(
        span_of(one_image_pdf("/Width 33 /Height 9 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                              "/DecodeParms << /Predictor 2 /Colors 1 /BitsPerComponent 8 /Columns 33 >>",
                              zlib_pack(predicted), w, h)),
        {});
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().detail));
    BOOST_TEST(std::string(r->pages[0].pixels.begin(), r->pages[0].pixels.end()) == raw);
}

BOOST_AUTO_TEST_CASE(corrupt_or_short_flate_image_data_is_unreadable) {
    const std::string keys = "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode";
    std::string rows;
    for (int i = 0; i < 100 * 100; ++i) rows.push_back(static_cast<char>((i * 7919) % 251));
    const std::string packed = zlib_pack(rows);
    BOOST_TEST(reason_of(raster::rasterize(span_of(one_image_pdf(keys, packed, 100, 100)), {})) == "ok");
    // Cut short: fewer rows than the image has.
    BOOST_TEST(reason_of(raster::rasterize(span_of(one_image_pdf(keys, packed.substr(0, packed.size() / 2), 100, 100)), {})) ==
               core::reason::unreadable);
    // Garbage after the zlib header.
    std::string garbage = packed.substr(0, 2) + std::string(packed.size() - 2, '\xff');
    BOOST_TEST(reason_of(raster::rasterize(span_of(one_image_pdf(keys, garbage, 100, 100)), {})) == core::reason::unreadable);
    // Fewer rows than the image says, whole and valid.
    BOOST_TEST(reason_of(raster::rasterize(span_of(one_image_pdf(keys, zlib_pack(rows.substr(0, 5000)), 100, 100)), {})) ==
               core::reason::unreadable);
    // A predictor nobody defined: not ours to decode, so the renderer draws what it can.
    auto odd = raster::rasterize(span_of(one_image_pdf(keys + " /DecodeParms << /Predictor 7 >>", packed, 100, 100)), {});
    BOOST_REQUIRE(odd.has_value());
    BOOST_TEST(odd->rendered.at(0));
}

BOOST_AUTO_TEST_CASE(pdf_object_limit) {
    auto p = lept_fixtures::gray_flat(50, 70, 255);
    auto pdf = lept_fixtures::encode_pdf({p.get(), p.get(), p.get()}, L_FLATE_ENCODE, 72);
    raster::Limits limits;
    limits.max_pdf_objects = 4;
    auto r = raster::rasterize(span_of(pdf), limits);
    BOOST_TEST(reason_of(r) == core::reason::too_large);
    if (!r) BOOST_TEST(r.error().detail.find("objects") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
