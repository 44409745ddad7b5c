// Which files does some process hold open for writing? A scanner that writes
// a multi-page TIFF in place keeps its descriptor while the file already
// looks complete between pages; such a file must not be taken.
//
// Linux only: one walk over /proc/[pid]/fd per call (readlink of each
// descriptor, then stat and /proc/[pid]/fdinfo "flags:" only for those whose
// name matches a candidate). Processes whose /proc entries cannot be read
// (another user's, when not root; ended meanwhile) are skipped, so the answer
// can miss writers the caller may not see; the checksum re-check before the
// commit catches what changes anyway. Elsewhere: always an empty set.
// Thread-safety: reentrant.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>
#include <utility>

namespace intake {

struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    auto operator<=>(const FileId&) const = default;
};

// Of the `candidates` (device and inode of a file, with its base name), those
// that a process holds open with O_WRONLY or O_RDWR.
std::set<FileId> open_for_writing(const std::set<std::pair<std::string, FileId>>& candidates);

}  // namespace intake
