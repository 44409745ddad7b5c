#include <boost/test/unit_test.hpp>

#include "core/rules.hpp"
#include "test_support.hpp"

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(shipped_exclusion_list_names_the_nine_from_the_seed) {
    auto r = test_support::shipped_rules();
    BOOST_TEST(r.exclusions.entries().size() == 9u);
    for (const char* name : {"Deloitte AB", "KPMG AB", "Aspia AB", "Grant Thornton Sweden AB", "Ludvig & Co AB",
                             "BDO Sweden AB", "Ernst & Young Aktiebolag", "EY AB", "Forvis Mazars AB", "Mazars AB",
                             "Riksteatern"}) {
        BOOST_TEST_INFO(name);
        BOOST_TEST(r.exclusions.match("", name) != nullptr);
    }
    for (const char* name : {"Redovisningsbyrån Norrsken AB", "Eyes Redovisning AB", "Bdoo Ekonomi AB", "Aspiration AB"}) {
        BOOST_TEST_INFO(name);
        BOOST_TEST(r.exclusions.match("", name) == nullptr);
    }
    // By organisation number, whatever the name says.
    BOOST_TEST(r.exclusions.match("556043-4465", "Helt Annat Namn AB") != nullptr);
}

BOOST_AUTO_TEST_CASE(legal_names_normalise) {
    BOOST_TEST(core::normalise_legal_name("Ludvig & Co AB") == "ludvig och co");
    BOOST_TEST(core::normalise_legal_name("ÅKESSON Bygg (publ)") == "åkesson bygg");
    BOOST_TEST(core::normalise_legal_name("  KPMG   Aktiebolag ") == "kpmg");
}

BOOST_AUTO_TEST_CASE(subscription_numbers) {
    core::SubscriptionFormat f{4, 10};
    BOOST_TEST(core::normalise_subscription("100 234", f).value() == "100234");
    BOOST_TEST(!core::normalise_subscription("123", f).has_value());
    BOOST_TEST(!core::normalise_subscription("12345678901", f).has_value());
    BOOST_TEST(!core::normalise_subscription("12a45", f).has_value());
    BOOST_TEST(!core::normalise_subscription("", f).has_value());
}

BOOST_AUTO_TEST_CASE(permission_catalogue) {
    auto r = test_support::shipped_rules();
    for (const char* code : {"bookkeeping", "invoicing", "payroll", "salaries", "reports", "archive", "administration"})
        BOOST_TEST(r.permissions.contains(code));
    BOOST_TEST(!r.permissions.contains("root"));
    BOOST_TEST(r.permissions.find("bookkeeping")->name_sv == "Bokföring");
}

BOOST_AUTO_TEST_CASE(malformed_rule_files_are_reported_by_name) {
    BOOST_CHECK_EXCEPTION(core::Rules::parse("{", "{}", "{}"), std::runtime_error, [](const std::runtime_error& e) {
        return std::string(e.what()).find("rules.json") != std::string::npos;
    });
    BOOST_CHECK_THROW(core::Rules::parse(R"({"subscription_number":{"min_digits":5,"max_digits":2}})",
                                         R"({"permissions":[]})", R"({"excluded":[]})"),
                      std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
