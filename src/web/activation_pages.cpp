// The bureau's activation pages (issue 7, Swedish): the activation list with
// one activation form per linkage (consultants × permission checkboxes,
// CSRF), the client list's consultants and permissions, and a linkage's
// history. Thin: activation::Activation decides, these pages only show.
#include "activation/activation.hpp"
#include "activation/history.hpp"
#include "activation/people.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/assignment_repo.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"

#include <algorithm>
#include <map>

namespace web {

namespace {


std::string via_sv(const std::optional<std::string>& via) {
    if (!via) return "";
    if (*via == "digital") return "digitalt av kundens administratör";
    if (*via == "paper") return "med undertecknad blankett";
    if (*via == "review") return "med blankett, efter manuell granskning";
    return *via;
}

// decided_by as recorded ("client_user:7", "stina (review of signed paper
// form)", "signed paper form (Karin Åkesson)") in words for the bureau:
// people's names, never ids (issue 17).
std::string decided_by_sv(Exchange& x, const store::Linkage& l) {
    const std::string by = l.decided_by.value_or("");
    if (by.starts_with("client_user:"))
        for (auto& u : store::RegistryRepo(x.db(), x.app.clock).client_users(l.client_id))
            if ("client_user:" + std::to_string(u.id) == by) return u.name + " <" + u.email + ">";
    return activation::People(x.db()).name(by);
}

std::string permission_names(const core::Rules& rules, const std::vector<std::string>& codes) {
    std::string out;
    for (auto& c : codes) {
        const auto* p = rules.permissions.find(c);
        out += (out.empty() ? "" : ", ") + (p ? p->name_sv : c);
    }
    return out;
}

// Field name of one checkbox: "perm.USERNAME.CODE" (parse_urlencoded keeps
// one value per name, so every box has its own name).
std::string box_name(const std::string& username, const std::string& code) { return "perm." + username + "." + code; }

// The bureau's users who may be consultants (active; consultant or admin).
std::vector<store::BureauUser> possible_consultants(Exchange& x, store::Id bureau_id) {
    std::vector<store::BureauUser> out;
    for (auto& u : store::RegistryRepo(x.db(), x.app.clock).bureau_users(bureau_id))
        if (u.active && (u.role == "consultant" || u.role == "admin")) out.push_back(u);
    return out;
}

// One row per possible consultant with a checkbox per catalogue permission;
// `current`: username → permissions already held (ticked).
Data consultant_rows(Exchange& x, store::Id bureau_id, const std::map<std::string, std::vector<std::string>>& current) {
    Data people{Data::type::list};
    for (auto& u : possible_consultants(x, bureau_id)) {
        Data p;
        p.set("username", u.username);
        p.set("name", u.name);
        p.set("role", u.role == "admin" ? "administratör" : "konsult");
        auto held = current.find(u.username);
        Data boxes{Data::type::list};
        for (auto& perm : x.app.rules.permissions.all()) {
            Data b;
            b.set("field", box_name(u.username, perm.code));
            b.set("label", perm.name_sv);
            b.set("code", perm.code);
            b.set("checked", held != current.end() && std::find(held->second.begin(), held->second.end(),
                                                                perm.code) != held->second.end());
            boxes.push_back(b);
        }
        p.set("permissions", boxes);
        people.push_back(p);
    }
    return people;
}

// The grants a submitted checkbox grid asks for: every user of the bureau
// with at least one box ticked.
std::vector<activation::Grant> grants_from_form(Exchange& x, store::Id bureau_id,
                                                const std::map<std::string, std::string>& form) {
    std::vector<activation::Grant> grants;
    for (auto& u : store::RegistryRepo(x.db(), x.app.clock).bureau_users(bureau_id)) {
        activation::Grant g{u.username, {}};
        for (auto& perm : x.app.rules.permissions.all())
            if (form.count(box_name(u.username, perm.code))) g.permissions.push_back(perm.code);
        if (!g.permissions.empty()) grants.push_back(std::move(g));
    }
    return grants;
}

void render_history(Exchange& x, const SignedBureau& s, store::Id id, int status, const std::string& error,
                    const std::string& notice);

// A refusal's message kept for the page the POST redirects to.
std::string flash(Exchange& x, const SignedBureau& s, const std::string& message, store::Id id) {
    return x.app.flashes.put(s.session.user.user_id, message, std::to_string(id));
}

// The message of ?fel=KEY, when it is this user's.
std::optional<UserStash::Entry> flashed(Exchange& x, const SignedBureau& s) {
    auto key = x.query.find("fel");
    if (key == x.query.end()) return std::nullopt;
    return x.app.flashes.get(key->second, s.session.user.user_id);
}

void render_activation(Exchange& x, const SignedBureau& s, int status, const std::string& error, store::Id error_id) {
    activation::Activation act(x.db(), x.app.clock, x.app.rules);
    Data rows{Data::type::list};
    auto list = act.activation_list(s.bureau.id);
    // The linkage the error is about comes first, right under the error
    // (issue 17: not 1,350 px below the fold).
    std::stable_partition(list.begin(), list.end(), [&](const store::Linkage& l) { return l.id == error_id; });
    for (auto& l : list) {
        Data row;
        row.set("id", std::to_string(l.id));
        row.set("client", l.client_name);
        row.set("orgnr", digital::shown_orgnr(l.client_orgnr));
        row.set("source", l.source == core::LinkageSource::paper ? "blankett" : "digital förfrågan");
        row.set("approved_at", l.decided_at ? mail::swedish_datetime(*l.decided_at) : "");
        row.set("approved_via", via_sv(l.approved_via));
        row.set("decided_by", decided_by_sv(x, l));
        row.set("csrf", s.session.csrf_token);
        if (l.id == error_id) row.set("row_error", true);
        Data people = consultant_rows(x, s.bureau.id, {});
        row.set("consultants", people);
        rows.push_back(row);
    }
    Data d;
    d.set("bureau", s.bureau.name);
    d.set("has_rows", !rows.is_empty_list());
    d.set("rows", rows);
    if (!error.empty()) d.set("error", error);
    if (!error.empty() && error_id != 0) d.set("error_row", std::to_string(error_id));
    x.send_html(status, x.app.pages.render("activation", d, layout_for(s.session, s.bureau.name, "Aktiveringslista")));
}

}  // namespace

Data client_list_data(Exchange& x, store::Id bureau_id) {
    Data rows{Data::type::list};
    for (auto& e : activation::Activation(x.db(), x.app.clock, x.app.rules).client_list(bureau_id)) {
        Data row;
        row.set("id", std::to_string(e.linkage.id));
        row.set("client", e.linkage.client_name);
        row.set("orgnr", digital::shown_orgnr(e.linkage.client_orgnr));
        row.set("since", mail::swedish_datetime(e.linkage.activated_at.value_or(e.linkage.updated_at)));
        Data people{Data::type::list};
        for (auto& a : e.consultants) {
            Data p;
            p.set("name", a.user_name);
            p.set("username", a.username);
            p.set("permissions", permission_names(x.app.rules, a.permissions));
            people.push_back(p);
        }
        row.set("consultants", people);
        rows.push_back(row);
    }
    return rows;
}

void handle_activation_page(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    if (auto e = flashed(x, *s)) return render_activation(x, *s, 200, e->text, parse_id(e->extra).value_or(0));
    render_activation(x, *s, 200, "", 0);
}

void handle_activation_post(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (bureau_csrf_refused(x, *s, *f)) return;
    const auto grants = grants_from_form(x, s->bureau.id, *f);
    auto r = activation::Activation(x.db(), x.app.clock, x.app.rules)
                 .activate(s->bureau.id, id, grants, "bureau_user:" + s->session.user.username);
    if (!r && r.error().refusal == activation::Refusal::not_found)
        return render_activation(x, *s, 404, r.error().message, 0);
    // Post/Redirect/Get for the refusal too: the list shows it at the top,
    // and F5 does not post again.
    if (!r) return x.redirect("/activation?fel=" + flash(x, *s, r.error().message, id) + "#fel");
    x.redirect("/clients?activated=" + std::to_string(id));
}

void handle_history_page(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto e = flashed(x, *s);
    render_history(x, *s, id, 200, e && e->extra == std::to_string(id) ? e->text : "",
                   x.query.count("changed") ? "Ändringen är sparad." : "");
}

namespace {

void render_history(Exchange& x, const SignedBureau& s, store::Id id, int status, const std::string& error,
                    const std::string& notice) {
    auto h = activation::linkage_history(x.db(), x.app.clock, x.app.rules, id, /*for_bureau=*/true);
    if (!h || h->linkage.bureau_id != s.bureau.id)
        return send_message_page(x, 404, "Kopplingen finns inte", "Kopplingen finns inte hos er byrå.");
    Data d;
    d.set("id", std::to_string(id));
    d.set("csrf", s.session.csrf_token);
    d.set("client", h->linkage.client_name);
    d.set("orgnr", digital::shown_orgnr(h->linkage.client_orgnr));
    d.set("state", digital::state_sv(h->linkage.state));
    d.set("state_code", std::string(core::to_string(h->linkage.state)));
    d.set("source", h->linkage.source == core::LinkageSource::paper ? "blankett" : "digital förfrågan");
    d.set("reprint", h->linkage.source == core::LinkageSource::paper &&
                         h->linkage.state == core::LinkageState::requested && h->linkage.reference_code);
    if (!error.empty()) d.set("error", error);
    if (!notice.empty()) d.set("notice", notice);
    d.set("live", core::is_live(h->linkage.state));
    if (h->linkage.state == core::LinkageState::activated) {
        std::map<std::string, std::vector<std::string>> current;
        for (auto& a : store::AssignmentRepo(x.db(), x.app.clock).live(id)) current[a.username] = a.permissions;
        d.set("activated", true);
        d.set("consultants", consultant_rows(x, s.bureau.id, current));
    }
    Data lines{Data::type::list};
    for (auto& l : h->lines) {
        Data line;
        line.set("at", mail::swedish_datetime(l.at));
        line.set("text", l.text);
        lines.push_back(line);
    }
    d.set("lines", lines);
    x.send_html(status, x.app.pages.render("history", d, layout_for(s.session, s.bureau.name, "Historik")));
}

}  // namespace

void handle_permissions_post(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (bureau_csrf_refused(x, *s, *f)) return;
    auto r = activation::Activation(x.db(), x.app.clock, x.app.rules)
                 .change_permissions(s->bureau.id, id, grants_from_form(x, s->bureau.id, *f),
                                     "bureau_user:" + s->session.user.username);
    if (!r && r.error().refusal == activation::Refusal::not_found) return render_history(x, *s, id, 404, "", "");
    if (!r) return x.redirect("/linkages/" + std::to_string(id) + "?fel=" + flash(x, *s, r.error().message, id));
    x.redirect("/linkages/" + std::to_string(id) + "?changed=1");
}

void handle_revocation_post(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (bureau_csrf_refused(x, *s, *f)) return;
    auto r = activation::Activation(x.db(), x.app.clock, x.app.rules)
                 .revoke(s->bureau.id, id, "bureau_user:" + s->session.user.username, (*f)["reason"]);
    if (!r && r.error().refusal == activation::Refusal::not_found) return render_history(x, *s, id, 404, "", "");
    if (!r) return x.redirect("/linkages/" + std::to_string(id) + "?fel=" + flash(x, *s, r.error().message, id));
    x.redirect("/linkages/" + std::to_string(id) + "?changed=1");
}

}  // namespace web
