// Durable file operations used by intake and the batch: atomic writes and
// moves that survive a crash at any point.
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace intake {

// temp file in the same folder → write → fsync → rename → fsync folder.
// Throws std::filesystem::filesystem_error (disk full, permissions).
void write_file_atomic(const std::filesystem::path& file, std::string_view content);

// rename(2) then fsync of both folders. Same file system only (the state
// directory's folders). Throws std::filesystem::filesystem_error.
void move_durably(const std::filesystem::path& from, const std::filesystem::path& to);

// Copies `from` to `to` as a NEW file (inode): temp file in to's folder →
// write → fsync → verify → rename over `to` → fsync folder. The copied bytes'
// SHA-256 (lower-case hex) must equal `expected_sha256` (skipped when empty);
// when they differ nothing is renamed, the temp file is removed and the
// function returns false. `from` is left as it is. `to` may name `from` itself
// (its name then holds the new inode; a descriptor open on the old one no
// longer reaches it). Throws std::filesystem::filesystem_error (errno kept)
// when a step fails.
bool copy_file_verified(const std::filesystem::path& from, const std::filesystem::path& to,
                        const std::string& expected_sha256, std::string* copied_sha256 = nullptr);

// fsync(2) of a folder, making the renames and unlinks in it durable.
// Throws std::filesystem::filesystem_error.
void sync_folder(const std::filesystem::path& dir);

// Lower-case hex SHA-256 of a file's bytes. Throws std::runtime_error when unreadable.
std::string sha256_file(const std::filesystem::path& file);
std::string sha256_bytes(std::string_view bytes);

// Reads a whole file. Throws std::runtime_error when unreadable.
std::string read_all(const std::filesystem::path& file);

// A file name safe to put in our folders: the base name only, control
// characters and '/' replaced, at most 120 bytes (UTF-8 kept whole).
std::string safe_name(std::string_view name);

}  // namespace intake
