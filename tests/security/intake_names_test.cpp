// Security: files dropped into the inbox under hostile or odd names (spaces,
// Unicode, "..", very long, newlines, HTML, shell and format metacharacters,
// a leading dash). Runs the real `linkage batch` from an unrelated working
// directory with its own TMPDIR and checks that
//  * every file leaves the inbox and lies exactly once (by checksum) in
//    archive/ or rejected/, under a name that is safe (no control characters,
//    no path separator, <= 255 bytes, starting with the file's checksum);
//  * the store records each one with a path inside archive/ or rejected/;
//  * hidden names (a leading dot, so also "..pdf") are left alone, byte for
//    byte, as the inbox's contract says;
//  * nothing is written anywhere outside the state directory (the working
//    directory, TMPDIR and a sibling folder are compared before and after),
//    and a symlink in the inbox does not alter the file it points at;
//  * the HTML report shows the names escaped.
#define BOOST_TEST_MODULE security
#include <boost/test/unit_test.hpp>

#include "intake/files.hpp"
#include "store/connection.hpp"
#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using test_support::read_file;
using test_support::write_file;

namespace {

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        if (n < 0 || s.size() - i <= static_cast<std::size_t>(n)) return false;
        for (int k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) return false;
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

bool safe_file_name(const std::string& name) {
    if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f || c == '/') return false;
    return true;
}

bool is_hex64(const std::string& s) {
    return s.size() >= 64 && s.substr(0, 64).find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Every entry under `root` except `skip`: relative path → type, size and content checksum.
std::map<std::string, std::string> snapshot(const fs::path& root, const fs::path& skip) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        if (it->path() == skip) {
            it.disable_recursion_pending();
            continue;
        }
        std::string what;
        if (it->is_symlink())
            what = "link:" + fs::read_symlink(it->path()).string();
        else if (it->is_directory())
            what = "dir";
        else
            what = "file:" + intake::sha256_file(it->path());
        out[fs::relative(it->path(), root).string()] = what;
    }
    return out;
}

