// Inbox: the watched folder and its companions under the state directory.
// A file is taken only when complete; it is claimed by one atomic rename
// into work/, named by its checksum, so a crash at any point loses nothing
// and a restart resumes; after the store has committed its outcome it moves
// to archive/ (or rejected/ with a sidecar), never altered.
//
//   inbox/NAME  --claim-->  work/<sha256>--NAME  --finish-->  archive/<sha256>.<ext>
//                                                  \------->  rejected/<sha256>--NAME (+ .json)
//
// Thread-safety: one Inbox per process; its methods are called by the
// batch's main thread. Two processes must not share one work/ folder (the
// batch holds a lock on the state directory).
#pragma once

#include "core/clock.hpp"
#include "core/log.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace intake {

struct Folders {
    std::filesystem::path inbox, work, archive, rejected;
    void create() const;  // creates missing folders
};

struct Claimed {
    std::filesystem::path work_path;
    std::string original_name;  // as it was in the inbox (safe_name'd)
    std::string sha256;
    std::uintmax_t size = 0;
};

struct ReadyOptions {
    std::chrono::seconds stable{2};      // mtime at least this old
    std::chrono::seconds give_up{300};   // an incomplete-looking file older than this is taken anyway
    // Where "inbox.skipped" warnings go (once per entry and process); null: nowhere.
    const core::Logger* log = &core::process_logger();
};

// An inbox entry the batch does not take and that staff should know about.
// It is left exactly where it is: never moved, changed, deleted or read
// through (a link is not followed).
//   kind "link"        a symbolic link (a shortcut), wherever it points
//   kind "folder"      a subfolder (scans in subfolders are not looked for)
//   kind "special"     a named pipe, socket or device
//   kind "unfinished"  a temporary or hidden name (".x.pdf.part", "~x", "x.tmp",
//                      ".x.pdf") still there after give_up: a copy that never
//                      finished, or a file that needs its real name
//   kind "sidecar"     a .json file (e.g. a rejected file's note copied back
//                      with it): not a scan
//   kind "unreadable"  the batch may not read it (permissions)
// Quietly ignored, not reported: temporary and hidden names younger than
// give_up (a scanner or a copy still writing them), hidden folders (".snapshot",
// ".Trashes") and desktop litter (.DS_Store, ._*, Thumbs.db, desktop.ini).
struct SkippedEntry {
    std::string name;  // safe_name of the entry, for display
    std::string kind;
    std::string note;  // Swedish, for the report: what it is and what to do
};

class Inbox {
public:
    explicit Inbox(Folders folders) : m_f(std::move(folders)) {}
    const Folders& folders() const { return m_f; }

    // Files in the inbox that look complete, oldest first. Skips hidden
    // files and temp names (.*, *.tmp, *.part, *.crdownload, ~*), .json
    // files, links, subfolders and other non-files; those worth telling staff
    // about are added to `skipped` (by name order) and logged once (see
    // SkippedEntry). A file whose end does not look complete (PDF without
    // %%EOF, JPEG without its end marker, PNG without IEND) waits until it is
    // give_up old, then is taken (and will be rejected as truncated).
    std::vector<std::filesystem::path> ready(const core::Clock& clock, const ReadyOptions& options,
                                             std::vector<SkippedEntry>* skipped = nullptr) const;

    // Claims one inbox file: checksum, then rename into work/. nullopt when
    // the file vanished meanwhile (another process took it).
    std::optional<Claimed> claim(const std::filesystem::path& inbox_file);

    // Removes the temporary files of atomic writes that a killed run left in
    // work/, archive/ and rejected/ (".NAME.RANDOM.tmp": never a document). Returns how many.
    int remove_stale_temp_files();

    // What a killed run left in work/: each is resumed (processed again, or
    // only finished when the store already has its outcome).
    std::vector<Claimed> leftovers() const;

    // Where archive() / reject() will put a claimed file (recorded in the store before the move).
    std::filesystem::path archive_path(const Claimed& c) const;
    std::filesystem::path reject_path(const Claimed& c) const;

    // Moves a committed file to archive/<sha256>.<ext>; if that exists (same
    // checksum, same bytes) the work copy is removed. Returns the path relative to home.
    std::filesystem::path archive(const Claimed& c);
    // Moves a file to rejected/ with a sidecar JSON beside it (written first).
    std::filesystem::path reject(const Claimed& c, const std::string& sidecar_json);

private:
    Folders m_f;
};

}  // namespace intake
