// The request handlers of the web module, one group per file:
//   auth.cpp      sign in/out, sessions, Bearer tokens, CSRF checks
//   api.cpp       /api/v1/... (JSON)
//   bureau_pages.cpp bureau pages: client list, Koppla klient (search, result, send)
//   form_pages.cpp the pre-filled paper form (create, download, print again)
//   approval.cpp  /approve/{token} (GET page, POST decision)
//   activation_api.cpp, activation_pages.cpp  activation list, activate, client list, history
//   review_pages.cpp  the staff review queue (sign-in, queue, document, crops, decision)
//   tasks_pages.cpp   the staff task page, the morning report page, originals
//   ops.cpp       /healthz, /metrics
// Each handler is thin: parse, call digital::Desk, map the outcome to a
// status and a body. Internal to the web module; thread-safety as Exchange.
#pragma once

#include "digital/desk.hpp"
#include "store/auth_repo.hpp"
#include "store/registry_repo.hpp"
#include "store/staff_repo.hpp"
#include "web/app.hpp"

#include <map>
#include <optional>
#include <string>

namespace web {

// --- auth.cpp
// The principal of the request's Bearer token; `token_hash` (if given) gets
// the token's SHA-256 when there is one.
std::optional<store::Principal> bearer_principal(Exchange& x, std::string* token_hash = nullptr);
// Counts the request against the credential `key` (App::token_limiter):
// true when within the limit; false when 429 has been sent (Retry-After, a
// Swedish message as JSON under /api/, else as a page).
bool within_rate_limit(Exchange& x, const std::string& key);
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
// A signed-in bureau user and their bureau, or nullopt with a redirect to /login sent.
struct SignedBureau {
    store::WebSession session;
    store::Bureau bureau;
};
std::optional<SignedBureau> require_bureau_session(Exchange& x);
// True when the form's csrf field does not match the session's: the 403 page has been sent.
bool bureau_csrf_refused(Exchange& x, const SignedBureau& s, const std::map<std::string, std::string>& form);

// --- review_pages.cpp: the staff session (cookie staff_sid) shared by /review and /review/tasks.
std::optional<store::StaffSession> require_staff(Exchange& x);  // nullopt: redirect to /review/login sent
LayoutInfo staff_layout(const store::StaffSession& s, const std::string& title);

// --- api.cpp
// The Bearer principal, or 401 sent (with WWW-Authenticate), or 429 when
// the token is over its request rate.
std::optional<store::Principal> require_bearer(Exchange& x);
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
void handle_link_search_post(Exchange& x);       // POST /clients/link/search → 303 /clients/link?s=KEY
void handle_link_sent(Exchange& x, store::Id id);  // GET /clients/link/sent/{id}: a request's result page
void handle_link_result(Exchange& x);             // GET /clients/link/result?fel=KEY: why a request was not sent
void handle_notices_seen(Exchange& x);            // POST /notices/seen
// A plain Swedish message page (errors carry the request id).
void send_message_page(Exchange& x, int status, const std::string& title, const std::string& text);

// --- form_pages.cpp (the pre-filled paper form over the web)
void handle_form_page(Exchange& x);               // GET /clients/form
void handle_form_post(Exchange& x);               // POST /clients/form
void handle_form_pdf(Exchange& x, store::Id id);  // GET /linkages/{id}/blankett.pdf

// --- approval.cpp
void handle_approve_get(Exchange& x, const std::string& token);
void handle_approve_post(Exchange& x, const std::string& token);

// --- activation_api.cpp (issue 7; bureau isolation: another bureau's id is 404)
void handle_api_activation_list(Exchange& x);
void handle_api_client_list(Exchange& x);
// POST /api/v1/linkages/{id}/{activation|permissions|revocation}, GET …/{id}/history
void handle_api_linkage_action(Exchange& x, store::Id id, const std::string& action);
// Digits only, no sign, no overflow; nullopt otherwise.
std::optional<store::Id> parse_id(std::string_view text);

// --- activation_pages.cpp (bureau pages, Swedish)
void handle_activation_page(Exchange& x);
void handle_activation_post(Exchange& x, store::Id id);
void handle_history_page(Exchange& x, store::Id id);
void handle_permissions_post(Exchange& x, store::Id id);  // POST /linkages/{id}/permissions
void handle_revocation_post(Exchange& x, store::Id id);   // POST /linkages/{id}/revocation
// The bureau's client list with consultants and permissions (the /clients page's first table).
Data client_list_data(Exchange& x, store::Id bureau_id);

// --- review_pages.cpp (staff only; review::Reviewer does the work)
void handle_review_login_page(Exchange& x);
void handle_review_login(Exchange& x);
void handle_review_logout(Exchange& x);
void handle_review_queue(Exchange& x);
void handle_review_document(Exchange& x, store::Id id);
void handle_review_post(Exchange& x, store::Id id);
// `which`: a field index ("0".."n"), "signature" or "page" of the DocumentView.
void handle_review_image(Exchange& x, store::Id id, const std::string& which);

// --- tasks_pages.cpp (staff only; issue 17): the task page, the morning report page, originals
void handle_tasks_page(Exchange& x);                                  // GET /review/tasks
void handle_tasks_report(Exchange& x);                                // GET /review/tasks/report
void handle_tasks_original(Exchange& x, const std::string& sha256);  // GET /review/tasks/original/{sha256}

// --- ops.cpp (issue 9)
void handle_healthz(Exchange& x);
void handle_metrics(Exchange& x);

// A Desk for this request (its own connection, the app's rules and clock).
digital::Desk desk_for(Exchange& x);

}  // namespace web
