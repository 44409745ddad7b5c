// The outcome of one document (SPEC §4.7) and the stable reason codes that
// explain it. Reason codes are a contract (README lists them): never rename
// one; add new ones.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

enum class Outcome { accepted, review, rejected, duplicate };

std::string_view to_string(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view s);

// Reason codes. Which outcome each one forces is decided in decide/, not here.
namespace reason {
// rejected: the input cannot become a linkage
inline constexpr std::string_view unreadable = "unreadable";            // corrupt, truncated, cannot decode
inline constexpr std::string_view unsupported_format = "unsupported_format";
inline constexpr std::string_view too_large = "too_large";              // over a configured limit
inline constexpr std::string_view not_a_form = "not_a_form";            // no page of the file is our form
inline constexpr std::string_view unsigned_form = "unsigned";           // signature box empty
inline constexpr std::string_view unknown_form_version = "unknown_form_version";
inline constexpr std::string_view internal_error = "internal_error";
// review: a person can fix it
inline constexpr std::string_view low_confidence = "low_confidence";
inline constexpr std::string_view field_missing = "field_missing";
inline constexpr std::string_view orgnr_invalid = "orgnr_invalid";
inline constexpr std::string_view subscription_invalid = "subscription_invalid";
inline constexpr std::string_view bureau_unknown = "bureau_unknown";
inline constexpr std::string_view client_unknown = "client_unknown";
inline constexpr std::string_view subscription_mismatch = "subscription_mismatch";
inline constexpr std::string_view name_mismatch = "name_mismatch";
inline constexpr std::string_view signer_not_admin = "signer_not_admin";
inline constexpr std::string_view signer_email_mismatch = "signer_email_mismatch";
inline constexpr std::string_view place_unclear = "place_unclear";  // one or two letters from a known place
inline constexpr std::string_view date_invalid = "date_invalid";
inline constexpr std::string_view date_in_future = "date_in_future";
inline constexpr std::string_view date_too_old = "date_too_old";
inline constexpr std::string_view registration_residual = "registration_residual";
inline constexpr std::string_view registration_failed = "registration_failed";
inline constexpr std::string_view reference_unknown = "reference_unknown";
inline constexpr std::string_view reference_mismatch = "reference_mismatch";
inline constexpr std::string_view rescan_differs = "rescan_differs";
inline constexpr std::string_view appearance_mismatch = "appearance_mismatch";  // a filled PDF shows another value than its field holds
inline constexpr std::string_view signature_unverified = "signature_unverified";
inline constexpr std::string_view signature_unclear = "signature_unclear";
inline constexpr std::string_view unexplained_marks = "unexplained_marks";  // ink the template and values do not explain
inline constexpr std::string_view unrecognised_page = "unrecognised_page";
inline constexpr std::string_view bureau_excluded_digital = "bureau_excluded_digital";
inline constexpr std::string_view linkage_closed = "linkage_closed";
// informational on accepted documents
inline constexpr std::string_view already_linked = "already_linked";    // pair already approved/active: nothing changed
inline constexpr std::string_view approved_pending_request = "approved_pending_request";
inline constexpr std::string_view duplicate_file = "duplicate_file";
}  // namespace reason

}  // namespace core
