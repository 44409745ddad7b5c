#include "core/log.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"

namespace web {

namespace {

struct Signed {
    store::WebSession session;
    store::Bureau bureau;
};

// The signed-in user and their bureau, or a redirect to the sign-in page.
std::optional<Signed> require_session(Exchange& x) {
    auto s = current_session(x);
    if (!s) {
        x.redirect("/login");
        return std::nullopt;
    }
    auto b = store::RegistryRepo(x.db(), x.app.clock).bureau_by_id(s->user.bureau_id);
    if (!b) throw store::StoreError("bureau of user " + s->user.username + " is missing");
    return Signed{*s, *b};
}

// Only for a client the user identified by both numbers (issue 16).
Data client_data(const store::Client& c) {
    Data d;
    d.set("name", c.name);
    d.set("orgnr", digital::shown_orgnr(c.orgnr));
    d.set("subscription", c.subscription);
    return d;
}

// The paper-form notice for a bureau that may not link digitally.
void set_bureau_notice(Data& d, digital::Refusal r, const store::Bureau& b) {
    if (r == digital::Refusal::none) {
        d.set("may_link", true);
        return;
    }
    d.set("may_link", false);
    store::Client none;
    d.set("paper_notice", digital::refusal_message(r, b, none, std::nullopt));
}

}  // namespace

void send_message_page(Exchange& x, int status, const std::string& title, const std::string& text) {
    Data d;
    d.set("heading", title);
    d.set("text", text);
    if (status >= 400) d.set("request_id", x.request_id);
    LayoutInfo l;
    l.title = title;
    if (status >= 400) l.request_id = x.request_id;
    x.send_html(status, x.app.pages.render("message", d, l));
}

void handle_home(Exchange& x) { x.redirect(current_session(x) ? "/clients" : "/login"); }

void handle_clients(Exchange& x) {
    auto s = require_session(x);
    if (!s) return;
    Data d;
    d.set("bureau", s->bureau.name);
    d.set("bureau_orgnr", s->bureau.orgnr);
    set_bureau_notice(d, digital::bureau_refusal(s->bureau, x.app.rules), s->bureau);
    store::LinkageFilter f;
    f.bureau_id = s->bureau.id;  // only this bureau's linkages, ever
    Data active = client_list_data(x, s->bureau.id), other{Data::type::list};
    int waiting = 0;
    for (auto& l : store::LinkageRepo(x.db(), x.app.clock).list(f)) {
        if (l.state == core::LinkageState::activated) continue;  // in the client list above
        if (l.state == core::LinkageState::approved) ++waiting;
        Data row;
        row.set("id", std::to_string(l.id));
        row.set("client", l.client_name);
        row.set("orgnr", digital::shown_orgnr(l.client_orgnr));
        row.set("state", digital::state_sv(l.state));
        row.set("state_code", std::string(core::to_string(l.state)));
        row.set("source", l.source == core::LinkageSource::paper ? "blankett" : "digital");
        row.set("since", mail::swedish_datetime(l.activated_at.value_or(l.decided_at.value_or(l.created_at))));
        other.push_back(row);
    }
    d.set("has_waiting", waiting > 0);
    d.set("waiting", std::to_string(waiting));
    d.set("activated", x.query.count("activated") > 0);
    d.set("has_active", !active.is_empty_list());
    d.set("active", active);
    d.set("has_other", !other.is_empty_list());
    d.set("other", other);
    x.send_html(200, x.app.pages.render("clients", d, layout_for(s->session, s->bureau.name, "Klienter")));
}

void handle_link_page(Exchange& x) {
    auto s = require_session(x);
    if (!s) return;
    Data d;
    d.set("csrf", s->session.csrf_token);
    auto refusal = digital::bureau_refusal(s->bureau, x.app.rules);
    set_bureau_notice(d, refusal, s->bureau);
    auto layout = layout_for(s->session, s->bureau.name, "Koppla klient");
    if (refusal != digital::Refusal::none) return x.send_html(403, x.app.pages.render("link", d, layout));
    auto q = x.query.find("q");
    auto sub = x.query.find("subscription");
    int status = 200;
    if (q != x.query.end()) {
        const std::string subscription = sub == x.query.end() ? std::string() : sub->second;
        d.set("q", core::mask_personal_numbers(q->second));
        d.set("subscription", subscription);
        auto r = desk_for(x).search(s->session.user, q->second, subscription);
        using S = digital::SearchResult::Status;
        if (r.status == S::found) {
            d.set("found", true);
            // The form posts the numbers back; a personal identity number
            // masked, which the Desk resolves with the subscription number.
            // One personal number alone cannot be posted back masked: the
            // user adds the subscription number to send the request.
            const bool personal = core::mask_personal_numbers(q->second) != q->second;
            if (r.identified && personal) d.set("q", digital::shown_orgnr(r.client->orgnr));
            else d.set("q", q->second);
            if (personal && !r.identified) {
                r.may_request = false;
                r.message = "Klienten finns i registret. Ange även klientens kundnummer för att skicka en "
                            "förfrågan om koppling.";
            }
            if (r.identified) d.set("client", client_data(*r.client));
            d.set("may_request", r.may_request);
            d.set("message", r.message);
            d.set("paper", digital::needs_paper_form(r.refusal));
        } else {
            d.set("problem", r.message);
            status = r.status == S::invalid ? 400 : r.status == S::quota_exceeded ? 429 : r.status == S::refused ? 403 : 404;
        }
    }
    x.send_html(status, x.app.pages.render("link", d, layout));
}

void handle_link_post(Exchange& x) {
    auto s = require_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (!session_csrf_ok(s->session, (*f)["csrf"]))
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Formuläret kunde inte skickas eftersom säkerhetskoden saknades eller var fel. "
                                 "Gå tillbaka, ladda om sidan och försök igen.");
    auto r = desk_for(x).request(s->session.user, (*f)["q"], (*f)["subscription"]);
    using S = digital::RequestResult::Status;
    Data d;
    auto layout = layout_for(s->session, s->bureau.name, "Koppla klient");
    int status = 200;
    switch (r.status) {
        case S::created:
            if (x.app.mail_queued) x.app.mail_queued();
            d.set("sent", true);
            if (r.search.identified) d.set("client", client_data(*r.search.client));
            d.set("administrators", std::to_string(r.administrators_notified));
            d.set("one_admin", r.administrators_notified == 1);
            d.set("valid_days", std::to_string(x.app.options.valid_days));
            break;
        case S::invalid: status = 400; break;
        case S::not_found: status = 404; break;
        case S::refused: status = 403; break;
        case S::conflict: status = 409; break;
        case S::cooling_down:
        case S::mail_limit: status = 429; break;
    }
    if (r.status != S::created) {
        d.set("sent", false);
        d.set("message", r.search.message);
        if (r.search.client && r.search.identified) d.set("client", client_data(*r.search.client));
    }
    x.send_html(status, x.app.pages.render("link-sent", d, layout));
}

}  // namespace web
