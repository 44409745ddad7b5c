// The bureau's activation pages (issue 7, Swedish): the activation list with
// one activation form per linkage (consultants × permission checkboxes,
// CSRF), the client list's consultants and permissions, and a linkage's
// history. Thin: activation::Activation decides, these pages only show.
#include "activation/activation.hpp"
#include "activation/history.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"

namespace web {

namespace {

struct Signed {
    store::WebSession session;
    store::Bureau bureau;
};

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

std::string via_sv(const std::optional<std::string>& via) {
    if (!via) return "";
    if (*via == "digital") return "digitalt av kundens administratör";
    if (*via == "paper") return "med undertecknad blankett";
    if (*via == "review") return "med blankett, efter manuell granskning";
    return *via;
}

// decided_by as recorded ("client_user:7", "stina (review of signed paper
// form)", "signed paper form (Karin Åkesson)") in words for the bureau.
std::string decided_by_sv(Exchange& x, const store::Linkage& l) {
    const std::string by = l.decided_by.value_or("");
    constexpr std::string_view k_review = " (review of signed paper form)", k_form = "signed paper form (";
    if (by.size() > k_review.size() && by.ends_with(k_review))
        return by.substr(0, by.size() - k_review.size()) + " (granskning av undertecknad blankett)";
    if (by.starts_with(k_form)) return "undertecknad blankett (" + by.substr(k_form.size());
    if (by.starts_with("client_user:"))
        for (auto& u : store::RegistryRepo(x.db(), x.app.clock).client_users(l.client_id))
            if ("client_user:" + std::to_string(u.id) == by) return u.name + " <" + u.email + ">";
    return by;
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

void render_activation(Exchange& x, const Signed& s, int status, const std::string& error, store::Id error_id) {
    activation::Activation act(x.db(), x.app.clock, x.app.rules);
    store::RegistryRepo registry(x.db(), x.app.clock);
    std::vector<store::BureauUser> consultants;
    for (auto& u : registry.bureau_users(s.bureau.id))
        if (u.active && (u.role == "consultant" || u.role == "admin")) consultants.push_back(u);
    Data rows{Data::type::list};
    for (auto& l : act.activation_list(s.bureau.id)) {
        Data row;
        row.set("id", std::to_string(l.id));
        row.set("client", l.client_name);
        row.set("orgnr", l.client_orgnr);
        row.set("source", l.source == core::LinkageSource::paper ? "blankett" : "digital");
        row.set("approved_at", l.decided_at ? mail::swedish_datetime(*l.decided_at) : "");
        row.set("approved_via", via_sv(l.approved_via));
        row.set("decided_by", decided_by_sv(x, l));
        row.set("csrf", s.session.csrf_token);
        if (l.id == error_id) row.set("error", error);
        Data people{Data::type::list};
        for (auto& u : consultants) {
            Data p;
            p.set("username", u.username);
            p.set("name", u.name);
            p.set("role", u.role == "admin" ? "administratör" : "konsult");
            Data boxes{Data::type::list};
            for (auto& perm : x.app.rules.permissions.all()) {
                Data b;
                b.set("field", box_name(u.username, perm.code));
                b.set("label", perm.name_sv);
                b.set("code", perm.code);
                boxes.push_back(b);
            }
            p.set("permissions", boxes);
            people.push_back(p);
        }
        row.set("consultants", people);
        rows.push_back(row);
    }
    Data d;
    d.set("bureau", s.bureau.name);
    d.set("has_rows", !rows.is_empty_list());
    d.set("rows", rows);
    if (!error.empty() && error_id == 0) d.set("error", error);
    x.send_html(status, x.app.pages.render("activation", d, layout_for(s.session, s.bureau.name, "Aktiveringslista")));
}

}  // namespace

Data client_list_data(Exchange& x, store::Id bureau_id) {
    Data rows{Data::type::list};
    for (auto& e : activation::Activation(x.db(), x.app.clock, x.app.rules).client_list(bureau_id)) {
        Data row;
        row.set("id", std::to_string(e.linkage.id));
        row.set("client", e.linkage.client_name);
        row.set("orgnr", e.linkage.client_orgnr);
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
    auto s = require_session(x);
    if (!s) return;
    render_activation(x, *s, 200, "", 0);
}

void handle_activation_post(Exchange& x, store::Id id) {
    auto s = require_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (!session_csrf_ok(s->session, (*f)["csrf"]))
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Formuläret kunde inte skickas eftersom säkerhetskoden saknades eller var fel. "
                                 "Gå tillbaka, ladda om sidan och försök igen.");
    // Consultants = users with at least one box ticked, or with "use.USERNAME" ticked
    // (so "a consultant without permissions" is reported, not silently dropped).
    std::vector<activation::Grant> grants;
    for (auto& u : store::RegistryRepo(x.db(), x.app.clock).bureau_users(s->bureau.id)) {
        activation::Grant g{u.username, {}};
        for (auto& perm : x.app.rules.permissions.all())
            if (f->count(box_name(u.username, perm.code))) g.permissions.push_back(perm.code);
        if (!g.permissions.empty() || f->count("use." + u.username)) grants.push_back(std::move(g));
    }
    auto r = activation::Activation(x.db(), x.app.clock, x.app.rules)
                 .activate(s->bureau.id, id, grants, "bureau_user:" + s->session.user.username);
    if (!r) {
        using R = activation::Refusal;
        const int status = r.error().refusal == R::not_found ? 404 : r.error().refusal == R::wrong_state ? 409 : 400;
        return render_activation(x, *s, status, r.error().message, r.error().refusal == R::not_found ? 0 : id);
    }
    x.redirect("/clients?activated=" + std::to_string(id));
}

void handle_history_page(Exchange& x, store::Id id) {
    auto s = require_session(x);
    if (!s) return;
    auto h = activation::linkage_history(x.db(), x.app.clock, x.app.rules, id);
    if (!h || h->linkage.bureau_id != s->bureau.id)
        return send_message_page(x, 404, "Kopplingen finns inte", "Kopplingen finns inte hos er byrå.");
    Data d;
    d.set("client", h->linkage.client_name);
    d.set("orgnr", h->linkage.client_orgnr);
    d.set("state", digital::state_sv(h->linkage.state));
    d.set("state_code", std::string(core::to_string(h->linkage.state)));
    d.set("source", h->linkage.source == core::LinkageSource::paper ? "blankett" : "digital");
    Data lines{Data::type::list};
    for (auto& l : h->lines) {
        Data line;
        line.set("at", mail::swedish_datetime(l.at));
        line.set("text", l.text);
        lines.push_back(line);
    }
    d.set("lines", lines);
    x.send_html(200, x.app.pages.render("history", d, layout_for(s->session, s->bureau.name, "Historik")));
}

}  // namespace web
