#include "digital/notify.hpp"

#include "core/log.hpp"
#include "digital/desk.hpp"
#include "digital/secrets.hpp"
#include "mail/swedish_time.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace digital {

namespace {

std::string after_field(const std::optional<std::string>& json, const std::string& key) {
    if (!json || json->empty()) return {};
    try {
        auto o = Poco::JSON::Parser().parse(*json).extract<Poco::JSON::Object::Ptr>();
        if (!o || !o->has(key) || o->get(key).isEmpty()) return {};
        return o->get(key).convert<std::string>();
    } catch (const Poco::Exception&) {
        return {};
    }
}

struct Told {
    std::string kind, line, next_step;
};

// The deciding person for an approved/declined event.
std::string decider(store::BureauNoticeRepo& names, const std::string& actor) {
    if (actor.rfind("client_user:", 0) == 0) {
        try {
            if (auto u = names.client_user(std::stoll(actor.substr(12)))) return u->name;
        } catch (const std::exception&) {
        }
    }
    return {};
}

std::optional<Told> told_for(store::BureauNoticeRepo& names, const store::NoticeEvent& e, const store::Linkage& l) {
    const std::string when = mail::swedish_datetime(e.at);
    const std::string& client = l.client_name;
    if (e.entity == "mail") {
        return Told{"mail_undeliverable",
                    "E-postmeddelandet med er förfrågan om koppling kunde inte levereras till en av " + client +
                        "s systemadministratörer (" + when + ").",
                    "Be klienten kontrollera systemadministratörens e-postadress. Förfrågan gäller fortfarande för de "
                    "andra administratörerna; finns ingen annan kan ni använda blanketten för koppling i stället."};
    }
    if (e.action == "approved") {
        const std::string via = after_field(e.after, "approved_via");
        const std::string who = decider(names, e.actor);
        std::string line = client + " godkände kopplingen " + when;
        if (via == "digital") line += who.empty() ? " via en personlig länk." : " (" + who + ", via sin personliga länk).";
        else line += " med undertecknad blankett.";
        return Told{"approved", line,
                    "Nästa steg: aktivera klienten i aktiveringslistan och välj vilka konsulter som ska arbeta med "
                    "klienten och vad var och en får göra."};
    }
    if (e.action == "declined") {
        const std::string who = decider(names, e.actor);
        return Told{"declined",
                    (who.empty() ? client : who + " hos " + client) + " avböjde er förfrågan om koppling " + when + ".",
                    "Kontakta klienten om ni tror att det är ett misstag. En ny förfrågan kan skickas när "
                    "väntetiden efter ett avböjande har gått."};
    }
    if (e.action == "revoked") {
        // Only the client's side is news to the bureau (it knows its own revocations).
        if (e.actor.rfind("client_user:", 0) != 0) return std::nullopt;
        const std::string who = decider(names, e.actor);
        return Told{"revoked",
                    (who.empty() ? client : who + " hos " + client) + " återkallade kopplingen " + when + ".",
                    "Byråns konsulter kan inte längre arbeta hos klienten genom kopplingen. Se skälet i kopplingens "
                    "historik och kontakta klienten vid frågor."};
    }
    if (e.action == "expired") {
        if (l.source == core::LinkageSource::paper)
            return Told{"expired", "Den förifyllda blanketten för " + client + " gäller inte längre (" + when + ").",
                        "Skriv ut en ny blankett om klienten fortfarande vill kopplas."};
        return Told{"expired", "Förfrågan om koppling med " + client + " gick ut " + when + " utan svar.",
                    "Ni kan skicka en ny förfrågan, eller använda blanketten för koppling."};
    }
    return std::nullopt;
}

}  // namespace

std::string notice_heading(const std::string& kind) {
    if (kind == "approved") return "Godkänd";
    if (kind == "declined") return "Avböjd";
    if (kind == "expired") return "Utgången";
    if (kind == "revoked") return "Återkallad";
    if (kind == "mail_undeliverable") return "E-post kom inte fram";
    return kind;
}

int notify_bureaus(store::Connection& c, const core::Clock& clock, const mail::MailTemplates& templates,
                   const std::string& base_url) {
    int made = 0;
    for (;;) {
        store::Transaction tx(c);
        store::BureauNoticeRepo notices(c);
        auto events = notices.events_after_cursor(200);
        if (events.empty()) return made;
        store::LinkageRepo linkages(c, clock);
        store::RegistryRepo registry(c, clock);
        store::MailQueue queue(c);
        const std::string now = core::format_utc(clock.now());
        for (auto& e : events) {
            std::optional<store::Id> linkage_id = e.entity_id;
            if (e.entity == "mail") {
                auto m = notices.mail(e.entity_id);
                linkage_id = m ? m->linkage_id : std::nullopt;  // no linkage: not an approval mail
            }
            if (!linkage_id) continue;
            auto l = linkages.get(*linkage_id);
            if (!l) continue;
            auto told = told_for(notices, e, *l);
            if (!told) continue;
            std::optional<store::BureauUser> requester;
            if (l->requested_by.rfind("bureau_user:", 0) == 0) requester = registry.bureau_user(l->requested_by.substr(12));
            if (requester && requester->bureau_id != l->bureau_id) requester.reset();
            auto id = notices.add(l->bureau_id, l->id, told->kind, e.event_id,
                                  requester ? std::optional<std::string>(requester->username) : std::nullopt,
                                  told->line, now);
            if (!id) continue;
            ++made;
            if (!requester || !requester->active || requester->email.empty()) continue;
            mail::BureauNoticeMail m;
            m.kind = told->kind;
            m.recipient_name = requester->name;
            m.bureau_name = l->bureau_name;
            m.client_name = l->client_name;
            m.client_orgnr = shown_orgnr(l->client_orgnr);
            m.text = told->line;
            m.next_step = told->next_step;
            m.link = base_url + "/linkages/" + std::to_string(l->id);
            auto composed = templates.bureau_notice(m);
            store::NewMail nm;
            nm.message_id = "besked-" + std::to_string(l->id) + "-" + std::to_string(*id) + "-" + random_id() +
                            "@kopplingsdesken";
            nm.recipient_name = requester->name;
            nm.recipient = requester->email;
            nm.subject = composed.subject;
            nm.body = composed.body;
            queue.enqueue(nm, now);
        }
        notices.move_cursor(events.back().event_id);
        tx.commit();
        core::process_logger().info("bureau.notified").kv("events", static_cast<std::int64_t>(events.size())).kv("notices", made);
    }
}

}  // namespace digital
