// SqliteConnection: the per-connection statement cache (a statement in use
// is never handed out twice; a cached one comes back reset and unbound), the
// in-process writer gate and the group commit of concurrent writers.
#include <boost/test/unit_test.hpp>

#include "store/sqlite_connection.hpp"
#include "test_support.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace store;

namespace {

struct Db {
    test_support::TempDir dir;
    std::filesystem::path file = dir.path() / "t.db";
    std::unique_ptr<Connection> open(int busy_timeout_ms = 10000) {
        SqliteOptions o;
        o.busy_timeout_ms = busy_timeout_ms;
        return open_sqlite(file, o);
    }
};

std::int64_t count_rows(Connection& c) {
    auto s = c.prepare("SELECT count(*) FROM t");
    s->step();
    return s->get_int(0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_connection)

BOOST_AUTO_TEST_CASE(a_statement_in_use_is_not_handed_out_again) {
    Db db;
    auto c = db.open();
    c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    for (int i = 1; i <= 3; ++i)
        c->prepare("INSERT INTO t (id, v) VALUES (?, ?)")->bind(1, i).bind(2, "v" + std::to_string(i)).run();
    const std::string sql = "SELECT id, v FROM t WHERE id >= ? ORDER BY id";
    auto outer = c->prepare(sql);
    outer->bind(1, 1);
    int outer_rows = 0, inner_rows = 0;
    while (outer->step()) {
        ++outer_rows;
        // The same SQL again while the outer statement is mid-way.
        auto inner = c->prepare(sql);
        inner->bind(1, outer->get_int(0));
        while (inner->step()) ++inner_rows;
        BOOST_TEST(outer->get_text(1) == "v" + std::to_string(outer_rows));
    }
    BOOST_TEST(outer_rows == 3);
    BOOST_TEST(inner_rows == 3 + 2 + 1);
}

BOOST_AUTO_TEST_CASE(a_cached_statement_comes_back_reset_and_unbound) {
    Db db;
    auto c = db.open();
    c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    c->prepare("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b'), (3, NULL)")->run();
    const std::string sql = "SELECT count(*) FROM t WHERE v IS ?";
    {
        auto s = c->prepare(sql);
        s->bind(1, "a");
        BOOST_REQUIRE(s->step());
        BOOST_TEST(s->get_int(0) == 1);
    }  // left with a row pending and a binding
    auto again = c->prepare(sql);
    BOOST_REQUIRE(again->step());
    BOOST_TEST(again->get_int(0) == 1);  // v IS NULL: the old binding is gone
    again.reset();
    // A query abandoned after its first row does not hold a read snapshot:
    // another connection's write is seen by the next use.
    {
        auto s = c->prepare("SELECT id FROM t ORDER BY id");
        BOOST_REQUIRE(s->step());
    }
    auto other = db.open();
    other->prepare("INSERT INTO t (id, v) VALUES (4, 'd')")->run();
    BOOST_TEST(count_rows(*c) == 4);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_of_one_process_all_commit) {
    Db db;
    db.open()->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)");
    constexpr int k_threads = 8, k_each = 40;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < k_threads; ++w)
        threads.emplace_back([&, w] {
            try {
                auto c = db.open(2000);  // queued on the writer gate, never on SQLite's busy sleeps
                for (int i = 0; i < k_each; ++i) {
                    Transaction tx(*c);
                    c->prepare("INSERT INTO t (writer, n) VALUES (?, ?)")->bind(1, w).bind(2, i).run();
                    auto s = c->prepare("SELECT count(*) FROM t WHERE writer = ?");
                    s->bind(1, w);
                    s->step();
                    if (s->get_int(0) != i + 1) ++failures;
                    s.reset();
                    tx.commit();
                }
                // Writes outside a transaction commit on their own.
                c->prepare("INSERT INTO t (writer, n) VALUES (?, -1)")->bind(1, w).run();
            } catch (const std::exception&) {
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(failures.load() == 0);
    auto c = db.open();
    BOOST_TEST(count_rows(*c) == k_threads * (k_each + 1));
    BOOST_TEST(sqlite_integrity_check(*c) == "ok");
}

BOOST_AUTO_TEST_CASE(a_rolled_back_writer_opens_the_gate) {
    Db db;
    auto a = db.open(300);
    a->exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    {
        Transaction tx(*a);
        a->prepare("INSERT INTO t (id) VALUES (1)")->run();
        // A second writer of this process waits at most the busy timeout.
        auto b = db.open(300);
        BOOST_CHECK_THROW(b->begin_write(), StoreError);
    }  // rolled back
    auto b = db.open(300);
    {
        Transaction tx(*b);
        b->prepare("INSERT INTO t (id) VALUES (2)")->run();
        tx.commit();
    }
    // A connection dropped mid-transaction opens the gate too.
    {
        auto dropped = db.open(300);
        dropped->begin_write();
        dropped->prepare("INSERT INTO t (id) VALUES (3)")->run();
    }
    Transaction tx(*a);
    a->prepare("INSERT INTO t (id) VALUES (4)")->run();
    tx.commit();
    BOOST_TEST(count_rows(*a) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
