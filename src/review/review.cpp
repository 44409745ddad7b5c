#include "review/review.hpp"

#include "store/registry_view.hpp"
#include "core/form_template.hpp"
#include "core/org_number.hpp"
#include "core/outcome.hpp"
#include "store/document_repo.hpp"
#include "store/event_log.hpp"
#include "store/linkage_merge.hpp"
#include "store/registry_repo.hpp"
#include "store/staff_repo.hpp"
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
           code == core::reason::registration_failed || code == core::reason::rescan_differs ||
           code == core::reason::appearance_mismatch;
}

bool blocks_approval(std::string_view code, std::string_view field) {
    if (code == core::reason::bureau_unknown || code == core::reason::client_unknown) return true;
    const bool identity = field == "bureau_orgnr" || field == "client_orgnr";
    return identity && (code == core::reason::orgnr_invalid || code == core::reason::field_missing);
}

const std::vector<std::pair<std::string, std::string>>& field_labels() {
    static const std::vector<std::pair<std::string, std::string>> k{
        {"bureau_name", "Byråns namn"},          {"bureau_orgnr", "Byråns organisationsnummer"},
        {"client_name", "Klientens företagsnamn"}, {"client_orgnr", "Klientens organisationsnummer"},
        {"client_subscription", "Klientens abonnemangsnummer"}, {"signer_name", "Namnförtydligande"},
        {"signer_email", "E-postadress"},        {"place", "Ort"},
        {"date", "Datum"}};
    return k;
}

std::string field_label_sv(std::string_view field) {
    for (auto& [name, label] : field_labels())
        if (name == field) return label;
    if (field == "signature") return "Underskrift";
    return "Blanketten";
}

std::string next_step_sv(std::string_view code, std::string_view field) {
    using namespace core::reason;
    if (code == field_missing) {
        if (field == "signer_email")
            return "Ta in administratörens e-postadress från registerpanelen, eller skriv den som står på blanketten.";
        if (field == "place") return "Läs orten på hela sidan (Alt+S) och skriv den i fältet.";
        if (field == "bureau_orgnr" || field == "client_orgnr" || field == "client_subscription" ||
            field == "bureau_name" || field == "client_name" || field == "signer_name")
            return "Ta in värdet från registerpanelen om resten av blanketten stämmer, annars skriv det som står på "
                   "blanketten.";
        return "Skriv värdet som står på blanketten (hela sidan: Alt+S).";
    }
    if (code == orgnr_invalid)
        return "Jämför numret med blanketten. Hittas klienten med abonnemangsnumret i registerpanelen, ta in dess "
               "organisationsnummer.";
    if (code == bureau_unknown)
        return "Kontrollera numret mot blanketten. Saknas byrån i registret: underkänn och be byrån kontakta supporten.";
    if (code == client_unknown)
        return "Kontrollera numret mot blanketten, eller ta in organisationsnumret för klienten som abonnemangsnumret "
               "hör till. Saknas klienten i registret: underkänn.";
    if (code == subscription_invalid || code == subscription_mismatch)
        return "Stämmer organisationsnumret med blanketten, ta in klientens abonnemangsnummer från registerpanelen.";
    if (code == name_mismatch)
        return "Stämmer organisationsnumret med blanketten, ta in registrets namn. Är det ett annat företag: underkänn.";
    if (code == signer_not_admin)
        return "Är undertecknaren en av klientens systemadministratörer i registerpanelen, välj hen (Alt+1, Alt+2 …). "
               "Annars underkänn, eller godkänn med ett skäl under Undantag (t.ex. firmatecknare).";
    if (code == signer_email_mismatch)
        return "Ta in administratörens e-postadress från registerpanelen om namnet stämmer.";
    if (code == place_unclear) return "Läs orten på hela sidan (Alt+S) och rätta stavningen.";
    if (code == date_invalid) return "Skriv datumet som ÅÅÅÅ-MM-DD, som det står på blanketten.";
    if (code == date_in_future)
        return "Läs datumet på blanketten igen. Står det verkligen ett framtida datum: underkänn eller godkänn med skäl.";
    if (code == date_too_old)
        return "Blanketten är för gammal: underkänn och be klienten skriva under en ny, eller godkänn med skäl.";
    if (code == reference_unknown || code == reference_mismatch)
        return "Jämför byrå och klient med den förifyllda blanketten. Stämmer blanketten men inte koden: godkänn med "
               "skäl; annars underkänn.";
    if (code == linkage_closed)
        return "Kopplingen för referenskoden är avslutad: underkänn, eller godkänn med skäl om en ny koppling ska "
               "skapas.";
    if (code == rescan_differs) return "Jämför värdena med den tidigare skanningen och blanketten.";
    if (code == appearance_mismatch)
        return "PDF-fältet och det som syns på sidan säger olika. Godkänn bara det som syns på sidan (Alt+S), "
               "annars underkänn.";
    if (code == signature_unclear) return "Titta på underskriften på hela sidan (Alt+S). Saknas den: underkänn.";
    if (code == unexplained_marks)
        return "Titta på de inramade områdena på hela sidan (Alt+S). Är blanketten makulerad, ändrad eller övertäckt: "
               "underkänn. Är markeringen ofarlig: godkänn med skäl under Undantag.";
    if (code == signature_unverified)
        return "Den digitala underskriften kontrolleras inte här: godkänn med skäl om du vet vem som skrev under.";
    if (code == low_confidence) return "Jämför värdet med utklippet och rätta det vid behov.";
    if (code == registration_residual || code == registration_failed)
        return "Sidan lästes snett: jämför alla värden med utklippen eller hela sidan (Alt+S).";
    return "Jämför med blanketten (Alt+S) och rätta, eller underkänn.";
}

