// The bureau's own pages: the client list (with what the bureau has been
// told, issue 17) and Koppla klient (search → result → send request).
// Post/Redirect/Get throughout (issue 17): the search is POSTed and its
// numbers kept on the server (App::searches), the result page's address
// holds only a random key, so a personal identity number never reaches a
// URL; a sent request redirects to its own result page, so F5 and Back are
// safe. Errors are shown where the eye is: the first error takes the focus
// (autofocus; the pages run no script).
#include "core/log.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/bureau_notice_repo.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace web {

namespace {


// A canonical personal identity number (a sole trader) rather than an
// organisation number: "YYYYMMDD-NNNN".
bool is_personal(const std::string& canonical) { return canonical.size() == 13 && canonical[8] == '-'; }

// Only for a client the user identified by both numbers (issue 16).
Data client_data(const store::Client& c) {
    Data d;
    d.set("name", c.name);
    d.set("orgnr", digital::shown_orgnr(c.orgnr));
    d.set("number_label", is_personal(c.orgnr) ? "Personnummer" : "Organisationsnummer");
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

std::string source_sv(core::LinkageSource s) {
    return s == core::LinkageSource::paper ? "blankett" : "digital förfrågan";
}

// "1 godkänd koppling väntar", "3 godkända kopplingar väntar".
std::string waiting_text(int n) {
    return n == 1 ? "1 godkänd koppling väntar på aktivering"
                  : std::to_string(n) + " godkända kopplingar väntar på aktivering";
}

// What the bureau has been told and not yet marked as read (notify.hpp).
Data notice_rows(Exchange& x, store::Id bureau_id, int& count) {
    Data rows{Data::type::list};
    count = 0;
    store::LinkageRepo linkages(x.db(), x.app.clock);
    for (auto& n : store::BureauNoticeRepo(x.db()).for_bureau(bureau_id, /*unseen_only=*/true)) {
        Data row;
        // The next step as things stand now (an approval may since have been activated).
        auto l = linkages.get(n.linkage_id);
        const bool to_activate = l && l->state == core::LinkageState::approved;
        row.set("text", n.text);
        row.set("kind", n.kind);
        row.set("bad", n.kind != "approved");
        row.set("id", std::to_string(n.linkage_id));
        row.set("next", to_activate ? "Till aktiveringslistan" : "Visa kopplingen");
        row.set("href", to_activate ? std::string("/activation") : "/linkages/" + std::to_string(n.linkage_id));
        rows.push_back(row);
        ++count;
    }
    return rows;
}

// Fills the result part of the Koppla klient page from a search result.
// `query`: what the user typed (shown masked when a personal number).
int set_result(Data& d, digital::SearchResult r, const std::string& query) {
    using S = digital::SearchResult::Status;
    const bool personal = core::mask_personal_numbers(query) != query;
    d.set("q", core::mask_personal_numbers(query));
    if (r.status == S::found) {
        d.set("found", true);
        if (personal && !r.identified) {
            r.may_request = false;
            r.message = "Klienten finns i registret. Ange även klientens abonnemangsnummer för att skicka en "
                        "förfrågan om koppling.";
        }
        if (r.identified) d.set("client", client_data(*r.client));
        d.set("may_request", r.may_request);
        d.set("message", r.message);
        d.set("paper", digital::needs_paper_form(r.refusal));
        return 200;
    }
    d.set("problem", r.message);
    d.set("problem_q", r.status == S::invalid || r.status == S::not_found);
    return r.status == S::invalid ? 400 : r.status == S::quota_exceeded ? 429 : r.status == S::refused ? 403 : 404;
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
    auto s = require_bureau_session(x);
    if (!s) return;
    Data d;
    d.set("bureau", s->bureau.name);
    d.set("bureau_orgnr", s->bureau.orgnr);
    d.set("csrf", s->session.csrf_token);
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
        row.set("source", source_sv(l.source));
        row.set("since", mail::swedish_datetime(l.activated_at.value_or(l.decided_at.value_or(l.created_at))));
        // A pending paper linkage: its pre-filled form can be printed again.
        if (l.source == core::LinkageSource::paper && l.state == core::LinkageState::requested && l.reference_code)
            row.set("reprint", true);
        other.push_back(row);
    }
    int told = 0;
    d.set("notices", notice_rows(x, s->bureau.id, told));
    d.set("has_notices", told > 0);
    d.set("has_waiting", waiting > 0);
    d.set("waiting", waiting_text(waiting));
    d.set("activated", x.query.count("activated") > 0);
    d.set("has_active", !active.is_empty_list());
    d.set("active", active);
    d.set("has_other", !other.is_empty_list());
    d.set("other", other);
    x.send_html(200, x.app.pages.render("clients", d, layout_for(s->session, s->bureau.name, "Klienter")));
}

void handle_notices_seen(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f || bureau_csrf_refused(x, *s, *f)) return;
    store::BureauNoticeRepo(x.db()).mark_seen(s->bureau.id, core::format_utc(x.app.clock.now()));
    x.redirect("/clients");
}

