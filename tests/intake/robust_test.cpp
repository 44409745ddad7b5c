// The inbox under an operator's worst week (issue 19): files written in place
// with the descriptor held, truncated TIFFs and PDFs, claims that fail, an
// inbox on another file system, clocks in the future, files that change after
// their claim. Pure Inbox cases, no OCR: fast.
#define BOOST_TEST_MODULE intake_robust
#include <boost/test/unit_test.hpp>

#include "intake/completeness.hpp"
#include "intake/files.hpp"
#include "intake/inbox.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using intake::Completeness;
using test_support::read_file;
using test_support::write_file;

namespace {

const std::string k_pdf = "%PDF-1.4\n...\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n13\n%%EOF\n";

// ---- a TIFF built byte by byte: header, then per page its strip (or tiles) and its IFD ----
struct TiffSpec {
    bool le = true, big = false, tiles = false, cycle = false, header_zero = false;
    int pages = 1;
    std::uint64_t data = 64;      // bytes of image data per strip/tile
    std::uint64_t declared = 64;  // what StripByteCounts/TileByteCounts says
};

std::string tiff(const TiffSpec& s) {
    std::string out;
    auto put = [&](std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) {
            int shift = s.le ? 8 * i : 8 * (n - 1 - i);
            out.push_back(static_cast<char>((v >> shift) & 0xff));
        }
    };
    auto patch = [&](size_t at, std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) {
            int shift = s.le ? 8 * i : 8 * (n - 1 - i);
            out[at + static_cast<size_t>(i)] = static_cast<char>((v >> shift) & 0xff);
        }
    };
    const int word = s.big ? 8 : 4;
    out += s.le ? "II" : "MM";
    put(s.big ? 43 : 42, 2);
    if (s.big) {
        put(8, 2);
        put(0, 2);
    }
    size_t pointer = out.size();  // where the offset of the next IFD goes
    put(0, word);
    std::uint64_t first_ifd = 0;
    for (int page = 0; page < s.pages; ++page) {
        const int parts = s.tiles ? 2 : 1;
        std::vector<std::uint64_t> at;
        for (int k = 0; k < parts; ++k) {
            at.push_back(out.size());
            out.append(static_cast<size_t>(s.data), static_cast<char>(0x55));
        }
        // Out-of-line arrays for the tile offsets and counts (two values do not fit in a classic entry).
        std::uint64_t offsets_at = 0, counts_at = 0;
        if (s.tiles) {
            offsets_at = out.size();
            for (auto a : at) put(a, word);
            counts_at = out.size();
            for (int k = 0; k < parts; ++k) put(s.declared, word);
        }
        std::uint64_t ifd = out.size();
        if (page == 0) first_ifd = ifd;
        if (!s.header_zero || page > 0) patch(pointer, ifd, word);
        struct Entry {
            std::uint64_t tag, type, count, value;
        };
        const std::uint64_t long_type = s.big ? 16 : 4;
        std::vector<Entry> e{{256, 3, 1, 8}, {257, 3, 1, 8}, {258, 3, 1, 8}, {259, 3, 1, 1}, {262, 3, 1, 1}};
        if (s.tiles) {
            e.push_back({322, 3, 1, 16});
            e.push_back({323, 3, 1, 16});
            e.push_back({324, long_type, 2, offsets_at});
            e.push_back({325, long_type, 2, counts_at});
        } else {
            e.push_back({273, long_type, 1, at[0]});
            e.push_back({277, 3, 1, 1});
            e.push_back({278, 3, 1, 8});
            e.push_back({279, long_type, 1, s.declared});
        }
        put(e.size(), s.big ? 8 : 2);
        for (auto& x : e) {
            put(x.tag, 2);
            put(x.type, 2);
            put(x.count, word);
            // An inline SHORT sits in the first bytes of the value field.
            if (x.type == 3) {
                put(x.value, 2);
                put(0, word - 2);
            } else {
                put(x.value, word);
            }
        }
        pointer = out.size();
        put(0, word);
    }
    if (s.cycle) patch(pointer, first_ifd, word);
    return out;
}

