// `linkage registry import` end to end (issue 16 items 3, 11): a hostile
// address refuses the whole file with its JSON path and nothing is stored;
// a look-alike bureau name is imported with a warning on stderr; re-import
// stays idempotent.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace test_support;

namespace {

std::string registry_json(const std::string& second_bureau, const std::string& admin_email) {
    return R"({"bureaus":[
      {"orgnr":"559123-4561","name":"Ekonomihuset AB","product":"digital_byra",
       "users":[{"username":"eva","name":"Eva","email":"eva@ekonomihuset.example","role":"admin"}]},
      {"orgnr":"559234-5671","name":")" + second_bureau + R"(","product":"digital_byra","users":[]}],
     "clients":[{"orgnr":"556612-3450","subscription":"100871","name":"Klient AB","multi_company":false,
       "users":[{"name":"Karin","email":")" + admin_email + R"(","role":"system_administrator"}]}]})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(registry_cli)

BOOST_AUTO_TEST_CASE(a_hostile_address_refuses_the_file_and_imports_nothing) {
    TempDir dir;
    const auto home = (dir.path() / "home").string();
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    const auto file = dir.path() / "r.json";
    write_file(file, registry_json("Byrå Två AB", "karin@klient.example>\\r\\nRCPT TO:<attacker@evil.example"));
    auto r = run_linkage({"--home", home, "registry", "import", file.string()});
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("$.clients[0].users[0].email") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("nothing was imported") != std::string::npos);
    auto list = run_linkage({"--home", home, "registry", "list", "--json"});
    BOOST_TEST(list.out.find("Ekonomihuset") == std::string::npos, list.out);
}

BOOST_AUTO_TEST_CASE(a_confusable_bureau_name_is_warned_and_reimport_changes_nothing) {
    TempDir dir;
    const auto home = (dir.path() / "home").string();
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    const auto file = dir.path() / "r.json";
    write_file(file, registry_json("Ekon\\u043emihuset AB", "karin@klient.example"));  // Cyrillic о
    auto first = run_linkage({"--home", home, "registry", "import", file.string()});
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
    BOOST_TEST(first.err.find("warning") != std::string::npos, first.err);
    BOOST_TEST(first.err.find("$.bureaus[1].name") != std::string::npos, first.err);
    BOOST_TEST(first.err.find("looks confusingly like 'Ekonomihuset AB'") != std::string::npos, first.err);
    auto again = run_linkage({"--home", home, "registry", "import", file.string()});
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
    BOOST_TEST(again.out.find("0 created, 0 updated, 0 deactivated") != std::string::npos, again.out);
}

BOOST_AUTO_TEST_SUITE_END()
