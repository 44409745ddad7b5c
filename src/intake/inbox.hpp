// Inbox: the watched folder and its companions under the state directory.
// A file is taken only when complete: unchanged for `stable` seconds, its
// format whole (completeness.hpp) and no process holding it open for writing
// (open_writers.hpp). It is claimed by one atomic rename into work/, named by
// its checksum (by a verified copy when the inbox is on another file system),
// so a crash at any point loses nothing and a restart resumes. Before the
// store commits, the runner re-checks the work file (unchanged()) and puts a
// file that changed back (put_back()). After the commit it goes to archive/
// (or rejected/ with a sidecar) as a NEW file written from its verified
// bytes, never altered afterwards: a descriptor a writer still holds reaches
// only the old inode.
//
//   inbox/NAME  --claim-->  work/<sha256>--NAME  --finish-->  archive/<sha256>.<ext>
//        ^                      |            \------->  rejected/<sha256>--NAME (+ .json)
//        \----- put_back ------/   (changed while analysed: taken again when complete)
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
    std::int64_t mtime_ns = 0;  // the work file's mtime when claimed (ns since 1970), for unchanged()
};

struct ReadyOptions {
    std::chrono::seconds stable{2};      // mtime at least this old
    std::chrono::seconds give_up{300};   // an incomplete-looking file older than this is taken anyway
    // Where "inbox.skipped" warnings go (once per entry and process); null: nowhere.
    const core::Logger* log = &core::process_logger();
};

// An inbox entry the batch does not take (or, for "future_mtime", took with
// a remark) and that staff should know about. It is left exactly where it
// is: never moved, changed, deleted or read through (a link is not followed).
//   kind "link"        a symbolic link (a shortcut), wherever it points
//   kind "folder"      a subfolder (scans in subfolders are not looked for)
//   kind "special"     a named pipe, socket or device
//   kind "unfinished"  a temporary or hidden name (".x.pdf.part", "~x", "x.tmp",
//                      ".x.pdf") still there after give_up: a copy that never
//                      finished, or a file that needs its real name
//   kind "sidecar"     a .json file (e.g. a rejected file's note copied back
//                      with it): not a scan
//   kind "unreadable"  the batch may not read it (permissions)
//   kind "writing"     a process still holds it open for writing after
//                      give_up (a scanner that never closed it): never taken
//                      while it is held
//   kind "future_mtime" its modification time lies in the future (a wrong
//                      clock): taken anyway once unchanged for give_up (by its
//                      ctime, which the kernel sets, or by when this process
//                      first saw it); reported when taken
//   kind "claim_failed" claim() could not take it (permissions, disk full,
//                      I/O error …): left in the inbox, the cause in the note
//   kind "changed"     it changed after it was claimed; put back (put_back())
// Quietly ignored, not reported: temporary and hidden names younger than
// give_up (a scanner or a copy still writing them), hidden folders (".snapshot",
// ".Trashes") and desktop litter (.DS_Store, ._*, Thumbs.db, desktop.ini).
struct SkippedEntry {
    std::string name;  // safe_name of the entry, for display
    std::string kind;
    std::string note;  // Swedish, for the report: what it is and what to do
};

// A file the batch does not take YET: it is still settling and will be taken
// by a later pass (or run) without anyone doing anything. Reported so that no
// file waits in silence (issue 17).
//   kind "settling"     still being written or copied: changed less than
//                       `stable` ago (taken once unchanged for `stable`)
//   kind "writing"      a process still holds it open for writing (taken
//                       once it is closed and has settled)
//   kind "temporary"    a temporary or hidden name younger than give_up (a
//                       copy or a scanner still at work; taken once renamed)
//   kind "incomplete"   settled, but its end is missing (a truncated PDF,
//                       TIFF, PNG or JPEG): taken at give_up and then
//                       rejected as unreadable unless it is completed first
//   kind "unknown_type" settled, too short to be judged or of a type that is
//                       no scan (.txt, .docx …) and looking incomplete: taken
//                       at give_up and then rejected
// `retry_at` is the earliest time a pass takes it (nullopt: unknown — when
// the writer closes it or the file is renamed). `changed_ago` is how long ago
// it last changed.
struct WaitingEntry {
    std::string name;  // safe_name, for display
    std::string kind;
    std::string note;  // Swedish: why it waits and when it is taken (local time)
    std::optional<std::chrono::system_clock::time_point> retry_at;
    std::chrono::milliseconds changed_ago{0};
};