struct Dropped {
    std::string name;
    std::string sha256;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(intake_names)

BOOST_AUTO_TEST_CASE(odd_names_end_in_archive_or_rejected_and_nothing_leaves_the_state_directory) {
    test_support::TempDir root;
    const fs::path home = root.path() / "home", cwd = root.path() / "cwd", tmp = root.path() / "tmp",
                   outside = root.path() / "outside";
    fs::create_directories(cwd);
    fs::create_directories(tmp);
    fs::create_directories(outside);
    write_file(outside / "secret.pdf", "%PDF-1.4\nnot for the batch\n%%EOF\n");
    BOOST_TEST_REQUIRE(test_support::run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    const fs::path inbox = home / "inbox";

    const std::string long_ascii = std::string(251, 'L') + ".pdf";  // 255 bytes, the file system's limit
    std::string long_utf8;
    for (int i = 0; i < 125; ++i) long_utf8 += "\xC3\x96";  // Ö
    long_utf8 += ".pdf";  // 254 bytes: safe_name must cut it whole, not inside a character
    const std::vector<std::string> names = {
        "with spaces.pdf",
        "  leading and trailing  .pdf",
        "\xC3\xA5\xC3\xA4\xC3\xB6 \xC3\x9Cn\xC3\xAF\x63\xC3\xB8\x64\xC3\xA9 \xF0\x9F\x98\x80.jpg",  // åäö Ünïcødé 😀
        "A\xCC\x8A-decomposed.pdf",                                                                 // Å as A + ring
        "report..final.pdf",
        "evil..\\..\\..\\etc\\passwd.pdf",
        "ends-in-dots..",
        long_ascii,
        long_utf8,
        "new\nline.pdf",
        "tab\tand\rreturn.pdf",
        "<img src=x onerror=alert(1)>.pdf",
        "<script>alert('x')<\\script>.png",
        "\"quoted\" & 'apostrophes'.tif",
        "-rf.tif",
        "--help.pdf",
        "$(touch pwned).pdf",
        "`touch pwned2`.jpg",
        "; touch pwned3 #.pdf",
        "%s%n%x%p.pdf",
        "no-extension",
        "double.PDF;.exe",
    };
    std::vector<Dropped> dropped;
    int i = 0;
    for (const auto& name : names) {
        // Distinct bytes per file (the store keys inputs by checksum); some
        // are real images so the raster stage sees the odd names too.
        std::string content = "not a scan #" + std::to_string(i++) + "\n";
        if (i == 3) content = read_file(test_support::source_dir() / "tests/fuzz/seeds/raster/gray.jpg");
        if (i == 13) content = read_file(test_support::source_dir() / "tests/fuzz/seeds/raster/gray.png");
        if (i == 1) content = read_file(test_support::source_dir() / "forms/linkage-form-v1.pdf");
        write_file(inbox / name, content);
        dropped.push_back({name, intake::sha256_file(inbox / name)});
    }
    // Hidden names are skipped by contract (editors' and scanners' temp files).
    const std::vector<std::string> hidden = {"..pdf", "..\\..\\evil.pdf", ".hidden.pdf"};
    std::map<std::string, std::string> hidden_sha;
    for (const auto& name : hidden) {
        write_file(inbox / name, "hidden " + name + "\n");
        hidden_sha[name] = intake::sha256_file(inbox / name);
    }
    // A symlink out of the state directory.
    fs::create_symlink(outside / "secret.pdf", inbox / "link-to-outside.pdf");
    const std::string secret_sha = intake::sha256_file(outside / "secret.pdf");
    for (auto& e : fs::directory_iterator(inbox))
        fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::minutes(10));

    const auto before = snapshot(root.path(), home);
    const std::string out = (root.path() / "batch.out").string(), err = (root.path() / "batch.err").string();
    const std::string cmd = "cd '" + cwd.string() + "' && TMPDIR='" + tmp.string() +
                            "' LINKAGE_BATCH_STABLE_SECONDS=0 LINKAGE_BATCH_INCOMPLETE_GIVE_UP_SECONDS=0 '" +
                            test_support::linkage_bin().string() + "' --home '" + home.string() +
                            "' batch --json --no-progress >'" + out + "' 2>'" + err + "'";
    const int rc = test_support::run_shell(cmd);
    BOOST_TEST_INFO("stderr: " << read_file(err));
    BOOST_TEST_REQUIRE(rc == 0);

    // Nothing outside the state directory changed (batch.out/err are ours).
    auto after = snapshot(root.path(), home);
    after.erase("batch.out");
    after.erase("batch.err");
    for (const auto& [path, what] : after)
        if (!before.count(path) || before.at(path) != what) BOOST_ERROR("written outside the state directory: " << path);
    for (const auto& [path, what] : before)
        if (!after.count(path)) BOOST_ERROR("removed outside the state directory: " << path);
    BOOST_TEST(fs::is_empty(cwd));
    BOOST_TEST(fs::is_empty(tmp));
    BOOST_TEST(intake::sha256_file(outside / "secret.pdf") == secret_sha);

    // The inbox holds only the hidden files, unchanged; work/ is empty.
    std::set<std::string> left;
    for (auto& e : fs::directory_iterator(inbox)) left.insert(e.path().filename().string());
    // A symlink is never read through: it stays where it was dropped.
    auto expected_left = std::set<std::string>(hidden.begin(), hidden.end());
    expected_left.insert("link-to-outside.pdf");
    BOOST_TEST(left == expected_left);
    for (const auto& [name, sha] : hidden_sha) BOOST_TEST(intake::sha256_file(inbox / name) == sha);
    BOOST_TEST(fs::is_empty(home / "work"));

    // Every dropped file lies exactly once in archive/ or rejected/ under a safe name.
    std::multiset<std::string> stored;
    for (const char* folder : {"archive", "rejected"}) {
        for (auto& e : fs::directory_iterator(home / folder)) {
            const std::string name = e.path().filename().string();
            BOOST_TEST_INFO(folder << "/" << name);
            BOOST_TEST(safe_file_name(name));
            BOOST_TEST(is_hex64(name));
            BOOST_TEST(valid_utf8(name));
            if (e.is_symlink()) {
                BOOST_ERROR("an inbox symlink was taken: " << folder << "/" << name);
                continue;
            }
            if (name.size() > 5 && name.ends_with(".json") && folder == std::string("rejected")) {
                BOOST_TEST(valid_utf8(read_file(e.path())));  // the sidecar
                continue;
            }
            stored.insert(intake::sha256_file(e.path()));
            BOOST_TEST(name.substr(0, 64) == intake::sha256_file(e.path()));
        }
    }
    for (const auto& d : dropped) {
        BOOST_TEST_INFO("dropped as: " << d.name);
        BOOST_TEST(stored.count(d.sha256) == 1u);
    }

    // The store: one input per file, each stored inside archive/ or rejected/.
    auto db = test_support::open_test_store(home);
    auto q = db->prepare("SELECT file_name, stored_path FROM inputs");
    int rows = 0;
    while (q->step()) {
        ++rows;
        const std::string file_name = q->get_text(0), stored_path = q->get_text(1);
        BOOST_TEST_INFO("input " << file_name << " at " << stored_path);
        BOOST_TEST(safe_file_name(file_name));
        fs::path p(stored_path);
        BOOST_TEST(p.is_relative());
        BOOST_TEST((*p.begin() == "archive" || *p.begin() == "rejected"));
        for (const auto& part : p) BOOST_TEST(part != "..");
        BOOST_TEST(fs::exists(home / p));
    }
    BOOST_TEST(rows == static_cast<int>(names.size()));

    // The morning report names the files, escaped.
    std::string html;
    for (auto& e : fs::directory_iterator(home / "reports"))
        if (e.path().extension() == ".html") html += read_file(e.path());
    BOOST_TEST(!html.empty());
    BOOST_TEST(html.find("<img src=x") == std::string::npos);
    BOOST_TEST(html.find("<script>alert") == std::string::npos);
    BOOST_TEST(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}

// A name that is not UTF-8 (bytes 0xFF 0xFE): the file must still leave the
// inbox for rejected/ and be recorded once. Known finding (reported for
// intake::safe_name): the bytes are kept, so the sidecar, the --json lines and
// the report carry invalid UTF-8 (invalid JSON); checked as warnings until fixed.
BOOST_AUTO_TEST_CASE(a_name_that_is_not_utf8_is_still_taken) {
    test_support::TempDir root;
    const fs::path home = root.path() / "home";
    BOOST_TEST_REQUIRE(test_support::run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    const std::string name = "bad\xFF\xFEname.png";
    write_file(home / "inbox" / name, "not a scan\n");
    const std::string sha = intake::sha256_file(home / "inbox" / name);
    auto r = test_support::run_linkage({"--home", home.string(), "batch", "--json", "--no-progress"}, {},
                                       {"LINKAGE_BATCH_STABLE_SECONDS=0", "LINKAGE_BATCH_INCOMPLETE_GIVE_UP_SECONDS=0"});
    BOOST_TEST_REQUIRE(r.exit_code == 0);
    BOOST_TEST(fs::is_empty(home / "inbox"));
    int found = 0;
    for (auto& e : fs::directory_iterator(home / "rejected")) {
        const std::string n = e.path().filename().string();
        BOOST_TEST(safe_file_name(n));
        if (n.ends_with(".json")) {
            BOOST_TEST(valid_utf8(read_file(e.path())), "sidecar is not UTF-8: " << n);
            continue;
        }
        BOOST_TEST(intake::sha256_file(e.path()) == sha);
        ++found;
        BOOST_TEST(valid_utf8(n), "stored name is not UTF-8");
    }
    BOOST_TEST(found == 1);
    BOOST_TEST(valid_utf8(r.out), "batch --json output is not UTF-8");
}

BOOST_AUTO_TEST_SUITE_END()
