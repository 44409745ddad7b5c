// review: people finish what the machine could not (SPEC §4.8). The queue of
// documents with outcome `review`, worst first; one document with each
// field's value, confidence, crop and failed checks; approve (with
// corrections, re-validated by exactly the pipeline's rules) or reject.
//
// Rules: a correction is an event (field, before, after); a form that still
// fails a hard rule (unsigned, signer not an administrator, mismatch…) is
// approved only with an explicit override reason, recorded; a form whose
// bureau or client cannot be identified cannot be approved at all. Approval
// approves the linkage once: a second approver (double click, two
// reviewers) is told who decided and when.
//
// Used by the CLI and the web pages alike. Thread-safety: one Reviewer per
// thread (it uses that thread's store connection).
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/connection.hpp"
#include "validate/validate.hpp"

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace review {

struct QueueItem {
    std::int64_t document_id = 0;
    std::string file;
    std::optional<int> page;
    std::string created_at;
    std::vector<std::string> reasons;
    double min_confidence = 100;
    int severity = 0;  // higher: worse (sorted first)
};

struct FieldView {
    std::string name, label;
    std::string value;
    double confidence = 0;
    std::optional<std::filesystem::path> crop;  // PNG, absolute
    std::vector<std::string> failures;          // reason codes concerning this field
};

struct DocumentView {
    std::int64_t document_id = 0;
    std::string file, sha256, outcome;
    std::optional<int> page;
    std::optional<std::string> review_state, reviewed_by, reviewed_at;
    std::vector<std::string> reasons;
    std::vector<std::pair<std::string, std::string>> failures;  // code, detail
    std::vector<FieldView> fields;
    std::optional<std::filesystem::path> signature_crop, page_image, original;
    double ink_percent = 0, residual_mm = -1;
    std::optional<std::int64_t> linkage_id;
    std::optional<std::string> reference_code;
};

enum class Refusal {
    not_found,        // no such document
    not_in_review,    // the pipeline decided it (accepted/rejected)
    already_decided,  // a person decided it already (message says who and when)
    unknown_field,    // a correction names no field of the form
    cannot_identify,  // bureau or client cannot be identified: cannot be approved
    needs_override,   // hard rules still fail: approve only with an override reason
    missing_reason,   // reject without a reason
};

struct Problem {
    Refusal refusal;
    std::string message;                 // English, one line
    std::vector<std::string> failures;   // remaining reason codes, when relevant
};

struct Approved {
    std::int64_t linkage_id = 0;
    std::string what;  // "created", "approved_pending", "already_linked"
    std::vector<std::string> overridden;  // hard failures approved by override
};

class Reviewer {
public:
    Reviewer(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
             validate::Thresholds thresholds, std::filesystem::path home);

    std::vector<QueueItem> queue() const;
    std::optional<DocumentView> show(std::int64_t document_id) const;

    // `corrections`: field → corrected value. `reviewer`: who (recorded).
    std::expected<Approved, Problem> approve(std::int64_t document_id, const std::string& reviewer,
                                             const std::map<std::string, std::string>& corrections,
                                             const std::optional<std::string>& override_reason);
    std::expected<void, Problem> reject(std::int64_t document_id, const std::string& reviewer,
                                        const std::string& reason);

private:
    store::Connection& m_c;
    const core::Clock& m_clock;
    const core::Rules& m_rules;
    validate::Thresholds m_thresholds;
    std::filesystem::path m_home;
};

// Reason codes a reviewer's look settles (they never block an approval).
bool settled_by_review(std::string_view code);
// Reason codes that make approval impossible (nothing to link).
bool blocks_approval(std::string_view code);

}  // namespace review