void handle_link_page(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    Data d;
    d.set("csrf", s->session.csrf_token);
    auto refusal = digital::bureau_refusal(s->bureau, x.app.rules);
    set_bureau_notice(d, refusal, s->bureau);
    auto layout = layout_for(s->session, s->bureau.name, "Koppla klient");
    if (refusal != digital::Refusal::none) return x.send_html(403, x.app.pages.render("link", d, layout));
    int status = 200;
    if (auto key = x.query.find("s"); key != x.query.end()) {
        // The result of a search POSTed a moment ago (Post/Redirect/Get).
        auto e = x.app.searches.get(key->second, s->session.user.user_id);
        if (!e) {
            d.set("problem", "Sökningen har gått ut. Sök igen.");
            status = 410;
        } else {
            d.set("key", key->second);
            d.set("subscription", e->extra);
            status = set_result(d, desk_for(x).recheck(s->session.user, e->text, e->extra), e->text);
        }
    } else if (auto q = x.query.find("q"); q != x.query.end()) {
        // An address with the numbers in it (a bookmark, a script). A
        // personal identity number is refused there: it belongs in a POST.
        auto sub = x.query.find("subscription");
        const std::string subscription = sub == x.query.end() ? std::string() : sub->second;
        if (core::mask_personal_numbers(q->second) != q->second) {
            d.set("problem", "Ett personnummer skickas inte i sidans adress. Skriv in det i sökfältet i stället.");
            d.set("problem_q", true);
            status = 400;
        } else {
            d.set("subscription", subscription);
            status = set_result(d, desk_for(x).search(s->session.user, q->second, subscription), q->second);
            if (status == 200) d.set("q_post", q->second);
        }
    }
    x.send_html(status, x.app.pages.render("link", d, layout));
}

void handle_link_search_post(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f || bureau_csrf_refused(x, *s, *f)) return;
    auto refusal = digital::bureau_refusal(s->bureau, x.app.rules);
    if (refusal != digital::Refusal::none) return handle_link_page(x);
    std::string q = (*f)["q"];
    const std::string subscription = (*f)["subscription"];
    // The field shows a personal number masked; searching again (say with
    // the abonnemangsnummer added) means the number of the search before.
    if (auto key = f->find("s"); key != f->end() && !key->second.empty())
        if (auto e = x.app.searches.get(key->second, s->session.user.user_id))
            if (q == core::mask_personal_numbers(e->text)) q = e->text;
    auto r = desk_for(x).search(s->session.user, q, subscription);  // counts against the daily quota
    if (r.status == digital::SearchResult::Status::quota_exceeded) {
        Data d;
        d.set("csrf", s->session.csrf_token);
        set_bureau_notice(d, refusal, s->bureau);
        const int status = set_result(d, r, q);
        return x.send_html(status, x.app.pages.render("link", d, layout_for(s->session, s->bureau.name, "Koppla klient")));
    }
    x.redirect("/clients/link?s=" + x.app.searches.put(s->session.user.user_id, q, subscription) + "#resultat");
}

