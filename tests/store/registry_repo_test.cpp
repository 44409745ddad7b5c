#include <boost/test/unit_test.hpp>

#include "core/registry_data.hpp"
#include "store/event_log.hpp"
#include "store/registry_repo.hpp"
#include "test_support.hpp"

using namespace store;

namespace {
core::RegistryData registry() {
    core::RegistryData d;
    d.bureaus.push_back({"559123-4561", "Byrå Ett AB", "digital_byra", false,
                         {{"anna", "Anna A", "anna@ett.example", "admin"}, {"per", "Per P", "per@ett.example", "consultant"}}});
    d.clients.push_back({"559456-7892", "100234", "Klient Ett AB", false,
                         {{"Karin K", "karin@k1.example", "system_administrator"}, {"Mats M", "mats@k1.example", "user"}}});
    return d;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(registry_repo)

BOOST_AUTO_TEST_CASE(reimport_changes_nothing_update_logs_events) {
    test_support::TempDir dir;
    auto clock = test_support::test_clock();
    auto c = test_support::open_test_store(dir.path());
    RegistryRepo repo(*c, clock);
    EventLog log(*c);

    auto first = repo.apply(registry(), "op");
    BOOST_TEST(first.created == 6);
    auto events = log.count();

    auto second = repo.apply(registry(), "op");
    BOOST_TEST(second.created == 0);
    BOOST_TEST(second.updated == 0);
    BOOST_TEST(log.count() == events);

    auto d = registry();
    d.clients[0].name = "Klient Ett Nytt Namn AB";
    d.bureaus[0].users.pop_back();  // per leaves
    auto third = repo.apply(d, "op");
    BOOST_TEST(third.updated == 1);
    BOOST_TEST(third.deactivated == 1);
    BOOST_TEST(repo.client_by_orgnr("559456-7892")->name == "Klient Ett Nytt Namn AB");
    BOOST_TEST(!repo.bureau_user("per")->active);
    auto cevents = log.for_entity("client", repo.client_by_orgnr("559456-7892")->id);
    BOOST_TEST_REQUIRE(cevents.size() == 2u);
    BOOST_TEST(cevents[1].action == "updated");
    BOOST_TEST(cevents[1].before->find("Klient Ett AB") != std::string::npos);
    BOOST_TEST(cevents[1].after->find("Nytt Namn") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(collision_with_the_store_writes_nothing) {
    test_support::TempDir dir;
    auto clock = test_support::test_clock();
    auto c = test_support::open_test_store(dir.path());
    RegistryRepo repo(*c, clock);
    repo.apply(registry(), "op");
    auto events = EventLog(*c).count();

    core::RegistryData d;
    d.bureaus.push_back({"559234-5671", "Byrå Två AB", "digital_byra", false, {}});
    // Another client claims the subscription number already held by Klient Ett.
    d.clients.push_back({"556612-3450", "100234", "Klient Två AB", false, {}});
    BOOST_CHECK_EXCEPTION(repo.apply(d, "op"), ConstraintError, [](const ConstraintError& e) {
        return std::string(e.what()).find("client 556612-3450") != std::string::npos;
    });
    BOOST_TEST(!repo.bureau_by_orgnr("559234-5671").has_value());
    BOOST_TEST(EventLog(*c).count() == events);
}

BOOST_AUTO_TEST_CASE(administrators_are_the_system_administrators) {
    test_support::TempDir dir;
    auto clock = test_support::test_clock();
    auto c = test_support::open_test_store(dir.path());
    RegistryRepo repo(*c, clock);
    repo.apply(registry(), "op");
    auto admins = repo.client_administrators(repo.client_by_orgnr("559456-7892")->id);
    BOOST_TEST_REQUIRE(admins.size() == 1u);
    BOOST_TEST(admins[0].email == "karin@k1.example");
}

BOOST_AUTO_TEST_SUITE_END()
