#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include "registry/registry_import.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

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

// One bureau and one client; `email` and `name` are JSON string bodies
// (escapes allowed) for the client's administrator.
std::string registry_with(const std::string& email, const std::string& bureau_name = "Byrå AB",
                          const std::string& client_name = "Klient AB") {
    return R"({"bureaus":[{"orgnr":"559123-4561","name":")" + bureau_name +
           R"(","product":"digital_byra","users":[{"username":"u1","name":"U","email":"u1@byra.example","role":"admin"}]}],
               "clients":[{"orgnr":"556612-3450","subscription":"100871","name":")" +
           client_name + R"(","multi_company":false,
                 "users":[{"name":"Anna","email":")" + email + R"(","role":"system_administrator"}]}]})";
}

const std::string k_admin_email_path = "$.clients[0].users[0].email";

BOOST_AUTO_TEST_CASE(a_clean_registry_is_imported_unchanged) {
    auto r = registry::parse_registry(registry_with("anna.berg+koppla@klient-ab.example.se", "Byrå Åkesson & Öhman AB"),
                                      k_format);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->clients[0].users[0].email == "anna.berg+koppla@klient-ab.example.se");
    BOOST_TEST(r->bureaus[0].name == "Byrå Åkesson & Öhman AB");
    BOOST_TEST(registry::registry_warnings(*r).empty());
}

// Issue 16 item 3: an address that would smuggle SMTP commands (or break
// the envelope) is refused at import, with its path, and nothing is imported.
BOOST_AUTO_TEST_CASE(hostile_or_malformed_addresses_are_refused_with_their_path) {
    const std::string long_local(64, 'a');
    // 64 + 1 + 190 = 255 octets: one over RFC 5321's 254.
    const std::string domain_255 = std::string(63, 'd') + "." + std::string(63, 'e') + "." + std::string(54, 'f') + ".example";
    BOOST_TEST_REQUIRE((long_local + "@" + domain_255).size() == 255u);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a@x.example\\r\\nRCPT TO:<attacker@evil.example>", "control character"},
        {"a@x.example\\nRCPT TO:attacker@evil.example", "control character"},
        {"a@x.example>", "not allowed"},
        {"a>b@x.example", "not allowed"},
        {"a@x.example\\u0000", "NUL"},
        {"a\\u0007b@x.example", "control character"},
        {"a\\u202eb@x.example", "bidirectional"},
        {std::string(2990, 'a') + "@x.example", "at most 254"},
        {long_local + "@" + domain_255, "at most 254"},
        {std::string(65, 'a') + "@x.example", "at most 64"},
        {"a@" + std::string(64, 'd') + ".example", "at most 63"},
        {"\\\"anna berg\\\"@x.example", "quoted"},
        {"anna@localhost", "without a dot"},
        {"anna@x..example", "empty label"},
        {".anna@x.example", "dot"},
        {"anna@-x.example", "'-'"},
        {"anna@[192.0.2.1]", "literal"},
        {"anna@x_y.example", "not allowed"},
        {"anna@b@x.example", "more than one"},
        {"anna@bolaget.sverige.example\\u00e5", "non-ASCII"},
        {"ånna@x.example", "SMTPUTF8"},
        {"anna berg@x.example", "not allowed"},
    };
    for (auto& [email, word] : cases) {
        BOOST_TEST_CONTEXT("email " << email.substr(0, 80)) {
            auto r = registry::parse_registry(registry_with(email), k_format);
            BOOST_TEST_REQUIRE(!r.has_value());
            BOOST_TEST(r.error().size() == 1u);
            BOOST_TEST(has_problem(r.error(), k_admin_email_path, word), r.error()[0].path << ": " << r.error()[0].message);
        }
    }
}

