#include "activation/history.hpp"

#include "activation/people.hpp"
#include "mail/swedish_time.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/linkage_story_repo.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>

namespace activation {

namespace {

using Poco::JSON::Object;

Object::Ptr parse(const std::optional<std::string>& text) {
    if (!text || text->empty()) return new Object;
    try {
        auto o = Poco::JSON::Parser().parse(*text).extract<Object::Ptr>();
        return o ? o : Object::Ptr(new Object);
    } catch (const Poco::Exception&) {
        return new Object;
    }
}

std::string str(const Object::Ptr& o, const std::string& key) {
    if (!o->has(key) || o->get(key).isEmpty()) return {};
    try {
        return o->get(key).convert<std::string>();
    } catch (const Poco::Exception&) {
        return {};
    }
}

std::string permission_names(const Object::Ptr& o, const core::Rules& rules) {
    auto a = o->getArray("permissions");
    std::string out;
    for (std::size_t i = 0; a && i < a->size(); ++i) {
        const std::string code = a->getElement<std::string>(i);
        const auto* p = rules.permissions.find(code);
        out += (out.empty() ? "" : ", ") + (p ? p->name_sv : code);
    }
    return out.empty() ? "inga" : out;
}

std::string via_sv(const std::string& via) {
    if (via == "digital") return "digitalt via administratörens länk";
    if (via == "paper") return "med undertecknad blankett (automatiskt)";
    if (via == "review") return "med undertecknad blankett efter manuell granskning";
    return via;
}

std::string list_text(const std::string& json_array) {
    try {
        auto a = Poco::JSON::Parser().parse(json_array).extract<Poco::JSON::Array::Ptr>();
        std::string out;
        for (std::size_t i = 0; a && i < a->size(); ++i) out += (i ? ", " : "") + a->getElement<std::string>(i);
        return out;
    } catch (const Poco::Exception&) {
        return json_array;
    }
}

std::string invalid_reason_sv(const std::string& code) {
    if (code == "not_administrator") return "mottagaren är inte längre systemadministratör hos klienten";
    if (code == "client_multi_company") return "klienten är nu registrerad som ett flerbolagsupplägg";
    if (code == "bureau_multi_company") return "byrån arbetar nu med ett flerbolagsupplägg";
    if (code == "bureau_excluded") return "byrån får inte längre koppla klienter digitalt";
    return code;
}

// The form's fields in words for the bureau (the template's labels).
std::string field_sv(const std::string& field) {
    static const std::map<std::string, std::string> k_labels{
        {"bureau_name", "byråns namn"},
        {"bureau_orgnr", "byråns organisationsnummer"},
        {"client_name", "klientens namn"},
        {"client_orgnr", "klientens organisationsnummer"},
        {"client_subscription", "klientens abonnemangsnummer"},
        {"signer_name", "undertecknarens namn"},
        {"signer_email", "undertecknarens e-postadress"},
        {"signer_place", "ort"},
        {"place", "ort"},
        {"signature_date", "datum"},
        {"date", "datum"},
        {"signature", "underskrift"}};
    auto it = k_labels.find(field);
    return it == k_labels.end() ? field : it->second;
}

std::string outcome_sv(const std::string& outcome) {
    if (outcome == "accepted") return "godkänd automatiskt";
    if (outcome == "review") return "skickad till manuell granskning";
    if (outcome == "rejected") return "underkänd";
    return outcome;
}

std::string administrators_sv(const std::string& n) {
    return n + (n == "1" ? " systemadministratör" : " systemadministratörer");
}

}  // namespace

std::optional<History> linkage_history(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
                                       store::Id id, bool for_bureau) {
    store::LinkageRepo links(c, clock);
    auto l = links.get(id);
    if (!l) return std::nullopt;
    History h{*l, {}};
    double seq = 0;  // the event id of the line being added (see HistoryLine::seq)
    auto add = [&](const std::string& at, const std::string& who, std::string text) {
        h.lines.push_back({at, who, std::move(text), seq});
    };
    People people(c);
    // The bureau sees names (issue 17); staff (`linkage show`) the actors as recorded.
    auto who = [&](const std::string& actor) { return for_bureau ? people.name(actor) : actor; };
    auto user = [&](const std::string& username) {
        return for_bureau && !username.empty() ? people.name("bureau_user:" + username) : username;
    };
    store::EventLog log(c);
    std::map<long long, double> evidence_event;  // evidence id → its evidence_added event id
    for (auto& e : log.for_entity("linkage", id)) {
        auto after = parse(e.after), before = parse(e.before);
        seq = static_cast<double>(e.id);
        if (e.action == "evidence_added" && after->has("evidence_id"))
            evidence_event[after->getValue<long long>("evidence_id")] = seq;
        if (e.action == "created")
            add(e.at, e.actor,
                str(after, "source") == "paper" ? std::string(for_bureau ? "Kopplingen skapades för en pappersblankett."
                                                                         : "Kopplingen skapades för en blankett (källa: blankett).")
                                                : "Kopplingen skapades av en digital förfrågan.");
        else if (e.action == "approved" && str(after, "approved_via") == "digital")
            add(e.at, e.actor, "Kopplingen godkändes digitalt.");  // who: the digital_approval evidence line
        else if (e.action == "approved" && for_bureau && e.actor.starts_with("signed paper form ("))
            add(e.at, e.actor, "Godkänd " + via_sv(str(after, "approved_via")) + ", undertecknad av " +
                                   e.actor.substr(19, e.actor.size() - 20) + ".");
        else if (e.action == "approved")
            add(e.at, e.actor, "Godkänd " + via_sv(str(after, "approved_via")) + " av " + who(e.actor) + ".");
        else if (e.action == "activated")
            add(e.at, e.actor, "Aktiverad av " + who(e.actor) + ".");
        else if (e.action == "consultant_granted")
            add(e.at, e.actor, "Konsulten " + user(str(after, "username")) + " fick behörigheterna: " +
                                   permission_names(after, rules) + ".");
        else if (e.action == "consultant_revoked")
            add(e.at, e.actor, "Konsulten " + user(str(before, "username")) + " förlorade behörigheterna: " +
                                   permission_names(before, rules) + ".");
        else if (e.action == "revoked")
            add(e.at, e.actor, "Återkallad av " + who(e.actor) + ".");
        else if (e.action == "revocation_reason" && !str(after, "reason").empty())
            add(e.at, e.actor, "Skäl till återkallelsen: " + str(after, "reason"));
        else if (e.action == "declined")
            add(e.at, e.actor, "Avböjd av " + who(e.actor) + ".");
        else if (e.action == "paper_form_issued")
            add(e.at, e.actor, "Förifylld blankett utfärdad av " + who(e.actor) + " med referenskod " +
                                   str(after, "reference_code") + ".");
        else if (e.action == "expired")
            add(e.at, e.actor, "Förfrågan gick ut utan svar.");
        else if (e.action == "approval_link_invalidated")
            add(e.at, e.actor, "En personlig länk slutade gälla: " + invalid_reason_sv(str(after, "reason")) + ".");
        else if (e.action == "request_ended")
            add(e.at, e.actor, "Förfrågan avslutades eftersom ingen av de personliga länkarna gäller längre.");
    }
    double request_seq = 0;
    for (auto& ev : links.evidence(id)) {
        auto d = parse(ev.detail);
        seq = evidence_event.count(ev.id) ? evidence_event[ev.id] : 0;
        if (ev.kind == "digital_request") request_seq = seq;
        if (ev.kind == "digital_request")
            add(ev.at, ev.actor,
                for_bureau ? "Förfrågan skickad av " + str(d, "requester_name") + " till " +
                                 administrators_sv(str(d, "administrators")) + ", giltig till " +
                                 mail::swedish_datetime(str(d, "valid_until")) + "."
                           : "Förfrågan skickad av " + str(d, "requester_name") + " (" + str(d, "requested_by") +
                                 ") till " + administrators_sv(str(d, "administrators")) + ", giltig till " +
                                 str(d, "valid_until") + ".");
        else if (ev.kind == "digital_approval")
            add(ev.at, ev.actor, "Godkänd av " + str(d, "name") + " <" + str(d, "email") + "> via sin personliga länk.");
        else if (ev.kind == "digital_decline")
            add(ev.at, ev.actor, "Avböjd av " + str(d, "name") + " <" + str(d, "email") + "> via sin personliga länk.");
        else if (ev.kind == "paper_form") {
            std::string t = "Undertecknad blankett bifogad";
            if (!str(d, "signer").empty()) t += " (undertecknare " + str(d, "signer") + ")";
            // Checksums and archive paths are for staff (`linkage show`), not the bureau.
            if (!for_bureau) t += ", fil SHA-256 " + str(d, "sha256");
            if (!for_bureau && !str(d, "archived").empty()) t += ", arkiverad som " + str(d, "archived");
            if (!str(d, "reviewed_by").empty()) t += ", granskad av " + who(str(d, "reviewed_by"));
            if (!str(d, "override_reason").empty()) t += " (undantag: " + str(d, "override_reason") + ")";
            add(ev.at, ev.actor, t + ".");
        }
    }
    bool client_decided = false;
    for (auto& ev : links.evidence(id))
        if (ev.kind == "digital_approval" || ev.kind == "digital_decline") client_decided = true;
    const bool name_recipients = !for_bureau || client_decided;
    store::LinkageStoryRepo story(c);
    for (auto& m : story.mails(id)) {
        const std::string to = name_recipients ? m.recipient_name + " <" + m.recipient + ">"
                                               : std::string("en systemadministratör");
        const std::string to_short = name_recipients ? m.recipient : std::string("en systemadministratör");
        seq = request_seq + 0.5;  // queued in the request's transaction, right after it
        add(m.created_at, "mail", "E-post till " + to + " köades.");
        // Sent after it was queued; within the same second the order is otherwise unknown.
        seq = m.sent_at && m.sent_at->substr(0, 19) == m.created_at.substr(0, 19) ? request_seq + 0.6 : 0;
        if (m.sent_at) add(*m.sent_at, "mail", "E-post till " + to_short + " skickades.");
        else if (m.attempts > 0)
            add(m.created_at, "mail", "E-post till " + to_short + " ännu inte skickad efter " +
                                          std::to_string(m.attempts) + " försök.");
    }
    for (auto& doc : story.documents(id)) {
        auto doc_events = log.for_entity("document", doc.id);
        seq = doc_events.empty() ? 0 : static_cast<double>(doc_events.front().id);
        if (for_bureau)
            add(doc.created_at, "batch", "En inskannad blankett lästes in: " + outcome_sv(doc.outcome) + ".");
        else
            add(doc.created_at, "batch", "Blankett " + doc.file_name + " (dokument " + std::to_string(doc.id) +
                                             ") lästes: utfall " + doc.outcome +
                                             (list_text(doc.reasons).empty() ? "" : " (" + list_text(doc.reasons) + ")") +
                                             "; originalet ligger i " + doc.stored_path + ", SHA-256 " + doc.sha256 + ".");
        for (auto& e : doc_events) {
            auto after = parse(e.after), before = parse(e.before);
            seq = static_cast<double>(e.id);
            if (e.action == "field_corrected")
                add(e.at, e.actor, who(e.actor) + " rättade fältet " +
                                       (for_bureau ? field_sv(str(after, "field")) : str(after, "field")) + ": \"" +
                                       str(before, "value") + "\" → \"" + str(after, "value") + "\".");
            else if (e.action == "review_approved")
                add(e.at, e.actor, "Granskad och godkänd av " + who(e.actor) +
                                       (str(after, "override_reason").empty()
                                            ? std::string(".")
                                            : " med undantag: " + str(after, "override_reason") + "."));
            else if (e.action == "review_rejected")
                add(e.at, e.actor, "Underkänd vid granskning av " + who(e.actor) + ".");
        }
    }
    std::stable_sort(h.lines.begin(), h.lines.end(),
                     [](const HistoryLine& a, const HistoryLine& b) { return a.at != b.at ? a.at < b.at : a.seq < b.seq; });
    return h;
}

}  // namespace activation
