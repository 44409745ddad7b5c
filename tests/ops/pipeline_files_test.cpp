// The operations files in pipeline/ against the real program: the default
// config lists exactly the keys `config check` knows, with their defaults;
// the systemd units parse and their ExecStart lines run; the cron lines run
// as written (paths moved into a temp dir) and the batch's lock works.
#define BOOST_TEST_MODULE ops
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

fs::path pipeline_dir() { return test_support::source_dir() / "pipeline"; }

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct IniKey {
    std::string value;
    std::string comment;  // the comment lines right above it
};

std::map<std::string, IniKey> parse_ini(const std::string& text) {
    std::map<std::string, IniKey> keys;
    std::istringstream in(text);
    std::string line, section, comment;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty()) {
            comment.clear();
        } else if (line[0] == ';') {
            comment += line + "\n";
        } else if (line[0] == '[') {
            BOOST_TEST_REQUIRE(line.back() == ']', line);
            section = line.substr(1, line.size() - 2);
            comment.clear();
        } else {
            auto eq = line.find('=');
            BOOST_TEST_REQUIRE(eq != std::string::npos, "not key = value: " << line);
            BOOST_TEST_REQUIRE(!section.empty(), "key outside a section: " << line);
            keys[section + "." + trim(line.substr(0, eq))] = {trim(line.substr(eq + 1)), comment};
            comment.clear();
        }
    }
    return keys;
}

// key → (value, source) from `config check`.
std::map<std::string, std::pair<std::string, std::string>> parse_config_check(const std::string& out) {
    std::map<std::string, std::pair<std::string, std::string>> keys;
    std::regex row(R"(^([a-z_]+\.[a-z_]+) += (.*?) *\((default|file|env|given)\)$)");
    std::istringstream in(out);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_match(line, m, row)) keys[m[1]] = {m[2], m[3]};
    return keys;
}

std::string env_name(const std::string& key) {
    std::string n = "LINKAGE_";
    for (char c : key) n.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return n;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
    return s;
}

// The installed paths of the ops files, moved under `root`.
std::string relocate(std::string s, const fs::path& root) {
    s = replace_all(s, "/usr/local/bin/linkage", test_support::linkage_bin().string());
    s = replace_all(s, "/var/lib/linkage", (root / "home").string());
    s = replace_all(s, "/etc/linkage/linkage.ini", (pipeline_dir() / "linkage.ini").string());
    s = replace_all(s, "/var/backups/linkage", (root / "backups").string());
    return s;
}

