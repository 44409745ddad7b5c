// notify_bureaus (issue 17): every path that changes a linkage tells its
// bureau once — a notice for its pages, and a mail to the requesting bureau
// user when there is one. Paths other than the web (a batch approving by
// paper form, a CLI-issued form) are covered because the notifier follows
// the event log.
#include <boost/test/unit_test.hpp>

#include "digital/notify.hpp"
#include "digital_fixture.hpp"
#include "store/bureau_notice_repo.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"

using namespace test_support;

namespace {

struct NotifyFixture : DigitalFixture {
    store::Id bureau = 0;
    NotifyFixture() { bureau = store::RegistryRepo(*db, clock).bureau_by_orgnr("559123-4561")->id; }
    store::Id paper_linkage(const std::string& client_orgnr, const std::string& actor) {
        store::Transaction tx(*db);
        auto client = store::RegistryRepo(*db, clock).client_by_orgnr(client_orgnr);
        auto id = store::LinkageRepo(*db, clock).create(bureau, client->id, core::LinkageSource::paper, actor,
                                                        "REF-" + client_orgnr.substr(0, 6));
        tx.commit();
        return id;
    }
    void change(store::Id id, core::LinkageState to, const std::string& actor, std::optional<std::string> via = {}) {
        store::Transaction tx(*db);
        store::LinkageRepo(*db, clock).change_state(id, to, actor, via);
        tx.commit();
    }
    int notify() { return digital::notify_bureaus(*db, clock, templates, "https://koppling.example.se"); }
    std::vector<store::QueuedMail> mails_to(const std::string& address) {
        std::vector<store::QueuedMail> out;
        for (auto& m : store::MailQueue(*db).list())
            if (m.recipient == address) out.push_back(m);
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(notify)

BOOST_FIXTURE_TEST_CASE(a_paper_approval_by_the_batch_is_told_with_a_mail_to_the_web_user_who_printed_the_form,
                        NotifyFixture) {
    const auto id = paper_linkage("559456-7892", "bureau_user:anna.norrsken");
    BOOST_TEST(notify() == 0);  // created: nothing to tell
    clock.advance(std::chrono::hours(3));
    change(id, core::LinkageState::approved, "signed paper form (Karin Åkesson)", "paper");
    BOOST_TEST(notify() == 1);
    BOOST_TEST(notify() == 0);  // once
    auto notices = store::BureauNoticeRepo(*db).for_bureau(bureau, true);
    BOOST_REQUIRE(notices.size() == 1u);
    BOOST_TEST(notices[0].kind == "approved");
    BOOST_TEST(notices[0].text == "Åkesson Bygg & Måleri AB godkände kopplingen 26 november 2026 kl. 16:00 med undertecknad blankett.");
    BOOST_TEST(notices[0].recipient.value_or("") == "anna.norrsken");
    auto mails = mails_to("anna@norrsken.example");
    BOOST_REQUIRE(mails.size() == 1u);
    BOOST_TEST(!mails[0].linkage_id.has_value());  // never counts against the approval-mail cap
    BOOST_TEST(mails[0].body.find("https://koppling.example.se/linkages/" + std::to_string(id)) != std::string::npos);
    // Read: gone from the unseen list, kept in the bureau's list.
    BOOST_TEST(store::BureauNoticeRepo(*db).mark_seen(bureau, core::format_utc(clock.now())) == 1);
    BOOST_TEST(store::BureauNoticeRepo(*db).for_bureau(bureau, true).empty());
    BOOST_TEST(store::BureauNoticeRepo(*db).for_bureau(bureau, false).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_form_issued_from_the_cli_is_told_on_the_page_without_a_mail, NotifyFixture) {
    const auto id = paper_linkage("556612-3450", "cli:root");
    change(id, core::LinkageState::approved, "stina (review of signed paper form)", "review");
    BOOST_TEST(notify() == 1);
    auto notices = store::BureauNoticeRepo(*db).for_bureau(bureau, true);
    BOOST_REQUIRE(notices.size() == 1u);
    BOOST_TEST(!notices[0].recipient.has_value());
    BOOST_TEST(store::MailQueue(*db).list().empty());
    // The bureau's own revocation is no news to it; another bureau sees nothing.
    change(id, core::LinkageState::revoked, "bureau_user:anna.norrsken");
    BOOST_TEST(notify() == 0);
    const auto other = store::RegistryRepo(*db, clock).bureau_by_orgnr("559234-5671");
    BOOST_REQUIRE(other.has_value());
    BOOST_TEST(store::BureauNoticeRepo(*db).for_bureau(other->id, false).empty());
}

BOOST_AUTO_TEST_SUITE_END()
