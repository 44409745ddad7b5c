// The per-request boundary between the front (http_front.hpp) and the
// handlers: request id, dispatch through the route table (router.cpp),
// catching everything a handler throws (→ 500 with the request id, never a
// stack trace), the front's own refusals in the same shape, and one
// access-log line per request without secrets. Internal to the web module.
// Thread-safety: called from the front's threads concurrently; App is
// shared (see app.hpp).
#pragma once

#include "web/app.hpp"

#include <string>

namespace web {

// Runs one complete request through the route table.
void handle_request(App& app, const http::Request& req, http::Response& res);

// The front's own refusal (400, 408, 413, 431, 503 …): a JSON body under
// /api/ (and for 413, as the API promises), a short Swedish page elsewhere,
// with the request id and the security headers; logged like any request.
// `head` is null when the request line was not understood.
http::Response front_refusal(App& app, int status, const std::string& reason, const std::string& client_ip,
                             const http::Head* head, int listener);

// The request target as the access log shows it (issue 16): an absolute-form
// target reduced to its path; path and query percent-decoded before they are
// looked at, so an encoded `/approve/` is still recognised; the approval
// token (and any run of 32 or more token characters) replaced; long numbers
// in the query (personal identity numbers) masked after the first six
// digits; every byte outside printable ASCII written as \xNN.
std::string loggable_target(const std::string& target);

}  // namespace web
