// `linkage form blank|prefill` through the real binary: exit codes, refusals,
// and the pending paper linkage that a pre-filled form's reference code names.
#include <boost/test/unit_test.hpp>

#include "page_image.hpp"
#include "store/linkage_repo.hpp"
#include "test_support.hpp"

using test_support::run_linkage;
using test_support::TempDir;

namespace {

struct Home {
    TempDir dir;
    std::string home() const { return (dir.path() / "home").string(); }
    Home() {
        auto init = run_linkage({"--home", home(), "init"});
        BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
        auto imp = run_linkage({"--home", home(), "registry", "import",
                                (test_support::source_dir() / "data" / "sample-registry.json").string()});
        BOOST_TEST_REQUIRE(imp.exit_code == 0, imp.err);
    }
    test_support::RunResult prefill(const std::string& bureau, const std::string& client, const std::string& out) {
        return run_linkage({"--home", home(), "form", "prefill", "--bureau", bureau, "--client", client, "-o", out});
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(form_cli)

BOOST_AUTO_TEST_CASE(blank_needs_no_state_directory) {
    TempDir dir;
    auto out = dir.path() / "blank.pdf";
    auto r = run_linkage({"--home", (dir.path() / "nowhere").string(), "form", "blank", "-o", out.string()});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(std::filesystem::file_size(out) > 10000u);
    BOOST_TEST(!std::filesystem::exists(dir.path() / "nowhere"));
}

BOOST_AUTO_TEST_CASE(usage_errors) {
    BOOST_TEST(run_linkage({"form"}).exit_code == 2);
    BOOST_TEST(run_linkage({"form", "print"}).exit_code == 2);
    BOOST_TEST(run_linkage({"form", "blank"}).exit_code == 2);  // no -o
    auto h = run_linkage({"form", "--help"});
    BOOST_TEST(h.exit_code == 0);
    BOOST_TEST(h.out.find("form prefill --bureau") != std::string::npos);
    TempDir dir;
    auto r = run_linkage({"--home", (dir.path() / "nowhere").string(), "form", "prefill", "--bureau", "559123-4561",
                          "--client", "100234", "-o", (dir.path() / "x.pdf").string()});
    BOOST_TEST(r.exit_code == 5);
    BOOST_TEST(r.err.find("init") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prefill_refuses_unknown_bureau_and_client) {
    Home h;
    auto out = (h.dir.path() / "f.pdf").string();
    auto b = h.prefill("556012-5790", "100234", out);  // valid number, not in the registry
    BOOST_TEST(b.exit_code == 6);
    BOOST_TEST(b.err.find("okänd byrå") != std::string::npos);
    BOOST_TEST(b.err.find("556012-5790") != std::string::npos);
    auto c = h.prefill("559123-4561", "556016-0680", out);
    BOOST_TEST(c.exit_code == 6);
    BOOST_TEST(c.err.find("okänd klient") != std::string::npos);
    auto s = h.prefill("559123-4561", "999999", out);  // unknown subscription number
    BOOST_TEST(s.exit_code == 6);
    BOOST_TEST(h.prefill("559123-4560", "100234", out).exit_code == 2);  // wrong check digit: not a number at all
    BOOST_TEST(!std::filesystem::exists(out));
    auto store = test_support::open_test_store(h.home());
    auto clock = test_support::test_clock();
    BOOST_TEST(store::LinkageRepo(*store, clock).count() == 0);
}

BOOST_AUTO_TEST_CASE(prefill_records_a_pending_paper_linkage_named_by_the_reference_code) {
    Home h;
    auto out = h.dir.path() / "f.pdf";
    auto r = h.prefill("559123-4561", "100234", out.string());  // client by subscription number
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto store = test_support::open_test_store(h.home());
    auto clock = test_support::test_clock();
    store::LinkageRepo repo(*store, clock);
    auto all = repo.list();
    BOOST_TEST_REQUIRE(all.size() == 1u);
    const auto& l = all[0];
    BOOST_TEST((l.state == core::LinkageState::requested));
    BOOST_TEST((l.source == core::LinkageSource::paper));
    BOOST_TEST(l.bureau_orgnr == "559123-4561");
    BOOST_TEST(l.client_orgnr == "559456-7892");
    BOOST_TEST_REQUIRE(l.reference_code.has_value());
    BOOST_TEST(r.out.find(*l.reference_code) != std::string::npos);

    auto fields = forms_test::read_fields(out);
    BOOST_TEST(fields["bureau_name"].value.value_or("") == "Redovisningsbyrån Norrsken AB");
    BOOST_TEST(fields["client_name"].value.value_or("") == "Åkesson Bygg & Måleri AB");
    BOOST_TEST(fields["client_orgnr"].value.value_or("") == "559456-7892");
    BOOST_TEST(fields["client_subscription"].value.value_or("") == "100234");
    BOOST_TEST(!fields["signer_name"].value.has_value());
    auto text = forms_test::shell("pdftotext '" + out.string() + "' -").out;
    BOOST_TEST(text.find(*l.reference_code) != std::string::npos);

    auto second = h.prefill("559123-4561", "559456-7892", (h.dir.path() / "g.pdf").string());  // same pair by orgnr
    BOOST_TEST(second.exit_code == 6);
    BOOST_TEST(second.err.find("requested") != std::string::npos);
    BOOST_TEST(!std::filesystem::exists(h.dir.path() / "g.pdf"));
    BOOST_TEST(repo.count() == 1);

    auto other = h.prefill("559234-5671", "5566123450", (h.dir.path() / "h.pdf").string());
    BOOST_TEST(other.exit_code == 0, other.err);
    auto again = repo.list();
    BOOST_TEST_REQUIRE(again.size() == 2u);
    BOOST_TEST(*again[1].reference_code != *l.reference_code);
}

BOOST_AUTO_TEST_SUITE_END()
