// Writer: turns one FileAnalysis into store rows in ONE transaction — the
// input (once, by checksum), each form's document with its evidence, and the
// linkage changes an accepted form causes (SPEC §3 merge rules). Crops are
// written to disk before the transaction (idempotent), the original moves
// only after COMMIT (by the runner).
//
// Thread-safety: the batch's single writer thread only.
#pragma once

#include "batch/analysis.hpp"
#include "core/clock.hpp"
#include "intake/inbox.hpp"
#include "store/connection.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace batch {

struct CommittedForm {
    int form_index = 1;
    std::optional<int> page;
    core::Outcome outcome = core::Outcome::review;
    std::vector<std::string> reasons;
    std::map<std::string, std::string> fields;
    std::map<std::string, double> confidence;
    std::optional<std::int64_t> linkage_id;
    std::int64_t document_id = 0;
    std::string note;  // first failure detail, for staff
};

struct CommittedFile {
    std::string sha256;
    std::string file_name;
    bool duplicate = false;
    bool rejected_file = false;  // the original goes to rejected/
    std::filesystem::path stored_path;
    std::vector<CommittedForm> forms;
};

class Writer {
public:
    Writer(store::Connection& c, const core::Clock& clock, const std::filesystem::path& home,
           const std::filesystem::path& crops_root)
        : m_c(c), m_clock(clock), m_home(home), m_crops(crops_root) {}

    // Records the analysis of a claimed file. A checksum already in the store
    // gives a duplicate (nothing new stored). Throws store::StoreError when the
    // store cannot be written (the run must stop; the file stays in work/).
    CommittedFile commit(const intake::Claimed& claimed, FileAnalysis& analysis, const intake::Inbox& inbox,
                         std::optional<std::int64_t> batch_id);

    // The stored outcome of a file already committed (resuming after a crash).
    std::optional<CommittedFile> already_committed(const intake::Claimed& claimed);

private:
    store::Connection& m_c;
    const core::Clock& m_clock;
    std::filesystem::path m_home;
    std::filesystem::path m_crops;
};

}  // namespace batch
