// Backup under load: a writer thread commits linkages through the store API
// without pause while `linkage backup` copies the store; the copy, restored
// into a fresh home, holds every linkage committed before the backup started.
#include <boost/test/unit_test.hpp>

#include "core/clock.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <atomic>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

struct Committed {
    std::mutex mutex;
    std::vector<store::Id> created, declined;
    std::pair<std::vector<store::Id>, std::vector<store::Id>> snapshot() {
        std::lock_guard lock(mutex);
        return {created, declined};
    }
};

// Creates and declines linkages for every bureau/client pair, round after
// round, each step its own committed transaction, until told to stop.
void write_until(const fs::path& home, std::atomic<bool>& stop, Committed& out) {
    auto c = test_support::open_test_store(home);
    auto clock = test_support::test_clock();
    store::RegistryRepo registry(*c, clock);
    store::LinkageRepo repo(*c, clock);
    auto bureaus = registry.bureaus();
    auto clients = registry.clients();
    while (!stop)
        for (auto& b : bureaus)
            for (auto& cl : clients) {
                store::Id id;
                {
                    store::Transaction tx(*c);
                    id = repo.create(b.id, cl.id, core::LinkageSource::paper, "load-test");
                    tx.commit();
                }
                {
                    std::lock_guard lock(out.mutex);
                    out.created.push_back(id);
                }
                {
                    store::Transaction tx(*c);
                    repo.change_state(id, core::LinkageState::declined, "load-test");
                    tx.commit();
                }
                std::lock_guard lock(out.mutex);
                out.declined.push_back(id);
            }
}

