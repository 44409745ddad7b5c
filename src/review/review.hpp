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
    std::string bureau_name, client_name;  // as read from the form
};

struct FieldView {
    std::string name, label;
    std::string value;
    double confidence = 0;
    std::optional<std::filesystem::path> crop;  // PNG, absolute
    std::vector<std::string> failures;          // reason codes concerning this field
};

// A mark nothing explains (evidence `unexplained_marks`), as a share of the
// page image (0–100 %), to be outlined over it.
struct MarkBox {
    double left = 0, top = 0, width = 0, height = 0;  // percent of the page's width and height
    std::string kind, near;
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
    std::vector<MarkBox> unexplained;
    std::optional<std::int64_t> linkage_id;
    std::optional<std::string> reference_code;
};

// One failed check of the values as they stand now (after corrections),
// re-validated by the pipeline's rules. `field`: the form field it concerns
// (empty: the form as a whole). `from_pipeline`: a doubt the scan raised
// (low confidence, skew) that a person's look settles; never blocks.
struct Check {
    std::string code, field, detail;
    bool blocking = false;       // nothing to link while it fails
    bool from_pipeline = false;
};

// The registry's facts for the numbers on the form (as they stand now): what
// a reviewer needs to fix a form without leaving the page.
struct RegistryPerson {
    std::string name, email;
};
struct LinkageFacts {
    std::int64_t id = 0;
    std::string state;                    // core::LinkageState code
    std::optional<std::string> reference_code;
    std::string source;                   // "digital" | "paper"
    std::string requested_by;             // a person's name where known
    std::string created_at;               // UTC text
    std::optional<std::string> decided_by, decided_at, approved_via;
    bool found_by_reference = false;      // through the form's reference code
    // Approved already by another scan, the digital path or another review:
    // which one, in words for staff (Swedish), and the document when known.
    std::optional<std::string> approved_elsewhere;
    std::optional<std::int64_t> approved_by_document;
};
struct RegistryFacts {
    std::optional<std::string> bureau_orgnr, client_orgnr, subscription;  // canonical, when valid
    std::optional<validate::KnownBureau> bureau;            // by bureau_orgnr
    std::optional<validate::KnownClient> client_by_orgnr;   // by client_orgnr
    std::optional<validate::KnownClient> client_by_subscription;
    std::vector<RegistryPerson> administrators;  // the client's (by orgnr, else by subscription)
    std::optional<LinkageFacts> linkage;         // the pair's live one, else the reference code's
    // field → the registry's value where it differs from the form's (one key takes it).
    std::map<std::string, std::string> suggestions;
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
    std::vector<Check> checks;           // every check that fails now, per field
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
    // The checks that fail for the document's values with `corrections`
    // applied (the same validation approve() runs), plus the pipeline's doubts
    // about fields nobody corrected. Empty when the document does not exist.
    std::vector<Check> check(std::int64_t document_id, const std::map<std::string, std::string>& corrections) const;
    // The registry's facts for the document's numbers with `corrections` applied.
    RegistryFacts registry(std::int64_t document_id, const std::map<std::string, std::string>& corrections) const;
    // A recorded actor ("bureau_user:anna.norrsken", "client_user:4", "stina",
    // "cli:root", "stina (review of signed paper form)") in words for staff:
    // the person's name where the registry or staff list knows it.
    std::string person_name(const std::string& actor, std::optional<std::int64_t> client_id = std::nullopt) const;

    std::expected<void, Problem> reject(std::int64_t document_id, const std::string& reviewer,
                                        const std::string& reason);

private:
    struct Revalidated;
    std::optional<Revalidated> revalidate(std::int64_t id, const std::map<std::string, std::string>& corrections,
                                          Problem& problem) const;
    store::Connection& m_c;
    const core::Clock& m_clock;
    const core::Rules& m_rules;
    validate::Thresholds m_thresholds;
    std::filesystem::path m_home;
};

// Reason codes a reviewer's look settles (they never block an approval).
bool settled_by_review(std::string_view code);
// Reason codes that make approval impossible (nothing to link): the bureau
// or client cannot be identified. `field`: the field the failure concerns;
// an empty e-mail or place is not an identity problem (issue 17).
bool blocks_approval(std::string_view code, std::string_view field);

// The form's fields in order with their Swedish labels.
const std::vector<std::pair<std::string, std::string>>& field_labels();
std::string field_label_sv(std::string_view field);

// What a reviewer does next about a failed check, in Swedish (one sentence or two).
std::string next_step_sv(std::string_view code, std::string_view field);

// A linkage state in Swedish ("väntar på godkännande", "godkänd", …).
std::string linkage_state_sv(std::string_view state);

}  // namespace review