std::string linkage_state_sv(std::string_view state) {
    if (state == "requested") return "väntar på godkännande";
    if (state == "approved") return "godkänd, väntar på aktivering";
    if (state == "activated") return "aktiverad";
    if (state == "declined") return "avböjd";
    if (state == "expired") return "har gått ut";
    if (state == "revoked") return "avslutad";
    return std::string(state);
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

int severity_of(const std::vector<std::string>& reasons, double min_conf) {
    int s = 0;
    for (auto& r : reasons)
        s += settled_by_review(r)                                                                  ? 1
             : r == core::reason::bureau_unknown || r == core::reason::client_unknown ||
                     r == core::reason::orgnr_invalid                                              ? 5
                                                                                                   : 3;
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
        auto fields = parse_object(d.fields);
        if (fields->has("bureau_name")) q.bureau_name = fields->getValue<std::string>("bureau_name");
        if (fields->has("client_name")) q.client_name = fields->getValue<std::string>("client_name");
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
    if (auto marks = ev->getObject("unexplained_marks")) {
        const double pw = marks->getValue<double>("page_width_pt"), ph = marks->getValue<double>("page_height_pt");
        if (auto regions = marks->getArray("regions"); regions && pw > 0 && ph > 0)
            for (unsigned i = 0; i < regions->size(); ++i) {
                auto r = regions->getObject(i);
                v.unexplained.push_back({100 * r->getValue<double>("x") / pw, 100 * r->getValue<double>("y") / ph,
                                         100 * r->getValue<double>("w") / pw, 100 * r->getValue<double>("h") / ph,
                                         r->getValue<std::string>("kind"), r->getValue<std::string>("near")});
            }
    }
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

struct Reviewer::Revalidated {
    store::DocumentRow d;
    Object::Ptr fields, ev;
    core::FormReading reading;
    validate::Validation v;
};

std::optional<Reviewer::Revalidated> Reviewer::revalidate(std::int64_t id,
                                                          const std::map<std::string, std::string>& corrections,
                                                          Problem& problem) const {
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) {
        problem = Problem{Refusal::not_found, "no document " + std::to_string(id), {}, {}};
        return std::nullopt;
    }
    Revalidated r;
    r.d = *d;
    r.fields = parse_object(d->fields);
    r.ev = parse_object(d->evidence);
    // The reading as the reviewer confirms it: every value seen by a person, corrected where they said.
    core::FormReading& reading = r.reading;
    reading.born_digital = r.ev->has("born_digital") && r.ev->getValue<bool>("born_digital");
    reading.signature.ink_percent = r.ev->has("ink_percent") ? r.ev->getValue<double>("ink_percent") : 0;
    reading.signature.present = reading.signature.ink_percent >= 0.4;
    // The signature judge's verdict, where the evidence has one (read/signature.hpp).
    if (r.ev->has("signature_verdict")) {
        reading.signature.verdict = core::parse_signature_verdict(r.ev->getValue<std::string>("signature_verdict"));
        reading.signature.present = reading.signature.verdict == core::SignatureVerdict::handwriting;
        if (r.ev->has("signature_why")) reading.signature.evidence.why = r.ev->getValue<std::string>("signature_why");
    }
    for (auto& [name, label] : field_labels()) {
        (void)label;
        core::FieldReading f;
        f.name = name;
        f.text = r.fields->has(name) ? r.fields->getValue<std::string>(name) : "";
        f.confidence = 100;
        reading.fields.push_back(std::move(f));
    }
    for (auto& [name, value] : corrections) {
        auto it = std::find_if(reading.fields.begin(), reading.fields.end(), [&](auto& f) { return f.name == name; });
        if (it == reading.fields.end()) {
            problem = Problem{Refusal::unknown_field, "the form has no field '" + name + "'", {}, {}};
            return std::nullopt;
        }
        it->text = value;
    }
    for (auto& f : reading.fields) f.empty = f.text.empty();
    reading.digital_signature_value = r.ev->has("digital_signature") && r.ev->getValue<bool>("digital_signature");
    auto registry = store::make_registry_view(m_c, m_clock);
    r.v = validate::validate_form(reading, d->reference_code, *registry, m_rules, m_thresholds, m_clock);
    return r;
}

std::vector<Check> Reviewer::check(std::int64_t id, const std::map<std::string, std::string>& corrections) const {
    Problem ignored;
    auto r = revalidate(id, corrections, ignored);
    if (!r) return {};
    std::vector<Check> out;
    for (auto& f : r->v.failures) {
        if (settled_by_review(f.code)) continue;
        out.push_back(Check{f.code, f.field, f.detail, blocks_approval(f.code, f.field), false});
    }
    if (!r->v.bureau || !r->v.client) {
        // Identity is missing although no blocking check names it (e.g. the
        // number is valid but empty on the other side): say which one.
        const bool named = std::any_of(out.begin(), out.end(), [](auto& c) { return c.blocking; });
        if (!named) {
            if (!r->v.bureau)
                out.push_back(Check{std::string(core::reason::bureau_unknown), "bureau_orgnr",
                                    "the bureau cannot be identified", true, false});
            if (!r->v.client)
                out.push_back(Check{std::string(core::reason::client_unknown), "client_orgnr",
                                    "the client cannot be identified", true, false});
        }
    }
    // Marks on the page that nothing explains: no correction settles them, a
    // person approves them only with an override reason (SPEC §7).
    for (auto& reason : parse_strings(r->d.reasons))
        if (reason == core::reason::unexplained_marks)
            out.push_back(Check{reason, "", "marks on the page that neither the form nor its values explain", false, false});
    // The scan's doubts about fields nobody has changed since.
    if (auto failures = r->ev->getArray("failures"))
        for (size_t i = 0; i < failures->size(); ++i) {
            auto f = failures->getObject(static_cast<unsigned>(i));
            const std::string code = f->getValue<std::string>("code"), field = f->getValue<std::string>("field");
            if (!settled_by_review(code) || corrections.count(field)) continue;
            out.push_back(Check{code, field, f->getValue<std::string>("detail"), false, true});
        }
    return out;
}

std::expected<Approved, Problem> Reviewer::approve(std::int64_t id, const std::string& reviewer,
                                                   const std::map<std::string, std::string>& corrections,
                                                   const std::optional<std::string>& override_reason) {
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return std::unexpected(Problem{Refusal::not_found, "no document " + std::to_string(id), {}, {}});
    if (d->outcome != "review")
        return std::unexpected(Problem{Refusal::not_in_review,
                                       "document " + std::to_string(id) + " was " + d->outcome +
                                           " by the pipeline; there is nothing to review",
                                       {}, {}});
    if (d->review_state != "open")
        return std::unexpected(Problem{Refusal::already_decided,
                                       "document " + std::to_string(id) + " was already " + d->review_state.value_or("") +
                                           " by " + d->reviewed_by.value_or("?") + " at " + d->reviewed_at.value_or("?"),
                                       {}, {}});
    Problem problem;
    auto rv = revalidate(id, corrections, problem);
    if (!rv) return std::unexpected(problem);
    auto& fields = rv->fields;
    auto& reading = rv->reading;
    auto& v = rv->v;
    auto checks = check(id, corrections);
    std::erase_if(checks, [](auto& c) { return c.from_pipeline; });
    std::vector<std::string> blocking, hard;
    for (auto& c : checks) (c.blocking ? blocking : hard).push_back(c.code);
    if (!blocking.empty() || !v.bureau || !v.client) {
        std::string which;
        for (auto& c : checks)
            if (c.blocking) which += (which.empty() ? "" : "; ") + c.field + ": " + c.detail;
        return std::unexpected(Problem{Refusal::cannot_identify,
                                       "the bureau and client must be identified before approval (" + which +
                                           "): correct the organisation number (or import the registry)",
                                       blocking, checks});
    }
    if (!hard.empty() && (!override_reason || override_reason->empty())) {
        std::string which;
        for (auto& c : checks) which += (which.empty() ? "" : "; ") + (c.field.empty() ? "form" : c.field) + ": " + c.detail;
        return std::unexpected(Problem{Refusal::needs_override,
                                       "rules still fail after the corrections (" + which +
                                           "); correct them, or approve with an override reason",
                                       hard, checks});
    }

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
                                       {}, {}});
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

