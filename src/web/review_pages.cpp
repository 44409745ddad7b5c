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
#include "batch/reason_texts.hpp"
#include "digital/secrets.hpp"
#include "mail/swedish_time.hpp"
#include "review/review.hpp"
#include "store/staff_repo.hpp"
#include "web/handlers.hpp"
#include "web/signin.hpp"

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
        r.set("text", batch::reason_text_sv(c));
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

// `values`: what the form showed last time (after a refused approval), else the stored values.
void render_document(Exchange& x, const store::StaffSession& s, const review::DocumentView& v, int status,
                     const std::string& error, const std::map<std::string, std::string>& values,
                     const std::string& notice) {
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
        d.set("decided", "Dokumentet är redan avgjort (" + v.review_state.value_or(v.outcome) + ") av " +
                             v.reviewed_by.value_or("pipeline") +
                             (v.reviewed_at ? " " + mail::swedish_datetime(*v.reviewed_at) : std::string()) + ".");
    // Focus goes where a person has to act: the first failed field, else the
    // first uncertain one, else the first field.
    std::size_t focus = v.fields.size();
    for (std::size_t i = 0; i < v.fields.size() && focus == v.fields.size(); ++i)
        if (!v.fields[i].failures.empty()) focus = i;
    for (std::size_t i = 0; i < v.fields.size() && focus == v.fields.size(); ++i)
        if (v.fields[i].confidence < x.app.options.review_thresholds.min_confidence) focus = i;
    if (focus == v.fields.size()) focus = 0;
    Data fields{Data::type::list};
    for (std::size_t i = 0; i < v.fields.size(); ++i) {
        const auto& f = v.fields[i];
        Data row;
        row.set("name", f.name);
        row.set("label", f.label);
        auto it = values.find(f.name);
        row.set("value", it != values.end() ? it->second : f.value);
        row.set("confidence", confidence_text(f.confidence));
        row.set("low", f.confidence < x.app.options.review_thresholds.min_confidence);
        row.set("failed", !f.failures.empty());
        row.set("failures", reasons_data(f.failures));
        if (f.crop) row.set("crop", "/review/" + std::to_string(v.document_id) + "/image/" + std::to_string(i));
        row.set("autofocus", i == focus);
        fields.push_back(row);
    }
    d.set("fields", fields);
    if (v.signature_crop) d.set("signature", "/review/" + std::to_string(v.document_id) + "/image/signature");
    d.set("ink", decimal_sv(v.ink_percent) + " %");
    if (v.page_image) d.set("page_image", "/review/" + std::to_string(v.document_id) + "/image/page");
    if (v.residual_mm >= 0) d.set("residual", decimal_sv(v.residual_mm) + " mm");
    Data other{Data::type::list};
    for (auto& [code, detail] : v.failures) {
        Data f;
        f.set("text", batch::reason_text_sv(code));
        f.set("detail", detail);
        other.push_back(f);
    }
    d.set("checks", other);
    d.set("has_checks", !other.is_empty_list());
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
        rows.push_back(r);
    }
    Data d;
    d.set("count", std::to_string(queue.size()));
    d.set("has_rows", !queue.empty());
    d.set("rows", rows);
    if (!queue.empty()) d.set("first", std::to_string(queue.front().document_id));
    if (auto done = x.query.find("done"); done != x.query.end() && parse_id(done->second))
        d.set("notice", "Dokument " + done->second + " är klart. Kön är tom.");
    x.send_html(200, x.app.pages.render("review-queue", d, staff_layout(*s, "Granskningskö")));
}

void handle_review_document(Exchange& x, store::Id id) {
    auto s = require_staff(x);
    if (!s) return;
    auto v = reviewer_for(x).show(id);
    if (!v) return send_message_page(x, 404, "Dokumentet finns inte", "Det finns inget dokument med det numret.");
    std::string notice;
    if (auto done = x.query.find("done"); done != x.query.end() && parse_id(done->second))
        notice = "Dokument " + done->second + " är klart. Här är nästa i kön.";
    render_document(x, *s, *v, 200, "", {}, notice);
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
    if ((*f)["decision"] == "reject") {
        auto r = rv.reject(id, who, (*f)["reason"]);
        if (!r) {
            const std::string msg = r.error().refusal == R::missing_reason
                                        ? "Skriv varför dokumentet underkänns."
                                        : "Dokumentet kunde inte underkännas: " + r.error().message;
            return render_document(x, *s, *v, status_of(r.error().refusal), msg, shown, "");
        }
    } else {
        std::optional<std::string> override_reason;
        if (auto o = f->find("override"); o != f->end() && !o->second.empty()) override_reason = o->second;
        auto r = rv.approve(id, who, corrections, override_reason);
        if (!r) {
            std::string msg;
            switch (r.error().refusal) {
                case R::needs_override:
                    msg = "Kontroller misslyckas fortfarande:";
                    for (auto& c : r.error().failures) msg += " " + batch::reason_text_sv(c);
                    msg += " Rätta värdena, eller skriv ett skäl i fältet Undantag för att godkänna ändå.";
                    break;
                case R::cannot_identify:
                    msg = "Byrån eller klienten kan inte identifieras; dokumentet kan inte godkännas. Rätta "
                          "organisationsnumren eller underkänn.";
                    break;
                case R::already_decided: msg = "Dokumentet är redan avgjort: " + r.error().message; break;
                default: msg = "Dokumentet kunde inte godkännas: " + r.error().message; break;
            }
            auto again = rv.show(id);
            return render_document(x, *s, again ? *again : *v, status_of(r.error().refusal), msg, shown, "");
        }
    }
    // Next document of the queue (worst first), or the empty queue.
    auto queue = rv.queue();
    if (queue.empty()) return x.redirect("/review?done=" + std::to_string(id));
    x.redirect("/review/" + std::to_string(queue.front().document_id) + "?done=" + std::to_string(id));
}

void handle_review_image(Exchange& x, store::Id id, const std::string& which) {
    auto s = require_staff(x);
    if (!s) return;
    auto v = reviewer_for(x).show(id);
    std::optional<fs::path> file;
    if (v) {
        if (which == "signature") file = v->signature_crop;
        else if (which == "page") file = v->page_image;
        else if (!which.empty() && which.size() <= 2 && which.find_first_not_of("0123456789") == std::string::npos) {
            const auto index = static_cast<std::size_t>(std::stoi(which));
            if (index < v->fields.size()) file = v->fields[index].crop;
        }
    }
    std::error_code ec;
    if (!file || file->extension() != ".png" || !fs::is_regular_file(*file, ec))
        return send_message_page(x, 404, "Bilden finns inte", "Bilden finns inte för det här dokumentet.");
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    x.send(200, "image/png", bytes.str());
}

}  // namespace web
