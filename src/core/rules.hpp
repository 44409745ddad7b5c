// Shipped business rules that live in data/ rather than in code: the
// subscription number format, the permission catalogue, and the exclusion
// list of bureaus that may not link digitally (SPEC §1).
//
// Owns: the parsed rule values. Thread-safety: immutable after construction;
// share freely between threads.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

struct SubscriptionFormat {
    int min_digits = 4;
    int max_digits = 10;
};

// Validates a subscription number (digits only; spaces ignored). Returns the
// digits, or a one-line English reason.
std::expected<std::string, std::string> normalise_subscription(std::string_view text,
                                                               const SubscriptionFormat& format);

struct Permission {
    std::string code;     // stable machine code, e.g. "bookkeeping"
    std::string name_sv;  // Swedish label shown to people
};

class PermissionCatalogue {
public:
    PermissionCatalogue() = default;
    explicit PermissionCatalogue(std::vector<Permission> permissions);
    bool contains(std::string_view code) const;
    const Permission* find(std::string_view code) const;
    const std::vector<Permission>& all() const { return m_permissions; }

private:
    std::vector<Permission> m_permissions;
};

// Lower-cases (ASCII and å/ä/ö/é), turns '&' into "och", drops punctuation and
// the company-form words (ab, aktiebolag, hb, kb, ek. för., publ) so that
// "KPMG AB" and "kpmg" compare equal. Result: words joined by one space.
std::string normalise_legal_name(std::string_view name);

// The code points of UTF-8 text (an invalid sequence counts as one U+FFFD).
std::u32string code_points(std::string_view utf8);
// Levenshtein distance between `a` and `b`; any value above `limit` is reported as limit + 1.
std::size_t edit_distance(const std::u32string& a, const std::u32string& b, std::size_t limit);

struct ExclusionEntry {
    std::string name;                 // display name, e.g. "Grant Thornton"
    std::vector<std::string> aliases; // normalised names that identify it
    std::vector<std::string> orgnrs;  // canonical organisation numbers, may be empty
};

class ExclusionList {
public:
    ExclusionList() = default;
    explicit ExclusionList(std::vector<ExclusionEntry> entries);
    // The entry that excludes a bureau with this canonical organisation number
    // or legal name, if any. A name matches when its normalised words begin with
    // an alias's words ("Grant Thornton Sweden AB" matches "grant thornton").
    const ExclusionEntry* match(std::string_view canonical_orgnr, std::string_view legal_name) const;
    const std::vector<ExclusionEntry>& entries() const { return m_entries; }

private:
    std::vector<ExclusionEntry> m_entries;
};

struct Rules {
    SubscriptionFormat subscription;
    PermissionCatalogue permissions;
    ExclusionList exclusions;
    // Known Swedish place names, folded by normalise_legal_name (data/places-sv.txt;
    // empty when the file is absent): a place read one or two letters from one of
    // them, and not one of them, is most likely that place misread.
    std::vector<std::string> places;
    bool place_is_known(std::string_view place) const;
    // The known place `place` is probably a misreading of (one or two letters
    // away, by length), or nullptr: also nullptr when `place` is itself known.
    const std::string* place_misread_from(std::string_view place) const;

    // Parses the three files data/rules.json, data/permissions.json and
    // data/exclusion-list.json under `data_dir`. Throws std::runtime_error
    // naming the file and the problem when one is missing or malformed
    // (a broken installation, not a user error).
    static Rules load(const std::filesystem::path& data_dir);
    // The same from JSON texts (for tests and fuzzing). Throws on bad JSON.
    static Rules parse(std::string_view rules_json, std::string_view permissions_json,
                       std::string_view exclusions_json);
};

}  // namespace core
