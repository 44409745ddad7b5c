// Writes a form's field crops and page preview as PNG files under
// crops/<sha256 prefix>-<form index>/ (idempotent: the same names each time),
// records the folder in form.crops_dir (relative to home) and frees the images.
//
// Complete or throw: each PNG is encoded in memory, written to a temporary
// name in the same folder, checked (every byte written, fsync) and renamed
// into place; the folder is fsynced at the end. A file that cannot be written
// completely (disk full, permissions) is removed and EvidenceError thrown, so
// no document is ever committed with a missing or truncated image.
//
// Thread-safety: reentrant (distinct forms may be written from several threads).
#pragma once

#include "core/error.hpp"
#include "batch/analysis.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace batch {

// The review evidence of a document could not be written. Not a property of
// the document: the caller keeps the file in work/ and retries it later.
// Kind store: the home (its evidence folder) cannot be written; the run stops (exit 5).
class EvidenceError : public core::Error {
public:
    // what(): "cannot write PATH: CAUSE"; cause is strerror(err), e.g. "No space left on device".
    EvidenceError(const std::filesystem::path& path, int err);
    const std::filesystem::path& path() const { return m_path; }
    const std::string& cause() const { return m_cause; }

private:
    std::filesystem::path m_path;
    std::string m_cause;
};

// Throws EvidenceError (see above); std::runtime_error when an image cannot be encoded (a bug).
void write_crops(const std::filesystem::path& home, const std::filesystem::path& crops_root, const std::string& sha256,
                 FormResult& form);

}  // namespace batch
