// validate: readings + registry → the checks that failed, with reasons
// (SPEC §4.6). Pure: the registry is reached through the RegistryView
// interface, which the batch implements over the store and tests fake.
//
// Thread-safety: reentrant if the RegistryView is.
#pragma once

#include "core/clock.hpp"
#include "core/reading.hpp"
#include "core/registry_view.hpp"
#include "core/rules.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace validate {

using core::KnownBureau;
using core::KnownClient;
using core::KnownPerson;
using core::ReferencedLinkage;
using core::RegistryView;

enum class Severity { review, reject };

struct Failure {
    std::string code;   // a core::reason code
    std::string field;  // the field it concerns, or empty
    std::string detail; // English, for staff and logs
    Severity severity = Severity::review;
};

struct Thresholds {
    double min_confidence = 80;          // 0–100, for fields only a person could check
    double min_confidence_checked = 65;  // for numbers that are cross-checked anyway
                                         // (organisation numbers: check digit + registry; subscription: registry)
    double min_confidence_confirmed = 0;  // for names and e-mail that equal the registry's record exactly,
                                         // reached through a confidently read organisation number
    int max_form_age_days = 90;
    double unsigned_below_ink = 0.05; // below: certainly unsigned (rejected); between this and min: review
};

// The confidence a field needs by itself: min_confidence_checked for the
// numbers that check digits and the registry verify anyway, else min_confidence.
double confidence_needed(std::string_view field, const Thresholds& thresholds);

struct Validation {
    std::vector<Failure> failures;
    std::map<std::string, std::string> values;  // normalised values where valid, else as read
    std::optional<KnownBureau> bureau;
    std::optional<KnownClient> client;
    std::optional<ReferencedLinkage> reference;
    bool has(std::string_view code) const;
};

// `reference`: the reference code from the form's QR code, if any.
Validation validate_form(const core::FormReading& reading, const std::optional<std::string>& reference,
                         RegistryView& registry, const core::Rules& rules, const Thresholds& thresholds,
                         const core::Clock& clock);

enum class NameMatch { none, exact, one_slip };
// A company name as read against the registered one: `exact` after folding
// case, punctuation and company-form words (AB, HB, …); `one_slip` when a
// confidently read name of at least 8 letters differs by one letter (an
// OCR slip); else `none`. Person names are never matched loosely.
NameMatch match_company_name(std::string_view registered, std::string_view read, bool read_confidently);

// Lower-case, single spaces, punctuation dropped: for comparing person names.
std::string normalise_person_name(std::string_view name);

}  // namespace validate
