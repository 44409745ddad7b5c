#include "intake/inbox.hpp"

#include "intake/completeness.hpp"
#include "intake/files.hpp"
#include "intake/open_writers.hpp"
#include "core/local_time.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

namespace intake {

namespace fs = std::filesystem;

void Folders::create() const {
    for (auto& p : {inbox, work, archive, rejected}) fs::create_directories(p);
}

namespace {

bool ends_with(const std::string& n, std::string_view suffix) {
    return n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Names a scanner, a copy or an editor uses while it is still writing (or hides).
bool is_temp_name(const std::string& n) {
    return n.empty() || n[0] == '.' || n[0] == '~' || ends_with(n, ".tmp") || ends_with(n, ".part") ||
           ends_with(n, ".crdownload");
}

// What desktops leave in every shared folder: never a scan, not worth a word.
bool is_desktop_litter(const std::string& n) {
    std::string lower;
    for (char c : n) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return lower == ".ds_store" || lower.rfind("._", 0) == 0 || lower == "thumbs.db" || lower == "desktop.ini" ||
           lower == ".localized";
}

std::string skip_note(const std::string& kind) {
    if (kind == "link")
        return "En länk (genväg), ingen fil. Länkar följs aldrig; lägg själva skanningen i inkorgen.";
    if (kind == "folder")
        return "En mapp. Filer i undermappar läses inte; flytta skanningarna direkt till inkorgen.";
    if (kind == "special")
        return "Ingen vanlig fil (en namngiven pipe, en socket eller en enhet). Den läses aldrig; ta bort den ur "
               "inkorgen.";
    if (kind == "unfinished")
        return "Tillfälligt eller dolt filnamn som inte har ändrats på länge: en kopiering som aldrig blev klar, eller "
               "en fil som behöver sitt riktiga namn. Byt namn på den om det är en skanning, annars ta bort den.";
    if (kind == "sidecar")
        return "En .json-fil, ingen skanning (kanske anteckningen till en avvisad fil som följde med tillbaka). Den "
               "läses inte; ta bort den ur inkorgen.";
    if (kind == "unreadable")
        return "Batchen får inte läsa filen (behörighet). Ändra behörigheten så tas den vid nästa körning.";
    if (kind == "writing")
        return "Ett program (kanske skannern) håller fortfarande filen öppen för skrivning. Den tas först när "
               "programmet har stängt den; blir den aldrig klar, avsluta programmet eller ta bort filen.";
    if (kind == "future_mtime")
        return "Filens ändringstid ligger i framtiden (fel klocka i skannern, kameran eller filservern). Den togs "
               "ändå när den varit oförändrad länge nog; ställ klockan rätt.";
    if (kind == "changed")
        return "Filen ändrades medan den analyserades (ett program skrev fortfarande i den). Inget sparades; den "
               "lades tillbaka i inkorgen och tas igen när den är färdigskriven.";
    return "Lämnades orörd i inkorgen.";
}

// Once per key and process, however often a watch rescans the inbox.
bool first_time(const std::string& key) {
    static std::mutex mutex;
    static std::set<std::string> seen;
    std::lock_guard lock(mutex);
    return seen.insert(key).second;
}

void warn_once(const ReadyOptions& o, const fs::path& inbox, const SkippedEntry& e) {
    if (!o.log || !first_time(inbox.string() + '\0' + e.name + '\0' + e.kind)) return;
    const char* event = e.kind == "future_mtime" ? "inbox.future_mtime" : "inbox.skipped";
    o.log->warning(event).kv("file", e.name).kv("kind", e.kind).kv("inbox", inbox.string());
}

std::int64_t nanos(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
std::int64_t nanos(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1000000000; }

// When this process first saw a file with a future mtime (its identity and
// mtime): a ctime that is in the future too (a file server's wrong clock)
// cannot date it.
std::int64_t first_seen(const std::string& key, std::int64_t now) {
    static std::mutex mutex;
    static std::map<std::string, std::int64_t> seen;
    std::lock_guard lock(mutex);
    return seen.emplace(key, now).first->second;
}

// SHA-256 of a file; errno is kept on failure (empty result).
std::string hash_file(const fs::path& p, int& err) {
    err = 0;
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        return {};
    }
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    std::string buf(1 << 16, '\0');
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = errno;
            ::close(fd);
            return {};
        }
        if (n == 0) break;
        sha.update(buf.data(), static_cast<unsigned>(n));
    }
    ::close(fd);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

// What staff can do about a failed claim, in Swedish.
std::string cause_sv(int err) {
    switch (err) {
        case EACCES:
        case EPERM:
            return "behörighet saknas – ge batchens användare läs- och skrivrätt till inkorgen och work-mappen";
        case ENOSPC:
        case EDQUOT:
            return "disken är full – frigör utrymme där work-mappen ligger";
        case EROFS:
            return "filsystemet är skrivskyddat – montera inkorgen och work-mappen skrivbara";
        case EIO:
            return "läs- eller skrivfel på disken – kontrollera disken eller nätverksmonteringen";
        case ENOTDIR:
        case EISDIR:
            return "en sökväg är inte den mapp den borde vara – kontrollera paths.inbox och paths.work";
        default:
            return std::string("systemfel: ") + std::strerror(err);
    }
}

// A free name in `dir` for `name`: NAME, then "stem (2).ext", "stem (3).ext" …
fs::path free_name(const fs::path& dir, const std::string& name) {
    fs::path target = dir / name;
    const auto stem = fs::path(name).stem().string(), ext = fs::path(name).extension().string();
    for (int i = 2; fs::exists(fs::symlink_status(target)); ++i) target = dir / (stem + " (" + std::to_string(i) + ")" + ext);
    return target;
}

void sync_quietly(const fs::path& dir) {
    try {
        sync_folder(dir);
    } catch (const fs::filesystem_error&) {
        // The rename already happened; a folder we cannot open to sync is reported by its next use.
    }
}

std::string extension_of(const std::string& name) {
    auto ext = fs::path(name).extension().string();
    std::string out;
    for (char c : ext) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (out.size() > 8 || out.find_first_not_of(".abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) return ".bin";
    return out.empty() ? ".bin" : out;
}

// Extensions of the formats the batch reads.
bool is_scan_extension(const std::string& name) {
    auto ext = fs::path(name).extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".pdf" || ext == ".tif" || ext == ".tiff" || ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::chrono::system_clock::time_point to_time_point(std::int64_t ns) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
}

std::string waiting_note(const std::string& kind, const std::optional<std::chrono::system_clock::time_point>& at,
                         std::chrono::system_clock::time_point now) {
    const std::string when = at ? stockholm_time(*at, now) : std::string();
    if (kind == "settling")
        return "Skrivs eller kopieras fortfarande (ändrades nyss). Tas när den varit oförändrad en stund: vid nästa "
               "körning från kl. " + when + ".";
    if (kind == "writing")
        return "Ett program (kanske skannern) håller fortfarande filen öppen för skrivning. Tas när programmet har "
               "stängt den.";
    if (kind == "temporary")
        return "Har ett tillfälligt eller dolt namn (en kopiering eller skanner som inte är klar). Tas när den har fått "
               "sitt riktiga namn.";
    if (kind == "incomplete")
        return "Filen verkar ofullständig (slutet saknas, t.ex. en avbruten kopiering). Den väntar på att bli klar; vid första körningen "
               "från kl. " + when + " tas den ändå och avvisas som oläslig om den fortfarande är ofullständig. Kopiera "
               "den gärna igen.";
    if (kind == "unknown_type")
        return "Okänd filtyp eller för kort för att bedömas (ingen PDF, TIFF, PNG eller JPEG). Vid första "
               "körningen från kl. " + when + " tas den och avvisas; ta bort den eller lägg in rätt skanning.";
    return "Väntar i inkorgen.";
}

}  // namespace

std::string stockholm_time(std::chrono::system_clock::time_point t, std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    const auto lt = floor<seconds>(core::stockholm_wall_clock(t)), ln = floor<seconds>(core::stockholm_wall_clock(now));
    const auto day = floor<days>(lt);
    if (day != floor<days>(ln)) return core::stockholm_time(t);
    const hh_mm_ss hms{lt - day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

std::vector<fs::path> Inbox::ready(const core::Clock& clock, const ReadyOptions& options,
                                   std::vector<SkippedEntry>* skipped, std::vector<WaitingEntry>* waiting) const {
    struct Candidate {
        std::int64_t mtime, age;
        fs::path path;
        std::string name;
        FileId id;
        bool future;
    };
    std::vector<Candidate> candidates;
    std::vector<SkippedEntry> odd;
    std::error_code ec;
    // File times are wall-clock times: compared with the real clock, not the injected one.
    (void)clock;
    timespec now_ts{};
    ::clock_gettime(CLOCK_REALTIME, &now_ts);
    const std::int64_t now = nanos(now_ts), stable = nanos(options.stable), give_up = nanos(options.give_up);
    auto skip = [&](const std::string& name, const char* kind) {
        odd.push_back({safe_name(name), kind, skip_note(kind)});
    };
    std::vector<WaitingEntry> pending;
    const auto now_tp = to_time_point(now);
    auto wait = [&](const std::string& name, const char* kind, std::int64_t changed_ago,
                    std::optional<std::int64_t> retry_at_ns) {
        std::optional<std::chrono::system_clock::time_point> at;
        if (retry_at_ns) at = to_time_point(*retry_at_ns);
        pending.push_back({safe_name(name), kind, waiting_note(kind, at, now_tp), at,
                           std::chrono::milliseconds(std::max<std::int64_t>(0, changed_ago) / 1000000)});
    };
    for (auto& e : fs::directory_iterator(m_f.inbox, ec)) {
        std::string name = e.path().filename().string();
        if (is_desktop_litter(name)) continue;
        // The entry itself (lstat), never what a link points at.
        struct stat st {};
        if (::lstat(e.path().c_str(), &st) != 0) continue;  // vanished meanwhile
        // A link is not a scan dropped here: never read through it (it may point anywhere).
        if (S_ISLNK(st.st_mode)) {
            skip(name, "link");
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (name[0] != '.') skip(name, "folder");  // hidden ones are the file server's (.snapshot)
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            skip(name, "special");
            continue;
        }
        const std::int64_t mtime = nanos(st.st_mtim);
        std::int64_t age = now - mtime;
        if (is_temp_name(name)) {
            // Still being written, quietly; a temp name that stays is reported, never taken or removed.
            if (age >= give_up) skip(name, "unfinished");
            else wait(name, "temporary", age, std::nullopt);
            continue;
        }
        if (ends_with(name, ".json")) {
            if (age >= stable) skip(name, "sidecar");
            continue;
        }
        // An mtime further ahead than `stable` never ages: a wrong clock. Its ctime
        // (set by the kernel on every change, `touch` cannot move it) or, when that is
        // in the future too, the moment this process first saw it dates it instead.
        const bool future = mtime - now > stable;
        if (future) {
            const std::string key = std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' +
                                    std::to_string(mtime) + ':' + std::to_string(st.st_size);
            age = std::max(now - nanos(st.st_ctim), now - first_seen(key, now));
            if (age < give_up) {
                wait(name, "settling", age, now + give_up - age);
                continue;
            }
        }
        if (!future && age < stable) {
            wait(name, "settling", age, mtime + stable);
            continue;
        }
        const auto complete = looks_complete(e.path());
        if (complete == Completeness::unreadable) {
            skip(name, "unreadable");
            continue;
        }
        if (complete == Completeness::incomplete && age < give_up) {
            wait(name, is_scan_extension(name) ? "incomplete" : "unknown_type", age, now + give_up - age);
            continue;
        }
        candidates.push_back({mtime, age, e.path(), name, FileId{st.st_dev, st.st_ino}, future});
    }
    // One walk over /proc for all of them: a file someone still writes is never offered.
    std::set<std::pair<std::string, FileId>> ids;
    for (auto& c : candidates) ids.insert({c.name, c.id});
    const auto writing = open_for_writing(ids);
    std::vector<std::pair<std::int64_t, fs::path>> found;
    for (auto& c : candidates) {
        if (writing.count(c.id)) {
            if (c.age >= give_up) skip(c.name, "writing");
            else wait(c.name, "writing", now - c.mtime, std::nullopt);
            continue;
        }
        if (c.future) skip(c.name, "future_mtime");
        found.emplace_back(c.mtime, c.path);
    }
    std::sort(found.begin(), found.end());
    std::sort(odd.begin(), odd.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (auto& o : odd) warn_once(options, m_f.inbox, o);
    if (skipped) skipped->insert(skipped->end(), odd.begin(), odd.end());
    std::sort(pending.begin(), pending.end(), [](auto& a, auto& b) { return a.name < b.name; });
    if (waiting) waiting->insert(waiting->end(), pending.begin(), pending.end());
    std::vector<fs::path> out;
    for (auto& [t, p] : found) out.push_back(p);
    return out;
}

std::optional<Claimed> Inbox::claim(const fs::path& inbox_file, SkippedEntry* failure) {
    Claimed c;
    c.original_name = safe_name(inbox_file.filename().string());
    // Only "gone" (another process took it, or it was removed) is silent: every other
    // failure names the file and the cause, in the log and in the run's summary.
    auto failed = [&](int err, const char* step) -> std::optional<Claimed> {
        if (err == ENOENT) return std::nullopt;
        if (m_log && first_time(std::string("claim") + '\0' + inbox_file.string() + '\0' + std::to_string(err)))
            m_log->error("inbox.claim_failed")
                .kv("file", inbox_file.string())
                .kv("step", step)
                .kv("cause", std::strerror(err))
                .kv("work", m_f.work.string())
                .kv("action", "fix the cause; the file stays in the inbox and is taken by the next run");
        if (failure)
            *failure = {c.original_name, "claim_failed",
                        "Kunde inte tas från inkorgen: " + cause_sv(err) +
                            ". Filen ligger kvar orörd och tas vid nästa körning när felet är åtgärdat."};
        return std::nullopt;
    };
    struct stat st {};
    if (::stat(inbox_file.c_str(), &st) != 0) return failed(errno, "stat");
    c.size = static_cast<std::uintmax_t>(st.st_size);
    c.mtime_ns = nanos(st.st_mtim);
    int err = 0;
    c.sha256 = hash_file(inbox_file, err);
    if (err) return failed(err, "read");
    struct stat work {};
    if (::stat(m_f.work.c_str(), &work) != 0) return failed(errno, "open work folder");
    if (!S_ISDIR(work.st_mode)) return failed(ENOTDIR, "open work folder");
    bool copy = work.st_dev != st.st_dev;  // another file system: a rename cannot take it
    fs::path target = m_f.work / (c.sha256 + "--" + c.original_name);
    // A copy a killed run made but could not yet unlink from the inbox: that copy is
    // resumed from work/; taking the inbox file again would double it.
    if (copy && fs::exists(target)) {
        if (::unlink(inbox_file.c_str()) != 0) return failed(errno, "remove from the inbox after copying");
        sync_quietly(inbox_file.parent_path());
        return std::nullopt;
    }
    // The same bytes already waiting in work/ (dropped twice): keep both, distinct names.
    for (int i = 2; fs::exists(target); ++i) target = m_f.work / (c.sha256 + "--" + std::to_string(i) + "-" + c.original_name);
    if (!copy) {
        if (::rename(inbox_file.c_str(), target.c_str()) == 0) {
            sync_quietly(m_f.work);
            sync_quietly(inbox_file.parent_path());
            c.work_path = target;
            return c;
        }
        if (errno != EXDEV) return failed(errno, "move into work/");
        copy = true;  // the same device seen through two mounts
    }
    try {
        if (!copy_file_verified(inbox_file, target, c.sha256)) return std::nullopt;  // still changing: next round
    } catch (const fs::filesystem_error& e) {
        return failed(e.code().value(), "copy into work/");
    }
    if (::unlink(inbox_file.c_str()) != 0 && errno != ENOENT) {
        int e = errno;
        ::unlink(target.c_str());
        sync_quietly(m_f.work);
        return failed(e, "remove from the inbox after copying");
    }
    sync_quietly(inbox_file.parent_path());
    struct stat copied {};
    if (::stat(target.c_str(), &copied) != 0) return failed(errno, "copy into work/");
    c.mtime_ns = nanos(copied.st_mtim);
    c.work_path = target;
    return c;
}

bool Inbox::unchanged(const Claimed& c) const {
    struct stat st {};
    if (::stat(c.work_path.c_str(), &st) != 0) return false;
    if (static_cast<std::uintmax_t>(st.st_size) != c.size || nanos(st.st_mtim) != c.mtime_ns) return false;
    int err = 0;
    return hash_file(c.work_path, err) == c.sha256 && err == 0;
}

SkippedEntry Inbox::put_back(const Claimed& c) {
    fs::path target = free_name(m_f.inbox, c.original_name);
    if (::rename(c.work_path.c_str(), target.c_str()) == 0) {
        sync_quietly(m_f.inbox);
        sync_quietly(m_f.work);
    } else if (errno == EXDEV) {
        copy_file_verified(c.work_path, target, "");
        fs::remove(c.work_path);
        sync_quietly(m_f.work);
    } else {
        throw fs::filesystem_error("cannot put a changed file back into the inbox", c.work_path, target,
                                   std::error_code(errno, std::generic_category()));
    }
    if (m_log)
        m_log->warning("inbox.put_back")
            .kv("file", c.original_name)
            .kv("inbox", target.string())
            .kv("sha256", c.sha256)
            .kv("reason", "changed after it was claimed (a writer still at work); taken again when complete");
    return {safe_name(target.filename().string()), "changed", skip_note("changed")};
}

bool Inbox::settle(const Claimed& c) {
    if (copy_file_verified(c.work_path, c.work_path, c.sha256)) return true;
    if (m_log)
        m_log->error("inbox.archive_mismatch")
            .kv("file", c.work_path.string())
            .kv("sha256", c.sha256)
            .kv("action", "not archived: its bytes changed after the store recorded them; put back into the inbox");
    put_back(c);
    return false;
}

int Inbox::remove_stale_temp_files() {
    int removed = 0;
    for (auto& dir : {m_f.work, m_f.archive, m_f.rejected}) {
        std::error_code ec;
        for (auto& e : fs::directory_iterator(dir, ec)) {
            std::string name = e.path().filename().string();
            if (name.size() > 5 && name[0] == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0) {
                fs::remove(e.path(), ec);
                ++removed;
            }
        }
    }
    return removed;
}

std::vector<Claimed> Inbox::leftovers() const {
    std::vector<Claimed> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(m_f.work, ec)) {
        if (!e.is_regular_file()) continue;
        std::string name = e.path().filename().string();
        if (name[0] == '.') continue;
        auto sep = name.find("--");
        if (sep != 64) continue;  // not ours
        struct stat st {};
        if (::stat(e.path().c_str(), &st) != 0) continue;
        Claimed c;
        c.work_path = e.path();
        c.sha256 = name.substr(0, 64);
        c.original_name = name.substr(66);
        c.size = static_cast<std::uintmax_t>(st.st_size);
        c.mtime_ns = nanos(st.st_mtim);
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.work_path < b.work_path; });
    return out;
}

fs::path Inbox::archive_path(const Claimed& c) const {
    return m_f.archive / (c.sha256 + extension_of(c.original_name));
}

fs::path Inbox::reject_path(const Claimed& c) const { return m_f.rejected / (c.sha256 + "--" + c.original_name); }

// The archived or rejected file is a new inode written from bytes whose checksum
// is the stored one: a writer's descriptor on the claimed inode can no longer reach it.
fs::path Inbox::archive(const Claimed& c) {
    fs::path target = archive_path(c);
    if (fs::exists(target)) {
        // Same checksum: the same bytes are already archived; the work copy goes if it still holds them.
        int err = 0;
        if (hash_file(c.work_path, err) != c.sha256 && !settle(c)) return {};
        fs::remove(c.work_path);
        sync_quietly(m_f.work);
        return target;
    }
    if (!settle(c)) return {};
    move_durably(c.work_path, target);
    return target;
}

fs::path Inbox::reject(const Claimed& c, const std::string& sidecar_json) {
    if (!settle(c)) return {};
    fs::path target = reject_path(c);
    for (int i = 2; fs::exists(target); ++i) target = m_f.rejected / (c.sha256 + "--" + std::to_string(i) + "-" + c.original_name);
    write_file_atomic(fs::path(target.string() + ".json"), sidecar_json);
    move_durably(c.work_path, target);
    return target;
}

}  // namespace intake
