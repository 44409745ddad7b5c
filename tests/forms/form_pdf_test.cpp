#define BOOST_TEST_MODULE forms
#include <boost/test/unit_test.hpp>

#include "forms/form_pdf.hpp"
#include "page_image.hpp"
#include "test_support.hpp"

using namespace forms_test;
using test_support::TempDir;

namespace {

const forms::FormValues k_prefill{{"bureau_name", "Redovisningsbyrån Norrsken AB"},
                                  {"bureau_orgnr", "559123-4561"},
                                  {"client_name", "Åkesson Bygg & Måleri AB"},
                                  {"client_orgnr", "559456-7892"},
                                  {"client_subscription", "100234"}};

std::filesystem::path write(const TempDir& dir, const std::string& name, const forms::FormValues& values,
                            const std::optional<std::string>& ref) {
    auto out = dir.path() / name;
    auto r = forms::write_form_pdf(source_template(), values, ref, font_dir(), out);
    BOOST_TEST_REQUIRE(r.has_value());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_pdf)

BOOST_AUTO_TEST_CASE(blank_and_prefilled_pass_qpdf_check) {
    TempDir dir;
    auto blank = write(dir, "blank.pdf", {}, std::nullopt);
    auto pre = write(dir, "pre.pdf", k_prefill, "CMQC-DWRD");
    for (auto& f : {blank, pre}) {
        auto r = shell("qpdf --check '" + f.string() + "' 2>&1");
        BOOST_TEST_INFO(r.out);
        BOOST_TEST(r.status == 0);
        BOOST_TEST(r.out.find("No syntax or stream encoding errors") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(field_names_and_rectangles_equal_the_template) {
    TempDir dir;
    auto t = source_template();
    auto fields = read_fields(write(dir, "blank.pdf", {}, std::nullopt));
    BOOST_TEST(fields.size() == t.fields.size() + 1);
    auto same_rect = [&](const FieldInfo& f, const core::Rect& r) {
        const double tol = 0.01;
        return std::abs(f.left - r.x) < tol && std::abs(f.width - r.w) < tol && std::abs(f.height - r.h) < tol &&
               std::abs(f.bottom - (t.page_height - r.y - r.h)) < tol;
    };
    for (const char* name : {"bureau_name", "bureau_orgnr", "client_name", "client_orgnr", "client_subscription",
                             "signer_name", "signer_email", "place", "date"}) {
        BOOST_TEST_INFO(name);
        BOOST_TEST_REQUIRE(fields.count(name) == 1u);
        BOOST_TEST(fields[name].type == "Tx");
        BOOST_TEST(same_rect(fields[name], t.field(name)->box));
        BOOST_TEST(!fields[name].value.has_value());
        BOOST_TEST((fields[name].flags & 1) == 0);  // not read-only: the client types into it
    }
    BOOST_TEST_REQUIRE(fields.count("signature") == 1u);
    BOOST_TEST(fields["signature"].type == "Sig");
    BOOST_TEST(same_rect(fields["signature"], t.signature));
    BOOST_TEST(!fields["signature"].value.has_value());
}

BOOST_AUTO_TEST_CASE(unsigned_signature_field_carries_no_signature_value) {
    TempDir dir;
    auto f = write(dir, "blank.pdf", {}, std::nullopt);
    auto bytes = test_support::read_file(f);
    BOOST_TEST(bytes.find("PPKLite") == std::string::npos);
    BOOST_TEST(bytes.find("/ByteRange") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(prefilled_values_read_back_from_the_acroform) {
    TempDir dir;
    auto fields = read_fields(write(dir, "pre.pdf", k_prefill, "CMQC-DWRD"));
    for (auto& [name, value] : k_prefill) {
        BOOST_TEST_INFO(name);
        BOOST_TEST_REQUIRE(fields[name].value.has_value());
        BOOST_TEST(*fields[name].value == value);
        BOOST_TEST((fields[name].flags & 1) == 1);  // read-only: tied to the reference code
    }
    for (const char* name : {"signer_name", "signer_email", "place", "date"}) {
        BOOST_TEST_INFO(name);
        BOOST_TEST(!fields[name].value.has_value());
    }
}

BOOST_AUTO_TEST_CASE(text_shows_swedish_letters_and_the_reference_code) {
    TempDir dir;
    auto f = write(dir, "pre.pdf", k_prefill, "CMQC-DWRD");
    auto text = shell("pdftotext -layout '" + f.string() + "' -").out;
    for (const char* s : {"Koppling av redovisningsbyrå och klient", "systemadministratör", "Datum (ÅÅÅÅ-MM-DD)",
                          "Namnförtydligande", "Underskrift", "KOPPLING v1", "CMQC-DWRD"}) {
        BOOST_TEST_INFO(s);
        BOOST_TEST(text.find(s) != std::string::npos);
    }
    auto fonts = shell("pdffonts '" + f.string() + "'").out;
    BOOST_TEST(fonts.find("DejaVuSans") != std::string::npos);
    BOOST_TEST(fonts.find("Identity-H       yes yes yes") != std::string::npos);  // embedded, subset, ToUnicode
}

BOOST_AUTO_TEST_CASE(output_is_deterministic) {
    auto t = source_template();
    auto a = forms::render_form_pdf(t, k_prefill, "CMQC-DWRD", font_dir());
    auto b = forms::render_form_pdf(t, k_prefill, "CMQC-DWRD", font_dir());
    auto c = forms::render_form_pdf(t, k_prefill, "CMQC-DWRE", font_dir());
    BOOST_TEST_REQUIRE((a && b && c));
    BOOST_TEST((*a == *b));
    BOOST_TEST((*a != *c));
    BOOST_TEST(a->find("CreationDate") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_values_are_errors_not_exceptions) {
    auto t = source_template();
    auto unknown = forms::render_form_pdf(t, {{"bureau_nmae", "x"}}, std::nullopt, font_dir());
    BOOST_TEST_REQUIRE(!unknown.has_value());
    BOOST_TEST(unknown.error().message.find("bureau_nmae") != std::string::npos);
    auto too_long = forms::render_form_pdf(t, {{"client_orgnr", "559456-78920000"}}, std::nullopt, font_dir());
    BOOST_TEST_REQUIRE(!too_long.has_value());
    BOOST_TEST(too_long.error().message.find("client_orgnr") != std::string::npos);
    // max_length counts characters, not UTF-8 bytes: 60 × 'Å' fits bureau_name.
    std::string sixty;
    for (int i = 0; i < 60; ++i) sixty += "Å";
    BOOST_TEST(forms::render_form_pdf(t, {{"bureau_name", sixty}}, std::nullopt, font_dir()).has_value());
}

BOOST_AUTO_TEST_CASE(missing_fonts_are_a_broken_environment) {
    BOOST_CHECK_THROW(forms::render_form_pdf(source_template(), {}, std::nullopt, "/nonexistent/fonts"),
                      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(write_is_atomic_and_leaves_no_temporary_file) {
    TempDir dir;
    auto out = dir.path() / "form.pdf";
    test_support::write_file(out, "old content");
    BOOST_TEST_REQUIRE(forms::write_form_pdf(source_template(), {}, std::nullopt, font_dir(), out).has_value());
    BOOST_TEST(test_support::read_file(out).rfind("%PDF-", 0) == 0u);
    int entries = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) {
        (void)e;
        ++entries;
    }
    BOOST_TEST(entries == 1);
    BOOST_CHECK_THROW(forms::write_form_pdf(source_template(), {}, std::nullopt, font_dir(),
                                            dir.path() / "missing-folder" / "form.pdf"),
                      std::filesystem::filesystem_error);
}

BOOST_AUTO_TEST_SUITE_END()
