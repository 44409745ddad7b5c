#include "report/report_journal.hpp"

#include "store/document_history.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace report {

namespace fs = std::filesystem;

namespace {

const std::string k_prefix = ".journal-";
const std::string k_suffix = ".jsonl";

[[noreturn]] void raise(const std::string& what, const fs::path& p) {
    throw fs::filesystem_error(what, p, std::error_code(errno, std::generic_category()));
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// One write(2) per line (O_APPEND: never interleaved, at worst torn by a kill),
// then fdatasync. Returns 0 or the errno.
int append_line(int fd, const std::string& line) {
    const off_t end = ::lseek(fd, 0, SEEK_END);
    auto fail = [&](int err) {
        if (end >= 0 && ::ftruncate(fd, end) != 0) {}  // no torn line left for the next one to join
        return err;
    };
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(n < 0 ? errno : EIO);
        p += n;
        left -= static_cast<size_t>(n);
    }
    return ::fdatasync(fd) != 0 ? fail(errno) : 0;
}

}  // namespace

fs::path ReportJournal::file_for(const fs::path& reports_dir, const std::string& kind, const std::string& started_at) {
    std::string key = kind == "watch" ? started_at.substr(0, 10) : started_at;
    std::replace(key.begin(), key.end(), ':', '-');
    return reports_dir / (k_prefix + kind + "-" + key + k_suffix);
}

ReportJournal::ReportJournal(const fs::path& reports_dir, const std::string& kind, const std::string& started_at)
    : m_path(file_for(reports_dir, kind, started_at)) {
    fs::create_directories(reports_dir);
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0) raise("cannot open the report journal", m_path);
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) raise("cannot read the report journal", m_path);
    int err = 0;
    if (st.st_size == 0) {
        Summary head;
        head.kind = kind;
        head.started_at = started_at;
        head.finished_at = started_at;
        err = append_line(m_fd, head.to_json(false) + "\n");
        fsync_dir(reports_dir);
    } else {
        // Continued: end a line torn by a kill, so the next line parses.
        char last = '\n';
        if (::pread(m_fd, &last, 1, st.st_size - 1) == 1 && last != '\n') err = append_line(m_fd, "\n");
    }
    if (err != 0) {
        ::close(m_fd);
        m_fd = -1;
        errno = err;
        raise("cannot write the report journal", m_path);
    }
}

ReportJournal::~ReportJournal() {
    if (m_fd >= 0) ::close(m_fd);
}

std::string ReportJournal::add(const Summary& lines, const std::string& at) {
    Summary l = lines;
    l.finished_at = at;
    int err = append_line(m_fd, l.to_json(false) + "\n");
    return err ? std::strerror(err) : std::string();
}

std::vector<fs::path> find_journals(const fs::path& reports_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(reports_dir, ec)) {
        auto name = e.path().filename().string();
        if (name.size() > k_prefix.size() + k_suffix.size() && name.compare(0, k_prefix.size(), k_prefix) == 0 &&
            name.compare(name.size() - k_suffix.size(), k_suffix.size(), k_suffix) == 0)
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<Summary> replay_journal(const fs::path& journal) {
    std::ifstream in(journal, std::ios::binary);
    if (!in) return std::nullopt;
    Summary s;
    bool first = true;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        Summary l;
        try {
            l = Summary::from_json(line);
        } catch (const std::exception&) {
            continue;  // torn by a kill mid-write: that file's lines were not complete
        }
        if (first) {
            s.kind = l.kind;
            s.started_at = l.started_at;
            first = false;
        }
        s.merge(l, true);
        s.finished_at = l.finished_at;
    }
    if (first) {
        // Not one readable line: name the run after the file (.journal-<kind>-<key>.jsonl).
        auto name = journal.filename().string();
        auto rest = name.substr(k_prefix.size());
        s.kind = rest.substr(0, rest.find('-'));
    }
    return s;
}

ReportContext report_context_from_store(store::Connection& c, const Summary& s) {
    ReportContext ctx;
    store::DocumentHistory history(c);
    store::HistoryFilter f;
    f.from_utc = s.started_at;
    // Inclusive of the finishing second (text times have second resolution).
    f.to_utc = s.finished_at + "~";
    f.limit = 100000;
    auto row_of = [](const store::HistoryRow& h) {
        return ReportRow{h.document_id, h.file_name, h.client_name, h.bureau_name, h.at, h.reasons, h.sha256};
    };
    auto rows = history.list(f);
    // Oldest first, as the run took them.
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->outcome == "accepted") ctx.accepted.push_back(row_of(*it));
        if (it->outcome != "accepted") ctx.files.emplace(it->file_name, row_of(*it));
    }
    for (auto& r : s.review)
        if (auto h = history.document(r.document_id)) ctx.documents.emplace(r.document_id, row_of(*h));
    return ctx;
}

std::optional<LatestRun> latest_run(const fs::path& reports_dir) {
    auto latest = latest_report(reports_dir);
    std::optional<fs::path> journal;
    fs::file_time_type journal_time{};
    std::error_code ec;
    for (auto& j : find_journals(reports_dir)) {
        auto t = fs::last_write_time(j, ec);
        if (!ec && (!journal || t > journal_time)) journal = j, journal_time = t;
    }
    if (journal && latest) {
        auto t = fs::last_write_time(*latest, ec);
        if (!ec && t >= journal_time) journal.reset();
    }
    if (journal) {
        auto s = replay_journal(*journal);
        if (!s) return std::nullopt;
        return LatestRun{std::move(*s), *journal, false};
    }
    if (!latest) return std::nullopt;
    try {
        std::ifstream in(*latest);
        std::ostringstream text;
        text << in.rdbuf();
        return LatestRun{Summary::from_json(text.str()), *latest, true};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Summary write_report_from_journal(const fs::path& journal, const std::string& finished_at, const fs::path& reports_dir,
                                  const fs::path& templates_dir, const store::StoreConfig* store_config) {
    auto s = replay_journal(journal);
    if (!s) raise("cannot read the report journal", journal);
    if (!finished_at.empty() || s->finished_at.empty()) s->finished_at = finished_at;
    ReportContext ctx;
    if (store_config) {
        try {
            auto c = store::open_store(*store_config);
            ctx = report_context_from_store(*c, *s);
        } catch (const std::exception&) {
            ctx = {};  // the report is written regardless; the task page names them
        }
    }
    write_report(*s, reports_dir, templates_dir, ctx);
    // After the report is on disk: a kill in between writes it twice, never not at all.
    fs::remove(journal);
    fsync_dir(journal.parent_path());
    return *s;
}

}  // namespace report
