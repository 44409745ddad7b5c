// Store file hygiene (issue 16 item 12): the store, its -wal and -shm are
// created 0600 whatever the umask (by `linkage init`, by open_sqlite, for a
// backup target and a restore); a delivered mail's approval token, once
// scrubbed from the body, is in neither the -wal nor the database file.
#include <boost/test/unit_test.hpp>

#include "store/mail_queue.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <string>

using namespace test_support;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    BOOST_REQUIRE_MESSAGE(::stat(p.c_str(), &st) == 0, "no file " + p.string());
    return st.st_mode & 07777;
}

// Sets the process umask for the scope (children such as `linkage` inherit it).
struct Umask {
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
    mode_t old;
};

fs::path wal_of(const fs::path& db) { return db.string() + "-wal"; }
fs::path shm_of(const fs::path& db) { return db.string() + "-shm"; }

bool file_contains(const fs::path& p, const std::string& needle) {
    return fs::exists(p) && read_file(p).find(needle) != std::string::npos;
}

// Writes a row so SQLite has a -wal and -shm open (it removes both when the
// last connection closes).
void touch(store::Connection& c) { c.exec("CREATE TABLE IF NOT EXISTS hygiene_probe (x); INSERT INTO hygiene_probe VALUES (1)"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(store_file_hygiene)

BOOST_AUTO_TEST_CASE(linkage_init_creates_a_private_store_under_umask_022) {
    TempDir dir;
    const fs::path home = dir.path() / "home";
    Umask u(022);
    auto r = run_linkage({"--home", home.string(), "init"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const fs::path db = home / "linkage.db";
    BOOST_TEST(mode_of(db) == 0600u);
    auto c = store::open_sqlite(db);
    touch(*c);
    BOOST_TEST(mode_of(wal_of(db)) == 0600u);
    BOOST_TEST(mode_of(shm_of(db)) == 0600u);
}

BOOST_AUTO_TEST_CASE(every_store_file_is_created_0600_whatever_the_umask) {
    for (mode_t mask : {mode_t(0), mode_t(022), mode_t(002), mode_t(0277)}) {
        BOOST_TEST_CONTEXT("umask " << std::oct << mask) {
            TempDir dir;
            const fs::path db = dir.path() / "s.db", copy = dir.path() / "copy.db";
            Umask u(mask);
            auto c = store::open_store({"sqlite:" + db.string(), 10000, true});
            touch(*c);
            BOOST_TEST(mode_of(db) == 0600u);
            BOOST_TEST(mode_of(wal_of(db)) == 0600u);
            BOOST_TEST(mode_of(shm_of(db)) == 0600u);
            store::sqlite_backup(*c, copy);
            BOOST_TEST(mode_of(copy) == 0600u);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_existing_store_keeps_the_mode_its_operator_gave_it) {
    TempDir dir;
    const fs::path db = dir.path() / "s.db";
    store::open_sqlite(db).reset();
    fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, fs::perm_options::replace);
    store::open_sqlite(db).reset();
    BOOST_TEST(mode_of(db) == 0640u);
}

BOOST_AUTO_TEST_CASE(a_restored_store_is_private_even_from_a_world_readable_backup) {
    TempDir dir;
    const fs::path home = dir.path() / "home", backup = dir.path() / "b.db";
    Umask u(022);
    BOOST_TEST_REQUIRE(run_linkage({"--home", (dir.path() / "old").string(), "init"}).exit_code == 0);
    auto b = run_linkage({"--home", (dir.path() / "old").string(), "backup", backup.string()});
    BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);
    BOOST_TEST(mode_of(backup) == 0600u);
    fs::permissions(backup, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::replace);
    auto r = run_linkage({"--home", home.string(), "restore", backup.string()});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(mode_of(home / "linkage.db") == 0600u);
}

// The token of a delivered mail: present in the WAL right after queueing
// (that is what the scrub must remove), gone from the -wal and the database
// file once mark_sent scrubbed it and flush_scrubbed checkpointed.
BOOST_AUTO_TEST_CASE(a_scrubbed_token_leaves_neither_wal_nor_database_file) {
    TempDir dir;
    const fs::path db = dir.path() / "s.db";
    auto c = store::open_store({"sqlite:" + db.string(), 10000, true});
    // Earlier content checkpointed into the main file first, so the token's
    // page is also in the database file before the scrub (the harder case).
    const std::string token = "PLAINTOKEN-7f3a9c2e5b1d4068a9e7c3f1d2b4a6c8";
    store::MailQueue q(*c);
    store::Id id;
    {
        store::Transaction tx(*c);
        id = q.enqueue({"m1@test", std::nullopt, "Karin", "karin@klient.example", "Ämne",
                        "Öppna länken: https://x.example/approve/" + token + "\nHälsningar", token},
                       "2026-11-26T12:00:00Z");
        tx.commit();
    }
    c->exec("PRAGMA wal_checkpoint(PASSIVE)");
    BOOST_TEST_REQUIRE((file_contains(wal_of(db), token) || file_contains(db, token)));
    q.mark_sent(id, "2026-11-26T12:01:00Z");
    BOOST_TEST(q.get(id)->body.find(token) == std::string::npos);
    BOOST_TEST(file_contains(wal_of(db), token));  // the old frames still hold it: why flush_scrubbed exists
    BOOST_TEST(q.flush_scrubbed());
    BOOST_TEST(!file_contains(wal_of(db), token));
    BOOST_TEST(!file_contains(db, token));
    // And after the last connection closed.
    c.reset();
    BOOST_TEST(!file_contains(db, token));
}

BOOST_AUTO_TEST_SUITE_END()
