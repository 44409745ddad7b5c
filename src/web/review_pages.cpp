// The review queue on the web (issue 5, SPEC §4.8), for back-office staff
// (store::StaffRepo; `linkage user add-staff`), never for bureau users.
// Every rule is review::Reviewer's: these handlers parse, call and show.
//
// Images: a crop or page image is served only from the paths the
// review::DocumentView of that document names (field index, "signature" or
// "page"); nothing in the URL is ever used as a path.
//
// Keyboard: the document page focuses the first field; Enter in any field
// submits the approval form (its first button); after an approval the next
// document of the queue opens. Rejecting is a separate form with its reason.
#include "core/reason_texts.hpp"
#include "digital/secrets.hpp"
#include "mail/swedish_time.hpp"
#include "review/review.hpp"
#include "store/staff_repo.hpp"
#include "web/handlers.hpp"
#include "web/signin.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace web {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_staff_cookie = "staff_sid";
constexpr auto k_staff_lifetime = std::chrono::hours(10);

std::optional<store::StaffSession> staff_session(Exchange& x) {
    const std::string sid = x.cookie(k_staff_cookie);
    if (!digital::is_well_formed_token(sid)) return std::nullopt;
    store::StaffRepo staff(x.db());
    const std::string now = core::format_utc(x.app.clock.now());
    auto s = staff.session_by_hash(digital::sha256_hex(sid), now, session_idle_since(x));
    if (!s) return s;
    x.log_user = "staff:" + s->user.username;
    if (session_touch_due(x, s->last_seen_at)) staff.touch_session(s->id, now);
    return s;
}


review::Reviewer reviewer_for(Exchange& x) {
    return review::Reviewer(x.db(), x.app.clock, x.app.rules, x.app.options.review_thresholds, x.app.options.home);
}

void render_login(Exchange& x, int status, const std::string& error, const std::string& username) {
    Data d;
    d.set("csrf", anonymous_csrf(x));
    d.set("username", username);
    if (!error.empty()) d.set("error", error);
    LayoutInfo l;
    l.title = "Logga in – granskning";
    x.send_html(status, x.app.pages.render("review-login", d, l));
}

Data reasons_data(const std::vector<std::string>& codes) {
    Data list{Data::type::list};
    for (auto& c : codes) {
        Data r;
        r.set("code", c);
        r.set("text", core::reason_text_sv(c));
        list.push_back(r);
    }
    return list;
}

std::string confidence_text(double c) { return std::to_string(static_cast<int>(c + 0.5)) + " %"; }

std::string decimal_sv(double v) {
    std::ostringstream o;
    o.precision(2);
    o << std::fixed << v;
    std::string text = o.str();
    for (char& c : text)
        if (c == '.') c = ',';  // Swedish decimal comma
    return text;
}

// "Dokument N är klart: what happened." after a decision (?done=N&what=…).
std::string done_notice(Exchange& x, const std::string& tail) {
    auto done = x.query.find("done");
    if (done == x.query.end() || !parse_id(done->second)) return {};
    std::string what;
    if (auto w = x.query.find("what"); w != x.query.end()) {
        if (w->second == "created") what = ": en ny koppling är godkänd";
        else if (w->second == "approved_pending") what = ": den väntande kopplingen är godkänd";
        else if (w->second == "already_linked") what = ": kopplingen fanns redan, blanketten är sparad som underlag";
        else if (w->second == "rejected") what = ": underkänt";
    }
    return "Dokument " + done->second + " är klart" + what + ". " + tail;
}

// Access keys (Alt+key in Chromium/Firefox on Linux and Windows) for taking a
// registry value into a field; administrators take Alt+1 … Alt+9.
const char* take_key(const std::string& field) {
    if (field == "bureau_name") return "b";
    if (field == "client_name") return "k";
    if (field == "client_orgnr") return "o";
    if (field == "client_subscription") return "a";
    if (field == "signer_name") return "n";
    if (field == "signer_email") return "m";
    return "";
}

std::string state_word(const review::DocumentView& v) {
    const std::string st = v.review_state.value_or("");
    if (st == "approved") return "godkänt";
    if (st == "rejected") return "underkänt";
    if (v.outcome == "accepted") return "godkänt automatiskt";
    if (v.outcome == "rejected") return "underkänt automatiskt";
    return st.empty() ? v.outcome : st;
}

