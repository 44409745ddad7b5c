// DigitalFixture: a state directory with a migrated store holding the
// sample registry (data/sample-registry.json) plus two test clients:
//   559900-0014 "<script>alert('x')</script> & Söner AB"  (HTML in the name; one admin)
//   559900-0022 "Utan Admin AB"                           (no system administrator)
// a ManualClock at 2026-11-26T12:00:00Z, the shipped rules, the mail
// templates, and helpers to act as a bureau user. Header-only; used by
// tests/digital, tests/mail and tests/web.
#pragma once

#include "core/rules.hpp"
#include "digital/desk.hpp"
#include "digital/secrets.hpp"
#include "mail/mail_templates.hpp"
#include "registry/registry_import.hpp"
#include "store/auth_repo.hpp"
#include "store/registry_repo.hpp"
#include "test_support.hpp"

#include <stdexcept>
#include <string>

namespace test_support {

inline const char* k_html_client_orgnr = "559900-0014";
inline const char* k_html_client_name = "<script>alert('x')</script> & Söner AB";

class DigitalFixture {
public:
    DigitalFixture()
        : clock(test_clock()), rules(shipped_rules()),
          templates(source_dir() / "templates" / "mail") {
        db = open_test_store(home.path());
        std::string json = read_file(source_dir() / "data" / "sample-registry.json");
        const std::string extra =
            R"({"orgnr": "559900-0014", "subscription": "900014", "name": "<script>alert('x')</script> & Söner AB",
               "multi_company": false,
               "users": [{"name": "Ebba <b>Fet</b>", "email": "ebba@soner.example", "role": "system_administrator"}]},
              {"orgnr": "559900-0022", "subscription": "900022", "name": "Utan Admin AB", "multi_company": false,
               "users": [{"name": "Ulf Användare", "email": "ulf@utan.example", "role": "user"}]},)";
        auto at = json.find("\"clients\": [");
        if (at == std::string::npos) throw std::runtime_error("sample registry layout changed");
        json.insert(at + 12, extra);
        auto data = registry::parse_registry(json, rules.subscription);
        if (!data) throw std::runtime_error("sample registry does not parse: " + data.error().front().message);
        store::RegistryRepo(*db, clock).apply(*data, "test");
    }

    store::Principal principal(const std::string& username) {
        auto u = store::AuthRepo(*db).user_with_password(username);
        if (!u) throw std::runtime_error("no user " + username);
        return u->first;
    }

    // A new API token for `username` (stored hashed), returned in clear.
    std::string api_token(const std::string& username) {
        const std::string token = digital::random_token();
        store::AuthRepo(*db).add_api_token(principal(username).user_id, digital::sha256_hex(token),
                                           core::format_utc(clock.now()), "test");
        return token;
    }

    // Sets a password (PBKDF2 with few iterations: fast tests).
    void set_password(const std::string& username, const std::string& password) {
        store::AuthRepo(*db).set_password_hash(principal(username).user_id, digital::hash_password(password, 1000),
                                               core::format_utc(clock.now()), "test");
    }

    digital::Desk desk(const std::string& base_url = "http://127.0.0.1:1") {
        return digital::Desk(*db, clock, rules, templates, digital::DeskOptions{7, base_url});
    }

    TempDir home;
    core::ManualClock clock;
    core::Rules rules;
    mail::MailTemplates templates;
    std::unique_ptr<store::Connection> db;
};

// The approval link in a mail body (plain text, decoded): the first
// ".../approve/TOKEN". Empty when none.
inline std::string approval_link_in(const std::string& text) {
    auto at = text.find("/approve/");
    if (at == std::string::npos) return {};
    auto start = text.rfind("http", at);
    auto end = at + 9;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' ||
                                 text[end] == '_'))
        ++end;
    return text.substr(start, end - start);
}

}  // namespace test_support
