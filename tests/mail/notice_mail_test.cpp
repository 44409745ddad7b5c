// The bureau's notice mail (issue 17): Swedish subject per kind, one line
// whatever the names hold, the next step and the link in the body.
#include <boost/test/unit_test.hpp>

#include "mail/mail_templates.hpp"
#include "test_support.hpp"

BOOST_AUTO_TEST_SUITE(notice_mail)

BOOST_AUTO_TEST_CASE(each_kind_has_its_own_swedish_subject_and_the_body_names_the_next_step) {
    mail::MailTemplates t(test_support::source_dir() / "templates" / "mail");
    mail::BureauNoticeMail m;
    m.recipient_name = "Anna Lindqvist";
    m.bureau_name = "Redovisningsbyrån Norrsken AB";
    m.client_name = "Åkesson Bygg & Måleri AB";
    m.client_orgnr = "559456-7892";
    m.text = "Åkesson Bygg & Måleri AB godkände kopplingen 26 november 2026 kl. 15:00.";
    m.next_step = "Nästa steg: aktivera klienten i aktiveringslistan.";
    m.link = "https://koppling.example.se/linkages/7";
    const std::map<std::string, std::string> subjects{
        {"approved", "Åkesson Bygg & Måleri AB har godkänt kopplingen med Redovisningsbyrån Norrsken AB"},
        {"declined", "Åkesson Bygg & Måleri AB har avböjt förfrågan om koppling"},
        {"expired", "Förfrågan om koppling med Åkesson Bygg & Måleri AB har gått ut"},
        {"revoked", "Åkesson Bygg & Måleri AB har återkallat kopplingen med Redovisningsbyrån Norrsken AB"},
        {"mail_undeliverable", "E-post till Åkesson Bygg & Måleri AB kunde inte levereras"}};
    for (auto& [kind, subject] : subjects) {
        BOOST_TEST_CONTEXT(kind) {
            m.kind = kind;
            auto c = t.bureau_notice(m);
            BOOST_TEST(c.subject == subject);
            BOOST_TEST(c.body.rfind("Hej Anna Lindqvist!", 0) == 0u);
            BOOST_TEST(c.body.find(m.text) != std::string::npos);
            BOOST_TEST(c.body.find(m.next_step) != std::string::npos);
            BOOST_TEST(c.body.find(m.link) != std::string::npos);
            BOOST_TEST(c.body.find("Åkesson Bygg & Måleri AB (559456-7892)") != std::string::npos);  // not HTML-escaped
        }
    }
    // A line break in a name cannot forge a header or a line of its own.
    m.kind = "approved";
    m.client_name = "Falsk AB\nBcc: x@example.se";
    auto c = t.bureau_notice(m);
    BOOST_TEST(c.subject.find('\n') == std::string::npos);
    BOOST_TEST(c.body.find("\nBcc:") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