Data registry_data(review::Reviewer& rv, const review::RegistryFacts& r) {
    Data d;
    // Bureau, by the bureau's organisation number on the form.
    if (r.bureau) {
        d.set("bureau_name", r.bureau->name);
        d.set("bureau_orgnr", r.bureau->orgnr);
    } else {
        d.set("bureau_missing", r.bureau_orgnr ? "Ingen byrå med organisationsnummer " + *r.bureau_orgnr + " i registret."
                                               : std::string("Byråns organisationsnummer är ogiltigt eller tomt."));
    }
    auto client = [](const std::optional<validate::KnownClient>& c) {
        Data x;
        x.set("name", c->name);
        x.set("orgnr", c->orgnr);
        x.set("subscription", c->subscription);
        return x;
    };
    if (r.client_by_orgnr) d.set("by_orgnr", client(r.client_by_orgnr));
    else
        d.set("orgnr_missing", r.client_orgnr ? "Ingen klient med organisationsnummer " + *r.client_orgnr + " i registret."
                                              : std::string("Klientens organisationsnummer är ogiltigt eller tomt."));
    if (r.client_by_subscription) d.set("by_subscription", client(r.client_by_subscription));
    else
        d.set("subscription_missing", r.subscription ? "Ingen klient med abonnemangsnummer " + *r.subscription +
                                                           " i registret."
                                                     : std::string("Abonnemangsnumret är ogiltigt eller tomt."));
    if (r.client_by_orgnr && r.client_by_subscription && r.client_by_orgnr->id != r.client_by_subscription->id)
        d.set("different_clients", true);
    if (r.client_by_orgnr && r.client_by_subscription && r.client_by_orgnr->id == r.client_by_subscription->id)
        d.set("same_client", true);
    Data admins{Data::type::list};
    for (std::size_t i = 0; i < r.administrators.size(); ++i) {
        Data a;
        a.set("n", std::to_string(i + 1));
        a.set("name", r.administrators[i].name);
        a.set("email", r.administrators[i].email);
        if (i < 9) a.set("key", std::to_string(i + 1));
        admins.push_back(a);
    }
    d.set("admins", admins);
    d.set("has_admins", !r.administrators.empty());
    d.set("has_client", r.client_by_orgnr || r.client_by_subscription);
    if (r.linkage) {
        const auto& l = *r.linkage;
        Data x;
        x.set("state", review::linkage_state_sv(l.state));
        x.set("state_code", l.state);
        if (l.reference_code) x.set("reference", *l.reference_code);
        x.set("origin", l.source == "digital" ? "Digital förfrågan från " + l.requested_by
                        : l.reference_code     ? "Förifylld blankett, utskriven av " + l.requested_by
                                               : std::string("Skapad av en inskannad blankett"));
        x.set("requested_at", mail::swedish_datetime(l.created_at));
        if (l.decided_by) x.set("decided_by", *l.decided_by);
        if (l.decided_at) x.set("decided_at", mail::swedish_datetime(*l.decided_at));
        if (l.approved_elsewhere) x.set("elsewhere", *l.approved_elsewhere);
        if (l.approved_by_document) x.set("other_document", std::to_string(*l.approved_by_document));
        if (l.found_by_reference) x.set("by_reference", true);
        if (l.state == "requested") x.set("pending", true);
        d.set("linkage", x);
    }
    (void)rv;
    return d;
}

