#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include "registry/registry_import.hpp"
#include "test_support.hpp"

#include <algorithm>

namespace {
const core::SubscriptionFormat k_format{4, 10};

bool has_problem(const std::vector<registry::ImportProblem>& ps, const std::string& path, const std::string& word) {
    return std::any_of(ps.begin(), ps.end(), [&](auto& p) {
        return p.path == path && p.message.find(word) != std::string::npos;
    });
}
}  // namespace

BOOST_AUTO_TEST_SUITE(registry_import)

BOOST_AUTO_TEST_CASE(shipped_sample_registry_is_valid) {
    auto text = test_support::read_file(test_support::source_dir() / "data" / "sample-registry.json");
    auto r = registry::parse_registry(text, k_format);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->bureaus.size() == 4u);
    BOOST_TEST(r->clients.size() == 5u);
    BOOST_TEST(r->clients[4].orgnr == "19811218-9876");  // a sole trader's personal number
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_with_its_path_in_one_run) {
    const char* text = R"({
      "bureaus": [
        {"orgnr": "559123-4562", "name": "Fel Kontroll AB", "product": "digital_byra", "users": []},
        {"orgnr": "559234-5671", "name": "", "product": "fortnox", "multi_company": "yes",
         "users": [{"username": "u1", "name": "U", "email": "not-an-email", "role": "boss"},
                   {"username": "u1", "name": "U2", "email": "u2@x.example", "role": "admin"}]},
        {"orgnr": "559234-5671", "name": "Dubblett AB", "product": "klienthanterare"}
      ],
      "clients": [
        {"orgnr": "559456-7892", "subscription": "12", "name": "K", "multi_company": false,
         "users": [{"name": "A", "email": "a@k.example", "role": "system_administrator"},
                   {"name": "B", "email": "a@k.example", "role": "owner"}]},
        {"subscription": "100234", "name": "Saknar Orgnr", "multi_company": false},
        "not an object"
      ]
    })";
    auto r = registry::parse_registry(text, k_format);
    BOOST_TEST_REQUIRE(!r.has_value());
    auto& ps = r.error();
    BOOST_TEST(has_problem(ps, "$.bureaus[0].orgnr", "check digit"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].name", "empty"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].product", "fortnox"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].multi_company", "true or false"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].users[0].email", "e-mail"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].users[0].role", "boss"));
    BOOST_TEST(has_problem(ps, "$.bureaus[1].users[1].username", "twice"));
    BOOST_TEST(has_problem(ps, "$.bureaus[2].orgnr", "twice"));
    BOOST_TEST(has_problem(ps, "$.clients[0].subscription", "digits"));
    BOOST_TEST(has_problem(ps, "$.clients[0].users[1].email", "twice"));
    BOOST_TEST(has_problem(ps, "$.clients[0].users[1].role", "owner"));
    BOOST_TEST(has_problem(ps, "$.clients[1].orgnr", "missing"));
    BOOST_TEST(has_problem(ps, "$.clients[2]", "object"));
    BOOST_TEST(ps.size() == 13u);
}

BOOST_AUTO_TEST_CASE(bad_json_and_wrong_shape) {
    auto r = registry::parse_registry("{\"bureaus\": [", k_format);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error()[0].message.find("JSON") != std::string::npos);
    auto r2 = registry::parse_registry("[1,2]", k_format);
    BOOST_TEST_REQUIRE(!r2.has_value());
    auto r3 = registry::parse_registry("{}", k_format);
    BOOST_TEST_REQUIRE(!r3.has_value());
    BOOST_TEST(has_problem(r3.error(), "$.bureaus", "missing"));
    BOOST_TEST(has_problem(r3.error(), "$.clients", "missing"));
}

BOOST_AUTO_TEST_CASE(numbers_are_canonicalised) {
    auto r = registry::parse_registry(
        R"({"bureaus":[{"orgnr":"5591234561","name":"B","product":"digital_byra"}],
            "clients":[{"orgnr":"16556612-3450","subscription":"100 871","name":"C","multi_company":true}]})",
        k_format);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->bureaus[0].orgnr == "559123-4561");
    BOOST_TEST(r->clients[0].orgnr == "556612-3450");
    BOOST_TEST(r->clients[0].subscription == "100871");
    BOOST_TEST(r->clients[0].multi_company);
}

BOOST_AUTO_TEST_SUITE_END()
