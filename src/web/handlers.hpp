// The request handlers of the web module, one group per file:
//   auth.cpp      sign in/out, sessions, Bearer tokens, CSRF checks
//   api.cpp       /api/v1/... (JSON)
//   bureau_pages.cpp bureau pages: client list, Koppla klient (search, result, send)
//   approval.cpp  /approve/{token} (GET page, POST decision)
// Each handler is thin: parse, call digital::Desk, map the outcome to a
// status and a body. Internal to the web module; thread-safety as Exchange.
#pragma once

#include "digital/desk.hpp"
#include "store/auth_repo.hpp"
#include "web/app.hpp"

#include <optional>
#include <string>

namespace web {

// --- auth.cpp
std::optional<store::Principal> bearer_principal(Exchange& x);
std::optional<store::WebSession> current_session(Exchange& x);
// The double-submit CSRF token of forms shown to people without a session
// (sign-in, approval): reuses the request's cookie or sets a new one.
std::string anonymous_csrf(Exchange& x);
bool anonymous_csrf_ok(Exchange& x, const std::string& submitted);
bool session_csrf_ok(const store::WebSession& s, const std::string& submitted);
void handle_login_page(Exchange& x);
void handle_login(Exchange& x);
void handle_logout(Exchange& x);
// Layout for a signed-in user's page.
LayoutInfo layout_for(const store::WebSession& s, const std::string& bureau_name, const std::string& title);

// --- api.cpp
void handle_api_search(Exchange& x);
void handle_api_request(Exchange& x);
void handle_api_linkages(Exchange& x);
void handle_api_linkage(Exchange& x, const std::string& id);
void send_api_error(Exchange& x, int status, const std::string& code, const std::string& message);

// --- bureau_pages.cpp
void handle_home(Exchange& x);
void handle_clients(Exchange& x);
void handle_link_page(Exchange& x);
void handle_link_post(Exchange& x);
// A plain Swedish message page (errors carry the request id).
void send_message_page(Exchange& x, int status, const std::string& title, const std::string& text);

// --- approval.cpp
void handle_approve_get(Exchange& x, const std::string& token);
void handle_approve_post(Exchange& x, const std::string& token);

// A Desk for this request (its own connection, the app's rules and clock).
digital::Desk desk_for(Exchange& x);

}  // namespace web
