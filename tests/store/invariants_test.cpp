#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include "core/registry_data.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/migrations.hpp"
#include "store/registry_repo.hpp"
#include "store/sqlite_connection.hpp"
#include "test_support.hpp"

using namespace store;
using core::LinkageSource;
using core::LinkageState;

namespace {

core::RegistryData small_registry() {
    core::RegistryData d;
    d.bureaus.push_back({"559123-4561", "Byrå Ett AB", "digital_byra", false,
                         {{"anna", "Anna A", "anna@ett.example", "admin"}}});
    d.bureaus.push_back({"559234-5671", "Byrå Två AB", "klienthanterare", false, {}});
    d.clients.push_back({"559456-7892", "100234", "Klient Ett AB", false,
                         {{"Karin K", "karin@k1.example", "system_administrator"}}});
    d.clients.push_back({"556612-3450", "100871", "Klient Två AB", false, {}});
    return d;
}

struct Fixture {
    test_support::TempDir dir;
    core::ManualClock clock = test_support::test_clock();
    std::unique_ptr<Connection> c = test_support::open_test_store(dir.path());
    RegistryRepo reg{*c, clock};
    LinkageRepo links{*c, clock};
    Id b1 = 0, b2 = 0, c1 = 0, c2 = 0;
    Fixture() {
        reg.apply(small_registry(), "test");
        b1 = reg.bureau_by_orgnr("559123-4561")->id;
        b2 = reg.bureau_by_orgnr("559234-5671")->id;
        c1 = reg.client_by_orgnr("559456-7892")->id;
        c2 = reg.client_by_orgnr("556612-3450")->id;
    }
    Id create(Id b, Id cl) {
        Transaction tx(*c);
        Id id = links.create(b, cl, LinkageSource::digital, "tester");
        tx.commit();
        return id;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(invariants, Fixture)

BOOST_AUTO_TEST_CASE(i1_one_live_linkage_per_pair) {
    Id first = create(b1, c1);
    BOOST_CHECK_THROW(create(b1, c1), ConstraintError);
    // Another pair is fine.
    BOOST_CHECK_NO_THROW(create(b1, c2));
    BOOST_CHECK_NO_THROW(create(b2, c1));
    // The unique index holds even for raw SQL that bypasses the repository.
    BOOST_CHECK_THROW(c->exec("INSERT INTO linkages (bureau_id, client_id, state, source, requested_by, created_at, "
                              "updated_at) VALUES (" + std::to_string(b1) + ", " + std::to_string(c1) +
                              ", 'approved', 'paper', 'x', 'now', 'now')"),
                      ConstraintError);
    // Once the first is declined, the pair may be requested again.
    {
        Transaction tx(*c);
        links.change_state(first, LinkageState::declined, "admin");
        tx.commit();
    }
    BOOST_CHECK_NO_THROW(create(b1, c1));
}

BOOST_AUTO_TEST_CASE(i2_nothing_is_deleted_and_events_do_not_change) {
    Id id = create(b1, c1);
    BOOST_CHECK_THROW(c->exec("DELETE FROM linkages WHERE id = " + std::to_string(id)), StoreError);
    BOOST_CHECK_THROW(c->exec("DELETE FROM events"), StoreError);
    BOOST_CHECK_THROW(c->exec("UPDATE events SET actor = 'mallory'"), StoreError);
    BOOST_CHECK_THROW(c->exec("DELETE FROM clients"), StoreError);
    BOOST_TEST(links.get(id).has_value());
}

BOOST_AUTO_TEST_CASE(i3_only_legal_transitions) {
    Id id = create(b1, c1);
    {
        Transaction tx(*c);
        BOOST_CHECK_THROW(links.change_state(id, LinkageState::activated, "x"), IllegalTransitionError);
    }
    BOOST_TEST((links.get(id)->state == LinkageState::requested));
    // The database refuses it too.
    BOOST_CHECK_THROW(c->exec("UPDATE linkages SET state = 'activated' WHERE id = " + std::to_string(id)), StoreError);
    Transaction tx(*c);
    auto l = links.change_state(id, LinkageState::approved, "admin@klient", std::string("digital"));
    links.change_state(id, LinkageState::activated, "anna");
    tx.commit();
    auto after = links.get(id);
    BOOST_TEST((after->state == LinkageState::activated));
    BOOST_TEST(after->decided_by.value() == "admin@klient");
    BOOST_TEST(after->approved_via.value() == "digital");
    BOOST_TEST(after->activated_by.value() == "anna");
}

BOOST_AUTO_TEST_CASE(i4_state_change_and_event_in_one_transaction) {
    Id id = create(b1, c1);
    EventLog log(*c);
    auto events_before = log.count();
    {
        Transaction tx(*c);
        links.change_state(id, LinkageState::approved, "admin", std::string("digital"));
        // Something fails before COMMIT: the transaction is rolled back.
    }
    BOOST_TEST((links.get(id)->state == LinkageState::requested));
    BOOST_TEST(log.count() == events_before);
    {
        Transaction tx(*c);
        links.change_state(id, LinkageState::approved, "admin", std::string("digital"));
        tx.commit();
    }
    auto events = log.for_entity("linkage", id);
    BOOST_TEST_REQUIRE(events.size() == 2u);
    BOOST_TEST(events[0].action == "created");
    BOOST_TEST(events[1].action == "approved");
    BOOST_TEST(events[1].actor == "admin");
    BOOST_TEST(events[1].before.value() == R"({"state":"requested"})");
    BOOST_TEST(events[1].after.value().find("\"approved_via\":\"digital\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(i5_migrations_apply_once) {
    auto again = migrate(*c);
    BOOST_TEST(again.empty());
    auto s = c->prepare("SELECT count(*) FROM schema_migrations");
    s->step();
    BOOST_TEST(s->get_int(0) == static_cast<std::int64_t>(migrations_for("sqlite").size()));
    BOOST_TEST(sqlite_integrity_check(*c) == "ok");
}

BOOST_AUTO_TEST_CASE(evidence_is_attached_with_an_event) {
    Id id = create(b1, c1);
    Transaction tx(*c);
    links.add_evidence(id, "digital_request", "anna", R"({"admins_notified":1})");
    tx.commit();
    auto ev = links.evidence(id);
    BOOST_TEST_REQUIRE(ev.size() == 1u);
    BOOST_TEST(ev[0].kind == "digital_request");
    BOOST_TEST(EventLog(*c).for_entity("linkage", id).back().action == "evidence_added");
}

BOOST_AUTO_TEST_CASE(list_filters_and_joins_names) {
    create(b1, c1);
    create(b2, c1);
    LinkageFilter f;
    f.bureau_id = b1;
    auto l = links.list(f);
    BOOST_TEST_REQUIRE(l.size() == 1u);
    BOOST_TEST(l[0].bureau_name == "Byrå Ett AB");
    BOOST_TEST(l[0].client_name == "Klient Ett AB");
    BOOST_TEST(links.live_for(b2, c1).has_value());
    BOOST_TEST(!links.live_for(b2, c2).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
