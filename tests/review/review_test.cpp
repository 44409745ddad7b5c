#define BOOST_TEST_MODULE review
#include <boost/test/unit_test.hpp>

#include "store/event_log.hpp"
#include "test_support.hpp"

#include <sys/wait.h>

#include <filesystem>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

// The README's demo leaves one document in review: a form signed by a client
// user who is not a system administrator (sample-005).
struct DemoHome {
    test_support::TempDir dir;
    std::string home = (dir.path() / "home").string();
    std::string id;
    DemoHome() {
        auto demo = run_linkage({"--home", home, "demo"});
        BOOST_TEST_REQUIRE(demo.exit_code == 0, demo.err);
        auto list = run_linkage({"--home", home, "review", "list", "--json"});
        auto pos = list.out.find("\"document_id\":");
        BOOST_TEST_REQUIRE(pos != std::string::npos, list.out);
        id = std::to_string(std::stoll(list.out.substr(pos + 14)));
    }
    std::int64_t scalar(const std::string& sql) {
        auto c = test_support::open_test_store(home);
        auto s = c->prepare(sql);
        s->step();
        return s->get_int(0);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(review_queue, DemoHome)

BOOST_AUTO_TEST_CASE(show_lists_values_confidences_crops_and_failed_checks) {
    auto r = run_linkage({"--home", home, "review", "show", id});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("signer_not_admin") != std::string::npos);
    BOOST_TEST(r.out.find("Mats Svensson") != std::string::npos);
    auto crop = r.out.find("crop ");
    BOOST_TEST_REQUIRE(crop != std::string::npos);
    auto path = r.out.substr(crop + 5, r.out.find('\n', crop) - crop - 5);
    BOOST_TEST(fs::file_size(path) > 100u);
    BOOST_TEST(r.out.find("page image ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hard_rule_needs_an_override_and_corrections_are_revalidated) {
    auto plain = run_linkage({"--home", home, "review", "approve", id});
    BOOST_TEST(plain.exit_code == 6);
    BOOST_TEST(plain.err.find("signer_not_admin") != std::string::npos);
    // A correction that is still wrong is caught by the same rules as the pipeline's.
    auto bad = run_linkage({"--home", home, "review", "approve", id, "--set", "client_orgnr=559456-7893"});
    BOOST_TEST(bad.exit_code == 6);
    BOOST_TEST(bad.err.find("orgnr_invalid") != std::string::npos);
    auto unknown = run_linkage({"--home", home, "review", "approve", id, "--set", "colour=blue"});
    BOOST_TEST(unknown.exit_code == 6);
    // Nothing changed by the refusals.
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action LIKE 'review_%'") == 0);
    auto over = run_linkage({"--home", home, "review", "approve", id, "--override",
                             "firmatecknare enligt bolagsverket", "--reviewer", "stina"});
    BOOST_TEST(over.exit_code == 0, over.err);
    BOOST_TEST(over.out.find("overridden: signer_not_admin") != std::string::npos);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='review_approved' AND actor='stina' "
                      "AND after LIKE '%firmatecknare%'") == 1);
}

BOOST_AUTO_TEST_CASE(corrections_are_events_and_approval_happens_once) {
    auto ok = run_linkage({"--home", home, "review", "approve", id, "--set", "signer_name=Karin Åkesson", "--set",
                           "signer_email=karin@akessonbygg.example", "--reviewer", "anna"});
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND actor='anna' "
                      "AND before LIKE '%Mats Svensson%' AND after LIKE '%Karin%'") == 1);
    auto twice = run_linkage({"--home", home, "review", "approve", id, "--reviewer", "bertil"});
    BOOST_TEST(twice.exit_code == 6);
    BOOST_TEST(twice.err.find("already approved by anna") != std::string::npos);
    auto rej = run_linkage({"--home", home, "review", "reject", id, "--reason", "fel"});
    BOOST_TEST(rej.exit_code == 6);
    BOOST_TEST(scalar("SELECT count(*) FROM documents WHERE review_state='approved' AND reviewed_by='anna'") == 1);
    BOOST_TEST(run_linkage({"--home", home, "review", "list"}).out.find("0 document(s)") == 0u);
}

BOOST_AUTO_TEST_CASE(two_reviewers_at_once_end_in_one_decision) {
    test_support::TempDir io;
    std::vector<int> pids;
    for (const char* who : {"r1", "r2", "r3", "r4"})
        pids.push_back(test_support::spawn_linkage(
            {"--home", home, "review", "approve", id, "--override", "samtidigt", "--reviewer", who},
            io.path() / (std::string(who) + ".out"), io.path() / (std::string(who) + ".err")));
    int ok = 0;
    for (int pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok;
    }
    BOOST_TEST(ok == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='review_approved'") == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM linkages WHERE state IN ('requested','approved','activated') GROUP BY "
                      "bureau_id, client_id ORDER BY 1 DESC LIMIT 1") == 1);
}

BOOST_AUTO_TEST_CASE(reject_needs_a_reason_and_is_recorded) {
    BOOST_TEST(run_linkage({"--home", home, "review", "reject", id}).exit_code == 6);
    auto r = run_linkage({"--home", home, "review", "reject", id, "--reason", "ej behörig", "--reviewer", "kim"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action='review_rejected' AND actor='kim' AND after LIKE "
                      "'%ej behörig%'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