// "14:03:27" (today) or "2026-12-04 14:03" in Swedish local time (Europe/Stockholm).
std::string stockholm_time(std::chrono::system_clock::time_point t,
                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

class Inbox {
public:
    // `log` receives claim failures and put-backs (null: nowhere).
    explicit Inbox(Folders folders, const core::Logger* log = &core::process_logger())
        : m_f(std::move(folders)), m_log(log) {}
    const Folders& folders() const { return m_f; }

    // Files in the inbox that look complete, oldest first. Skips hidden
    // files and temp names (.*, *.tmp, *.part, *.crdownload, ~*), .json
    // files, links, subfolders and other non-files; those worth telling staff
    // about are added to `skipped` (by name order) and logged once (see
    // SkippedEntry). A file whose format does not look complete
    // (completeness.hpp) waits until it is give_up old, then is taken (and
    // will be rejected as truncated). A file some process holds open for
    // writing is never offered (reported as "writing" after give_up). A file
    // whose mtime is more than `stable` in the future counts as settled once
    // its ctime (or when this process first saw it) is give_up old.
    // Files not yet ready that later passes will take are added to `waiting`
    // (by name order; never logged).
    std::vector<std::filesystem::path> ready(const core::Clock& clock, const ReadyOptions& options,
                                             std::vector<SkippedEntry>* skipped = nullptr,
                                             std::vector<WaitingEntry>* waiting = nullptr) const;

    // Claims one inbox file: checksum, then rename into work/ (across file
    // systems: a copy into work/ verified by checksum, then the inbox file is
    // unlinked). nullopt when the file vanished meanwhile (another process took
    // it: silent), or when the claim failed for any other reason: then the file
    // stays in the inbox, `failure` (if given) is set to a "claim_failed" entry
    // whose note names the cause, and an error "inbox.claim_failed" is logged
    // (once per file and cause and process).
    std::optional<Claimed> claim(const std::filesystem::path& inbox_file, SkippedEntry* failure = nullptr);

    // True when the work file still has the size, mtime and SHA-256 recorded at
    // claim (reads the whole file). False when it changed or cannot be read.
    bool unchanged(const Claimed& c) const;

    // Moves a claimed file back into the inbox under its original name (a free
    // variant "NAME (2).ext" … when that is taken), to be claimed again when it
    // is complete; logs a warning "inbox.put_back". Returns the "changed" entry
    // for the run's summary. Throws std::filesystem::filesystem_error when the
    // file cannot be moved (it then stays in work/ and is resumed next run).
    SkippedEntry put_back(const Claimed& c);

    // Removes the temporary files of atomic writes that a killed run left in
    // work/, archive/ and rejected/ (".NAME.RANDOM.tmp": never a document). Returns how many.
    int remove_stale_temp_files();

    // What a killed run left in work/: each is resumed (processed again, or
    // only finished when the store already has its outcome).
    std::vector<Claimed> leftovers() const;

    // Where archive() / reject() will put a claimed file (recorded in the store before the move).
    std::filesystem::path archive_path(const Claimed& c) const;
    std::filesystem::path reject_path(const Claimed& c) const;

    // Archives a committed file as archive/<sha256>.<ext>: its bytes are
    // copied into a new file whose SHA-256 must equal c.sha256, which then
    // moves there (if that exists — same checksum, same bytes — the work copy
    // is removed). Returns the path. When the bytes no longer match, nothing is
    // archived: the file is put back (put_back(), error "inbox.archive_mismatch")
    // and the returned path is empty. Throws std::filesystem::filesystem_error.
    std::filesystem::path archive(const Claimed& c);
    // The same into rejected/, with a sidecar JSON beside it (written first).
    std::filesystem::path reject(const Claimed& c, const std::string& sidecar_json);

private:
    // Gives the work file a new inode holding its verified bytes; false (and
    // the file put back) when they differ from c.sha256.
    bool settle(const Claimed& c);

    Folders m_f;
    const core::Logger* m_log;
};

}  // namespace intake