Completeness judge(const fs::path& dir, const std::string& name, const std::string& bytes) {
    write_file(dir / name, bytes);
    return intake::looks_complete(dir / name);
}

fs::path scan_writer() { return test_support::source_dir() / "tests/intake/scan_writer.py"; }
fs::path sample(const char* name) { return test_support::source_dir() / "data/sample-scans" / name; }

// A 2-page TIFF (or PDF) of two sample form scans, as a scanner writes it (all at once).
std::string make_scan(const fs::path& dir, const std::string& mode, const std::string& name, int pages = 2) {
    std::string cmd = "/usr/bin/python3 " + scan_writer().string() + " " + mode + " " + (dir / name).string() +
                      " --delay 0 " + sample("sample-001-clean.jpg").string();
    if (pages > 1) cmd += " " + sample("sample-004-unsigned.jpg").string();
    BOOST_TEST_REQUIRE(test_support::run_shell(cmd + " >/dev/null") == 0, "scan_writer.py failed (python3-pil?)");
    return read_file(dir / name);
}

// A process (not this one) holding `file` open with `flags` until destroyed.
class Holder {
public:
    Holder(const fs::path& file, int flags) {
        int ready[2], release[2];
        BOOST_TEST_REQUIRE(pipe(ready) == 0);
        BOOST_TEST_REQUIRE(pipe(release) == 0);
        m_pid = fork();
        BOOST_TEST_REQUIRE(m_pid >= 0);
        if (m_pid == 0) {
            ::close(release[1]);  // else the parent's close never reaches EOF here
            ::close(ready[0]);
            int fd = ::open(file.c_str(), flags);
            char c = fd >= 0 ? 'y' : 'n';
            (void)!::write(ready[1], &c, 1);
            (void)!::read(release[0], &c, 1);  // until the parent closes its end
            _exit(0);
        }
        ::close(ready[1]);
        ::close(release[0]);
        m_release = release[1];
        char c = 0;
        BOOST_TEST_REQUIRE(::read(ready[0], &c, 1) == 1);
        BOOST_TEST_REQUIRE(c == 'y');
        ::close(ready[0]);
    }
    ~Holder() { release(); }
    void release() {
        if (m_pid <= 0) return;
        ::close(m_release);
        int st = 0;
        waitpid(m_pid, &st, 0);
        m_pid = -1;
    }

private:
    pid_t m_pid = -1;
    int m_release = -1;
};

// A tmpfs mounted for the test (root only); unmounted at the end.
class Tmpfs {
public:
    explicit Tmpfs(const fs::path& dir) : m_dir(dir) {
        fs::create_directories(dir);
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64m") == 0;
        if (!m_mounted) BOOST_TEST_MESSAGE("cannot mount a tmpfs at " << dir << " (not root?): case skipped");
    }
    ~Tmpfs() {
        if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }
    bool remount_read_only() {
        return ::mount("tmpfs", m_dir.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64m") == 0;
    }

private:
    fs::path m_dir;
    bool m_mounted = false;
};

struct Fixture {
    test_support::TempDir dir;
    intake::Folders folders{dir.path() / "inbox", dir.path() / "work", dir.path() / "archive", dir.path() / "rejected"};
    std::vector<std::string> lines;
    core::Logger log{core::LogLevel::info, [this](std::string_view l) { lines.emplace_back(l); }};
    core::ManualClock clock = test_support::test_clock();
    Fixture() { folders.create(); }
    fs::path drop(const std::string& name, const std::string& content, int age_seconds = 60) {
        auto p = folders.inbox / name;
        write_file(p, content);
        fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::seconds(age_seconds));
        return p;
    }
    intake::ReadyOptions options(int stable = 2, int give_up = 300) {
        return {std::chrono::seconds(stable), std::chrono::seconds(give_up), &log};
    }
    std::vector<std::string> ready_names(intake::Inbox& inbox, const intake::ReadyOptions& o,
                                         std::vector<intake::SkippedEntry>* skipped = nullptr) {
        std::vector<std::string> names;
        for (auto& p : inbox.ready(clock, o, skipped)) names.push_back(p.filename().string());
        return names;
    }
    size_t logged(const std::string& what) const {
        size_t n = 0;
        for (auto& l : lines) n += l.find(what) != std::string::npos;
        return n;
    }
};

