#include "intake/inbox.hpp"

#include "intake/files.hpp"

#include <algorithm>
#include <fstream>
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
    return "Lämnades orörd i inkorgen.";
}

// One warning per entry and process, however often a watch rescans the inbox.
void warn_once(const ReadyOptions& o, const fs::path& inbox, const SkippedEntry& e) {
    if (!o.log) return;
    static std::mutex mutex;
    static std::set<std::string> warned;
    {
        std::lock_guard lock(mutex);
        if (!warned.insert(inbox.string() + '\0' + e.name + '\0' + e.kind).second) return;
    }
    o.log->warning("inbox.skipped").kv("file", e.name).kv("kind", e.kind).kv("inbox", inbox.string());
}

enum class Completeness { complete, incomplete, unreadable };

// Looks at the last bytes: does the file end the way its format ends?
Completeness looks_complete(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return Completeness::unreadable;
    const auto incomplete = [](bool done) { return done ? Completeness::complete : Completeness::incomplete; };
    char head[8] = {};
    in.read(head, 8);
    in.clear();
    in.seekg(0, std::ios::end);
    auto size = static_cast<long long>(in.tellg());
    if (size < 8) return Completeness::incomplete;
    long long tail_len = std::min<long long>(size, 2048);
    std::string tail(static_cast<size_t>(tail_len), '\0');
    in.seekg(size - tail_len);
    in.read(tail.data(), tail_len);
    std::string_view h(head, 8);
    if (h.substr(0, 5) == "%PDF-") return incomplete(tail.find("%%EOF") != std::string::npos);
    if (static_cast<unsigned char>(head[0]) == 0xff && static_cast<unsigned char>(head[1]) == 0xd8) {
        auto pos = tail.rfind("\xff\xd9");
        return incomplete(pos != std::string::npos && pos + 2 >= tail.size() - 16);
    }
    if (h.substr(1, 3) == "PNG") return incomplete(tail.find("IEND") != std::string::npos);
    return Completeness::complete;  // TIFF and others: judged by age alone
}

std::string extension_of(const std::string& name) {
    auto ext = fs::path(name).extension().string();
    std::string out;
    for (char c : ext) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (out.size() > 8 || out.find_first_not_of(".abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) return ".bin";
    return out.empty() ? ".bin" : out;
}

}  // namespace

std::vector<fs::path> Inbox::ready(const core::Clock& clock, const ReadyOptions& options,
                                   std::vector<SkippedEntry>* skipped) const {
    std::vector<std::pair<fs::file_time_type, fs::path>> found;
    std::vector<SkippedEntry> odd;
    std::error_code ec;
    auto now_file = fs::file_time_type::clock::now();
    (void)clock;
    auto skip = [&](const std::string& name, const char* kind) {
        odd.push_back({safe_name(name), kind, skip_note(kind)});
    };
    for (auto& e : fs::directory_iterator(m_f.inbox, ec)) {
        std::error_code e2;
        std::string name = e.path().filename().string();
        if (is_desktop_litter(name)) continue;
        // The entry itself (lstat), never what a link points at.
        const auto type = e.symlink_status(e2).type();
        if (e2) continue;  // vanished meanwhile
        // A link is not a scan dropped here: never read through it (it may point anywhere).
        if (type == fs::file_type::symlink) {
            skip(name, "link");
            continue;
        }
        if (type == fs::file_type::directory) {
            if (name[0] != '.') skip(name, "folder");  // hidden ones are the file server's (.snapshot)
            continue;
        }
        if (type != fs::file_type::regular) {
            skip(name, "special");
            continue;
        }
        auto mtime = e.last_write_time(e2);
        if (e2) continue;
        auto age = now_file - mtime;
        if (is_temp_name(name)) {
            // Still being written, quietly; a temp name that stays is reported, never taken or removed.
            if (age >= options.give_up) skip(name, "unfinished");
            continue;
        }
        if (ends_with(name, ".json")) {
            if (age >= options.stable) skip(name, "sidecar");
            continue;
        }
        if (age < options.stable) continue;
        const auto complete = looks_complete(e.path());
        if (complete == Completeness::unreadable) {
            skip(name, "unreadable");
            continue;
        }
        if (complete == Completeness::incomplete && age < options.give_up) continue;
        found.emplace_back(mtime, e.path());
    }
    std::sort(found.begin(), found.end());
    std::sort(odd.begin(), odd.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (auto& o : odd) warn_once(options, m_f.inbox, o);
    if (skipped) skipped->insert(skipped->end(), odd.begin(), odd.end());
    std::vector<fs::path> out;
    for (auto& [t, p] : found) out.push_back(p);
    return out;
}

std::optional<Claimed> Inbox::claim(const fs::path& inbox_file) {
    Claimed c;
    std::error_code ec;
    c.size = fs::file_size(inbox_file, ec);
    if (ec) return std::nullopt;
    try {
        c.sha256 = sha256_file(inbox_file);
    } catch (const std::runtime_error&) {
        return std::nullopt;  // vanished or unreadable now; looked at again next round
    }
    c.original_name = safe_name(inbox_file.filename().string());
    fs::path target = m_f.work / (c.sha256 + "--" + c.original_name);
    // The same bytes already waiting in work/ (dropped twice): keep both, distinct names.
    for (int i = 2; fs::exists(target); ++i) target = m_f.work / (c.sha256 + "--" + std::to_string(i) + "-" + c.original_name);
    try {
        move_durably(inbox_file, target);
    } catch (const fs::filesystem_error&) {
        return std::nullopt;
    }
    c.work_path = target;
    return c;
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
        Claimed c;
        c.work_path = e.path();
        c.sha256 = name.substr(0, 64);
        c.original_name = name.substr(66);
        c.size = e.file_size();
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.work_path < b.work_path; });
    return out;
}

fs::path Inbox::archive_path(const Claimed& c) const {
    return m_f.archive / (c.sha256 + extension_of(c.original_name));
}

fs::path Inbox::reject_path(const Claimed& c) const { return m_f.rejected / (c.sha256 + "--" + c.original_name); }

fs::path Inbox::archive(const Claimed& c) {
    fs::path target = archive_path(c);
    if (fs::exists(target)) {
        // Same checksum: the same bytes are already archived.
        fs::remove(c.work_path);
    } else {
        move_durably(c.work_path, target);
    }
    return target;
}

fs::path Inbox::reject(const Claimed& c, const std::string& sidecar_json) {
    fs::path target = reject_path(c);
    for (int i = 2; fs::exists(target); ++i) target = m_f.rejected / (c.sha256 + "--" + std::to_string(i) + "-" + c.original_name);
    write_file_atomic(fs::path(target.string() + ".json"), sidecar_json);
    move_durably(c.work_path, target);
    return target;
}

}  // namespace intake
