#include "validate/appearance.hpp"

#include "core/outcome.hpp"

namespace validate {

namespace {

// Runs of white space as one space, none at either end.
std::string fold_space(const std::string& s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace

bool shows_value(const std::string& page_text, const std::string& typed) {
    return fold_space(page_text) == fold_space(typed);
}

Reconciled reconcile_appearance(const core::FormReading& shown, const std::map<std::string, std::string>& values) {
    Reconciled r;
    r.reading = shown;
    r.reading.born_digital = true;
    for (auto& f : r.reading.fields) {
        auto it = values.find(f.name);
        const std::string value = it == values.end() ? std::string() : fold_space(it->second);
        const std::string page = fold_space(f.text);
        if (value.empty()) continue;  // nothing typed into the field: the page as read
        if (page == value) {
            f.text = value;
            f.confidence = 100;
            f.empty = false;
            continue;
        }
        r.failures.push_back({std::string(core::reason::appearance_mismatch), f.name,
                              page.empty() ? "the field's value \"" + value + "\" is not shown on the page"
                                           : "the field's value \"" + value + "\" differs from what the page shows (\"" +
                                                 page + "\")",
                              Severity::review});
        f.text = value;
        f.confidence = 100;
        f.empty = false;
    }
    return r;
}

}  // namespace validate