std::vector<std::string> files(const fs::path& d) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(completeness)

BOOST_AUTO_TEST_CASE(a_whole_tiff_is_complete_in_every_byte_order_and_layout) {
    test_support::TempDir d;
    BOOST_TEST((judge(d.path(), "le.tif", tiff({})) == Completeness::complete));
    BOOST_TEST((judge(d.path(), "be.tif", tiff({.le = false})) == Completeness::complete));
    BOOST_TEST((judge(d.path(), "big.tif", tiff({.big = true})) == Completeness::complete));
    BOOST_TEST((judge(d.path(), "bigbe.tif", tiff({.le = false, .big = true})) == Completeness::complete));
    BOOST_TEST((judge(d.path(), "tiles.tif", tiff({.tiles = true, .pages = 3})) == Completeness::complete));
    BOOST_TEST((judge(d.path(), "three.tif", tiff({.pages = 3})) == Completeness::complete));
    // What PIL (libtiff's layout) writes, and a scanner's 2-page file.
    auto two = make_scan(d.path(), "tiff", "scan.tif");
    BOOST_TEST((intake::looks_complete(d.path() / "scan.tif") == Completeness::complete));
    BOOST_TEST(two.size() > 100000u);
}

BOOST_AUTO_TEST_CASE(a_truncated_tiff_is_incomplete) {
    test_support::TempDir d;
    // Every proper prefix of a 3-page file: an IFD, an entry's array or a strip lies past the end.
    for (auto spec : {TiffSpec{.pages = 3}, TiffSpec{.big = true, .pages = 3}, TiffSpec{.tiles = true, .pages = 2}}) {
        auto whole = tiff(spec);
        for (size_t cut = 0; cut < whole.size(); ++cut)
            BOOST_TEST((judge(d.path(), "cut.tif", whole.substr(0, cut)) == Completeness::incomplete),
                       "prefix of " << cut << " of " << whole.size() << " bytes (big=" << spec.big << ")");
    }
    // The IFD is all there but its strip (or a tile) is declared longer than the file holds.
    BOOST_TEST((judge(d.path(), "strip.tif", tiff({.declared = 100000})) == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "tile.tif", tiff({.tiles = true, .declared = 100000})) == Completeness::incomplete));
    // Header not yet pointing at an IFD (a writer patches it last), and a cyclic chain.
    BOOST_TEST((judge(d.path(), "zero.tif", tiff({.header_zero = true})) == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "cycle.tif", tiff({.cycle = true, .pages = 2})) == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "self.tif", tiff({.cycle = true})) == Completeness::incomplete));
    // A real 2-page scan cut anywhere.
    auto two = make_scan(d.path(), "tiff", "scan.tif");
    for (size_t k = 1; k < 16; ++k)
        BOOST_TEST((judge(d.path(), "cut-scan.tif", two.substr(0, two.size() * k / 16)) == Completeness::incomplete), k);
}

