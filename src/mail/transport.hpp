// Transport: where a formatted message goes (a small interface, so tests can
// pass a fake). Two real ones:
//   OutboxTransport  writes <message-id>.eml into a folder atomically
//                    (temp → fsync → rename → fsync folder); a file that is
//                    already there counts as delivered, so a crash between
//                    writing and marking the message sent never duplicates it.
//   SmtpTransport    Poco::Net::SMTPClientSession to a relay, optional
//                    STARTTLS (Poco NetSSL) and AUTH PLAIN (one step; Poco 1.11
//                    misreads some servers' AUTH LOGIN prompts).
// deliver() returns nothing on success and throws TransportError when the
// message could not be delivered now (the sender retries later), or
// PermanentTransportError when it never can be as it is (the sender marks it
// failed and stops retrying):
//   * an envelope recipient that is not a valid address by
//     core::email_address_problem (the registry import applies the same
//     rule; a bad one in the store got there some other way). Nothing is
//     written to the relay then: no CR/LF or '>' ever reaches an SMTP command.
//   * a relay reply out of step with the dialogue: a code the command does
//     not allow (e.g. 354 to RCPT), or reply lines nobody asked for (sent
//     before the command, or after the reply that ended it). The session
//     can no longer be trusted to mean what the client thinks.
// A 4xx or 5xx reply, a refused connection, a timeout or a TLS/AUTH failure
// stays temporary: the relay or its configuration can be fixed and the
// queue then drains. An invalid sender (smtp.from) is temporary for the same
// reason.
//
// Thread-safety: a transport is used by one sender thread at a time.
#pragma once

#include "core/error.hpp"
#include "mail/rfc5322.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace config {
class Settings;
}

namespace mail {

// Kind config: the relay named by smtp.* cannot take the message now.
class TransportError : public core::Error {
public:
    explicit TransportError(const std::string& what) : core::Error(core::ErrorKind::config, what) {}
};

// The message cannot be delivered as it is; retrying would fail the same way.
class PermanentTransportError : public TransportError {
public:
    using TransportError::TransportError;
};

// `text` with every byte outside printable ASCII shown as \xNN, cut to
// `max` bytes: safe in an error message, a log line or last_error.
std::string printable(std::string_view text, std::size_t max = 120);

class Transport {
public:
    virtual ~Transport() = default;
    // `message`: the whole RFC 5322 text; `from`/`to`: envelope addresses.
    virtual void deliver(const std::string& message_id, const std::string& from, const std::string& to,
                         const std::string& message) = 0;
    // "outbox /path" or "smtp host:port" for status lines.
    virtual std::string describe() const = 0;
};

class OutboxTransport final : public Transport {
public:
    explicit OutboxTransport(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    void deliver(const std::string& message_id, const std::string& from, const std::string& to,
                 const std::string& message) override;
    std::string describe() const override { return "outbox " + m_dir.string(); }

private:
    std::filesystem::path m_dir;
};

struct SmtpOptions {
    std::string host;
    int port = 25;
    std::string user;      // empty: no AUTH
    std::string password;
    bool starttls = false;
    int timeout_seconds = 20;
};

class SmtpTransport final : public Transport {
public:
    explicit SmtpTransport(SmtpOptions o) : m_o(std::move(o)) {}
    void deliver(const std::string& message_id, const std::string& from, const std::string& to,
                 const std::string& message) override;
    std::string describe() const override { return "smtp " + m_o.host + ":" + std::to_string(m_o.port); }

private:
    SmtpOptions m_o;
};

// The transport the configuration asks for: SMTP when smtp.host is set,
// else the outbox folder paths.outbox. Throws config::ConfigError.
std::unique_ptr<Transport> transport_from_settings(const config::Settings& s);

}  // namespace mail
