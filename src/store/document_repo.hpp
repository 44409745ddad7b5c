// DocumentRepo: input files (once each, by checksum), the forms found in
// them with their outcome and evidence, and batch runs. Writes happen inside
// the caller's Transaction together with the linkage changes they cause.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct InputRow {
    std::string sha256, file_name, container, stored_path, processed_at;
    std::int64_t size = 0;
    std::optional<Id> batch_id;
    int pages = 0;
    std::string ignored_pages = "[]";
};

struct DocumentRow {
    Id id = 0;
    std::string sha256;
    int form_index = 1;
    std::optional<int> page;
    std::string outcome;     // accepted | review | rejected
    std::string reasons;     // JSON array
    std::string fields;      // JSON object
    std::string confidence;  // JSON object
    std::string evidence;    // JSON object
    std::optional<std::string> reference_code;
    std::optional<Id> linkage_id;
    std::optional<std::string> crops_dir;
    std::optional<std::string> review_state;
    std::optional<std::string> reviewed_by, reviewed_at;
    std::string created_at;
    std::string file_name;   // joined from inputs
};

class DocumentRepo {
public:
    explicit DocumentRepo(Connection& c) : m_c(c) {}

    std::optional<InputRow> input(const std::string& sha256) const;
    // Throws ConstraintError when the checksum is already recorded.
    void insert_input(const InputRow& row);
    Id insert_document(const DocumentRow& row);
    std::optional<DocumentRow> document(Id id) const;
    std::vector<DocumentRow> by_reference(const std::string& code) const;
    std::vector<DocumentRow> for_input(const std::string& sha256) const;
    std::vector<DocumentRow> review_queue() const;  // outcome review, still open
    std::int64_t count_inputs() const;
    std::int64_t count_documents() const;

    Id start_batch(const std::string& kind, const std::string& at);
    void finish_batch(Id id, const std::string& at, const std::string& summary_json);

private:
    Connection& m_c;
};

}  // namespace store
