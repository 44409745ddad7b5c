#include "mail/transport.hpp"

#include "config/settings.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetSSL.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

}  // namespace

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
    try {
        Poco::Net::SecureSMTPClientSession session(m_o.host, static_cast<Poco::UInt16>(m_o.port));
        session.setTimeout(Poco::Timespan(m_o.timeout_seconds, 0));
        session.login();
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
        session.sendAddresses(from, {to});
        session.sendData();
        std::istringstream in(message);
        session.sendMessage(in);
        session.close();
    } catch (const TransportError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw TransportError("SMTP " + m_o.host + ":" + std::to_string(m_o.port) + ": " + e.displayText());
    } catch (const std::exception& e) {
        throw TransportError("SMTP " + m_o.host + ":" + std::to_string(m_o.port) + ": " + e.what());
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
