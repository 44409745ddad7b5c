#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include "core/clock.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

struct Home {
    test_support::TempDir dir;
    std::string home = (dir.path() / "home").string();
    Home() {
        BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
        BOOST_TEST_REQUIRE(run_linkage({"--home", home, "registry", "import",
                                        (test_support::source_dir() / "data/sample-registry.json").string()})
                               .exit_code == 0);
    }
    // Puts a file into the inbox as a scanner would: a temp name, then a rename; old enough to be taken.
    void drop(const fs::path& file, const std::string& name) {
        auto tmp = fs::path(home) / "inbox" / ("." + name + ".part");
        fs::copy_file(file, tmp);
        fs::last_write_time(tmp, fs::file_time_type::clock::now() - std::chrono::minutes(2));
        fs::rename(tmp, fs::path(home) / "inbox" / name);
    }
    std::vector<Poco::JSON::Object::Ptr> batch() {
        auto r = run_linkage({"--home", home, "batch", "--json", "--no-progress"});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        std::vector<Poco::JSON::Object::Ptr> out;
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) out.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
        return out;
    }
    std::string scalar_text(const std::string& sql) {
        auto c = test_support::open_test_store(home);
        auto s = c->prepare(sql);
        return s->step() ? s->get_text(0) : std::string();
    }
    std::string prefill(const std::string& client, const fs::path& out) {
        auto r = run_linkage({"--home", home, "form", "prefill", "--bureau", "559123-4561", "--client", client, "-o",
                              out.string()});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        return scalar_text("SELECT reference_code FROM linkages ORDER BY id DESC LIMIT 1");
    }
    void sign(const fs::path& pdf, const fs::path& jpg, const std::string& place, int quality = 85) {
        auto cmd = "/usr/bin/python3 " + (test_support::source_dir() / "tests/support/sign_prefilled.py").string() +
                   " '" + pdf.string() + "' '" + jpg.string() + "' 'Göran Fiskare' goran@oresundsfisk.example '" +
                   place + "' " + core_date() + " --quality " + std::to_string(quality);
        BOOST_TEST_REQUIRE(test_support::run_shell(cmd) == 0);
    }
    static std::string core_date() {
        auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - std::chrono::hours(48));
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
        return buf;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(paper_flow, Home)

BOOST_AUTO_TEST_CASE(born_digital_form_is_read_from_its_fields_and_its_rendered_page) {
    auto pdf = dir.path() / "prefilled.pdf";
    prefill("556612-3450", pdf);
    drop(pdf, "ifylld.pdf");
    auto out = batch();
    BOOST_TEST_REQUIRE(out.size() == 1u);
    // The AcroForm's values, exact (confidence 100) because the rendered page shows them too;
    // the signature judged on the rendered page: nothing drawn → rejected unsigned.
    BOOST_TEST(out[0]->getValue<std::string>("outcome") == "rejected");
    BOOST_TEST(out[0]->getArray("reasons")->getElement<std::string>(0) == "unsigned");
    BOOST_TEST(out[0]->getObject("fields")->getValue<std::string>("client_name") == "Öresunds Fisk AB");
    BOOST_TEST(out[0]->getObject("confidence")->getValue<double>("client_orgnr") == 100.0);
    BOOST_TEST(out[0]->getObject("timing_ms")->getValue<double>("read") > 0.0);  // the page was read (issue 14)
}

