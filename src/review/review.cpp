#include "review/review.hpp"

#include "batch/store_registry_view.hpp"
#include "core/form_template.hpp"
#include "core/outcome.hpp"
#include "store/document_repo.hpp"
#include "store/event_log.hpp"
#include "store/linkage_merge.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace review {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool settled_by_review(std::string_view code) {
    return code == core::reason::low_confidence || code == core::reason::registration_residual ||
           code == core::reason::registration_failed || code == core::reason::rescan_differs;
}

bool blocks_approval(std::string_view code) {
    return code == core::reason::bureau_unknown || code == core::reason::client_unknown ||
           code == core::reason::orgnr_invalid || code == core::reason::field_missing ||
           code == core::reason::subscription_invalid;
}

namespace {

Object::Ptr parse_object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
}
std::vector<std::string> parse_strings(const std::string& text) {
    auto a = Poco::JSON::Parser().parse(text).extract<Array::Ptr>();
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) out.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}
std::string to_json(const Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

// Field order and labels from the template the document was read with.
const std::vector<std::pair<std::string, std::string>>& field_labels() {
    static const std::vector<std::pair<std::string, std::string>> k{
        {"bureau_name", "Byråns namn"},          {"bureau_orgnr", "Byråns organisationsnummer"},
        {"client_name", "Klientens företagsnamn"}, {"client_orgnr", "Klientens organisationsnummer"},
        {"client_subscription", "Klientens abonnemangsnummer"}, {"signer_name", "Namnförtydligande"},
        {"signer_email", "E-postadress"},        {"place", "Ort"},
        {"date", "Datum"}};
    return k;
}

int severity_of(const std::vector<std::string>& reasons, double min_conf) {
    int s = 0;
    for (auto& r : reasons) s += settled_by_review(r) ? 1 : blocks_approval(r) ? 5 : 3;
    return s * 100 + static_cast<int>(100 - min_conf);
}

}  // namespace

Reviewer::Reviewer(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
                   validate::Thresholds thresholds, fs::path home)
    : m_c(c), m_clock(clock), m_rules(rules), m_thresholds(thresholds), m_home(std::move(home)) {}

std::vector<QueueItem> Reviewer::queue() const {
    std::vector<QueueItem> out;
    for (auto& d : store::DocumentRepo(m_c).review_queue()) {
        QueueItem q;
        q.document_id = d.id;
        q.file = d.file_name;
        q.page = d.page;
        q.created_at = d.created_at;
        q.reasons = parse_strings(d.reasons);
        auto conf = parse_object(d.confidence);
        for (auto& [k, v] : *conf) q.min_confidence = std::min(q.min_confidence, v.convert<double>());
        q.severity = severity_of(q.reasons, q.min_confidence);
        out.push_back(std::move(q));
    }
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.severity > b.severity; });
    return out;
}

std::optional<DocumentView> Reviewer::show(std::int64_t id) const {
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return std::nullopt;
    DocumentView v;
    v.document_id = d->id;
    v.file = d->file_name;
    v.sha256 = d->sha256;
    v.outcome = d->outcome;
    v.page = d->page;
    v.review_state = d->review_state;
    v.reviewed_by = d->reviewed_by;
    v.reviewed_at = d->reviewed_at;
    v.reasons = parse_strings(d->reasons);
    v.linkage_id = d->linkage_id;
    v.reference_code = d->reference_code;
    auto ev = parse_object(d->evidence);
    if (ev->has("ink_percent")) v.ink_percent = ev->getValue<double>("ink_percent");
    if (ev->has("residual_mm")) v.residual_mm = ev->getValue<double>("residual_mm");
    std::map<std::string, std::vector<std::string>> per_field;
    if (auto failures = ev->getArray("failures"))
        for (size_t i = 0; i < failures->size(); ++i) {
            auto f = failures->getObject(static_cast<unsigned>(i));
            v.failures.emplace_back(f->getValue<std::string>("code"), f->getValue<std::string>("detail"));
            per_field[f->getValue<std::string>("field")].push_back(f->getValue<std::string>("code"));
        }
    auto fields = parse_object(d->fields);
    auto conf = parse_object(d->confidence);
    fs::path crops = d->crops_dir ? m_home / *d->crops_dir : fs::path();
    for (auto& [name, label] : field_labels()) {
        FieldView f;
        f.name = name;
        f.label = label;
        if (fields->has(name)) f.value = fields->getValue<std::string>(name);
        if (conf->has(name)) f.confidence = conf->getValue<double>(name);
        if (!crops.empty() && fs::exists(crops / (name + ".png"))) f.crop = crops / (name + ".png");
        f.failures = per_field[name];
        v.fields.push_back(std::move(f));
    }
    if (!crops.empty() && fs::exists(crops / "signature.png")) v.signature_crop = crops / "signature.png";
    if (!crops.empty() && fs::exists(crops / "page.png")) v.page_image = crops / "page.png";
    if (auto in = docs.input(d->sha256)) v.original = m_home / in->stored_path;
    return v;
}

