#include "mail/transport.hpp"

#include "config/settings.hpp"
#include "core/email_address.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/SocketStream.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <sstream>

namespace mail {

namespace {

// Writes all of `text` to `fd`; false (errno set) on failure.
bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void fsync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// The SMTP session with its dialogue socket reachable (protected in Poco).
class SmtpSession final : public Poco::Net::SecureSMTPClientSession {
public:
    using SecureSMTPClientSession::SecureSMTPClientSession;
    using SecureSMTPClientSession::socket;
};

// DialogSocket::peek() at the end of the stream (its EOF_CHAR is private).
constexpr int k_eof = -1;

// One SMTP dialogue, each command checked against the replies it allows.
class Dialogue {
public:
    Dialogue(SmtpSession& session, std::string relay) : m_session(session), m_relay(std::move(relay)) {}

    // Throws PermanentTransportError when the relay has sent anything not
    // yet asked for (lines already buffered, or arriving within a
    // millisecond): the next reply read would belong to another command.
    void expect_silence(const std::string& after) {
        auto& socket = m_session.socket();
        const Poco::Timespan saved = socket.getReceiveTimeout();
        int next = k_eof;
        socket.setReceiveTimeout(Poco::Timespan(0, 1000));
        try {
            next = socket.peek();
        } catch (const Poco::TimeoutException&) {
            next = k_eof;
        }
        socket.setReceiveTimeout(saved);
        if (next != k_eof)
            throw PermanentTransportError("SMTP " + m_relay + ": the relay sent a reply nobody asked for after " + after +
                                          " (the dialogue is out of step); the message is not retried");
    }

    // Sends `command` (never containing CR or LF) and returns the reply when
    // its code is one of `allowed`. 4xx/5xx: TransportError (temporary);
    // any other code: PermanentTransportError (out of step).
    std::string command(const std::string& command, const std::string& name, std::initializer_list<int> allowed) {
        if (command.find_first_of("\r\n") != std::string::npos)
            throw PermanentTransportError("SMTP " + m_relay + ": refusing to send a " + name +
                                          " command containing a line break");
        expect_silence("the reply before " + name);
        std::string response;
        const int status = m_session.sendCommand(command, response);
        check(status, response, name, allowed);
        return response;
    }

    void check(int status, const std::string& response, const std::string& name, std::initializer_list<int> allowed) {
        for (int a : allowed)
            if (status == a) return;
        if (status / 100 == 4 || status / 100 == 5)
            throw TransportError("SMTP " + m_relay + ": the relay refused " + name + ": " + printable(response));
        throw PermanentTransportError("SMTP " + m_relay + ": the relay answered " + name + " with '" +
                                      printable(response) + "', which does not belong to it (the dialogue is out of "
                                      "step); the message is not retried");
    }

private:
    SmtpSession& m_session;
    std::string m_relay;
};

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    for (unsigned char c : text) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
            out += buf;
        }
    }
    return out;
}

void OutboxTransport::deliver(const std::string& message_id, const std::string&, const std::string&,
                              const std::string& message) {
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    const auto final_path = m_dir / eml_file_name(message_id);
    if (std::filesystem::exists(final_path)) return;  // written before a crash: delivered already
    const auto tmp = m_dir / ("." + eml_file_name(message_id) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) throw TransportError("cannot write " + tmp.string() + ": " + std::strerror(errno));
    bool ok = write_all(fd, message) && ::fsync(fd) == 0;
    int saved = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
        if (ok) saved = errno;
        ::unlink(tmp.c_str());
        throw TransportError("cannot write " + final_path.string() + ": " + std::strerror(saved));
    }
    fsync_dir(m_dir);
}

void SmtpTransport::deliver(const std::string&, const std::string& from, const std::string& to,
                            const std::string& message) {
    const std::string relay = m_o.host + ":" + std::to_string(m_o.port);
    // Checked before connecting: nothing of a bad address reaches the relay.
    if (auto problem = core::email_address_problem(to))
        throw PermanentTransportError("SMTP " + relay + ": recipient '" + printable(to) +
                                      "' is not a valid e-mail address: it " + *problem +
                                      "; the message is not sent (correct the address in the registry)");
    if (auto problem = core::email_address_problem(from))
        throw TransportError("SMTP " + relay + ": sender '" + printable(from) + "' (smtp.from) is not a valid e-mail "
                             "address: it " + *problem + "; correct smtp.from");
    try {
        SmtpSession session(m_o.host, static_cast<Poco::UInt16>(m_o.port));
        session.setTimeout(Poco::Timespan(m_o.timeout_seconds, 0));
        Dialogue dialogue(session, relay);
        session.login();
        dialogue.expect_silence("EHLO");
        if (m_o.starttls) {
            static std::once_flag ssl_once;
            std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
            // Verify the relay's certificate against the system's CA store.
            Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                                 Poco::Net::Context::VERIFY_RELAXED, 9, true);
            if (!session.startTLS(ctx)) throw TransportError("the relay does not offer STARTTLS");
        }
        if (!m_o.user.empty())
            session.login(Poco::Net::SMTPClientSession::AUTH_PLAIN, m_o.user, m_o.password);
        else if (m_o.starttls)
            session.login();  // EHLO again over TLS (RFC 3207)
        dialogue.command("MAIL FROM:<" + from + ">", "MAIL FROM", {250});
        dialogue.command("RCPT TO:<" + to + ">", "RCPT TO", {250, 251});
        dialogue.command("DATA", "DATA", {354});
        {
            Poco::Net::SocketOutputStream socket_out(session.socket());
            Poco::Net::MailOutputStream mail_out(socket_out);  // dot-stuffing and the final "."
            mail_out << message;
            mail_out.close();
            socket_out.flush();
        }
        std::string response;
        const int status = session.socket().receiveStatusMessage(response);
        dialogue.check(status, response, "the end of the message", {250});
        // Accepted: what follows cannot undo the delivery.
        try {
            session.close();
        } catch (const Poco::Exception&) {
        }
    } catch (const TransportError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw TransportError("SMTP " + relay + ": " + printable(e.displayText(), 300));
    } catch (const std::exception& e) {
        throw TransportError("SMTP " + relay + ": " + printable(e.what(), 300));
    }
}

std::unique_ptr<Transport> transport_from_settings(const config::Settings& s) {
    if (s.get("smtp.host").empty()) return std::make_unique<OutboxTransport>(s.get_path("paths.outbox"));
    SmtpOptions o;
    o.host = s.get("smtp.host");
    o.port = s.get_int("smtp.port", 1, 65535);
    o.user = s.get("smtp.user");
    o.password = s.get("smtp.password");
    o.starttls = s.get_bool("smtp.starttls");
    return std::make_unique<SmtpTransport>(std::move(o));
}

}  // namespace mail
