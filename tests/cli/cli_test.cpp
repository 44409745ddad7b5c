#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include "core/org_number.hpp"
#include "test_support.hpp"

#include <random>
#include <sstream>

using test_support::run_linkage;

BOOST_AUTO_TEST_SUITE(cli_exit_codes)

BOOST_AUTO_TEST_CASE(help_and_usage) {
    auto r = run_linkage({"--help"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("registry") != std::string::npos);
    for (const char* cmd : {"init", "registry", "orgnr", "linkages", "config", "demo"}) {
        auto h = run_linkage({cmd, "--help"});
        BOOST_TEST_INFO(cmd);
        BOOST_TEST(h.exit_code == 0);
        BOOST_TEST(h.out.find("usage: linkage") != std::string::npos);
    }
    BOOST_TEST(run_linkage({}).exit_code == 2);
    auto u = run_linkage({"frobnicate"});
    BOOST_TEST(u.exit_code == 2);
    BOOST_TEST(u.err.find("unknown command 'frobnicate'") != std::string::npos);
    BOOST_TEST(run_linkage({"orgnr", "--bogus"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(orgnr_arguments_and_stdin) {
    auto ok = run_linkage({"orgnr", "5560125790", "811218-9876"});
    BOOST_TEST(ok.exit_code == 0);
    BOOST_TEST(ok.out == "556012-5790\n19811218-9876\n");
    auto bad = run_linkage({"orgnr", "556012-5790", "556012-5791"});
    BOOST_TEST(bad.exit_code == 1);
    BOOST_TEST(bad.out.find("invalid: check_digit") != std::string::npos);
    auto in = run_linkage({"orgnr"}, "556016-0680\nabc\n\n");
    BOOST_TEST(in.exit_code == 1);
    BOOST_TEST(in.out == "556016-0680\ninvalid: characters: unexpected character at position 1: only digits and one "
                         "'-' or '+' are allowed\ninvalid: empty: no number given\n");
}

BOOST_AUTO_TEST_CASE(orgnr_agrees_with_an_independent_luhn_on_thousands_of_numbers) {
    // Independent reference: legal-person numbers (third digit >= 2), valid
    // exactly when the Luhn sum over all ten digits is divisible by 10.
    std::mt19937 rng(42);
    std::ostringstream input;
    std::vector<bool> expected;
    for (int i = 0; i < 5000; ++i) {
        std::string d;
        d.push_back(static_cast<char>('1' + rng() % 9));
        d.push_back(static_cast<char>('0' + rng() % 10));
        d.push_back(static_cast<char>('2' + rng() % 8));
        for (int k = 0; k < 7; ++k) d.push_back(static_cast<char>('0' + rng() % 10));
        int sum = 0;
        for (int k = 0; k < 10; ++k) {
            int v = (d[static_cast<size_t>(k)] - '0') * (k % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }
        expected.push_back(sum % 10 == 0);
        input << (i % 2 ? d.substr(0, 6) + "-" + d.substr(6) : d) << '\n';
    }
    auto r = run_linkage({"orgnr"}, input.str());
    std::istringstream out(r.out);
    std::string line;
    size_t n = 0, valid = 0;
    while (std::getline(out, line)) {
        BOOST_TEST_REQUIRE(n < expected.size());
        bool got = line.rfind("invalid", 0) != 0;
        BOOST_TEST(got == expected[n], "line " << n << ": " << line);
        valid += got;
        ++n;
    }
    BOOST_TEST(n == expected.size());
    BOOST_TEST(valid > 300u);  // about one in ten
    BOOST_TEST(r.exit_code == 1);
}

BOOST_AUTO_TEST_CASE(init_import_list_and_errors) {
    test_support::TempDir dir;
    auto home = (dir.path() / "home").string();
    // No state directory yet.
    auto missing = run_linkage({"--home", home, "linkages"});
    BOOST_TEST(missing.exit_code == 5);
    BOOST_TEST(missing.err.find("run 'linkage --home") != std::string::npos);

    BOOST_TEST(run_linkage({"--home", home, "init"}).exit_code == 0);
    auto sample = (test_support::source_dir() / "data" / "sample-registry.json").string();
    auto imp = run_linkage({"--home", home, "registry", "import", sample});
    BOOST_TEST(imp.exit_code == 0, imp.err);
    auto again = run_linkage({"--home", home, "registry", "import", sample});
    BOOST_TEST(again.out.find("0 created, 0 updated, 0 deactivated") != std::string::npos, again.out);

    auto list = run_linkage({"--home", home, "registry", "list"});
    BOOST_TEST(list.out.find("Åkesson Bygg & Måleri AB") != std::string::npos);
    BOOST_TEST(list.out.find("KPMG AB  [digital_byra, paper form only]") != std::string::npos);

    auto nofile = run_linkage({"--home", home, "registry", "import", dir.path().string() + "/nope.json"});
    BOOST_TEST(nofile.exit_code == 3);
    test_support::write_file(dir.path() / "bad.json", R"({"bureaus":[{"orgnr":"1"}],"clients":[]})");
    auto bad = run_linkage({"--home", home, "registry", "import", (dir.path() / "bad.json").string()});
    BOOST_TEST(bad.exit_code == 3);
    BOOST_TEST(bad.err.find("$.bureaus[0].orgnr") != std::string::npos);
    BOOST_TEST(bad.err.find("nothing was imported") != std::string::npos);

    auto links = run_linkage({"--home", home, "linkages", "--json"});
    BOOST_TEST(links.exit_code == 0);
    BOOST_TEST(links.out == "[]\n");
}

BOOST_AUTO_TEST_CASE(config_errors_exit_4) {
    test_support::TempDir dir;
    test_support::write_file(dir.path() / "bad.ini", "[server]\nport = seventy\n");
    auto r = run_linkage({"--home", dir.path().string(), "--config", (dir.path() / "bad.ini").string(), "config", "check"});
    BOOST_TEST(r.exit_code == 4);
    BOOST_TEST(r.err.find("server.port") != std::string::npos);
    test_support::write_file(dir.path() / "unknown.ini", "[server]\nprot = 80\n");
    auto u = run_linkage({"--home", dir.path().string(), "--config", (dir.path() / "unknown.ini").string(), "config", "check"});
    BOOST_TEST(u.exit_code == 4);
    BOOST_TEST_REQUIRE(run_linkage({"--home", dir.path().string(), "init"}).exit_code == 0);  // folders exist
    auto env = run_linkage({"--home", dir.path().string(), "config", "check"}, "", {"LINKAGE_SMTP_PASSWORD=hemligt"});
    BOOST_TEST(env.exit_code == 0);
    BOOST_TEST(env.out.find("hemligt") == std::string::npos);
    BOOST_TEST(env.out.find("********") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreachable_store_exits_5) {
    test_support::TempDir dir;
    BOOST_TEST_REQUIRE(run_linkage({"--home", dir.path().string(), "init"}).exit_code == 0);
    auto r = run_linkage({"--home", dir.path().string(), "linkages"}, "",
                         {"LINKAGE_STORE_URL=sqlite:/nonexistent/dir/x.db"});
    BOOST_TEST(r.exit_code == 5);
    BOOST_TEST(r.err.find("store error") != std::string::npos);
    // Exactly one line.
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_SUITE_END()