// `values`: what the form showed last time (after a refused approval or a
// take), else the stored values. `checks`: the checks that fail for those
// values now. `facts`: the registry for those values.
void render_document(Exchange& x, const store::StaffSession& s, review::Reviewer& rv, const review::DocumentView& v,
                     int status, const std::string& error, const std::map<std::string, std::string>& values,
                     const std::string& notice, const std::vector<review::Check>& checks,
                     const review::RegistryFacts& facts, const std::string& focus_field = {}) {
    Data d;
    d.set("id", std::to_string(v.document_id));
    d.set("file", v.file);
    d.set("page", v.page ? std::to_string(*v.page) : std::string("1"));
    d.set("csrf", s.csrf_token);
    d.set("reasons", reasons_data(v.reasons));
    if (!error.empty()) d.set("error", error);
    if (!notice.empty()) d.set("notice", notice);
    const bool open = v.review_state && *v.review_state == "open";
    d.set("open", open);
    if (!open)
        d.set("decided", "Dokumentet är redan " + state_word(v) +
                             (v.reviewed_by ? " av " + rv.person_name(*v.reviewed_by) : std::string()) +
                             (v.reviewed_at ? ", " + mail::swedish_datetime(*v.reviewed_at) : std::string()) + ".");
    std::map<std::string, std::vector<const review::Check*>> per_field;
    for (auto& c : checks) per_field[c.field].push_back(&c);
    // Focus goes where a person has to act: the field just taken when asked,
    // else the first failed field, else the first uncertain one, else the first field.
    std::size_t focus = v.fields.size();
    for (std::size_t i = 0; i < v.fields.size() && focus == v.fields.size(); ++i)
        if (v.fields[i].name == focus_field) focus = i;
    for (std::size_t i = 0; i < v.fields.size() && focus == v.fields.size(); ++i)
        for (auto* c : per_field[v.fields[i].name])
            if (!c->from_pipeline) focus = i;
    for (std::size_t i = 0; i < v.fields.size() && focus == v.fields.size(); ++i)
        if (!per_field[v.fields[i].name].empty()) focus = i;
    if (focus == v.fields.size()) focus = 0;
    // Closing the whole page image goes back to that field (a fragment focuses it).
    if (!v.fields.empty()) d.set("focus_field", "f-" + v.fields[focus].name);
    Data fields{Data::type::list};
    for (std::size_t i = 0; i < v.fields.size(); ++i) {
        const auto& f = v.fields[i];
        Data row;
        row.set("name", f.name);
        row.set("label", f.label);
        auto it = values.find(f.name);
        const std::string value = it != values.end() ? it->second : f.value;
        row.set("value", value);
        if (value != f.value) row.set("changed", true);
        row.set("confidence", confidence_text(f.confidence));
        row.set("low", f.confidence < x.app.options.review_thresholds.min_confidence);
        Data failures{Data::type::list};
        bool failed = false;
        for (auto* c : per_field[f.name]) {
            Data r;
            r.set("text", core::reason_text_sv(c->code));
            r.set("code", c->code);
            if (c->from_pipeline) r.set("hint", true);
            else failed = true;
            failures.push_back(r);
        }
        row.set("failed", failed);
        row.set("has_failures", !per_field[f.name].empty());
        row.set("failures", failures);
        if (auto sug = facts.suggestions.find(f.name); sug != facts.suggestions.end()) {
            Data t;
            t.set("value", sug->second);
            if (const std::string key = take_key(f.name); !key.empty()) {
                t.set("key", key);
                t.set("key_label", std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(key[0])))));
            }
            row.set("take", t);
        }
        if (f.crop) row.set("crop", "/review/" + std::to_string(v.document_id) + "/image/" + std::to_string(i));
        row.set("autofocus", i == focus);
        fields.push_back(row);
    }
    d.set("fields", fields);
    // The next step per failing check (form-level ones included), once each.
    Data steps{Data::type::list};
    std::vector<std::pair<std::string, std::string>> seen;
    bool failing = false;
    for (auto& c : checks) {
        if (std::find(seen.begin(), seen.end(), std::pair{c.code, c.field}) != seen.end()) continue;
        seen.emplace_back(c.code, c.field);
        if (!c.from_pipeline) failing = true;
        Data st;
        st.set("field", review::field_label_sv(c.field));
        st.set("text", core::reason_text_sv(c.code));
        st.set("next", review::next_step_sv(c.code, c.field));
        if (c.from_pipeline) st.set("hint", true);
        steps.push_back(st);
    }
    d.set("steps", steps);
    // The reason a rejection would record, proposed from what fails (Alt+U, then Enter; editable).
    std::string reject_reason;
    for (auto& c : checks)
        if (!c.from_pipeline) {
            const std::string text = core::reason_text_sv(c.code);
            const std::string first = text.substr(0, text.find(". ") == std::string::npos ? text.size() : text.find(". ") + 1);
            if (reject_reason.find(first) == std::string::npos) reject_reason += (reject_reason.empty() ? "" : " ") + first;
        }
    d.set("reject_reason", reject_reason);
    d.set("has_steps", !seen.empty());
    d.set("all_clear", !failing);
    d.set("registry", registry_data(rv, facts));
    if (v.signature_crop) d.set("signature", "/review/" + std::to_string(v.document_id) + "/image/signature");
    d.set("ink", decimal_sv(v.ink_percent) + " %");
    for (auto* c : per_field["signature"])
        if (!c->from_pipeline) d.set("signature_failed", core::reason_text_sv(c->code));
    if (v.page_image) d.set("page_image", "/review/" + std::to_string(v.document_id) + "/image/page");
    // Marks nothing explains, outlined over the page image (positions in % of the page).
    if (!v.unexplained.empty()) {
        Data boxes{Data::type::list};
        auto pct = [](double p) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.2f%%", std::clamp(p, 0.0, 100.0));
            return std::string(buf);
        };
        for (std::size_t i = 0; i < v.unexplained.size(); ++i) {
            const auto& m = v.unexplained[i];
            Data b;
            b.set("n", std::to_string(i + 1));
            b.set("style", "left:" + pct(m.left) + ";top:" + pct(m.top) + ";width:" + pct(m.width) + ";height:" +
                               pct(m.height));
            b.set("what", m.kind == "strike"               ? "överstrykning"
                          : m.kind == "cover"              ? "övertäckt fält"
                          : m.kind == "whiteout"           ? "utsuddad eller övertäckt ruta"
                          : m.kind == "ink_in_empty_field" ? "skrift i tomt fält"
                          : m.kind == "covered"            ? "skanning övertäckt i PDF-filen (text eller ruta ritad ovanpå)"
                                                           : "okänd markering");
            if (!m.near.empty()) b.set("near", m.near == "reference" ? std::string("Referenskod") : review::field_label_sv(m.near));
            boxes.push_back(b);
        }
        d.set("marks", boxes);
        d.set("marks_count", std::to_string(v.unexplained.size()));
    }
    if (v.residual_mm >= 0) d.set("residual", decimal_sv(v.residual_mm) + " mm");
    // Behind "Visa blanketten": the original, its checksum and where it is kept.
    d.set("sha256", v.sha256);
    if (v.original) {
        d.set("original", "/review/" + std::to_string(v.document_id) + "/image/original");
        std::error_code ec;
        auto rel = fs::relative(*v.original, x.app.options.home, ec);
        d.set("archived", ec || rel.empty() ? v.original->string() : rel.string());
    }
    x.send_html(status, x.app.pages.render("review-document", d,
                                           staff_layout(s, "Granska dokument " + std::to_string(v.document_id))));
}

}  // namespace