RegistryFacts Reviewer::registry(std::int64_t id, const std::map<std::string, std::string>& corrections) const {
    RegistryFacts out;
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return out;
    auto fields = parse_object(d->fields);
    auto value = [&](const std::string& name) {
        if (auto it = corrections.find(name); it != corrections.end()) return it->second;
        return fields->has(name) ? fields->getValue<std::string>(name) : std::string();
    };
    auto view = store::make_registry_view(m_c, m_clock);
    if (auto on = core::OrgNumber::parse(value("bureau_orgnr"))) {
        out.bureau_orgnr = on->canonical();
        out.bureau = view->bureau(on->canonical());
    }
    if (auto on = core::OrgNumber::parse(value("client_orgnr"))) {
        out.client_orgnr = on->canonical();
        out.client_by_orgnr = view->client_by_orgnr(on->canonical());
    }
    if (auto sub = core::normalise_subscription(value("client_subscription"), m_rules.subscription)) {
        out.subscription = *sub;
        out.client_by_subscription = view->client_by_subscription(*sub);
    }
    const auto& client = out.client_by_orgnr ? out.client_by_orgnr : out.client_by_subscription;
    if (client)
        for (auto& a : view->administrators(client->id)) out.administrators.push_back({a.name, a.email});

    // The linkage: the pair's live one, else the one the reference code names.
    store::LinkageRepo links(m_c, m_clock);
    std::optional<store::Linkage> l;
    if (out.bureau && client) l = links.live_for(out.bureau->id, client->id);
    bool by_reference = false;
    if (!l && d->reference_code) {
        l = links.by_reference_code(*d->reference_code);
        by_reference = l.has_value();
    }
    if (l) {
        LinkageFacts f;
        f.id = l->id;
        f.state = std::string(core::to_string(l->state));
        f.reference_code = l->reference_code;
        f.source = std::string(core::to_string(l->source));
        f.requested_by = person_name(l->requested_by, l->client_id);
        f.created_at = l->created_at;
        if (l->decided_by) f.decided_by = person_name(*l->decided_by, l->client_id);
        f.decided_at = l->decided_at;
        f.approved_via = l->approved_via;
        f.found_by_reference = by_reference;
        if (l->state == core::LinkageState::approved || l->state == core::LinkageState::activated) {
            const std::string via = l->approved_via.value_or("");
            if (via == "digital") f.approved_elsewhere = "godkänd digitalt av klientens administratör";
            else if (via == "review") f.approved_elsewhere = "godkänd vid granskning av en annan skanning";
            else f.approved_elsewhere = "godkänd med en annan inskannad blankett";
            // Which document approved it, from the evidence (paper_form: sha256, document_id).
            for (auto& e : links.evidence(l->id)) {
                if (e.kind != "paper_form") continue;
                auto detail = parse_object(e.detail);
                if (detail->has("document_id")) {
                    auto other = detail->getValue<std::int64_t>("document_id");
                    if (other != id) f.approved_by_document = other;
                } else if (detail->has("sha256") && detail->getValue<std::string>("sha256") != d->sha256) {
                    for (auto& row : docs.for_input(detail->getValue<std::string>("sha256")))
                        if (row.id != id) f.approved_by_document = row.id;
                }
                if (f.approved_by_document) {
                    if (auto od = docs.document(*f.approved_by_document))
                        *f.approved_elsewhere += " (" + od->file_name + ")";
                    break;
                }
            }
        }
        out.linkage = f;
    }

    // What one key takes into a field: the registry's value where it differs.
    auto suggest = [&](const std::string& field, const std::string& registry_value) {
        if (!registry_value.empty() && registry_value != value(field)) out.suggestions[field] = registry_value;
    };
    if (out.bureau) suggest("bureau_name", out.bureau->name);
    if (out.client_by_orgnr) {
        suggest("client_name", out.client_by_orgnr->name);
        suggest("client_subscription", out.client_by_orgnr->subscription);
    } else if (out.client_by_subscription) {
        suggest("client_orgnr", out.client_by_subscription->orgnr);
        suggest("client_name", out.client_by_subscription->name);
    }
    if (!out.administrators.empty()) {
        // The administrator the form names (by name, else by e-mail), or the only one.
        const std::string signer = validate::normalise_person_name(value("signer_name"));
        const RegistryPerson* match = nullptr;
        for (auto& a : out.administrators)
            if (!signer.empty() && validate::normalise_person_name(a.name) == signer) match = &a;
        if (!match)
            for (auto& a : out.administrators)
                if (!value("signer_email").empty() && a.email == value("signer_email")) match = &a;
        if (!match && out.administrators.size() == 1) match = &out.administrators.front();
        if (match) {
            suggest("signer_name", match->name);
            suggest("signer_email", match->email);
        }
    }
    return out;
}