BOOST_AUTO_TEST_CASE(a_pdf_needs_eof_and_a_startxref_inside_the_file) {
    test_support::TempDir d;
    BOOST_TEST((judge(d.path(), "ok.pdf", k_pdf) == Completeness::complete));
    // %%EOF present, but the startxref points past the end, or not at a cross-reference.
    std::string outside = k_pdf;
    outside.replace(outside.find("\n13\n"), 4, "\n99999\n");
    BOOST_TEST((judge(d.path(), "outside.pdf", outside) == Completeness::incomplete));
    std::string elsewhere = k_pdf;
    elsewhere.replace(elsewhere.find("\n13\n"), 4, "\n2\n");
    BOOST_TEST((judge(d.path(), "elsewhere.pdf", elsewhere) == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "no-number.pdf", "%PDF-1.4\nxref\nstartxref\n%%EOF\n") == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "no-eof.pdf", k_pdf.substr(0, k_pdf.size() - 6)) == Completeness::incomplete));
    BOOST_TEST((judge(d.path(), "eof-only.pdf", "%PDF-1.4\n...\n%%EOF\n") == Completeness::incomplete));
    // A cross-reference stream ("N G obj") is as good as a table.
    const std::string stream = "%PDF-1.5\n12 0 obj\n<< /Type /XRef /Size 13 >>\nstream\nx\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
    BOOST_TEST((judge(d.path(), "stream.pdf", stream) == Completeness::complete));
    // A real PDF and every cut of it.
    auto pdf = make_scan(d.path(), "pdf", "scan.pdf");
    BOOST_TEST((intake::looks_complete(d.path() / "scan.pdf") == Completeness::complete));
    for (size_t k = 1; k < 16; ++k)
        BOOST_TEST((judge(d.path(), "cut.pdf", pdf.substr(0, pdf.size() * k / 16)) == Completeness::incomplete), k);
}

