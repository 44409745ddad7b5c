#include "activation/activation.hpp"
#include "digital/notify.hpp"
#include "digital/secrets.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "web/handlers.hpp"

namespace web {

namespace {

using digital::LinkStatus;

void render_view(Exchange& x, const digital::ApprovalView& v, const std::string& token) {
    if (v.status == LinkStatus::unknown)
        return send_message_page(x, 404, "Länken är okänd",
                                 "Länken finns inte eller är felaktig. Kontrollera att du har öppnat hela länken "
                                 "från e-postmeddelandet. Kontakta redovisningsbyrån om problemet kvarstår.");
    Data d;
    d.set("recipient", v.recipient_name);
    d.set("bureau", v.linkage.bureau_name);
    d.set("bureau_orgnr", v.linkage.bureau_orgnr);
    d.set("client", v.linkage.client_name);
    d.set("client_orgnr", digital::shown_orgnr(v.linkage.client_orgnr));
    d.set("requester", v.requester_name);
    d.set("requested_at", mail::swedish_datetime(v.requested_at));
    d.set("valid_until", mail::swedish_datetime(v.valid_until));
    d.set("status", std::string(digital::to_code(v.status)));
    if (v.decided_at) d.set("decided_at", mail::swedish_datetime(*v.decided_at));
    if (v.decided_by_name) d.set("decided_by", *v.decided_by_name);
    if (v.decided_by_email) d.set("decided_by_email", *v.decided_by_email);
    d.set("by_you", v.decided_by_recipient);
    // A colleague decided first, or the holder wants to take an approval
    // back: while the link is valid its holder may revoke the linkage
    // (issue 17 item 16), instead of being told there is nothing to do.
    const bool live = core::is_live(v.linkage.state);
    if (live && v.within_validity && (v.status == LinkStatus::approved || v.status == LinkStatus::approved_by_paper)) {
        d.set("may_object", true);
        d.set("csrf", anonymous_csrf(x));
        d.set("action", "/approve/" + token);
    }
    if (!v.within_validity && live && v.status != LinkStatus::pending) d.set("contact_bureau", true);
    auto said = x.query.find("svar");
    if (said != x.query.end() && said->second == "avboj" && !v.decided_by_recipient &&
        (v.status == LinkStatus::approved || v.status == LinkStatus::approved_by_paper))
        d.set("late_decline", true);  // this holder clicked Avböj after the approval
    std::string title;
    int status = 200;
    switch (v.status) {
        case LinkStatus::pending:
            title = "Förfrågan om koppling";
            d.set("pending", true);
            d.set("csrf", anonymous_csrf(x));
            d.set("action", "/approve/" + token);
            break;
        case LinkStatus::approved:
            title = "Kopplingen är godkänd";
            d.set("approved", true);
            break;
        case LinkStatus::approved_by_paper:
            title = "Kopplingen är godkänd med blankett";
            d.set("approved_by_paper", true);
            break;
        case LinkStatus::declined:
            title = "Förfrågan är avböjd";
            d.set("declined", true);
            break;
        case LinkStatus::expired:
            title = "Länken har gått ut";
            d.set("expired", true);
            status = 410;
            break;
        case LinkStatus::revoked:
            title = "Kopplingen är återkallad";
            d.set("revoked", true);
            break;
        case LinkStatus::invalidated:
            title = "Länken gäller inte längre";
            d.set("invalidated", true);
            d.set("invalid_text",
                  digital::invalidated_message(v.invalid_reason, v.linkage.bureau_name, v.linkage.client_name));
            status = 410;
            break;
        case LinkStatus::unknown: break;
    }
    d.set("heading", title);
    LayoutInfo l;
    l.title = title;
    x.send_html(status, x.app.pages.render("approve", d, l));
}

}  // namespace

void handle_approve_get(Exchange& x, const std::string& token) { render_view(x, desk_for(x).open(token), token); }

void handle_approve_post(Exchange& x, const std::string& token) {
    // Keyed by the token's hash, never the token itself (a credential).
    if (digital::is_well_formed_token(token) && !within_rate_limit(x, "approve:" + digital::sha256_hex(token))) return;
    auto f = x.form();
    if (!f) return;
    auto desk = desk_for(x);
    if (!anonymous_csrf_ok(x, (*f)["csrf"])) {
        // Say nothing about the link itself to a forged post.
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Ditt svar kunde inte tas emot eftersom säkerhetskoden saknades eller var fel. "
                                 "Öppna länken i e-postmeddelandet igen och svara på nytt.");
    }
    const std::string decision = (*f)["decision"];
    if ((*f)["objection"] == "revoke") {
        // The holder objects to an approval (their own or a colleague's).
        auto v = desk.open(token);
        if (v.status == LinkStatus::unknown) return render_view(x, v, token);
        if (!v.within_validity || !core::is_live(v.linkage.state))
            return x.redirect("/approve/" + token);
        std::string reason = (*f)["reason"];
        reason = "Återkallad av klientens systemadministratör via sin personliga länk" +
                 (reason.empty() ? std::string(".") : ": " + reason);
        auto r = activation::Activation(x.db(), x.app.clock, x.app.rules)
                     .revoke_by_client_admin(v.linkage.id, v.recipient_email, reason);
        if (!r)
            return send_message_page(x, r.error().refusal == activation::Refusal::not_administrator ? 403 : 409,
                                     "Kopplingen kunde inte återkallas", r.error().message);
        digital::notify_bureaus(x.db(), x.app.clock, x.app.mail_templates, x.app.options.base_url);
        if (x.app.mail_queued) x.app.mail_queued();
        return x.redirect("/approve/" + token);
    }
    if (decision != "approve" && decision != "decline")
        return send_message_page(x, 400, "Okänt svar", "Välj Godkänn eller Avböj.");
    auto r = desk.decide(token, decision == "approve" ? digital::Decision::approve : digital::Decision::decline);
    if (r.status == digital::DecideResult::Status::unknown) return render_view(x, r.view, token);
    if (r.status == digital::DecideResult::Status::done && x.app.mail_queued) x.app.mail_queued();  // the bureau is told
    // Post/Redirect/Get: the link's page now shows the outcome (and, when a
    // colleague approved first, that this Avböj changed nothing).
    const bool late_decline = decision == "decline" && r.status == digital::DecideResult::Status::already_decided;
    x.redirect("/approve/" + token + (late_decline ? "?svar=avboj" : ""));
}

}  // namespace web
