// Issue 17: help that does not drift from the parsers, and passwords typed on a terminal.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

std::string h(const test_support::TempDir& d) { return (d.path() / "home").string(); }

void init_home(const test_support::TempDir& d) {
    BOOST_TEST_REQUIRE(run_linkage({"--home", h(d), "init"}).exit_code == 0);
    BOOST_TEST_REQUIRE(run_linkage({"--home", h(d), "registry", "import",
                                    (test_support::source_dir() / "data/sample-registry.json").string()})
                           .exit_code == 0);
}

// The commands `linkage --help` lists (two-space indent, name first).
std::vector<std::string> listed_commands() {
    auto r = run_linkage({"--help"});
    std::vector<std::string> out;
    std::istringstream in(r.out);
    static const std::regex line(R"(^  ([a-z][a-z-]*)\s{2,}.*)");
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_match(l, m, line)) out.push_back(m[1]);
    }
    return out;
}

// The options a parser accepts, from its refusal of an unknown one.
std::set<std::string> accepted(const test_support::RunResult& r) {
    std::set<std::string> out;
    auto at = r.err.find("accepted here: ");
    if (at == std::string::npos) return out;
    auto list = r.err.substr(at + 15, r.err.find(';', at) - at - 15);
    static const std::regex opt(R"(--([a-z][a-z-]*))");
    for (std::sregex_iterator it(list.begin(), list.end(), opt), end; it != end; ++it) out.insert((*it)[1]);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_help)

BOOST_AUTO_TEST_CASE(every_command_help_lists_every_option_its_parser_accepts) {
    test_support::TempDir d;
    init_home(d);
    // Each command, and the subcommands whose parsers differ, asked with an option no parser knows.
    std::vector<std::vector<std::string>> probes;
    const auto commands = listed_commands();
    BOOST_TEST_REQUIRE(commands.size() >= 20u);
    for (auto& c : commands) probes.push_back({c});
    probes.push_back({"user", "add-staff", "x"});
    probes.push_back({"user", "token", "x"});
    probes.push_back({"mail", "send"});
    probes.push_back({"form", "blank"});
    probes.push_back({"form", "prefill"});
    probes.push_back({"review", "list"});
    probes.push_back({"registry", "list"});
    int checked = 0;
    for (auto& p : probes) {
        std::vector<std::string> args{"--home", h(d)};
        args.insert(args.end(), p.begin(), p.end());
        args.push_back("--zz-no-such-option");
        auto r = run_linkage(args);
        BOOST_TEST_INFO(p[0] << (p.size() > 1 ? " " + p[1] : "") << ": " << r.err);
        if (r.err.find("accepted here: ") == std::string::npos) {
            // Commands that need a subcommand first refuse before their parser runs.
            BOOST_TEST(r.exit_code == 2);
            continue;
        }
        BOOST_TEST(r.exit_code == 2);
        auto help = run_linkage({p[0], "--help"});
        BOOST_TEST(help.exit_code == 0);
        BOOST_TEST(help.out.find("usage: ") != std::string::npos);
        for (auto& o : accepted(r)) {
            BOOST_TEST_INFO("option --" << o << " of " << p[0]);
            const bool listed = help.out.find("--" + o) != std::string::npos ||
                                (o == "out" && help.out.find("-o ") != std::string::npos);
            BOOST_TEST(listed);
            ++checked;
        }
    }
    BOOST_TEST(checked >= 30);
}

BOOST_AUTO_TEST_CASE(help_texts_named_in_issue_17) {
    BOOST_TEST(run_linkage({"watch", "--help"}).out.find("--no-progress") != std::string::npos);
    BOOST_TEST(run_linkage({"mail", "--help"}).out.find("--lease-seconds") != std::string::npos);
    auto cl = run_linkage({"client-list", "--help"}).out;
    BOOST_TEST(cl.find("consultant") != std::string::npos);  // a description, not just the usage line
    test_support::TempDir d;
    init_home(d);
    auto u = run_linkage({"--home", h(d), "user"});
    BOOST_TEST(u.exit_code == 2);
    BOOST_TEST(u.err.find("add-staff") != std::string::npos, u.err);
}

BOOST_AUTO_TEST_CASE(password_on_a_terminal_is_asked_twice_without_echo) {
    test_support::TempDir d;
    init_home(d);
    const auto script = (test_support::source_dir() / "tests/cli/tty_password.py").string();
    auto run = [&](const std::string& first, const std::string& second, const std::string& args) {
        const auto out = d.path() / "tty.out";
        const auto cmd = "/usr/bin/python3 '" + script + "' '" + test_support::linkage_bin().string() + "' '" + first +
                         "' '" + second + "' -- --home '" + h(d) + "' " + args + " > '" + out.string() + "' 2>&1";
        BOOST_TEST_REQUIRE(test_support::run_shell(cmd) == 0);
        return test_support::read_file(out);
    };
    auto same = run("Hemligt-Lösen-1", "Hemligt-Lösen-1", "user add-staff eva.staff");
    BOOST_TEST(same.find("Nytt lösenord") != std::string::npos, same);
    BOOST_TEST(same.find("Upprepa lösenordet") != std::string::npos, same);
    BOOST_TEST(same.find("Hemligt-Lösen-1") == std::string::npos, same);  // never echoed
    BOOST_TEST(same.find("EXIT 0") != std::string::npos, same);
    auto differ = run("Hemligt-Lösen-1", "Hemligt-Lösen-2", "user password anna.norrsken");
    BOOST_TEST(differ.find("inte lika") != std::string::npos, differ);
    BOOST_TEST(differ.find("EXIT 6") != std::string::npos, differ);
    BOOST_TEST(differ.find("Hemligt-Lösen") == std::string::npos, differ);
    auto shorter = run("kort", "kort", "user password anna.norrsken");
    BOOST_TEST(shorter.find("minst 10 tecken") != std::string::npos, shorter);
    BOOST_TEST(shorter.find("EXIT 6") != std::string::npos, shorter);
    auto set = run("Hemligt-Lösen-1", "Hemligt-Lösen-1", "user password anna.norrsken");
    BOOST_TEST(set.find("password set for anna.norrsken") != std::string::npos, set);
    // Not a terminal: the first line of standard input, as before (scripts).
    auto piped = run_linkage({"--home", h(d), "user", "password", "anna.norrsken"}, "ett-annat-lösen\n");
    BOOST_TEST(piped.exit_code == 0, piped.err);
    BOOST_TEST(piped.err.find("Nytt lösenord") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