void handle_review_login_page(Exchange& x) {
    if (staff_session(x)) return x.redirect("/review");
    render_login(x, 200, "", "");
}

void handle_review_login(Exchange& x) {
    auto f = x.form();
    if (!f) return;
    const std::string username = (*f)["username"], password = (*f)["password"];
    if (!anonymous_csrf_ok(x, (*f)["csrf"]))
        return render_login(x, 403, "Formuläret hade gått ut. Försök igen.", username);
    store::StaffRepo staff(x.db());
    auto user = staff.with_password(username);
    std::optional<std::pair<store::Id, std::string>> account;
    if (user) account.emplace(user->first.id, user->second);
    if (auto refused = check_signin(x, SigninRealm::staff, username, password, account))
        return render_login(x, refused->status, refused->message, username);
    const std::string sid = digital::random_token();
    const auto now = x.app.clock.now();
    staff.add_session(user->first.id, digital::sha256_hex(sid), digital::random_token(), core::format_utc(now),
                      core::format_utc(now + k_staff_lifetime));
    x.set_cookie(k_staff_cookie, sid, "/review",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(k_staff_lifetime).count()));
    x.redirect("/review");
}

void handle_review_logout(Exchange& x) {
    auto s = staff_session(x);
    auto f = x.form();
    if (!f) return;
    if (!s) return x.redirect("/review/login");
    if (!digital::constant_time_equal(s->csrf_token, (*f)["csrf"]))
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Formuläret kunde inte skickas. Ladda om sidan och försök igen.");
    store::StaffRepo(x.db()).end_session(s->id, core::format_utc(x.app.clock.now()));
    x.set_cookie(k_staff_cookie, "", "/review", 0);
    x.redirect("/review/login");
}