std::size_t created_count(Committed& c) { return c.snapshot().first.size(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(backup_restore)

BOOST_AUTO_TEST_CASE(backup_under_load_restores_every_committed_linkage) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "home", restored = dir.path() / "restored", file = dir.path() / "b" / "nightly.db";
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    auto imp = run_linkage({"--home", home.string(), "registry", "import",
                            (test_support::source_dir() / "data" / "sample-registry.json").string()});
    BOOST_TEST_REQUIRE(imp.exit_code == 0, imp.err);
    {
        // Several MB, so the online backup needs many steps and sees the
        // writer change the store between them.
        auto c = test_support::open_test_store(home);
        store::EventLog events(*c);
        store::Transaction tx(*c);
        const std::string payload = "{\"padding\":\"" + std::string(4000, 'x') + "\"}";
        for (int i = 0; i < 5000; ++i)
            events.append("2026-11-26T12:00:00Z", "load-test", "padding", std::nullopt, "padding", std::nullopt, payload);
        tx.commit();
    }

    auto missing_folder = run_linkage({"--home", home.string(), "backup", file.string()});
    BOOST_TEST(missing_folder.exit_code == 3);
    BOOST_TEST(missing_folder.err.find("does not exist") != std::string::npos, missing_folder.err);
    fs::create_directory(file.parent_path());

    std::atomic<bool> stop{false};
    Committed committed;
    std::thread writer([&] { write_until(home, stop, committed); });
    while (created_count(committed) < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto [before_created, before_declined] = committed.snapshot();
    const auto started = std::chrono::steady_clock::now();
    auto backup = run_linkage({"--home", home.string(), "backup", file.string()});
    const auto took = std::chrono::steady_clock::now() - started;
    const std::size_t during = created_count(committed);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    writer.join();

    BOOST_TEST_REQUIRE(backup.exit_code == 0, backup.err);
    BOOST_TEST(backup.out.starts_with("backup ok: " + file.string()), backup.out);
    BOOST_TEST(backup.out.find("integrity ok") != std::string::npos);
    BOOST_TEST(backup.err.find("event=backup.done") != std::string::npos, backup.err);
    BOOST_TEST(during > before_created.size(), "the writer was not writing during the backup");
    // The copy reads one snapshot. A backup that restarts whenever another
    // connection commits between its steps never finishes on a busy store; one
    // snapshot takes well under 1 s on an idle machine. The bound is loose so a
    // loaded CI machine does not fail it; the restart bug exceeds it by far.
    BOOST_TEST(took < std::chrono::seconds(25), "backup took "
                                                   << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                                   << " ms: it restarts under writes");
    for (auto& e : fs::directory_iterator(file.parent_path()))
        BOOST_TEST(e.path() == file, "left behind: " << e.path());

    auto restore = run_linkage({"--home", restored.string(), "restore", file.string()});
    BOOST_TEST_REQUIRE(restore.exit_code == 0, restore.err);
    BOOST_TEST(restore.out.find("restore ok: ") == 0u, restore.out);
    BOOST_TEST(fs::is_directory(restored / "inbox"));

    auto c = test_support::open_test_store(restored);
    BOOST_TEST(store::sqlite_integrity_check(*c) == "ok");
    auto clock = test_support::test_clock();
    store::LinkageRepo repo(*c, clock);
    for (auto id : before_created) BOOST_TEST_REQUIRE(repo.get(id).has_value(), "linkage " << id << " lost");
    for (auto id : before_declined)
        BOOST_TEST_REQUIRE(core::to_string(repo.get(id)->state) == "declined", "linkage " << id);
    BOOST_TEST(repo.count() >= static_cast<std::int64_t>(before_created.size()));
    BOOST_TEST(repo.count() <= static_cast<std::int64_t>(created_count(committed)));
    auto q = c->prepare("SELECT COUNT(*) FROM events WHERE entity = 'padding'");
    BOOST_TEST_REQUIRE(q->step());
    BOOST_TEST(q->get_int(0) == 5000);
    // The restored home works: its commands see the restored data.
    auto list = run_linkage({"--home", restored.string(), "linkages", "--json"});
    BOOST_TEST(list.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(restore_refuses_a_store_with_data_and_bad_files) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "home", file = dir.path() / "backup.db";
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "registry", "import",
                                    (test_support::source_dir() / "data" / "sample-registry.json").string()})
                           .exit_code == 0);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "backup", file.string()}).exit_code == 0);

    auto into_live = run_linkage({"--home", home.string(), "restore", file.string()});
    BOOST_TEST(into_live.exit_code == 6);
    BOOST_TEST(into_live.err.find("is not empty") != std::string::npos, into_live.err);
    BOOST_TEST(into_live.err.find("bureaus") != std::string::npos, into_live.err);

    // A home that `init` created and nothing wrote to counts as empty.
    const fs::path fresh = dir.path() / "fresh";
    BOOST_TEST_REQUIRE(run_linkage({"--home", fresh.string(), "init"}).exit_code == 0);
    auto ok = run_linkage({"--home", fresh.string(), "restore", file.string()});
    BOOST_TEST(ok.exit_code == 0, ok.err);
    auto list = run_linkage({"--home", fresh.string(), "registry", "list"});
    BOOST_TEST(list.out == run_linkage({"--home", home.string(), "registry", "list"}).out);

    auto missing = run_linkage({"--home", (dir.path() / "x").string(), "restore", (dir.path() / "nope.db").string()});
    BOOST_TEST(missing.exit_code == 3);
    test_support::write_file(dir.path() / "garbage.db", std::string(8192, 'g'));
    auto garbage = run_linkage({"--home", (dir.path() / "y").string(), "restore", (dir.path() / "garbage.db").string()});
    BOOST_TEST(garbage.exit_code == 3);
    BOOST_TEST(garbage.err.find("nothing was restored") != std::string::npos, garbage.err);
    BOOST_TEST(!fs::exists(dir.path() / "y" / "linkage.db"));

    auto usage = run_linkage({"--home", home.string(), "backup"});
    BOOST_TEST(usage.exit_code == 2);
    auto self = run_linkage({"--home", home.string(), "backup", (home / "linkage.db").string()});
    BOOST_TEST(self.exit_code == 2);
    BOOST_TEST(self.err.find("live store itself") != std::string::npos, self.err);
}

BOOST_AUTO_TEST_SUITE_END()
