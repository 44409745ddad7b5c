// forms/linkage-form-v1.pdf is what staff download and print. The generator
// is deterministic, so "the committed file matches the template" is a byte
// comparison of content (no timestamps are in either).
#include <boost/test/unit_test.hpp>

#include "forms/form_pdf.hpp"
#include "page_image.hpp"
#include "test_support.hpp"

BOOST_AUTO_TEST_SUITE(committed_form)

BOOST_AUTO_TEST_CASE(committed_blank_form_matches_what_the_template_produces) {
    auto committed = test_support::source_dir() / "forms" / "linkage-form-v1.pdf";
    BOOST_TEST_REQUIRE(std::filesystem::exists(committed));
    auto produced = forms::render_form_pdf(forms_test::source_template(), {}, std::nullopt, forms_test::font_dir());
    BOOST_TEST_REQUIRE(produced.has_value());
    const bool same = test_support::read_file(committed) == *produced;
    BOOST_TEST(same, "forms/linkage-form-v1.pdf is out of date with templates/linkage-form.v1.json: "
                     "run 'ninja -C <build> forms' and commit the result");
}

BOOST_AUTO_TEST_CASE(form_target_and_cli_write_the_same_bytes) {
    test_support::TempDir dir;
    auto out = dir.path() / "blank.pdf";
    auto r = test_support::run_linkage({"form", "blank", "-o", out.string()});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto produced = forms::render_form_pdf(forms_test::source_template(), {}, std::nullopt, forms_test::font_dir());
    BOOST_TEST_REQUIRE(produced.has_value());
    BOOST_TEST((test_support::read_file(out) == *produced));
}

BOOST_AUTO_TEST_SUITE_END()
