#include "store/document_history.hpp"

#include "core/org_number.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace store {

namespace {

constexpr const char* k_select =
    "SELECT d.id, d.sha256, i.file_name, i.stored_path, d.created_at, d.outcome, d.reasons, d.page, d.review_state, "
    "d.reviewed_by, d.reviewed_at, d.linkage_id, l.state, c.name, b.name, d.fields "
    "FROM documents d JOIN inputs i ON i.sha256 = d.sha256 "
    "LEFT JOIN linkages l ON l.id = d.linkage_id LEFT JOIN clients c ON c.id = l.client_id "
    "LEFT JOIN bureaus b ON b.id = l.bureau_id ";

std::vector<std::string> strings(const std::string& json) {
    std::vector<std::string> out;
    try {
        auto a = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
        for (unsigned i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
    } catch (const std::exception&) {
    }
    return out;
}

std::string field(const Poco::JSON::Object::Ptr& o, const char* name) {
    if (!o || !o->has(name) || o->isNull(name)) return {};
    return o->getValue<std::string>(name);
}

std::string digits(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c >= '0' && c <= '9') out += c;
    return out;
}

// One row of k_select (columns 0-14; column 15, the fields, is read by the caller).
HistoryRow row_of(const Statement& st) {
    HistoryRow r;
    r.document_id = st.get_int(0);
    r.sha256 = st.get_text(1);
    r.file_name = st.get_text(2);
    r.stored_path = st.get_text(3);
    r.at = st.get_text(4);
    r.outcome = st.get_text(5);
    r.reasons = strings(st.get_text(6));
    if (!st.is_null(7)) r.page = static_cast<int>(st.get_int(7));
    r.review_state = st.get_optional_text(8);
    r.reviewed_by = st.get_optional_text(9);
    r.reviewed_at = st.get_optional_text(10);
    if (!st.is_null(11)) r.linkage_id = st.get_int(11);
    r.linkage_state = st.get_optional_text(12);
    if (!st.is_null(13)) r.client_name = st.get_text(13), r.client_from_registry = true;
    if (!st.is_null(14)) r.bureau_name = st.get_text(14), r.bureau_from_registry = true;
    return r;
}

}  // namespace

void DocumentHistory::name_row(HistoryRow& r, const std::string& fields_json) const {
    if (!r.client_name.empty() && !r.bureau_name.empty()) return;
    Poco::JSON::Object::Ptr f;
    try {
        f = Poco::JSON::Parser().parse(fields_json).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return;
    }
    auto lookup = [&](const char* sql, const std::string& key) -> std::optional<std::string> {
        if (key.empty()) return std::nullopt;
        auto s = m_c.prepare(sql);
        s->bind(1, key);
        if (!s->step()) return std::nullopt;
        return s->get_text(0);
    };
    auto canonical = [](const std::string& text) -> std::string {
        auto on = core::OrgNumber::parse(text);
        return on ? on->canonical() : std::string();
    };
    if (r.client_name.empty()) {
        auto name = lookup("SELECT name FROM clients WHERE orgnr = ?", canonical(field(f, "client_orgnr")));
        if (!name) name = lookup("SELECT name FROM clients WHERE subscription = ?", digits(field(f, "client_subscription")));
        if (name) {
            r.client_name = *name;
            r.client_from_registry = true;
        } else {
            r.client_name = field(f, "client_name");
        }
    }
    if (r.bureau_name.empty()) {
        if (auto name = lookup("SELECT name FROM bureaus WHERE orgnr = ?", canonical(field(f, "bureau_orgnr")))) {
            r.bureau_name = *name;
            r.bureau_from_registry = true;
        } else {
            r.bureau_name = field(f, "bureau_name");
        }
    }
}

std::vector<HistoryRow> DocumentHistory::list(const HistoryFilter& filter) const {
    std::vector<HistoryRow> out;
    const int limit = std::max(1, filter.limit);
    const bool want_docs = !filter.outcome || *filter.outcome != "duplicate";
    const bool want_dups = !filter.outcome || *filter.outcome == "duplicate";
    if (want_docs) {
        std::string sql = std::string(k_select) + "WHERE d.created_at >= ? AND d.created_at < ?";
        if (filter.outcome) sql += " AND d.outcome = ?";
        sql += " ORDER BY d.created_at DESC, d.id DESC LIMIT ?";
        auto s = m_c.prepare(sql);
        int n = 1;
        s->bind(n++, filter.from_utc.value_or(""));
        s->bind(n++, filter.to_utc.value_or("~"));
        if (filter.outcome) s->bind(n++, *filter.outcome);
        s->bind(n++, limit);
        std::vector<std::string> fields;
        while (s->step()) {
            HistoryRow r = row_of(*s);
            fields.push_back(s->get_text(15));
            out.push_back(std::move(r));
        }
        for (std::size_t i = 0; i < out.size(); ++i) name_row(out[i], fields[i]);
    }
    if (want_dups) {
        auto s = m_c.prepare(
            "SELECT x.id, x.sha256, x.file_name, x.stored_path, x.seen_at, i.file_name FROM duplicate_files x "
            "JOIN inputs i ON i.sha256 = x.sha256 WHERE x.seen_at >= ? AND x.seen_at < ? "
            "ORDER BY x.seen_at DESC, x.id DESC LIMIT ?");
        s->bind(1, filter.from_utc.value_or("")).bind(2, filter.to_utc.value_or("~")).bind(3, limit);
        std::vector<HistoryRow> dups;
        while (s->step()) {
            HistoryRow r;
            r.duplicate_id = s->get_int(0);
            r.sha256 = s->get_text(1);
            r.file_name = s->get_text(2);
            r.stored_path = s->get_text(3);
            r.at = s->get_text(4);
            r.outcome = "duplicate";
            r.reasons = {"duplicate_file"};
            r.original_file = s->get_text(5);
            dups.push_back(std::move(r));
        }
        for (auto& r : dups) {
            // Named after the first form of the file first processed with these bytes.
            auto first = m_c.prepare(std::string(k_select) + "WHERE d.sha256 = ? ORDER BY d.form_index LIMIT 1");
            first->bind(1, r.sha256);
            if (first->step()) {
                if (!first->is_null(13)) r.client_name = first->get_text(13), r.client_from_registry = true;
                if (!first->is_null(14)) r.bureau_name = first->get_text(14), r.bureau_from_registry = true;
                const std::string f = first->get_text(15);
                first.reset();
                name_row(r, f);
            }
            out.push_back(std::move(r));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const HistoryRow& a, const HistoryRow& b) { return a.at > b.at; });
    if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
    return out;
}

std::optional<HistoryRow> DocumentHistory::document(Id id) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE d.id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    HistoryRow r = row_of(*s);
    const std::string f = s->get_text(15);
    s.reset();
    name_row(r, f);
    return r;
}

void DocumentHistory::record_duplicate(const std::string& sha256, const std::string& file_name,
                                       const std::string& stored_path, const std::string& at) {
    auto s = m_c.prepare("INSERT INTO duplicate_files (sha256, file_name, stored_path, seen_at) VALUES (?, ?, ?, ?)");
    s->bind(1, sha256).bind(2, file_name).bind(3, stored_path).bind(4, at);
    s->run();
}

std::int64_t DocumentHistory::count_duplicates() const {
    auto s = m_c.prepare("SELECT COUNT(*) FROM duplicate_files");
    s->step();
    return s->get_int(0);
}

}  // namespace store
