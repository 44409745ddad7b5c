#include "digital/secrets.hpp"
#include "store/registry_repo.hpp"
#include "web/handlers.hpp"
#include "web/signin.hpp"

namespace web {

namespace {

constexpr const char* k_session_cookie = "sid";
constexpr const char* k_csrf_cookie = "csrf";
constexpr auto k_session_lifetime = std::chrono::hours(8);

}  // namespace

std::optional<store::Principal> bearer_principal(Exchange& x, std::string* token_hash) {
    const std::string h = x.header("Authorization");
    constexpr std::string_view k_prefix = "Bearer ";
    if (h.size() <= k_prefix.size() || h.compare(0, k_prefix.size(), k_prefix) != 0) return std::nullopt;
    const std::string token = h.substr(k_prefix.size());
    if (!digital::is_well_formed_token(token)) return std::nullopt;
    std::string hash = digital::sha256_hex(token);
    store::AuthRepo auth(x.db());
    const auto now = x.app.clock.now();
    auto t = auth.api_token_by_hash(hash, core::format_utc(now));  // revoked or expired: none
    if (token_hash) *token_hash = std::move(hash);
    if (!t) return std::nullopt;
    x.log_user = t->principal.username;
    // "Last used" to the minute: one write a minute per token, not one per
    // request (the API is loaded with thousands of requests a second).
    const std::string since = core::format_utc(now - std::chrono::minutes(1));
    if (!t->last_used_at || *t->last_used_at <= since) auth.touch_api_token(t->token_id, core::format_utc(now), since);
    return t->principal;
}

bool within_rate_limit(Exchange& x, const std::string& key) {
    const int wait = x.app.token_limiter.acquire(key);
    if (wait == 0) return true;
    x.res.set("Retry-After", std::to_string(wait));
    const std::string when = wait == 1 ? "en sekund" : std::to_string(wait) + " sekunder";
    if (x.path.rfind("/api/", 0) == 0)
        send_api_error(x, 429, "rate_limited",
                       "För många förfrågningar med samma API-nyckel. Försök igen om " + when + ".");
    else
        send_message_page(x, 429, "För många försök",
                          "Du har skickat för många svar på kort tid. Vänta " + when + " och försök sedan igen.");
    return false;
}

std::optional<store::WebSession> current_session(Exchange& x) {
    const std::string sid = x.cookie(k_session_cookie);
    if (!digital::is_well_formed_token(sid)) return std::nullopt;
    store::AuthRepo auth(x.db());
    const std::string now = core::format_utc(x.app.clock.now());
    auto s = auth.session_by_hash(digital::sha256_hex(sid), now, session_idle_since(x));
    if (!s) return s;
    x.log_user = s->user.username;
    if (session_touch_due(x, s->last_seen_at)) auth.touch_session(s->id, now);
    return s;
}

std::string anonymous_csrf(Exchange& x) {
    std::string c = x.cookie(k_csrf_cookie);
    if (digital::is_well_formed_token(c)) return c;
    c = digital::random_token();
    x.set_cookie(k_csrf_cookie, c, "/", -1);
    return c;
}

bool anonymous_csrf_ok(Exchange& x, const std::string& submitted) {
    const std::string c = x.cookie(k_csrf_cookie);
    return digital::is_well_formed_token(c) && digital::constant_time_equal(c, submitted);
}

bool session_csrf_ok(const store::WebSession& s, const std::string& submitted) {
    return !submitted.empty() && digital::constant_time_equal(s.csrf_token, submitted);
}

LayoutInfo layout_for(const store::WebSession& s, const std::string& bureau_name, const std::string& title) {
    LayoutInfo l;
    l.title = title;
    l.user_name = s.user.name;
    l.bureau_name = bureau_name;
    l.csrf = s.csrf_token;
    l.bureau_nav = true;
    return l;
}

namespace {

void render_login(Exchange& x, int status, const std::string& error, const std::string& username) {
    Data d;
    d.set("csrf", anonymous_csrf(x));
    d.set("username", username);
    if (!error.empty()) d.set("error", error);
    LayoutInfo l;
    l.title = "Logga in";
    x.send_html(status, x.app.pages.render("login", d, l));
}

}  // namespace

void handle_login_page(Exchange& x) {
    if (current_session(x)) return x.redirect("/clients");
    render_login(x, 200, "", "");
}

void handle_login(Exchange& x) {
    auto f = x.form();
    if (!f) return;
    const std::string username = (*f)["username"], password = (*f)["password"];
    if (!anonymous_csrf_ok(x, (*f)["csrf"]))
        return render_login(x, 403, "Formuläret hade gått ut. Försök igen.", username);
    store::AuthRepo auth(x.db());
    auto user = auth.user_with_password(username);
    std::optional<std::pair<store::Id, std::string>> account;
    if (user) account.emplace(user->first.user_id, user->second);
    if (auto refused = check_signin(x, SigninRealm::bureau, username, password, account))
        return render_login(x, refused->status, refused->message, username);
    // A fresh session id at every sign-in: a planted cookie is never promoted (session fixation).
    const std::string sid = digital::random_token();
    const auto now = x.app.clock.now();
    auth.add_session(user->first.user_id, digital::sha256_hex(sid), digital::random_token(), core::format_utc(now),
                     core::format_utc(now + k_session_lifetime));
    x.set_cookie(k_session_cookie, sid, "/",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(k_session_lifetime).count()));
    x.redirect("/clients");
}

void handle_logout(Exchange& x) {
    auto s = current_session(x);
    auto f = x.form();
    if (!f) return;
    if (!s) return x.redirect("/login");
    if (!session_csrf_ok(*s, (*f)["csrf"]))
        return send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                                 "Formuläret kunde inte skickas. Ladda om sidan och försök igen.");
    store::AuthRepo(x.db()).end_session(s->id, core::format_utc(x.app.clock.now()));
    x.set_cookie(k_session_cookie, "", "/", 0);
    x.redirect("/login");
}

std::optional<SignedBureau> require_bureau_session(Exchange& x) {
    auto s = current_session(x);
    if (!s) {
        x.redirect("/login");
        return std::nullopt;
    }
    auto b = store::RegistryRepo(x.db(), x.app.clock).bureau_by_id(s->user.bureau_id);
    if (!b) throw store::StoreError("bureau of user " + s->user.username + " is missing");
    return SignedBureau{*s, *b};
}

bool bureau_csrf_refused(Exchange& x, const SignedBureau& s, const std::map<std::string, std::string>& form) {
    auto c = form.find("csrf");
    if (c != form.end() && session_csrf_ok(s.session, c->second)) return false;
    send_message_page(x, 403, "Säkerhetskontrollen misslyckades",
                      "Formuläret kunde inte skickas eftersom säkerhetskoden saknades eller var fel. "
                      "Gå tillbaka, ladda om sidan och försök igen.");
    return true;
}

}  // namespace web