BOOST_AUTO_TEST_CASE(signed_prefilled_form_approves_its_own_linkage_and_a_rescan_is_evidence) {
    auto pdf = dir.path() / "prefilled.pdf";
    auto ref = prefill("100871", pdf);  // by subscription number
    BOOST_TEST_REQUIRE(!ref.empty());
    auto linkage = scalar_text("SELECT id FROM linkages WHERE reference_code = '" + ref + "'");
    sign(pdf, dir.path() / "scan1.jpg", "Malmö");
    drop(dir.path() / "scan1.jpg", "scan1.jpg");
    auto first = batch();
    BOOST_TEST_REQUIRE(first.size() == 1u);
    BOOST_TEST(first[0]->getValue<std::string>("outcome") == "accepted");
    BOOST_TEST(std::to_string(first[0]->getValue<std::int64_t>("linkage_id")) == linkage);
    BOOST_TEST(scalar_text("SELECT state || '/' || approved_via FROM linkages WHERE id = " + linkage) == "approved/paper");
    BOOST_TEST(scalar_text("SELECT reference_code FROM documents ORDER BY id LIMIT 1") == ref);

    // The same form scanned again (other bytes, same values): evidence, nothing changes.
    sign(pdf, dir.path() / "scan2.jpg", "Malmö", 70);
    drop(dir.path() / "scan2.jpg", "scan2.jpg");
    auto second = batch();
    BOOST_TEST_REQUIRE(second.size() == 1u);
    BOOST_TEST(second[0]->getValue<std::string>("outcome") == "accepted");
    BOOST_TEST(second[0]->getArray("reasons")->getElement<std::string>(0) == "already_linked");
    BOOST_TEST(scalar_text("SELECT count(*) FROM evidence WHERE linkage_id = " + linkage + " AND kind = 'paper_form'") == "2");

    // A rescan that says something else goes to a person.
    sign(pdf, dir.path() / "scan3.jpg", "Umeå");
    drop(dir.path() / "scan3.jpg", "scan3.jpg");
    auto third = batch();
    BOOST_TEST_REQUIRE(third.size() == 1u);
    BOOST_TEST(third[0]->getValue<std::string>("outcome") == "review");
    BOOST_TEST(third[0]->getArray("reasons")->getElement<std::string>(0) == "rescan_differs");
    BOOST_TEST(scalar_text("SELECT count(*) FROM linkages") == "1");
}

BOOST_AUTO_TEST_CASE(watch_takes_a_dropped_file_and_stops_on_sigterm) {
    int pid = test_support::spawn_linkage({"--home", home, "watch", "--json"}, dir.path() / "w.out", dir.path() / "w.err");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto pdf = dir.path() / "prefilled.pdf";
    prefill("559567-8904", pdf);
    drop(pdf, "ifylld.pdf");
    bool taken = false;
    for (int i = 0; i < 150 && !taken; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        taken = fs::is_empty(fs::path(home) / "inbox") &&
                test_support::read_file(dir.path() / "w.out").find("\"outcome\"") != std::string::npos;
    }
    BOOST_TEST(taken);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    bool report = false;
    for (auto& e : fs::directory_iterator(fs::path(home) / "reports"))
        report |= e.path().filename().string().rfind("watch-", 0) == 0;
    BOOST_TEST(report);
}

