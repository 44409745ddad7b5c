#include <boost/test/unit_test.hpp>

#include "obs/metrics.hpp"
#include "test_support.hpp"

#include <limits>
#include <regex>
#include <sstream>
#include <thread>

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(text_format_0_0_4_exactly) {
    obs::Registry r;
    r.counter("linkage_http_requests_total", "HTTP requests by route and status", {{"route", "/api"}, {"status", "200"}})
        .inc(3);
    r.counter("linkage_http_requests_total", "ignored: first help wins", {{"status", "404"}, {"route", "/api"}}).inc();
    r.gauge("linkage_review_queue_length", "Forms waiting\nfor a person").set(4);
    auto& h = r.histogram("linkage_stage_seconds", "Stage latency", {0.1, 1}, {{"stage", "read"}});
    h.observe(0.1);   // on a bound: counted in that bucket (le)
    h.observe(0.5);
    h.observe(7);
    BOOST_TEST(r.render() ==
               "# HELP linkage_http_requests_total HTTP requests by route and status\n"
               "# TYPE linkage_http_requests_total counter\n"
               "linkage_http_requests_total{route=\"/api\",status=\"200\"} 3\n"
               "linkage_http_requests_total{route=\"/api\",status=\"404\"} 1\n"
               "# HELP linkage_review_queue_length Forms waiting\\nfor a person\n"
               "# TYPE linkage_review_queue_length gauge\n"
               "linkage_review_queue_length 4\n"
               "# HELP linkage_stage_seconds Stage latency\n"
               "# TYPE linkage_stage_seconds histogram\n"
               "linkage_stage_seconds_bucket{stage=\"read\",le=\"0.1\"} 1\n"
               "linkage_stage_seconds_bucket{stage=\"read\",le=\"1\"} 2\n"
               "linkage_stage_seconds_bucket{stage=\"read\",le=\"+Inf\"} 3\n"
               "linkage_stage_seconds_sum{stage=\"read\"} 7.6\n"
               "linkage_stage_seconds_count{stage=\"read\"} 3\n");
}

BOOST_AUTO_TEST_CASE(label_values_escaped_and_label_order_irrelevant) {
    obs::Registry r;
    auto& a = r.counter("x_total", "h", {{"b", "1"}, {"a", "2"}});
    auto& b = r.counter("x_total", "h", {{"a", "2"}, {"b", "1"}});
    BOOST_TEST(&a == &b);
    r.gauge("g", "h", {{"path", "C:\\in \"box\"\nx"}}).set(-1.5);
    BOOST_TEST(r.render().find("g{path=\"C:\\\\in \\\"box\\\"\\nx\"} -1.5\n") != std::string::npos, r.render());
}

BOOST_AUTO_TEST_CASE(misuse_is_refused) {
    obs::Registry r;
    r.counter("c_total", "h");
    BOOST_CHECK_THROW(r.gauge("c_total", "h"), std::invalid_argument);
    BOOST_CHECK_THROW(r.counter("1bad", "h"), std::invalid_argument);
    BOOST_CHECK_THROW(r.counter("bad-name", "h"), std::invalid_argument);
    BOOST_CHECK_THROW(r.counter("ok_total", "h", {{"__reserved", "x"}}), std::invalid_argument);
    BOOST_CHECK_THROW(r.counter("ok_total", "h", {{"a", "x"}, {"a", "y"}}), std::invalid_argument);
    BOOST_CHECK_THROW(r.histogram("h_seconds", "h", {1, 1}), std::invalid_argument);
    r.histogram("h2_seconds", "h", {1, 2});
    BOOST_CHECK_THROW(r.histogram("h2_seconds", "h", {1, 3}), std::invalid_argument);
    BOOST_CHECK_THROW(r.histogram("h3_seconds", "h", {1}, {{"le", "x"}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(concurrent_updates_lose_nothing) {
    obs::Registry r;
    auto& h = r.histogram("lat_seconds", "h", obs::latency_buckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            // Half the threads look their metric up every time (the registration path).
            for (int i = 0; i < 20000; ++i) {
                if (t % 2) r.counter("docs_total", "h", {{"outcome", "accepted"}}).inc();
                else r.counter("docs_total", "h", {{"outcome", "accepted"}}).inc(1);
                h.observe(0.002);
                r.gauge("inflight", "h").add(1);
            }
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(r.counter("docs_total", "h", {{"outcome", "accepted"}}).value() == 160000u);
    BOOST_TEST(h.count() == 160000u);
    BOOST_TEST(h.cumulative(0) == 0u);        // le 0.001
    BOOST_TEST(h.cumulative(1) == 160000u);   // le 0.005
    BOOST_TEST(r.gauge("inflight", "h").value() == 160000.0);
}

BOOST_AUTO_TEST_CASE(every_rendered_line_is_valid_exposition) {
    obs::Registry r;
    r.counter("a_total", "h", {{"k", "v"}}).inc();
    r.gauge("b", "h").set(1e-9);
    r.gauge("c", "h").set(std::numeric_limits<double>::infinity());
    r.histogram("d_seconds", "h", obs::latency_buckets()).observe(3);
    std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
    std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
                      R"((\+Inf|-Inf|NaN|-?[0-9.e+-]+)$)");
    std::istringstream in(r.render());
    std::string line;
    int samples = 0;
    while (std::getline(in, line)) {
        bool ok = std::regex_match(line, comment) || std::regex_match(line, sample);
        BOOST_TEST(ok, line);
        samples += line[0] != '#';
    }
    BOOST_TEST(samples == 3 + 14 + 1 + 2);
}

BOOST_AUTO_TEST_CASE(textfile_written_atomically) {
    test_support::TempDir dir;
    auto file = dir.path() / "linkage.prom";
    obs::write_textfile("a 1\n", file.string());
    obs::write_textfile("a 2\n", file.string());
    BOOST_TEST(test_support::read_file(file) == "a 2\n");
    int entries = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) entries += e.is_regular_file();
    BOOST_TEST(entries == 1);  // no temp file left behind
    BOOST_CHECK_THROW(obs::write_textfile("x", (dir.path() / "missing" / "f.prom").string()),
                      std::filesystem::filesystem_error);
}

BOOST_AUTO_TEST_SUITE_END()
