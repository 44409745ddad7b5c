// Security: the configured limits on one input file hold in a real batch —
// a PDF with more objects than `limits.max_pdf_objects` is refused as
// too_large before its pages are read; under the limit the same file goes
// on to be judged for what it is.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {

// One batch over the committed blank form (a born-digital PDF of some
// hundred objects, without values), with `env`; its JSON line.
std::string batch_over_the_blank_form(const std::vector<std::string>& env) {
    test_support::TempDir root;
    const std::string home = (root.path() / "home").string();
    BOOST_TEST_REQUIRE(test_support::run_linkage({"--home", home, "init"}).exit_code == 0);
    const fs::path target = fs::path(home) / "inbox" / "blank.pdf";
    fs::copy_file(test_support::source_dir() / "forms/linkage-form-v1.pdf", target);
    fs::last_write_time(target, fs::file_time_type::clock::now() - std::chrono::minutes(10));
    auto r = test_support::run_linkage({"--home", home, "batch", "--json", "--no-progress"}, {}, env);
    BOOST_TEST(r.exit_code == 0);
    return r.out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_limits)

BOOST_AUTO_TEST_CASE(a_pdf_over_the_object_limit_is_refused_as_too_large) {
    auto over = batch_over_the_blank_form({"LINKAGE_LIMITS_MAX_PDF_OBJECTS=10"});
    BOOST_TEST(over.find("\"outcome\":\"rejected\"") != std::string::npos);
    BOOST_TEST(over.find("\"too_large\"") != std::string::npos);
    auto under = batch_over_the_blank_form({});
    BOOST_TEST(under.find("\"outcome\":\"rejected\"") != std::string::npos);
    BOOST_TEST(under.find("\"too_large\"") == std::string::npos);  // judged for what it is instead
}

BOOST_AUTO_TEST_CASE(a_limit_out_of_range_is_a_configuration_error) {
    test_support::TempDir root;
    const std::string home = (root.path() / "home").string();
    BOOST_TEST_REQUIRE(test_support::run_linkage({"--home", home, "init"}).exit_code == 0);
    auto r = test_support::run_linkage({"--home", home, "config", "check"}, {}, {"LINKAGE_LIMITS_MAX_PDF_OBJECTS=3"});
    BOOST_TEST(r.exit_code == 4);
    BOOST_TEST(r.err.find("max_pdf_objects") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