std::expected<Approved, Problem> Reviewer::approve(std::int64_t id, const std::string& reviewer,
                                                   const std::map<std::string, std::string>& corrections,
                                                   const std::optional<std::string>& override_reason) {
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return std::unexpected(Problem{Refusal::not_found, "no document " + std::to_string(id), {}});
    if (d->outcome != "review")
        return std::unexpected(Problem{Refusal::not_in_review, "document " + std::to_string(id) + " was " + d->outcome +
                                                                   " by the pipeline; there is nothing to review", {}});
    if (d->review_state != "open")
        return std::unexpected(Problem{Refusal::already_decided,
                                       "document " + std::to_string(id) + " was already " + d->review_state.value_or("") +
                                           " by " + d->reviewed_by.value_or("?") + " at " + d->reviewed_at.value_or("?"),
                                       {}});
    auto fields = parse_object(d->fields);
    auto ev = parse_object(d->evidence);
    // The reading as the reviewer confirms it: every value seen by a person, corrected where they said.
    core::FormReading reading;
    reading.born_digital = ev->has("born_digital") && ev->getValue<bool>("born_digital");
    reading.signature.ink_percent = ev->has("ink_percent") ? ev->getValue<double>("ink_percent") : 0;
    reading.signature.present = reading.signature.ink_percent >= 0.4;
    for (auto& [name, label] : field_labels()) {
        (void)label;
        core::FieldReading f;
        f.name = name;
        f.text = fields->has(name) ? fields->getValue<std::string>(name) : "";
        f.confidence = 100;
        reading.fields.push_back(std::move(f));
    }
    for (auto& [name, value] : corrections) {
        auto it = std::find_if(reading.fields.begin(), reading.fields.end(), [&](auto& f) { return f.name == name; });
        if (it == reading.fields.end())
            return std::unexpected(Problem{Refusal::unknown_field, "the form has no field '" + name + "'", {}});
        it->text = value;
    }
    for (auto& f : reading.fields) f.empty = f.text.empty();
    reading.digital_signature_value = ev->has("digital_signature") && ev->getValue<bool>("digital_signature");

    auto registry = batch::make_store_registry_view(m_c, m_clock);
    auto v = validate::validate_form(reading, d->reference_code, *registry, m_rules, m_thresholds, m_clock);
    std::vector<std::string> blocking, hard;
    for (auto& f : v.failures) {
        if (settled_by_review(f.code)) continue;
        (blocks_approval(f.code) ? blocking : hard).push_back(f.code);
    }
    if (!blocking.empty() || !v.bureau || !v.client)
        return std::unexpected(Problem{Refusal::cannot_identify,
                                       "the bureau and client must be identified before approval: correct the "
                                       "organisation numbers (or import the registry)",
                                       blocking});
    if (!hard.empty() && (!override_reason || override_reason->empty()))
        return std::unexpected(Problem{Refusal::needs_override,
                                       "rules still fail after the corrections; approve only with an override reason",
                                       hard});

    const std::string now = core::format_utc(m_clock.now());
    store::LinkageRepo links(m_c, m_clock);
    store::EventLog log(m_c);
    store::Transaction tx(m_c);
    Object corrected(Poco::JSON_PRESERVE_KEY_ORDER);
    for (auto& f : reading.fields) corrected.set(f.name, v.values.count(f.name) ? v.values[f.name] : f.text);
    // Only the first reviewer gets through: the row changes from open to approved once.
    auto upd = m_c.prepare(
        "UPDATE documents SET review_state = 'approved', reviewed_by = ?, reviewed_at = ?, fields = ? "
        "WHERE id = ? AND review_state = 'open' RETURNING id");
    upd->bind(1, reviewer).bind(2, now).bind(3, to_json(corrected)).bind(4, id);
    if (!upd->step()) {
        auto again = docs.document(id);
        return std::unexpected(Problem{Refusal::already_decided,
                                       "document " + std::to_string(id) + " was already decided by " +
                                           (again ? again->reviewed_by.value_or("?") : "?"),
                                       {}});
    }
    upd->reset();
    for (auto& [name, value] : corrections) {
        std::string before = fields->has(name) ? fields->getValue<std::string>(name) : "";
        if (before == value) continue;
        Object b, a;
        b.set("field", name);
        b.set("value", before);
        a.set("field", name);
        a.set("value", value);
        log.append(now, reviewer, "document", id, "field_corrected", to_json(b), to_json(a));
    }
    std::optional<store::Linkage> referenced;
    if (d->reference_code) referenced = links.by_reference_code(*d->reference_code);
    Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
    detail.set("sha256", d->sha256);
    detail.set("document_id", id);
    detail.set("reviewed_by", reviewer);
    detail.set("signer", corrected.getValue<std::string>("signer_name"));
    if (override_reason) detail.set("override_reason", *override_reason);
    auto r = store::approve_by_paper_form(links, v.bureau->id, v.client->id, referenced,
                                          reviewer + " (review of signed paper form)", reviewer, "review",
                                          to_json(detail));
    auto link = m_c.prepare("UPDATE documents SET linkage_id = ? WHERE id = ?");
    link->bind(1, r.linkage_id).bind(2, id);
    link->run();
    Object after(Poco::JSON_PRESERVE_KEY_ORDER);
    after.set("review_state", "approved");
    after.set("linkage_id", r.linkage_id);
    Array over;
    for (auto& h : hard) over.add(h);
    after.set("overridden", over);
    if (override_reason) after.set("override_reason", *override_reason);
    Object before;
    before.set("review_state", "open");
    log.append(now, reviewer, "document", id, "review_approved", to_json(before), to_json(after));
    tx.commit();
    Approved out;
    out.linkage_id = r.linkage_id;
    out.what = r.what == store::PaperApproval::created          ? "created"
               : r.what == store::PaperApproval::approved_pending ? "approved_pending"
                                                                  : "already_linked";
    out.overridden = hard;
    return out;
}

