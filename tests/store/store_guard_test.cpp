// Store guards (issue 19): a store is made only when asked (I6), it carries an
// identity its home's marker must match (I7), and a connection notices its
// file deleted, replaced or emptied under it (I8); damaged files and full
// backup targets say what to do.
#define BOOST_TEST_MODULE store_guard
#include <boost/test/unit_test.hpp>

#include "store/sqlite_connection.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <sys/mount.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace fs = std::filesystem;
using test_support::TempDir;

namespace {

store::StoreConfig config_for(const fs::path& home, bool create) {
    store::StoreConfig c;
    c.url = store::default_store_url(home);
    c.create = create;
    c.home = home;
    return c;
}

std::string error_of(const store::StoreConfig& c) {
    try {
        store::open_store(c);
    } catch (const store::StoreError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(store_guard)

BOOST_AUTO_TEST_CASE(a_missing_or_empty_store_is_refused_unless_creation_is_asked_for) {
    TempDir home;
    const fs::path db = home.path() / "linkage.db";
    const std::string missing = error_of(config_for(home.path(), false));
    BOOST_TEST(contains(missing, db.string()));
    BOOST_TEST(contains(missing, "init"));
    BOOST_TEST(contains(missing, "restore"));
    BOOST_TEST(!fs::exists(db));  // not created as a side effect

    std::ofstream(db).close();  // 0 bytes: a volume that did not mount, a truncated file
    const std::string empty = error_of(config_for(home.path(), false));
    BOOST_TEST(contains(empty, "empty (0 bytes)"));
    BOOST_TEST(fs::file_size(db) == 0u);

    BOOST_TEST(error_of(config_for(home.path(), true)).empty());
    BOOST_TEST(fs::file_size(db) > 0u);
    BOOST_TEST(error_of(config_for(home.path(), false)).empty());
}

BOOST_AUTO_TEST_CASE(the_home_marker_names_the_store_and_another_store_is_refused) {
    TempDir a, b;
    std::string id_a;
    {
        auto c = store::open_store(config_for(a.path(), true));
        id_a = store::store_identity(*c);
    }
    BOOST_TEST(id_a.size() == 32u);
    BOOST_TEST(test_support::read_file(store::identity_marker(a.path())) == id_a + "\n");
    BOOST_TEST(((fs::status(store::identity_marker(a.path())).permissions() & fs::perms::all) ==
                (fs::perms::owner_read | fs::perms::owner_write)));
    store::open_store(config_for(b.path(), true)).reset();

    // b's store copied over a's: refused, naming both ids.
    fs::copy_file(b.path() / "linkage.db", a.path() / "linkage.db", fs::copy_options::overwrite_existing);
    const std::string e = error_of(config_for(a.path(), false));
    BOOST_TEST(contains(e, "is not the one this state directory was initialised with"));
    BOOST_TEST(contains(e, id_a));

    // Not even `init` (create) takes it.
    BOOST_TEST(!error_of(config_for(a.path(), true)).empty());

    // A home without a marker (older than 040) adopts the store it has.
    fs::remove(store::identity_marker(a.path()));
    BOOST_TEST(error_of(config_for(a.path(), false)).empty());
    BOOST_TEST(test_support::read_file(store::identity_marker(a.path())) ==
               test_support::read_file(store::identity_marker(b.path())));
}

BOOST_AUTO_TEST_CASE(init_does_not_make_a_new_store_where_a_known_one_was_lost) {
    TempDir home;
    store::open_store(config_for(home.path(), true)).reset();
    fs::remove(home.path() / "linkage.db");
    const std::string e = error_of(config_for(home.path(), true));
    BOOST_TEST(contains(e, "restore"));
    BOOST_TEST(!fs::exists(home.path() / "linkage.db"));
}

BOOST_AUTO_TEST_CASE(a_store_deleted_replaced_or_emptied_under_a_connection_is_noticed) {
    for (const char* how : {"deleted", "replaced", "emptied"}) {
        BOOST_TEST_CONTEXT(how) {
            TempDir home, other;
            auto c = store::open_store(config_for(home.path(), true));
            store::open_store(config_for(other.path(), true)).reset();
            const fs::path db = home.path() / "linkage.db";
            if (std::string(how) == "deleted") {
                fs::remove(db);
            } else if (std::string(how) == "replaced") {
                fs::copy_file(other.path() / "linkage.db", home.path() / "new.db");
                fs::rename(home.path() / "new.db", db);
            } else {
                fs::resize_file(db, 0);
            }
            std::string e;
            try {
                c->begin_write();
            } catch (const store::StoreError& x) {
                e = x.what();
            }
            BOOST_TEST(contains(e, "vanished or was replaced while running"));
            BOOST_TEST(contains(e, db.string()));
            BOOST_TEST(!c->in_transaction());
            // Readers see it within a second, and every later call fails too.
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));
            BOOST_CHECK_THROW(c->prepare("SELECT 1"), store::StoreError);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_read_only_open_reads_and_refuses_writes) {
    TempDir home;
    store::open_store(config_for(home.path(), true)).reset();
    auto cfg = config_for(home.path(), false);
    cfg.read_only = true;
    auto c = store::open_store(cfg);
    auto q = c->prepare("SELECT count(*) FROM linkages");
    BOOST_TEST(q->step());
    q.reset();
    BOOST_CHECK_THROW(c->exec("INSERT INTO schema_migrations (name, applied_at) VALUES ('x', 'y')"), store::StoreError);
}

BOOST_AUTO_TEST_CASE(a_damaged_store_points_to_restoring_a_backup) {
    TempDir home;
    std::int64_t root = 0;
    {
        auto c = store::open_store(config_for(home.path(), true));
        auto q = c->prepare("SELECT rootpage FROM sqlite_master WHERE name = 'bureaus'");
        BOOST_TEST_REQUIRE(q->step());
        root = q->get_int(0);
    }
    const fs::path db = home.path() / "linkage.db";
    {
        std::mt19937 rng(19);
        std::string noise(4096, '\0');
        for (auto& ch : noise) ch = static_cast<char>(rng());
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp((root - 1) * 4096);
        f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    std::string e;
    try {
        auto c = store::open_store(config_for(home.path(), false));
        c->prepare("SELECT * FROM bureaus")->step();
    } catch (const store::StoreError& x) {
        e = x.what();
    }
    BOOST_TEST(contains(e, "is damaged"));
    BOOST_TEST(contains(e, "linkage restore"));
    BOOST_TEST(contains(e, db.string()));
}

BOOST_AUTO_TEST_CASE(a_backup_to_a_full_file_system_says_so) {
    TempDir home, target;
    if (::mount("tmpfs", target.path().c_str(), "tmpfs", 0, "size=64k") != 0) {
        BOOST_TEST_MESSAGE("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount {
        fs::path p;
        ~Unmount() { ::umount(p.c_str()); }
    } unmount{target.path()};
    auto c = store::open_store(config_for(home.path(), true));
    BOOST_CHECK_THROW(store::sqlite_backup(*c, target.path() / "b.db"), store::BackupTargetFull);
}

BOOST_AUTO_TEST_SUITE_END()