// Issue 16 item 11: names with control, bidi or invalid characters, or too
// long, are refused with their path; the problem names the code point and
// never echoes it.
BOOST_AUTO_TEST_CASE(names_with_control_bidi_or_overlong_text_are_refused) {
    struct Case {
        std::string bureau, client, path, word;
    };
    const std::vector<Case> cases = {
        {"Byr\\u00e5\\u202eBA", "Klient AB", "$.bureaus[0].name", "U+202E"},
        {"Byrå AB", "Klient\\u2067 AB", "$.clients[0].name", "U+2067"},
        {"Byrå AB", "Klient\\u200f AB", "$.clients[0].name", "bidirectional"},
        {"Byrå AB", "Klient\\u061c AB", "$.clients[0].name", "U+061C"},
        {"Byr\\u0000 AB", "Klient AB", "$.bureaus[0].name", "NUL"},
        {"Byrå\\r\\nAB", "Klient AB", "$.bureaus[0].name", "U+000D"},
        {"Byrå\\tAB", "Klient AB", "$.bureaus[0].name", "U+0009"},
        {"Byrå\\u007fAB", "Klient AB", "$.bureaus[0].name", "U+007F"},
        {"Byrå\\u0085AB", "Klient AB", "$.bureaus[0].name", "U+0085"},
        {"Byrå AB", std::string(201, 'k'), "$.clients[0].name", "at most 200"},
        {"Byrå AB", "\xff\xfe Klient", "$.clients[0].name", "UTF-8"},
        {"Byrå AB", "Klient \xc0\xaf AB", "$.clients[0].name", "UTF-8"},  // overlong '/'
    };
    for (auto& c : cases) {
        BOOST_TEST_CONTEXT("case " << c.path << " " << c.word) {
            auto r = registry::parse_registry(registry_with("anna@klient.example", c.bureau, c.client), k_format);
            BOOST_TEST_REQUIRE(!r.has_value());
            // Poco's JSON parser itself refuses some invalid UTF-8 (then the path is "$").
            BOOST_TEST((has_problem(r.error(), c.path, c.word) || (c.word == "UTF-8" && has_problem(r.error(), "$", "JSON"))),
                       r.error()[0].path << ": " << r.error()[0].message);
            for (auto& p : r.error()) {
                for (unsigned char ch : p.message) BOOST_TEST(ch >= 0x20);
                BOOST_TEST(p.message.find("\xe2\x80\xae") == std::string::npos);
            }
        }
    }
    // 200 characters (not bytes: å is two) is still fine.
    std::string name_200;
    for (int i = 0; i < 200; ++i) name_200 += "å";
    BOOST_TEST(registry::parse_registry(registry_with("anna@klient.example", "Byrå AB", name_200), k_format).has_value());
}

BOOST_AUTO_TEST_CASE(a_person_or_username_with_control_characters_is_refused) {
    auto text = registry_with("anna@klient.example");
    auto bad = text;
    bad.replace(bad.find("\"name\":\"Anna\""), 13, "\"name\":\"An\\u0008na\"");
    auto r = registry::parse_registry(bad, k_format);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(has_problem(r.error(), "$.clients[0].users[0].name", "U+0008"));
    auto bad_user = text;
    bad_user.replace(bad_user.find("\"u1\""), 4, "\"" + std::string(65, 'u') + "\"");
    auto r2 = registry::parse_registry(bad_user, k_format);
    BOOST_TEST_REQUIRE(!r2.has_value());
    BOOST_TEST(has_problem(r2.error(), "$.bureaus[0].users[0].username", "at most 64"));
}

std::string two_bureaus(const std::string& first, const std::string& second) {
    return R"({"bureaus":[{"orgnr":"559123-4561","name":")" + first +
           R"(","product":"digital_byra"},{"orgnr":"559234-5671","name":")" + second +
           R"(","product":"digital_byra"}],"clients":[]})";
}

BOOST_AUTO_TEST_CASE(a_bureau_name_confusable_with_another_is_warned_but_imported) {
    // Cyrillic 'о' (U+043E) in the second name.
    auto r = registry::parse_registry(two_bureaus("Ekonomihuset AB", "Ekon\\u043emihuset AB"), k_format);
    BOOST_TEST_REQUIRE(r.has_value());
    auto w = registry::registry_warnings(*r);
    BOOST_TEST(has_problem(w, "$.bureaus[1].name", "Ekonomihuset AB"));
    BOOST_TEST(has_problem(w, "$.bureaus[1].name", "$.bureaus[0].name"));
    BOOST_TEST(has_problem(w, "$.bureaus[1].name", "Cyrillic"));
    // Other look-alikes: digit zero for O, 1 for l, rn for m, Greek omicron, case.
    for (auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"Bokföring Nord AB", "B0kföring Nord AB"},
             {"Ekonomihuset AB", "Ekonomihuset  ab"},
             {"Malmö Redovisning", "Rnalmö Redovisning"},
             {"Lönebyrån", "1önebyrån"},
             {"Konto AB", "K\\u03bfnto AB"}}) {
        auto rr = registry::parse_registry(two_bureaus(a, b), k_format);
        BOOST_TEST_REQUIRE(rr.has_value());
        BOOST_TEST(has_problem(registry::registry_warnings(*rr), "$.bureaus[1].name", "looks confusingly like"),
                   a << " / " << b);
    }
    // Å, Ä, Ö are letters of their own: no warning.
    for (auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"Åkeri Ekonomi AB", "Akeri Ekonomi AB"}, {"Öhman AB", "Ohman AB"}, {"Bär AB", "Bar AB"}}) {
        auto rr = registry::parse_registry(two_bureaus(a, b), k_format);
        BOOST_TEST_REQUIRE(rr.has_value());
        BOOST_TEST(registry::registry_warnings(*rr).empty(), a << " / " << b);
    }
}

BOOST_AUTO_TEST_SUITE_END()
