#include <boost/test/unit_test.hpp>

#include "obs/health.hpp"
#include "obs/product_metrics.hpp"
#include "obs/store_metrics.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

obs::HealthTargets targets_for(const fs::path& home) {
    obs::HealthTargets t;
    t.store.url = store::default_store_url(home);
    t.inbox = home / "inbox";
    t.home = home;
    return t;
}

const obs::HealthCheck& named(const obs::HealthReport& r, const std::string& name) {
    for (auto& c : r.checks)
        if (c.name == name) return c;
    throw std::runtime_error("no check " + name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(a_ready_home_is_healthy) {
    test_support::TempDir home;
    test_support::open_test_store(home.path());
    fs::create_directory(home.path() / "inbox");
    auto r = obs::check_health(targets_for(home.path()));
    BOOST_TEST(r.ok(), r.text());
    BOOST_TEST(r.text().starts_with("ok\nstore ok sqlite:"), r.text());
    BOOST_TEST(named(r, "inbox").detail.find("writable") != std::string::npos);
    BOOST_TEST(named(r, "pipeline").detail == "no batch or watch holds the pipeline lock");
    BOOST_TEST(r.json().starts_with("{\"status\":\"ok\",\"checks\":[{\"name\":\"store\",\"ok\":true,"), r.json());
    BOOST_TEST(std::distance(fs::directory_iterator(home.path() / "inbox"), fs::directory_iterator()) == 0);
}

BOOST_AUTO_TEST_CASE(missing_store_and_inbox_fail_without_creating_anything) {
    test_support::TempDir home;
    auto r = obs::check_health(targets_for(home.path()));
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.text().starts_with("fail\n"));
    BOOST_TEST(!named(r, "store").ok);
    BOOST_TEST(named(r, "store").detail.find("does not exist") != std::string::npos, named(r, "store").detail);
    BOOST_TEST(!fs::exists(home.path() / "linkage.db"));  // a probe never creates a store
    BOOST_TEST(!named(r, "inbox").ok);
    BOOST_TEST(named(r, "inbox").detail.find((home.path() / "inbox").string()) != std::string::npos);
    BOOST_TEST(r.json().find("\"status\":\"fail\"") != std::string::npos);
    // The inbox path taken by a plain file: not writable as a folder.
    test_support::write_file(home.path() / "inbox", "x");
    BOOST_TEST(!obs::check_writable("inbox", home.path() / "inbox").ok);
}

BOOST_AUTO_TEST_CASE(store_check_on_an_open_connection) {
    test_support::TempDir home;
    auto c = test_support::open_test_store(home.path());
    auto r = obs::check_store(*c);
    BOOST_TEST(r.ok);
    BOOST_TEST(r.detail == "SELECT 1 answered");
}

BOOST_AUTO_TEST_CASE(pipeline_lock_seen_without_taking_it) {
    test_support::TempDir home;
    BOOST_TEST(obs::check_pipeline(home.path(), false).ok);
    BOOST_TEST(!obs::check_pipeline(home.path(), true).ok);
    int fd = ::open(home.path().c_str(), O_RDONLY | O_DIRECTORY);  // batch/watch lock the state directory itself
    BOOST_TEST_REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    auto held = obs::check_pipeline(home.path(), true);
    BOOST_TEST(held.ok);
    BOOST_TEST(held.detail == "batch or watch running (pid " + std::to_string(::getpid()) + ")");
    ::close(fd);
    BOOST_TEST(!obs::check_pipeline(home.path(), true).ok);
}

BOOST_AUTO_TEST_CASE(store_metrics_count_what_the_store_holds) {
    test_support::TempDir home;
    auto c = test_support::open_test_store(home.path());
    const char* t = "'2026-11-26T12:00:00Z'";
    c->exec(std::string("INSERT INTO bureaus (orgnr, name, product, created_at, updated_at) VALUES "
                        "('556012-5790', 'B', 'digital_byra', ") + t + ", " + t + ");"
            "INSERT INTO clients (orgnr, subscription, name, created_at, updated_at) VALUES "
            "('556016-0680', '1234', 'C', " + t + ", " + t + ");"
            "INSERT INTO linkages (bureau_id, client_id, state, source, requested_by, created_at, updated_at) "
            "VALUES (1, 1, 'requested', 'paper', 'test', " + t + ", " + t + ");"
            "INSERT INTO inputs (sha256, file_name, size, container, stored_path, processed_at) VALUES "
            "('aa', 'a.pdf', 1, 'pdf', 'archive/a.pdf', " + t + ");"
            "INSERT INTO documents (sha256, form_index, outcome, reasons, fields, confidence, evidence, review_state, "
            "created_at) VALUES "
            "('aa', 1, 'review', '[\"low_confidence\",\"residual\"]', '{}', '{}', '{}', 'open', " + t + "),"
            "('aa', 2, 'review', '[\"low_confidence\"]', '{}', '{}', '{}', 'approved', " + t + "),"
            "('aa', 3, 'accepted', '[]', '{}', '{}', '{}', NULL, " + t + ");"
            "INSERT INTO mail_queue (message_id, recipient_name, recipient, subject, body, state, attempts, "
            "next_attempt_at, created_at) VALUES "
            "('m1', 'A', 'a@example.se', 's', 'b', 'queued', 2, " + t + ", " + t + "),"
            "('m2', 'A', 'a@example.se', 's', 'b', 'queued', 0, " + t + ", " + t + "),"
            "('m3', 'A', 'a@example.se', 's', 'b', 'sent', 1, " + t + ", " + t + ");");
    obs::Registry r;
    obs::collect_store_metrics(r, *c);
    std::string text = r.render();
    for (const char* line : {"linkage_store_up 1\n",
                             "linkage_documents{outcome=\"review\",reason=\"low_confidence\"} 2\n",
                             "linkage_documents{outcome=\"review\",reason=\"residual\"} 1\n",
                             "linkage_documents{outcome=\"accepted\",reason=\"none\"} 1\n",
                             "linkage_review_queue_length 1\n",
                             "linkage_linkages{source=\"paper\",state=\"requested\"} 1\n",
                             "linkage_linkages{source=\"digital\",state=\"activated\"} 0\n",
                             "linkage_mail_queue_length 2\n", "linkage_mail_queue_failing 1\n",
                             "linkage_mail_sent 1\n"})
        BOOST_TEST(text.find(line) != std::string::npos, line << " missing from\n" << text);
    c->exec("DROP TABLE mail_queue");
    BOOST_CHECK_THROW(obs::collect_store_metrics(r, *c), store::StoreError);
    BOOST_TEST(r.render().find("linkage_store_up 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(metrics_page_joins_store_gauges_and_recorded_metrics) {
    test_support::TempDir home;
    auto c = test_support::open_test_store(home.path());
    obs::record_http_request("/api/v1/clients", 200, 0.003);
    obs::record_http_request("/api/v1/clients", 200, 0.2);
    obs::record_stage("read", 1.2);
    obs::record_document("review", {"low_confidence", "residual"});
    obs::record_document("accepted", {});
    std::string page = obs::metrics_page(*c);
    for (const char* line : {"linkage_store_up 1\n",
                             "linkage_http_requests_total{route=\"/api/v1/clients\",status=\"200\"} 2\n",
                             "linkage_http_request_seconds_bucket{route=\"/api/v1/clients\",le=\"0.005\"} 1\n",
                             "linkage_http_request_seconds_count{route=\"/api/v1/clients\"} 2\n",
                             "linkage_stage_seconds_bucket{stage=\"read\",le=\"2.5\"} 1\n",
                             "linkage_documents_processed_total{outcome=\"review\",reason=\"residual\"} 1\n",
                             "linkage_documents_processed_total{outcome=\"accepted\",reason=\"none\"} 1\n"})
        BOOST_TEST(page.find(line) != std::string::npos, line << " missing from\n" << page);
    c->exec("DROP TABLE mail_queue");
    BOOST_TEST(obs::metrics_page(*c).find("linkage_store_up 0\n") != std::string::npos);  // no throw
}

BOOST_AUTO_TEST_SUITE_END()
