#define BOOST_TEST_MODULE obs
#include <boost/test/unit_test.hpp>

#include "core/log.hpp"

#include <regex>
#include <thread>
#include <vector>

BOOST_AUTO_TEST_SUITE(structured_log)

BOOST_AUTO_TEST_CASE(personal_numbers_are_masked_organisation_numbers_kept) {
    using core::mask_personal_numbers;
    BOOST_TEST(mask_personal_numbers("811218-9876") == "811218-****");
    BOOST_TEST(mask_personal_numbers("811218+9876") == "811218+****");
    BOOST_TEST(mask_personal_numbers("19811218-9876") == "19811218-****");
    BOOST_TEST(mask_personal_numbers("198112189876") == "19811218****");
    BOOST_TEST(mask_personal_numbers("8112189876") == "811218****");
    BOOST_TEST(mask_personal_numbers("811278-9876") == "811278-****");  // coordination number (day + 60)
    BOOST_TEST(mask_personal_numbers("client 811218-9876, bureau 556012-5790.") ==
               "client 811218-****, bureau 556012-5790.");
    BOOST_TEST(mask_personal_numbers("556012-5790") == "556012-5790");      // legal person: month 60
    BOOST_TEST(mask_personal_numbers("16556012-5790") == "16556012-5790");
    BOOST_TEST(mask_personal_numbers("2026-11-26T12:00:00Z") == "2026-11-26T12:00:00Z");
    BOOST_TEST(mask_personal_numbers("81121898765") == "81121898765");  // 11 digits: not a number we know
    BOOST_TEST(mask_personal_numbers("8112-189876") == "8112-189876");  // separator in the wrong place
    BOOST_TEST(mask_personal_numbers("a=811218-9876&b=640823-3234") == "a=811218-****&b=640823-****");
}

BOOST_AUTO_TEST_CASE(levels_parse_from_config_names) {
    BOOST_CHECK(core::parse_log_level("information").value() == core::LogLevel::info);
    BOOST_CHECK(core::parse_log_level("INFO").value() == core::LogLevel::info);
    BOOST_CHECK(core::parse_log_level("warn").value() == core::LogLevel::warning);
    BOOST_CHECK(core::parse_log_level("fatal").value() == core::LogLevel::critical);
    BOOST_TEST(!core::parse_log_level("loud"));
    BOOST_CHECK_THROW(core::configure_process_logger("loud"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(one_line_per_event_key_value_filtered_by_level) {
    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::info, [&](std::string_view l) { lines.emplace_back(l); });
    log.debug("hidden").kv("x", 1);
    log.info("document.done").kv("doc", 17).kv("outcome", "review").kv("note", "two words \"quoted\"").kv("ok", true);
    log.warning("slow").kv("seconds", 2.5);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    std::regex shape(R"(^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info event=document\.done doc=17 )"
                     R"(outcome=review note="two words \\"quoted\\"" ok=true$)");
    BOOST_TEST(std::regex_match(lines[0], shape), lines[0]);
    BOOST_TEST(lines[1].find(" level=warning event=slow seconds=2.5") != std::string::npos, lines[1]);
    BOOST_TEST(lines[0].find('\n') == std::string::npos);
    log.info("multi").kv("text", "a\nb");
    BOOST_TEST(lines.back().ends_with("text=\"a\\nb\""), lines.back());
}

BOOST_AUTO_TEST_CASE(tokens_and_personal_numbers_never_in_clear) {
    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::trace, [&](std::string_view l) { lines.emplace_back(l); });
    log.info("approval.opened")
        .kv("request", "r-42")
        .kv("token", "s3cr3t-token-value")
        .kv("api_token", "abc")
        .kv("smtp.password", "hunter2")
        .kv("Session", "cookie-value")
        .kv("client", "811218-9876")
        .kv("path", "/api/v1/clients?orgnr=19811218-9876");
    const std::string& l = lines.at(0);
    for (const char* secret : {"s3cr3t", "abc", "hunter2", "cookie-value", "9876"})
        BOOST_TEST(l.find(secret) == std::string::npos, secret << " in " << l);
    BOOST_TEST(l.find("token=*** api_token=*** smtp.password=*** Session=***") != std::string::npos, l);
    BOOST_TEST(l.find("client=811218-****") != std::string::npos, l);
    BOOST_TEST(l.find("orgnr=19811218-****") != std::string::npos, l);
    BOOST_TEST(l.find("request=r-42") != std::string::npos, l);
}

BOOST_AUTO_TEST_CASE(lines_from_many_threads_stay_whole) {
    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::info, [&](std::string_view l) { lines.emplace_back(l); });  // the logger serialises
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) log.info("tick").kv("thread", t).kv("i", i);
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(lines.size() == 2000u);
    std::regex shape(R"(^ts=\S+ level=info event=tick thread=\d i=\d+$)");
    for (auto& l : lines) BOOST_TEST_REQUIRE(std::regex_match(l, shape), l);
}

BOOST_AUTO_TEST_SUITE_END()