void handle_link_post(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (bureau_csrf_refused(x, *s, *f)) return;
    std::string q = (*f)["q"], subscription = (*f)["subscription"];
    if (auto key = f->find("s"); key != f->end() && !key->second.empty()) {
        auto e = x.app.searches.get(key->second, s->session.user.user_id);
        if (!e) {
            Data d;
            d.set("sent", false);
            d.set("message", "Sökningen har gått ut och ingen förfrågan skickades. Sök efter klienten igen.");
            return x.send_html(410, x.app.pages.render("link-sent", d, layout_for(s->session, s->bureau.name, "Koppla klient")));
        }
        q = e->text;
        subscription = e->extra;
    }
    auto r = desk_for(x).request(s->session.user, q, subscription);
    using S = digital::RequestResult::Status;
    if (r.status == S::created) {
        if (x.app.mail_queued) x.app.mail_queued();
        // Post/Redirect/Get: F5 on the result page sends nothing again.
        return x.redirect("/clients/link/sent/" + std::to_string(r.linkage_id));
    }
    if (r.status != S::refused) {
        // Post/Redirect/Get for a request that was not sent too (already
        // linked, asked too recently, mail cap, a wrong number): the
        // message is kept for the page the POST redirects to, so F5 there
        // asks nothing again.
        std::string extra = r.status == S::conflict && r.linkage_id ? std::to_string(r.linkage_id) : "";
        extra += digital::needs_paper_form(r.search.refusal) ? "|paper" : "|";
        return x.redirect("/clients/link/result?fel=" + x.app.flashes.put(s->session.user.user_id, r.search.message, extra));
    }
    Data d;
    d.set("sent", false);
    d.set("message", r.search.message);
    d.set("paper", digital::needs_paper_form(r.search.refusal));
    x.send_html(403, x.app.pages.render("link-sent", d, layout_for(s->session, s->bureau.name, "Koppla klient")));
}

void handle_link_result(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    Data d;
    d.set("sent", false);
    auto key = x.query.find("fel");
    auto e = key == x.query.end() ? std::nullopt : x.app.flashes.get(key->second, s->session.user.user_id);
    if (!e) return x.redirect("/clients/link");
    d.set("message", e->text);
    const auto bar = e->extra.find('|');
    const std::string linkage = e->extra.substr(0, bar);
    if (!linkage.empty()) d.set("linkage", linkage);
    d.set("paper", e->extra.substr(bar + 1) == "paper");
    x.send_html(200, x.app.pages.render("link-sent", d, layout_for(s->session, s->bureau.name, "Koppla klient")));
}

void handle_link_sent(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    store::LinkageRepo linkages(x.db(), x.app.clock);
    auto l = linkages.get(id);
    if (!l || l->bureau_id != s->bureau.id || l->source != core::LinkageSource::digital)
        return send_message_page(x, 404, "Förfrågan finns inte", "Förfrågan finns inte hos er byrå.");
    int administrators = 0;
    std::string valid_until;
    for (auto& ev : linkages.evidence(id)) {
        if (ev.kind != "digital_request") continue;
        try {
            auto o = Poco::JSON::Parser().parse(ev.detail).extract<Poco::JSON::Object::Ptr>();
            administrators = o->optValue<int>("administrators", 0);
            valid_until = o->optValue<std::string>("valid_until", "");
        } catch (const Poco::Exception&) {
        }
    }
    Data d;
    d.set("sent", true);
    Data client;
    client.set("name", l->client_name);
    d.set("client", client);
    d.set("linkage", std::to_string(id));
    d.set("administrators", administrators == 1 ? std::string("Klientens systemadministratör har")
                                                : "Klientens " + std::to_string(administrators) +
                                                      " systemadministratörer har");
    d.set("valid_until", valid_until.empty() ? std::string() : mail::swedish_datetime(valid_until));
    d.set("state", digital::state_sv(l->state));
    d.set("still_pending", l->state == core::LinkageState::requested);
    x.send_html(200, x.app.pages.render("link-sent", d, layout_for(s->session, s->bureau.name, "Förfrågan är skickad")));
}

}  // namespace web