std::vector<std::string> split(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::string unit_value(const std::string& unit, const std::string& key) {
    std::istringstream in(unit);
    std::string line, value;
    while (std::getline(in, line))
        if (line.rfind(key + "=", 0) == 0) value = line.substr(key.size() + 1);
    return value;
}

class HeldLock {
public:
    // batch and watch lock the state directory itself (no lock file to delete).
    explicit HeldLock(const fs::path& home) : m_fd(::open(home.c_str(), O_RDONLY | O_DIRECTORY)) {
        BOOST_TEST_REQUIRE(::flock(m_fd, LOCK_EX | LOCK_NB) == 0);
    }
    ~HeldLock() { ::close(m_fd); }

private:
    int m_fd;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pipeline_files)

BOOST_AUTO_TEST_CASE(default_ini_documents_every_key_with_its_default) {
    test_support::TempDir home;
    const fs::path ini = pipeline_dir() / "linkage.ini";
    auto file_keys = parse_ini(test_support::read_file(ini));

    BOOST_TEST_REQUIRE(run_linkage({"--home", home.path().string(), "init"}).exit_code == 0);  // its folders
    auto defaults = run_linkage({"--home", home.path().string(), "config", "check"});
    BOOST_TEST_REQUIRE(defaults.exit_code == 0, defaults.err);
    auto known = parse_config_check(defaults.out);
    BOOST_TEST_REQUIRE(known.size() > 30u);

    std::set<std::string> in_file, in_program;
    for (auto& [k, v] : file_keys) in_file.insert(k);
    for (auto& [k, v] : known) in_program.insert(k);
    for (auto& k : in_program) BOOST_TEST(in_file.count(k) == 1u, "pipeline/linkage.ini lacks " << k);
    for (auto& k : in_file) BOOST_TEST(in_program.count(k) == 1u, "pipeline/linkage.ini has unknown " << k);

    for (auto& [k, entry] : file_keys) {
        if (!known.count(k)) continue;
        BOOST_TEST(entry.value == known[k].first, k << ": file says '" << entry.value << "', default is '" << known[k].first << "'");
        BOOST_TEST(entry.comment.size() > 20u, k << " has no explanation");
        BOOST_TEST(entry.comment.find(env_name(k)) != std::string::npos, k << ": comment does not name " << env_name(k));
    }

    auto with_file = run_linkage({"--home", home.path().string(), "--config", ini.string(), "config", "check"});
    BOOST_TEST_REQUIRE(with_file.exit_code == 0, with_file.err);
    BOOST_TEST(with_file.out.find("configuration ok (file " + ini.string() + ")") == 0u, with_file.out);
    for (auto& [k, v] : parse_config_check(with_file.out)) BOOST_TEST(v.second == "file", k << " not from the file");

    auto env = run_linkage({"--home", home.path().string(), "--config", ini.string(), "config", "check"}, "",
                           {"LINKAGE_SERVER_PORT=9090", "LINKAGE_SMTP_PASSWORD=hunter2"});
    BOOST_TEST(env.exit_code == 0, env.err);
    auto env_keys = parse_config_check(env.out);
    BOOST_TEST(env_keys["server.port"].first == "9090");
    BOOST_TEST(env_keys["server.port"].second == "env");
    BOOST_TEST(env_keys["smtp.password"].first == "********");
    BOOST_TEST(env.out.find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_check_rejects_bad_files_and_values) {
    test_support::TempDir dir;
    const std::string ini = test_support::read_file(pipeline_dir() / "linkage.ini");
    auto check = [&](const std::string& text, const std::vector<std::string>& env = {}) {
        test_support::write_file(dir.path() / "bad.ini", text);
        return run_linkage({"--home", dir.path().string(), "--config", (dir.path() / "bad.ini").string(), "config",
                            "check"}, "", env);
    };
    auto unknown = check(ini + "\n[server]\nprot = 80\n");
    BOOST_TEST(unknown.exit_code == 4);
    BOOST_TEST(unknown.err.find("unknown key 'prot' in section [server]") != std::string::npos, unknown.err);
    auto level = check(replace_all(ini, "level = information", "level = loud"));
    BOOST_TEST(level.exit_code == 4);
    BOOST_TEST(level.err.find("log.level = 'loud'") != std::string::npos, level.err);
    auto port = check(replace_all(ini, "port = 8080", "port = 80800"));
    BOOST_TEST(port.exit_code == 4);
    BOOST_TEST(port.err.find("server.port") != std::string::npos, port.err);
    auto give_up = check(ini, {"LINKAGE_BATCH_INCOMPLETE_GIVE_UP_SECONDS=-1"});
    BOOST_TEST(give_up.exit_code == 4);
    BOOST_TEST(give_up.err.find("LINKAGE_BATCH_INCOMPLETE_GIVE_UP_SECONDS") != std::string::npos, give_up.err);
    auto base = check(replace_all(ini, "base_url =\n", "base_url = kopplingsdesken.example.se\n"));
    BOOST_TEST(base.exit_code == 4);
    auto url = check(replace_all(ini, "url =\n", "url = mysql://x\n"));
    BOOST_TEST(url.exit_code == 4);
    BOOST_TEST(url.err.find("store.url") != std::string::npos, url.err);
}

BOOST_AUTO_TEST_CASE(systemd_units_parse_are_hardened_and_run) {
    test_support::TempDir dir;
    BOOST_TEST_REQUIRE(run_linkage({"--home", (dir.path() / "home").string(), "init"}).exit_code == 0);
    const bool have_systemd = test_support::run_shell("command -v systemd-analyze >/dev/null 2>&1") == 0;
    if (!have_systemd) BOOST_TEST_MESSAGE("systemd-analyze not installed: checking the INI shape only");
    for (const char* name : {"linkage-watch.service", "linkage-serve.service"}) {
        BOOST_TEST_CONTEXT(name) {
            const std::string unit = test_support::read_file(pipeline_dir() / name);
            for (const char* line : {"Restart=on-failure", "User=linkage", "Group=linkage", "NoNewPrivileges=yes",
                                     "ProtectSystem=strict", "ReadWritePaths=/var/lib/linkage", "PrivateTmp=yes",
                                     "ProtectHome=yes", "CapabilityBoundingSet=\n", "KillSignal=SIGTERM",
                                     "WantedBy=multi-user.target"})
                BOOST_TEST(unit.find(line) != std::string::npos, "missing " << line);
            // INI shape: comments, [Unit]/[Service]/[Install], Key=Value.
            std::istringstream in(unit);
            std::string line, section;
            std::regex key_value(R"(^[A-Z][A-Za-z]+=.*$)");
            while (std::getline(in, line)) {
                if (line.empty() || line[0] == '#') continue;
                if (line[0] == '[') {
                    section = line;
                    BOOST_TEST((section == "[Unit]" || section == "[Service]" || section == "[Install]"), line);
                } else {
                    BOOST_TEST(std::regex_match(line, key_value), line);
                    BOOST_TEST(!section.empty(), line);
                }
            }
            // The unit as installed, with the binary it names replaced by this build's.
            const fs::path copy = dir.path() / name;
            test_support::write_file(copy, relocate(unit, dir.path()));
            if (have_systemd) {
                const fs::path err = dir.path() / "verify.err";
                int rc = test_support::run_shell("systemd-analyze verify '" + copy.string() + "' >'" + err.string() +
                                                 "' 2>&1");
                BOOST_TEST(rc == 0);
                BOOST_TEST(test_support::read_file(err) == "", "systemd-analyze verify: " << test_support::read_file(err));
            }
            // Its ExecStart starts, runs, and stops cleanly on the unit's KillSignal.
            auto argv = split(unit_value(relocate(unit, dir.path()), "ExecStart"));
            const int port = test_support::free_port(), ops_port = test_support::free_port();
            // Both listeners on free ports: others on this machine may hold the defaults (8080/8081).
            test_support::ChildProcess p(argv, dir.path() / "out", dir.path() / "err",
                                         {"LINKAGE_SERVER_PORT=" + std::to_string(port),
                                          "LINKAGE_SERVER_OPS_PORT=" + std::to_string(ops_port)});
            if (std::string(name) == "linkage-serve.service") BOOST_TEST(test_support::wait_for_port(port));
            else std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            BOOST_TEST_REQUIRE(!p.wait_for(std::chrono::milliseconds(10)), test_support::read_file(dir.path() / "err"));
            p.signal(SIGTERM);
            BOOST_TEST(p.wait_for(std::chrono::seconds(20)));
            BOOST_TEST(p.wait() == 0, test_support::read_file(dir.path() / "err"));
        }
    }
}

BOOST_AUTO_TEST_CASE(cron_lines_run_as_written_and_the_batch_lock_holds) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "home", bin = dir.path() / "bin", logged = dir.path() / "logger.out";
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    fs::create_directories(bin);
    fs::create_directories(dir.path() / "backups");
    fs::create_symlink(test_support::linkage_bin(), bin / "linkage");
    // `logger` stand-in: what the cron line would send to syslog lands in a file.
    test_support::write_file(bin / "logger", "#!/bin/sh\ncat >> '" + logged.string() + "'\n");
    fs::permissions(bin / "logger", fs::perms::owner_all);

    std::istringstream in(test_support::read_file(pipeline_dir() / "linkage.cron"));
    std::string line, env = "PATH='" + bin.string() + ":/usr/bin:/bin'", shell = "/bin/sh";
    std::map<std::string, std::string> jobs;  // "batch"/"backup"/"find" → command
    std::regex schedule_field(R"(^(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,[0-9]+(-[0-9]+)?)*$)");
    while (std::getline(in, line)) {
        if (trim(line).empty() || line[0] == '#') continue;
        if (line.rfind("SHELL=", 0) == 0) shell = trim(line.substr(6));  // the shell cron runs the lines with
        if (std::regex_match(line, std::regex(R"(^[A-Z]+=.*$)"))) continue;  // SHELL, PATH, MAILTO
        auto f = split(line);
        BOOST_TEST_REQUIRE(f.size() > 6u, line);
        for (int i = 0; i < 5; ++i) BOOST_TEST(std::regex_match(f[i], schedule_field), line);
        BOOST_TEST(f[5] == "linkage", "runs as " << f[5]);
        std::string command = trim(line.substr(line.find(f[5], line.find(f[4]) + f[4].size()) + f[5].size()));
        command = replace_all(relocate(command, dir.path()), "\\%", "%");  // cron unescapes \%
        std::string kind = command.find(" batch ") != std::string::npos    ? "batch"
                           : command.find(" backup ") != std::string::npos ? "backup"
                                                                           : f[6];
        jobs[kind] = env + " " + shell + " -c '" + replace_all(command, "'", "'\\''") + "'";
    }
    BOOST_TEST_REQUIRE(jobs.count("batch") == 1u);
    BOOST_TEST_REQUIRE(jobs.count("backup") == 1u);
    BOOST_TEST_REQUIRE(jobs.count("find") == 1u);

    // Issue 17: run the watcher OR the nightly batch. With a watcher running the
    // batch line says so and succeeds, instead of exiting 7 every night.
    {
        HeldLock watcher(home);  // as if linkage-watch were running (no heartbeat row yet: a fresh watcher)
        const fs::path err = dir.path() / "cron.err";
        BOOST_TEST(test_support::run_shell(jobs["batch"] + " 2>'" + err.string() + "'") == 0);
        const std::string text = test_support::read_file(logged);
        BOOST_TEST(text.find("linkage-watch runs") != std::string::npos, text);
        BOOST_TEST(text.find("holds the lock") == std::string::npos, text);
        BOOST_TEST(test_support::read_file(err) == "", "nothing to mail: " << test_support::read_file(err));
    }
    fs::remove(logged);
    BOOST_TEST(test_support::run_shell(jobs["batch"]) == 0);
    BOOST_TEST(test_support::read_file(logged).find("batch finished") != std::string::npos);
    BOOST_TEST(std::distance(fs::directory_iterator(home / "reports"), fs::directory_iterator()) >= 1);
    // A failing batch keeps its exit status through the pipe into logger, and says so on
    // stderr (what cron mails).
    {
        fs::remove(logged);
        const fs::path err = dir.path() / "cron.err";
        const int rc = test_support::run_shell("LINKAGE_BATCH_WORKERS=-3 " + jobs["batch"] + " 2>'" + err.string() + "'");
        BOOST_TEST(rc == 4);
        BOOST_TEST(test_support::read_file(err).find("linkage batch failed with exit 4") != std::string::npos,
                   test_support::read_file(err));
        BOOST_TEST(test_support::read_file(logged).find("batch.workers") != std::string::npos,
                   test_support::read_file(logged));
    }

    const fs::path out = dir.path() / "backup.out";
    BOOST_TEST(test_support::run_shell(jobs["backup"] + " 2>'" + out.string() + "'") == 0);
    BOOST_TEST(test_support::read_file(out) == "", "a good backup must print nothing (cron mails output)");
    std::vector<fs::path> made;
    for (auto& e : fs::directory_iterator(dir.path() / "backups")) made.push_back(e.path());
    BOOST_TEST_REQUIRE(made.size() == 1u);
    BOOST_TEST(std::regex_match(made[0].filename().string(), std::regex(R"(linkage-\d{4}-\d\d-\d\d\.db)")),
               made[0].filename().string());
    BOOST_TEST(test_support::run_shell(jobs["find"]) == 0);
    BOOST_TEST(fs::exists(made[0]));  // fresh: kept
}

// Issue 17 item 11: what the units and the ini say matches what exists.
BOOST_AUTO_TEST_CASE(units_documentation_is_installed_and_the_ini_tells_the_truth) {
    const std::string ops = test_support::read_file(test_support::source_dir() / "docs/operations.md");
    for (const char* name : {"linkage-watch.service", "linkage-serve.service"}) {
        BOOST_TEST_CONTEXT(name) {
            const std::string unit = test_support::read_file(pipeline_dir() / name);
            const std::string doc = unit_value(unit, "Documentation");
            BOOST_TEST_REQUIRE(doc.rfind("file://", 0) == 0, doc);
            const fs::path installed = doc.substr(7);
            // The file ships in docs/ and the documented install step puts docs/*.md in that folder.
            BOOST_TEST(fs::exists(test_support::source_dir() / "docs" / installed.filename()), installed);
            BOOST_TEST(ops.find("install -m 0644 docs/*.md " + installed.parent_path().string() + "/") != std::string::npos,
                       "docs/operations.md must install the docs into " << installed.parent_path());
        }
    }
    const auto ini = parse_ini(test_support::read_file(pipeline_dir() / "linkage.ini"));
    BOOST_TEST(ini.at("paths.archive").comment.find("SHA-256") != std::string::npos);
    BOOST_TEST(ini.at("paths.archive").comment.find("by date") == std::string::npos);
    // The documented set-up is the watcher OR the batch; no doc cites a file outside the repository.
    BOOST_TEST(ops.find("one of the two, not both") != std::string::npos);
    for (const char* doc : {"README.md", "docs/operations.md", "docs/scale-out.md", "pipeline/README.md"}) {
        const std::string text = test_support::read_file(test_support::source_dir() / doc);
        BOOST_TEST(text.find("../shared") == std::string::npos, doc);
        BOOST_TEST(text.find("SPEC.md") == std::string::npos, doc);
    }
}

BOOST_AUTO_TEST_CASE(health_and_metrics_commands) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "home";
    auto none = run_linkage({"--home", home.string(), "health"});
    BOOST_TEST(none.exit_code == 5);
    BOOST_TEST(none.out.starts_with("fail\nstore FAIL "), none.out);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home.string(), "demo"}).exit_code == 0);
    auto ok = run_linkage({"--home", home.string(), "health"});
    BOOST_TEST(ok.exit_code == 0, ok.out);
    BOOST_TEST(ok.out.starts_with("ok\nstore ok sqlite:"), ok.out);
    auto json = run_linkage({"--home", home.string(), "health", "--json", "--require-watch"});
    BOOST_TEST(json.exit_code == 5);
    BOOST_TEST(json.out.find("{\"name\":\"pipeline\",\"ok\":false,") != std::string::npos, json.out);
    {
        HeldLock watcher(home);
        BOOST_TEST(run_linkage({"--home", home.string(), "health", "--require-watch"}).exit_code == 0);
    }
    auto metrics = run_linkage({"--home", home.string(), "metrics"});
    BOOST_TEST(metrics.exit_code == 0, metrics.err);
    for (const char* line : {"# TYPE linkage_linkages gauge\n", "linkage_store_up 1\n", "linkage_health_ok 1\n",
                             "linkage_review_queue_length ", "linkage_mail_queue_length "})
        BOOST_TEST(metrics.out.find(line) != std::string::npos, line << " not in\n" << metrics.out);
    const fs::path prom = dir.path() / "linkage.prom";
    BOOST_TEST(run_linkage({"--home", home.string(), "metrics", "-o", prom.string()}).exit_code == 0);
    BOOST_TEST(test_support::read_file(prom) == metrics.out);
}

BOOST_AUTO_TEST_SUITE_END()