std::string Reviewer::person_name(const std::string& actor, std::optional<std::int64_t> client_id) const {
    constexpr std::string_view k_review = " (review of signed paper form)", k_form = "signed paper form (";
    if (actor.starts_with("bureau_user:")) {
        const std::string username = actor.substr(12);
        if (auto u = store::RegistryRepo(m_c, m_clock).bureau_user(username)) return u->name;
        return username;
    }
    if (actor.starts_with("client_user:")) {
        if (client_id)
            for (auto& u : store::RegistryRepo(m_c, m_clock).client_users(*client_id))
                if (const std::string key = "client_user:" + std::to_string(u.id);
                    actor == key || actor.starts_with(key + " "))
                    return u.name;
        return "klientens administratör";
    }
    if (actor.starts_with("cli:")) return "kommandoraden (" + actor.substr(4) + ")";
    if (actor.starts_with("paper-form:")) return "inskannad blankett";
    if (actor.size() > k_review.size() && actor.ends_with(k_review))
        return person_name(actor.substr(0, actor.size() - k_review.size()), client_id) + " (granskning)";
    if (actor.starts_with(k_form)) return "undertecknad blankett (" + actor.substr(k_form.size());
    if (actor.starts_with("staff:")) return person_name(actor.substr(6), client_id);
    if (auto staff = store::StaffRepo(m_c).with_password(actor)) return staff->first.name;
    return actor;
}

std::expected<void, Problem> Reviewer::reject(std::int64_t id, const std::string& reviewer, const std::string& reason) {
    if (reason.find_first_not_of(" \t") == std::string::npos)
        return std::unexpected(Problem{Refusal::missing_reason, "a rejection needs a reason for the record", {}, {}});
    store::DocumentRepo docs(m_c);
    auto d = docs.document(id);
    if (!d) return std::unexpected(Problem{Refusal::not_found, "no document " + std::to_string(id), {}, {}});
    if (d->outcome != "review")
        return std::unexpected(Problem{Refusal::not_in_review, "document " + std::to_string(id) + " was " + d->outcome +
                                                                   " by the pipeline; there is nothing to review", {}, {}});
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
                                       {}, {}});
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