void handle_review_queue(Exchange& x) {
    auto s = require_staff(x);
    if (!s) return;
    Data rows{Data::type::list};
    auto queue = reviewer_for(x).queue();
    for (auto& q : queue) {
        Data r;
        r.set("id", std::to_string(q.document_id));
        r.set("file", q.file);
        r.set("page", q.page ? std::to_string(*q.page) : std::string("1"));
        r.set("since", mail::swedish_datetime(q.created_at));
        r.set("reasons", reasons_data(q.reasons));
        r.set("confidence", confidence_text(q.min_confidence));
        r.set("bureau", q.bureau_name);
        r.set("client", q.client_name);
        rows.push_back(r);
    }
    Data d;
    d.set("count", std::to_string(queue.size()));
    d.set("has_rows", !queue.empty());
    d.set("rows", rows);
    if (!queue.empty()) d.set("first", std::to_string(queue.front().document_id));
    if (auto notice = done_notice(x, "Kön är tom."); !notice.empty()) d.set("notice", notice);
    x.send_html(200, x.app.pages.render("review-queue", d, staff_layout(*s, "Granskningskö")));
}

void handle_review_document(Exchange& x, store::Id id) {
    auto s = require_staff(x);
    if (!s) return;
    auto v = reviewer_for(x).show(id);
    if (!v) return send_message_page(x, 404, "Dokumentet finns inte", "Det finns inget dokument med det numret.");
    const std::string notice = done_notice(x, "Här är nästa i kön.");
    auto rv = reviewer_for(x);
    render_document(x, *s, rv, *v, 200, "", {}, notice, rv.check(id, {}), rv.registry(id, {}));
}

void handle_review_post(Exchange& x, store::Id id) {
    auto s = require_staff(x);
    if (!s) return;
    auto f = x.form();
    if (!f) return;
    if (!digital::constant_time_equal(s->csrf_token, (*f)["csrf"]))
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Formuläret kunde inte skickas eftersom säkerhetskoden saknades eller var fel. "
                                 "Gå tillbaka, ladda om sidan och försök igen.");
    auto rv = reviewer_for(x);
    auto v = rv.show(id);
    if (!v) return send_message_page(x, 404, "Dokumentet finns inte", "Det finns inget dokument med det numret.");
    const std::string who = s->user.username;
    std::map<std::string, std::string> shown, corrections;
    for (auto& field : v->fields) {
        auto it = f->find("f." + field.name);
        if (it == f->end()) continue;
        shown[field.name] = it->second;
        if (it->second != field.value) corrections[field.name] = it->second;
    }
    using R = review::Refusal;
    auto status_of = [](R r) { return r == R::not_found ? 404 : r == R::already_decided ? 409 : 422; };
    // A registry value taken into a field (a button or its access key): the
    // page again with the value in place and every check recomputed; nothing
    // is decided until Enter (a correction like any other when approved).
    if (const std::string take = (*f)["take"]; !take.empty()) {
        auto facts = rv.registry(id, corrections);
        std::string focus, what;
        if (take.starts_with("admin:")) {
            const auto n = parse_id(take.substr(6));
            if (n && *n >= 1 && static_cast<std::size_t>(*n) <= facts.administrators.size()) {
                const auto& a = facts.administrators[static_cast<std::size_t>(*n - 1)];
                shown["signer_name"] = a.name;
                shown["signer_email"] = a.email;
                focus = "signer_email";
                what = "Undertecknare och e-postadress från registret: " + a.name + ", " + a.email + ".";
            }
        } else if (auto sug = facts.suggestions.find(take); sug != facts.suggestions.end()) {
            shown[take] = sug->second;
            focus = take;
            what = review::field_label_sv(take) + " från registret: " + sug->second + ".";
        }
        if (what.empty()) what = "Registret har inget annat värde för fältet.";
        corrections.clear();
        for (auto& field : v->fields)
            if (auto it = shown.find(field.name); it != shown.end() && it->second != field.value)
                corrections[field.name] = it->second;
        auto checks = rv.check(id, corrections);
        const bool clear = std::none_of(checks.begin(), checks.end(), [](auto& c) { return !c.from_pipeline; });
        what += clear ? " Alla kontroller går igenom – tryck Enter för att godkänna."
                      : " Kontrollerna är gjorda om för de nya värdena.";
        // The cursor goes on to what still fails; when nothing does, it stays on the value taken.
        if (!clear) focus.clear();
        return render_document(x, *s, rv, *v, 200, "", shown, what, checks, rv.registry(id, corrections), focus);
    }
    std::string what = "rejected";
    if ((*f)["decision"] == "reject") {
        auto r = rv.reject(id, who, (*f)["reason"]);
        if (!r) {
            const std::string msg = r.error().refusal == R::missing_reason
                                        ? "Skriv varför dokumentet underkänns."
                                        : "Dokumentet kunde inte underkännas: " + r.error().message;
            return render_document(x, *s, rv, *v, status_of(r.error().refusal), msg, shown, "",
                                   rv.check(id, corrections), rv.registry(id, corrections));
        }
    } else {
        std::optional<std::string> override_reason;
        if (auto o = f->find("override"); o != f->end() && !o->second.empty()) override_reason = o->second;
        auto r = rv.approve(id, who, corrections, override_reason);
        if (!r) {
            // Name the checks that truly fail now, each with its field.
            auto named = [&](bool blocking_only) {
                std::string out;
                for (auto& c : r.error().checks) {
                    if (c.from_pipeline || (blocking_only && !c.blocking)) continue;
                    out += " " + review::field_label_sv(c.field) + ": " + core::reason_text_sv(c.code);
                }
                return out;
            };
            std::string msg;
            switch (r.error().refusal) {
                case R::needs_override:
                    msg = "Kontroller misslyckas fortfarande:" + named(false) +
                          " Rätta värdena, eller skriv ett skäl i fältet Undantag för att godkänna ändå.";
                    break;
                case R::cannot_identify:
                    msg = "Byrån eller klienten kan inte identifieras, så dokumentet kan inte godkännas:" + named(true) +
                          " Rätta organisationsnumret eller underkänn.";
                    break;
                case R::already_decided: {
                    auto again = rv.show(id);
                    msg = "Dokumentet är redan avgjort" +
                          (again && again->reviewed_by ? " av " + rv.person_name(*again->reviewed_by) : std::string()) +
                          (again && again->reviewed_at ? ", " + mail::swedish_datetime(*again->reviewed_at)
                                                       : std::string()) +
                          ".";
                    break;
                }
                case R::unknown_field: msg = "Formuläret innehöll ett okänt fält."; break;
                default: msg = "Dokumentet kunde inte godkännas: " + r.error().message; break;
            }
            auto again = rv.show(id);
            return render_document(x, *s, rv, again ? *again : *v, status_of(r.error().refusal), msg, shown, "",
                                   rv.check(id, corrections), rv.registry(id, corrections));
        }
        what = r->what;
    }
    // Next document of the queue (worst first), or the empty queue.
    auto queue = rv.queue();
    const std::string done = "done=" + std::to_string(id) + "&what=" + what;
    if (queue.empty()) return x.redirect("/review?" + done);
    x.redirect("/review/" + std::to_string(queue.front().document_id) + "?" + done);
}

