// Formats a queued mail as an RFC 5322 message: UTF-8 text/plain, body
// quoted-printable (lines <= 76, no line starting with '.'), non-ASCII and
// user-supplied header text as RFC 2047 encoded words, CRLF line ends.
// The same bytes go to SMTP and to an outbox .eml file.
// Thread-safety: stateless.
#pragma once

#include "core/clock.hpp"
#include "store/mail_queue.hpp"

#include <string>
#include <string_view>

namespace mail {

struct Mailbox {
    std::string name;     // display name, may be empty
    std::string address;  // local@domain
};

// Parses "Name <addr@host>" or "addr@host".
Mailbox parse_mailbox(std::string_view text);

// The whole message, headers and body, CRLF line ends, ending with CRLF.
std::string format_message(const store::QueuedMail& m, const Mailbox& from, core::TimePoint date);

// "=?UTF-8?B?...?=" words (folded) when needed, else the text itself.
std::string encode_header_text(std::string_view text);
std::string quoted_printable(std::string_view text);

// A file name for a message id: [A-Za-z0-9._-] kept, others '_', plus ".eml".
std::string eml_file_name(std::string_view message_id);

}  // namespace mail
