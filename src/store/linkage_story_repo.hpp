// LinkageStoryRepo: the rows around one linkage that its history needs and
// no other repository reads by linkage: the mails queued for it and the
// paper-form documents tied to it (issue 7, `linkage show`). Read-only.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct MailRow {
    Id id = 0;
    std::string recipient_name, recipient, state, created_at;
    std::optional<std::string> sent_at, last_error;
    int attempts = 0;
};

struct StoryDocument {
    Id id = 0;
    std::string sha256, outcome, reasons, created_at, file_name, stored_path;
    std::optional<std::string> review_state, reviewed_by, reviewed_at;
};

class LinkageStoryRepo {
public:
    explicit LinkageStoryRepo(Connection& c) : m_c(c) {}
    std::vector<MailRow> mails(Id linkage_id) const;
    std::vector<StoryDocument> documents(Id linkage_id) const;

private:
    Connection& m_c;
};

}  // namespace store