// Issue 17: files copied into the inbox a moment before `linkage batch` are
// taken by that run (it waits for them to settle, bounded), and what it leaves
// in the inbox is listed with why and when it is taken.
BOOST_AUTO_TEST_CASE(batch_takes_files_copied_a_moment_before_it_runs_and_lists_what_it_leaves) {
    auto a = dir.path() / "a.pdf", b = dir.path() / "b.pdf";
    prefill("556612-3450", a);
    prefill("559567-8904", b);
    const auto inbox = fs::path(home) / "inbox";
    fs::copy_file(a, inbox / "kopierad.pdf");  // fresh mtime: still settling when the batch starts
    // A copy still in progress while the batch runs: half now, the rest a second later.
    const auto size = fs::file_size(b);
    const auto half = std::to_string(size / 2);
    BOOST_TEST_REQUIRE(test_support::run_shell("( head -c " + half + " '" + b.string() + "'; sleep 1; tail -c +" +
                                               std::to_string(size / 2 + 1) + " '" + b.string() + "' ) > '" +
                                               (inbox / "pågår.pdf").string() + "' &") == 0);
    // Two that stay: a truncated PDF and a text file, both settled.
    {
        std::ofstream(inbox / "avbruten.pdf") << test_support::read_file(a).substr(0, 2000);
        std::ofstream(inbox / "anteckning.txt") << "hej";
        for (auto* n : {"avbruten.pdf", "anteckning.txt"})
            fs::last_write_time(inbox / n, fs::file_time_type::clock::now() - std::chrono::seconds(20));
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_linkage({"--home", home, "batch", "--json", "--no-progress"});
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    std::set<std::string> taken;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            taken.insert(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("file"));
    BOOST_TEST(taken.count("kopierad.pdf") == 1u, r.out << r.err);
    BOOST_TEST(taken.count("pågår.pdf") == 1u, r.out << r.err);
    BOOST_TEST(taken.size() == 2u);
    BOOST_TEST(secs < 2 + 10 + 20, "the wait is bounded by stable_seconds plus a margin; took " << secs << " s");
    BOOST_TEST(!fs::exists(inbox / "kopierad.pdf"));
    BOOST_TEST(!fs::exists(inbox / "pågår.pdf"));
    // The summary on stderr and the report name both files left, with why and when.
    BOOST_TEST(r.err.find("batch finished: 2 file(s)") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("waiting in the inbox: avbruten.pdf (incomplete:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("waiting in the inbox: anteckning.txt (unknown_type:") != std::string::npos, r.err);
    fs::path report;
    for (auto& e : fs::directory_iterator(fs::path(home) / "reports"))
        if (e.path().extension() == ".json") report = e.path();
    BOOST_TEST_REQUIRE(!report.empty());
    auto o = Poco::JSON::Parser().parse(test_support::read_file(report)).extract<Poco::JSON::Object::Ptr>();
    auto w = o->getArray("inbox_waiting");
    BOOST_TEST_REQUIRE(w->size() == 2u);
    std::map<std::string, Poco::JSON::Object::Ptr> by_name;
    for (unsigned i = 0; i < w->size(); ++i) by_name[w->getObject(i)->getValue<std::string>("file")] = w->getObject(i);
    BOOST_TEST_REQUIRE(by_name.count("avbruten.pdf") == 1u);
    BOOST_TEST(by_name["avbruten.pdf"]->getValue<std::string>("kind") == "incomplete");
    BOOST_TEST(by_name["anteckning.txt"]->getValue<std::string>("kind") == "unknown_type");
    // Taken at the give-up time (300 s after its last change): retry_at says when, the note in Swedish time.
    auto retry = core::parse_utc(by_name["avbruten.pdf"]->getValue<std::string>("retry_at"));
    auto from_now = std::chrono::duration_cast<std::chrono::seconds>(retry - std::chrono::system_clock::now()).count();
    BOOST_TEST((from_now > 200 && from_now <= 300), from_now);
    BOOST_TEST(by_name["avbruten.pdf"]->getValue<std::string>("note").find("ofullständig") != std::string::npos);
    BOOST_TEST(by_name["avbruten.pdf"]->getValue<std::string>("note").find("från kl. ") != std::string::npos);
}

// Issue 17 item 20: a rejected file dropped again is a duplicate of a REJECTED
// file: the note says so and where it lies, not "the original is in the archive".
BOOST_AUTO_TEST_CASE(a_rejected_file_dropped_again_is_not_called_archived) {
    auto pdf = dir.path() / "prefilled.pdf";
    prefill("556612-3450", pdf);
    drop(pdf, "osignerad.pdf");
    auto first = batch();
    BOOST_TEST_REQUIRE(first.size() == 1u);
    BOOST_TEST(first[0]->getValue<std::string>("outcome") == "rejected");
    drop(pdf, "osignerad igen.pdf");
    auto r = run_linkage({"--home", home, "batch", "--no-progress"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("duplicate  osignerad igen.pdf") != std::string::npos, r.out);
    BOOST_TEST(r.err.find("redan avvisats (som osignerad.pdf") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("saknar underskrift") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("ligger i rejected/") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("i arkivet") == std::string::npos, r.err);
    // The sidecar beside the rejected copy says the same.
    bool sidecar = false;
    for (auto& e : fs::directory_iterator(fs::path(home) / "rejected"))
        if (e.path().extension() == ".json" && e.path().filename().string().find("osignerad igen") != std::string::npos) {
            auto o = Poco::JSON::Parser().parse(test_support::read_file(e.path())).extract<Poco::JSON::Object::Ptr>();
            BOOST_TEST(o->getValue<std::string>("note_sv").find("redan avvisats") != std::string::npos);
            sidecar = true;
        }
    BOOST_TEST(sidecar);
}

BOOST_AUTO_TEST_SUITE_END()
