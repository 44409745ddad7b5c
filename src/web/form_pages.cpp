// The pre-filled paper form over the web (issue 17): `linkage form prefill`
// for a signed-in bureau user, for its own bureau only.
//   GET  /clients/form               the form: client's organisation (or
//                                    personal) number and abonnemangsnummer, both
//                                    (the same rule as the digital search:
//                                    the name only for a client named by
//                                    both numbers), and the bureau's pending
//                                    paper linkages to print again;
//   POST /clients/form               records the pending paper linkage with
//                                    a new reference code (and the
//                                    paper_form_issued event), then redirects
//                                    (Post/Redirect/Get) to the page above
//                                    with a download link;
//   GET  /linkages/{id}/blankett.pdf the PDF of a pending paper linkage of
//                                    the user's bureau — always the same
//                                    reference code, so a lost form can be
//                                    printed again and the signed scan still
//                                    finds its linkage. Output is
//                                    deterministic (forms/form_pdf.hpp).
// Any bureau may use it: excluded and multi-company bureaus, and any bureau
// whose client cannot be linked digitally, are told to use the paper form.
#include "core/form_template.hpp"
#include "core/log.hpp"
#include "core/org_number.hpp"
#include "digital/wording.hpp"
#include "forms/form_pdf.hpp"
#include "forms/reference_code.hpp"
#include "mail/swedish_time.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace web {

namespace {

constexpr int k_form_version = 1;


core::FormTemplate load_template(const App& app) {
    return core::FormTemplate::load(core::template_path(app.options.share_dir / "templates", k_form_version));
}

bool printable(const store::Linkage& l) {
    return l.source == core::LinkageSource::paper && l.state == core::LinkageState::requested && l.reference_code;
}

void render_form_page(Exchange& x, const SignedBureau& s, int status, const std::string& error, bool error_q,
                      const std::string& q, const std::string& subscription) {
    Data d;
    d.set("csrf", s.session.csrf_token);
    d.set("bureau", s.bureau.name);
    d.set("bureau_orgnr", s.bureau.orgnr);
    d.set("q", core::mask_personal_numbers(q));
    d.set("subscription", subscription);
    if (!error.empty()) d.set("error", error);
    d.set("error_q", error_q);
    store::LinkageRepo linkages(x.db(), x.app.clock);
    if (auto issued = x.query.find("klar"); issued != x.query.end() && error.empty())
        if (auto id = parse_id(issued->second))
            if (auto l = linkages.get(*id); l && l->bureau_id == s.bureau.id && printable(*l)) {
                Data done;
                done.set("id", std::to_string(l->id));
                done.set("client", l->client_name);
                done.set("code", *l->reference_code);
                d.set("issued", done);
            }
    store::LinkageFilter f;
    f.bureau_id = s.bureau.id;
    Data pending{Data::type::list};
    for (auto& l : linkages.list(f)) {
        if (!printable(l)) continue;
        Data row;
        row.set("id", std::to_string(l.id));
        row.set("client", l.client_name);
        row.set("orgnr", digital::shown_orgnr(l.client_orgnr));
        row.set("code", *l.reference_code);
        row.set("since", mail::swedish_datetime(l.created_at));
        pending.push_back(row);
    }
    d.set("has_pending", !pending.is_empty_list());
    d.set("pending", pending);
    x.send_html(status, x.app.pages.render("form", d, layout_for(s.session, s.bureau.name, "Förifylld blankett")));
}

}  // namespace

void handle_form_page(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    render_form_page(x, *s, 200, "", false, "", "");
}

void handle_form_post(Exchange& x) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (bureau_csrf_refused(x, *s, *f)) return;
    const std::string q = (*f)["q"], subscription = (*f)["subscription"];
    auto on = core::OrgNumber::parse(q);
    if (!on) return render_form_page(x, *s, 400, digital::invalid_number_message(core::to_code(on.error().error)), true, q, subscription);
    if (subscription.empty())
        return render_form_page(x, *s, 400, "Ange även klientens abonnemangsnummer. Blanketten fylls i när båda numren hör "
                                            "till samma klient.", false, q, subscription);
    store::RegistryRepo registry(x.db(), x.app.clock);
    auto client = registry.client_by_orgnr(on->canonical());
    if (!client || client->subscription != subscription)
        return render_form_page(x, *s, 404, digital::not_found_pair_message(digital::shown_orgnr(on->canonical()), subscription),
                                true, q, subscription);
    store::LinkageRepo linkages(x.db(), x.app.clock);
    store::Id id = 0;
    {
        store::Transaction tx(x.db());
        if (auto live = linkages.live_for(s->bureau.id, client->id)) {
            if (printable(*live)) return x.redirect("/clients/form?klar=" + std::to_string(live->id));
            return render_form_page(x, *s, 409,
                                    digital::refusal_message(digital::Refusal::live_linkage, s->bureau, *client, live),
                                    false, q, subscription);
        }
        std::string code = forms::new_reference_code();
        while (linkages.by_reference_code(code)) code = forms::new_reference_code();
        const std::string actor = "bureau_user:" + s->session.user.username;
        id = linkages.create(s->bureau.id, client->id, core::LinkageSource::paper, actor, code);
        Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
        detail.set("reference_code", code);
        detail.set("form", "KOPPLING v" + std::to_string(k_form_version));
        detail.set("via", "web");
        std::ostringstream text;
        detail.stringify(text);
        store::EventLog(x.db()).append(core::format_utc(x.app.clock.now()), actor, "linkage", id, "paper_form_issued",
                                       std::nullopt, text.str());
        tx.commit();
    }
    core::process_logger().info("form.prefilled").kv("linkage", static_cast<std::int64_t>(id)).kv("user", s->session.user.username);
    x.redirect("/clients/form?klar=" + std::to_string(id));
}

void handle_form_pdf(Exchange& x, store::Id id) {
    auto s = require_bureau_session(x);
    if (!s) return;
    auto l = store::LinkageRepo(x.db(), x.app.clock).get(id);
    // Another bureau's linkage is answered exactly like a missing one.
    if (!l || l->bureau_id != s->bureau.id)
        return send_message_page(x, 404, "Blanketten finns inte", "Kopplingen finns inte hos er byrå.");
    if (!printable(*l))
        return send_message_page(x, 409, "Blanketten kan inte skrivas ut",
                                 "Kopplingen väntar inte på en undertecknad blankett (status: " +
                                     digital::state_sv(l->state) + "). Skapa en ny förifylld blankett vid behov.");
    forms::FormValues values{{"bureau_name", l->bureau_name},
                             {"bureau_orgnr", l->bureau_orgnr},
                             {"client_name", l->client_name},
                             {"client_orgnr", l->client_orgnr},
                             {"client_subscription", l->client_subscription}};
    auto pdf = forms::render_form_pdf(load_template(x.app), values, l->reference_code, forms::k_default_font_dir);
    if (!pdf)
        return send_message_page(x, 422, "Blanketten kan inte skapas",
                                 "Uppgifterna får inte plats på blanketten: " + pdf.error().message);
    x.res.set("Content-Disposition", "attachment; filename=\"kopplingsblankett-" + *l->reference_code + ".pdf\"");
    x.send(200, "application/pdf", *pdf);
}

}  // namespace web