BOOST_AUTO_TEST_CASE(shipped_scans_and_forms_look_complete) {
    int n = 0;
    for (auto dir : {test_support::source_dir() / "data/sample-scans", test_support::source_dir() / "forms"})
        for (auto& e : fs::directory_iterator(dir)) {
            if (e.path().extension() == ".json") continue;
            ++n;
            BOOST_TEST((intake::looks_complete(e.path()) == Completeness::complete), e.path());
        }
    BOOST_TEST(n >= 6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(inbox_robust, Fixture)

BOOST_AUTO_TEST_CASE(a_file_open_for_writing_is_never_offered) {
    intake::Inbox inbox(folders, &log);
    // Page 1 of a multi-page TIFF: a complete file, unchanged for a minute, but its writer is not done.
    auto p = drop("scan.tif", tiff({}), 60);
    {
        Holder writer(p, O_WRONLY);
        std::vector<intake::SkippedEntry> skipped;
        auto t0 = std::chrono::steady_clock::now();
        BOOST_TEST(ready_names(inbox, options(), &skipped).empty());
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        BOOST_TEST_MESSAGE("ready() with one /proc walk: " << ms << " ms");
        BOOST_TEST(ms < 10000);  // a bound against a hang, not a speed target
        BOOST_TEST(skipped.empty());  // quiet while younger than give_up
        // Held past give_up: reported, still not taken.
        BOOST_TEST(ready_names(inbox, options(2, 30), &skipped).empty());
        BOOST_TEST_REQUIRE(skipped.size() == 1u);
        BOOST_TEST(skipped[0].kind == "writing");
        BOOST_TEST(skipped[0].note.find("öppen för skrivning") != std::string::npos);
    }
    {
        Holder rw(p, O_RDWR);
        BOOST_TEST(ready_names(inbox, options()).empty());
    }
    {
        Holder reader(p, O_RDONLY);  // a virus scanner or a preview: no reason to wait
        BOOST_TEST(ready_names(inbox, options()) == std::vector<std::string>{"scan.tif"});
    }
    BOOST_TEST(ready_names(inbox, options()) == std::vector<std::string>{"scan.tif"});
}

BOOST_AUTO_TEST_CASE(a_claim_that_fails_for_any_reason_but_gone_is_reported) {
    write_file(dir.path() / "not-a-folder", "x");
    intake::Folders broken = folders;
    broken.work = dir.path() / "not-a-folder";
    intake::Inbox inbox(broken, &log);
    auto p = drop("skanning.pdf", k_pdf);
    intake::SkippedEntry failure;
    BOOST_TEST(!inbox.claim(p, &failure).has_value());
    BOOST_TEST(failure.kind == "claim_failed");
    BOOST_TEST(failure.name == "skanning.pdf");
    BOOST_TEST(failure.note.find("paths.work") != std::string::npos, failure.note);
    BOOST_TEST(fs::exists(p));
    BOOST_TEST_REQUIRE(logged("level=error event=inbox.claim_failed") == 1u);
    BOOST_TEST(logged(p.string()) == 1u);
    BOOST_TEST(logged("cause=") == 1u);
    // Again (a watch's next pass): reported in the summary again, logged once.
    intake::SkippedEntry again;
    BOOST_TEST(!inbox.claim(p, &again).has_value());
    BOOST_TEST(again.kind == "claim_failed");
    BOOST_TEST(logged("inbox.claim_failed") == 1u);
    // Gone (another process took it): silent.
    intake::Inbox good(folders, &log);
    intake::SkippedEntry none;
    BOOST_TEST(!good.claim(folders.inbox / "gone.pdf", &none).has_value());
    BOOST_TEST(none.kind.empty());
    BOOST_TEST(logged("inbox.claim_failed") == 1u);
}

BOOST_AUTO_TEST_CASE(an_inbox_on_another_file_system_is_claimed_by_a_verified_copy) {
    Tmpfs mount(folders.inbox);
    if (!mount.mounted()) return;
    intake::Inbox inbox(folders, &log);
    auto p = drop("nätverk.pdf", k_pdf);
    BOOST_TEST(ready_names(inbox, options()) == std::vector<std::string>{"nätverk.pdf"});
    auto c = inbox.claim(p);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(!fs::exists(p));
    BOOST_TEST(read_file(c->work_path) == k_pdf);
    BOOST_TEST(c->sha256 == intake::sha256_bytes(k_pdf));
    BOOST_TEST(inbox.unchanged(*c));
    BOOST_TEST(lines.empty());

    // A killed run copied it into work/ but could not unlink it yet: the next claim does not double it.
    auto again = drop("nätverk.pdf", k_pdf);
    intake::SkippedEntry failure;
    BOOST_TEST(!inbox.claim(again, &failure).has_value());
    BOOST_TEST(failure.kind.empty());
    BOOST_TEST(!fs::exists(again));
    BOOST_TEST(files(folders.work).size() == 1u);

    // A read-only share: the copy succeeds, the unlink does not; the copy is removed, the cause reported.
    auto ro = drop("skrivskyddad.pdf", k_pdf + "ro");
    BOOST_TEST_REQUIRE(mount.remount_read_only());
    BOOST_TEST(!inbox.claim(ro, &failure).has_value());
    BOOST_TEST(failure.kind == "claim_failed");
    BOOST_TEST(failure.note.find("skrivskyddat") != std::string::npos, failure.note);
    BOOST_TEST(fs::exists(ro));
    BOOST_TEST(files(folders.work).size() == 1u);
    BOOST_TEST(logged("event=inbox.claim_failed") == 1u);
}

BOOST_AUTO_TEST_CASE(a_future_mtime_is_settled_after_give_up_and_reported) {
    intake::Inbox inbox(folders, &log);
    auto p = drop("kamera.jpg", "\xff\xd8 jpeg body \xff\xd9", 0);
    const timespec times[2] = {{0, UTIME_OMIT}, {::time(nullptr) + 86400, 0}};  // a camera a day ahead
    BOOST_TEST_REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
    std::vector<intake::SkippedEntry> skipped;
    // give_up 3 s: "just now" must stay just now on a loaded machine.
    BOOST_TEST(ready_names(inbox, options(2, 3), &skipped).empty());  // changed (ctime) just now
    BOOST_TEST(skipped.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    BOOST_TEST(ready_names(inbox, options(2, 3), &skipped) == std::vector<std::string>{"kamera.jpg"});
    BOOST_TEST_REQUIRE(skipped.size() == 1u);
    BOOST_TEST(skipped[0].kind == "future_mtime");
    BOOST_TEST(skipped[0].note.find("framtiden") != std::string::npos);
    BOOST_TEST(logged("level=warning event=inbox.future_mtime") == 1u);
    BOOST_TEST(inbox.claim(p).has_value());
}

BOOST_AUTO_TEST_CASE(a_file_changed_after_its_claim_is_put_back_under_its_name) {
    intake::Inbox inbox(folders, &log);
    auto c = inbox.claim(drop("flersidig.tif", tiff({})));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(inbox.unchanged(*c));
    // The scanner appends page 2 through the descriptor it kept.
    {
        std::ofstream more(c->work_path, std::ios::app | std::ios::binary);
        more << "page 2";
    }
    BOOST_TEST(!inbox.unchanged(*c));
    auto k = inbox.put_back(*c);
    BOOST_TEST(k.kind == "changed");
    BOOST_TEST(k.name == "flersidig.tif");
    BOOST_TEST(!k.note.empty());
    BOOST_TEST(files(folders.work).empty());
    BOOST_TEST(read_file(folders.inbox / "flersidig.tif") == tiff({}) + "page 2");
    BOOST_TEST(logged("level=warning event=inbox.put_back") == 1u);
    // Its name taken meanwhile (a new scan): a free variant, nothing overwritten.
    auto c2 = inbox.claim(folders.inbox / "flersidig.tif");
    BOOST_TEST_REQUIRE(c2.has_value());
    drop("flersidig.tif", "new scan");
    fs::resize_file(c2->work_path, 10);
    BOOST_TEST(!inbox.unchanged(*c2));
    BOOST_TEST(inbox.put_back(*c2).name == "flersidig (2).tif");
    BOOST_TEST(read_file(folders.inbox / "flersidig.tif") == "new scan");
}

BOOST_AUTO_TEST_CASE(the_archive_is_a_new_file_a_writer_cannot_reach) {
    intake::Inbox inbox(folders, &log);
    auto p = drop("skanner.pdf", k_pdf);
    // The scanner still holds its descriptor (the claim raced with it).
    int writer = ::open(p.c_str(), O_WRONLY | O_APPEND);
    BOOST_TEST_REQUIRE(writer >= 0);
    auto c = inbox.claim(p);
    BOOST_TEST_REQUIRE(c.has_value());
    auto where = inbox.archive(*c);
    BOOST_TEST_REQUIRE(!where.empty());
    const std::string late = "\n% page 2, written after the archive\n";
    BOOST_TEST(::write(writer, late.data(), late.size()) == static_cast<ssize_t>(late.size()));
    ::close(writer);
    BOOST_TEST(read_file(where) == k_pdf);
    BOOST_TEST(intake::sha256_file(where) == c->sha256);
    BOOST_TEST(fs::file_size(where) == c->size);
    BOOST_TEST(files(folders.work).empty());
}

BOOST_AUTO_TEST_CASE(bytes_that_differ_from_the_stored_checksum_are_never_archived) {
    intake::Inbox inbox(folders, &log);
    auto c = inbox.claim(drop("a.pdf", k_pdf));
    BOOST_TEST_REQUIRE(c.has_value());
    write_file(c->work_path, k_pdf + "% rewritten\n");
    BOOST_TEST(inbox.archive(*c).empty());
    BOOST_TEST(files(folders.archive).empty());
    BOOST_TEST(files(folders.inbox) == std::vector<std::string>{"a.pdf"});
    BOOST_TEST(logged("level=error event=inbox.archive_mismatch") == 1u);

    auto r = inbox.claim(folders.inbox / "a.pdf");
    BOOST_TEST_REQUIRE(r.has_value());
    write_file(r->work_path, "truncated");
    BOOST_TEST(inbox.reject(*r, "{}\n").empty());
    BOOST_TEST(files(folders.rejected).empty());  // no sidecar either
    BOOST_TEST(files(folders.inbox) == std::vector<std::string>{"a.pdf"});
    BOOST_TEST(files(folders.work).empty());
}

BOOST_AUTO_TEST_SUITE_END()