void handle_review_image(Exchange& x, store::Id id, const std::string& which) {
    auto s = require_staff(x);
    if (!s) return;
    auto v = reviewer_for(x).show(id);
    std::optional<fs::path> file;
    if (v) {
        if (which == "signature") file = v->signature_crop;
        else if (which == "page") file = v->page_image;
        else if (which == "original") file = v->original;
        else if (!which.empty() && which.size() <= 2 && which.find_first_not_of("0123456789") == std::string::npos) {
            const auto index = static_cast<std::size_t>(std::stoi(which));
            if (index < v->fields.size()) file = v->fields[index].crop;
        }
    }
    std::error_code ec;
    // The original keeps its scanner format; crops and page images are PNG.
    std::string type = "image/png";
    if (file && which == "original") {
        const auto ext = file->extension().string();
        type = ext == ".pdf" ? "application/pdf"
               : ext == ".jpg" || ext == ".jpeg" ? "image/jpeg"
               : ext == ".tif" || ext == ".tiff" ? "image/tiff"
               : ext == ".png" ? "image/png"
                               : "application/octet-stream";
    }
    if (!file || (which != "original" && file->extension() != ".png") || !fs::is_regular_file(*file, ec))
        return send_message_page(x, 404, "Bilden finns inte", "Bilden finns inte för det här dokumentet.");
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    x.send(200, type, bytes.str());
}

std::optional<store::StaffSession> require_staff(Exchange& x) {
    auto s = staff_session(x);
    if (!s) x.redirect("/review/login");
    return s;
}

LayoutInfo staff_layout(const store::StaffSession& s, const std::string& title) {
    LayoutInfo l;
    l.title = title;
    l.user_name = s.user.name;
    l.bureau_name = "Granskning";
    l.csrf = s.csrf_token;
    l.logout_action = "/review/logout";
    return l;
}

}  // namespace web