std::expected<void, Problem> Reviewer::reject(std::int64_t id, const std::string& reviewer, const std::string& reason) {
    if (reason.find_first_not_of(" \t") == std::string::npos)
        return std::unexpected(Problem{Refusal::missing_reason, "a rejection needs a reason for the record", {}});
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return std::unexpected(Problem{Refusal::not_found, "no document " + std::to_string(id), {}});
    if (d->outcome != "review")
        return std::unexpected(Problem{Refusal::not_in_review, "document " + std::to_string(id) + " was " + d->outcome +
                                                                   " by the pipeline; there is nothing to review", {}});
    const std::string now = core::format_utc(m_clock.now());
    store::Transaction tx(m_c);
    auto upd = m_c.prepare(
        "UPDATE documents SET review_state = 'rejected', reviewed_by = ?, reviewed_at = ? "
        "WHERE id = ? AND review_state = 'open' RETURNING id");
    upd->bind(1, reviewer).bind(2, now).bind(3, id);
    if (!upd->step())
        return std::unexpected(Problem{Refusal::already_decided,
                                       "document " + std::to_string(id) + " was already " + d->review_state.value_or("") +
                                           " by " + d->reviewed_by.value_or("?") + " at " + d->reviewed_at.value_or("?"),
                                       {}});
    upd->reset();
    Object before, after;
    before.set("review_state", "open");
    after.set("review_state", "rejected");
    after.set("reason", reason);
    store::EventLog(m_c).append(now, reviewer, "document", id, "review_rejected", to_json(before), to_json(after));
    tx.commit();
    return {};
}

}  // namespace review
