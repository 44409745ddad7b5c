// DocumentHistory: what the pipeline did with every file, for staff (the task
// page /review/tasks, the morning report; issue 17): each form found in a
// processed file with its time, outcome, reasons and the client and bureau
// named from the registry, plus the files dropped again whose bytes were
// processed before (duplicate_files, migration 043), which the metrics count.
//
// Naming rule: a form linked to a linkage names that linkage's client and
// bureau; otherwise the client found in the registry by the organisation
// number (or subscription number) on the form; otherwise the name as written
// on the form (`client_from_registry` false). A duplicate names the client of
// the file first processed with the same bytes.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct HistoryRow {
    std::optional<Id> document_id;  // none for a duplicate
    std::optional<Id> duplicate_id;
    std::string sha256;             // of the input (a duplicate: of the file first processed)
    std::string file_name;          // as dropped into the inbox
    std::string stored_path;        // where the original lies now (home-relative when under the home)
    std::string at;                 // UTC (core::format_utc): when it was processed
    std::string outcome;            // accepted | review | rejected | duplicate
    std::vector<std::string> reasons;
    std::optional<int> page;
    std::optional<std::string> review_state, reviewed_by, reviewed_at;
    std::optional<Id> linkage_id;
    std::optional<std::string> linkage_state;
    std::string client_name;        // empty when nothing names one (a file that could not be read)
    bool client_from_registry = false;
    std::string bureau_name;
    bool bureau_from_registry = false;
    std::string original_file;      // duplicate: the name the same bytes had first
};

struct HistoryFilter {
    std::optional<std::string> outcome;          // one of HistoryRow::outcome
    std::optional<std::string> from_utc, to_utc;  // at >= from, at < to
    int limit = 500;
};

class DocumentHistory {
public:
    explicit DocumentHistory(Connection& c) : m_c(c) {}

    // Newest first, at most filter.limit rows.
    std::vector<HistoryRow> list(const HistoryFilter& filter) const;
    // One document's row (names resolved as in list()).
    std::optional<HistoryRow> document(Id id) const;
    // Records a file set aside as a duplicate of the input `sha256`.
    void record_duplicate(const std::string& sha256, const std::string& file_name, const std::string& stored_path,
                          const std::string& at);
    std::int64_t count_duplicates() const;

private:
    void name_row(HistoryRow& r, const std::string& fields_json) const;
    Connection& m_c;
};

}  // namespace store
