// `linkage mail`: the mail queue from the command line — its state, and one
// delivery pass (the same code the server's sender thread runs).
#include "core/local_time.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "mail/sender.hpp"
#include "store/mail_queue.hpp"

#include <Poco/JSON/Object.h>

#include <iomanip>

namespace cli {

int cmd_mail(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"lease-seconds"}, {"json"});
    const auto& pos = args.positionals();
    const std::string usage = "usage: linkage mail status [--json] | linkage mail send [--lease-seconds N]";
    if (pos.size() != 1 || (pos[0] != "status" && pos[0] != "send")) throw UsageError(usage);
    auto transport = mail::transport_from_settings(ctx.settings());
    if (pos[0] == "send") {
        // --lease-seconds: how long each message is reserved while it is being
        // delivered (default 300); after a crash, how long that message waits.
        auto lease = mail::k_default_lease;
        if (auto v = args.value("lease-seconds")) {
            try {
                size_t used = 0;
                long n = std::stol(*v, &used);
                if (used != v->size() || n < 1 || n > 86400) throw std::out_of_range("");
                lease = std::chrono::seconds(n);
            } catch (const std::exception&) {
                throw UsageError("--lease-seconds must be a whole number from 1 to 86400\n" + usage);
            }
        }
        auto r = mail::send_due(ctx.store(), *transport, ctx.clock(),
                                mail::parse_mailbox(ctx.settings().get("smtp.from")), 100, lease);
        ctx.out << "sent " << r.sent << ", not delivered " << r.failed << " (" << transport->describe() << ")\n";
        if (r.failed) {
            ctx.out << "last error: " << r.last_error << '\n';
            if (r.failed > r.undeliverable) ctx.out << "the messages not delivered now stay queued and are retried\n";
            if (r.undeliverable)
                ctx.out << r.undeliverable << " message(s) can never be delivered as they are: marked failed, not "
                           "retried (see 'linkage mail status')\n";
        }
        return k_exit_ok;
    }
    store::MailQueue queue(ctx.store());
    auto st = queue.status();
    if (args.flag("json")) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("transport", transport->describe());
        o.set("queued", st.queued);
        o.set("retrying", st.retrying);
        o.set("sent", st.sent);
        o.set("failed", st.failed);
        o.set("oldest_queued_at", st.oldest_queued_at ? Poco::Dynamic::Var(*st.oldest_queued_at) : Poco::Dynamic::Var());
        o.set("next_attempt_at", st.next_attempt_at ? Poco::Dynamic::Var(*st.next_attempt_at) : Poco::Dynamic::Var());
        o.set("last_error", st.last_error ? Poco::Dynamic::Var(*st.last_error) : Poco::Dynamic::Var());
        o.stringify(ctx.out);
        ctx.out << '\n';
        return k_exit_ok;
    }
    ctx.out << "transport: " << transport->describe() << "\n"
            << "queued: " << st.queued << " (retrying " << st.retrying << ")\n"
            << "sent: " << st.sent << '\n'
            << "failed (not retried): " << st.failed << '\n';
    if (st.oldest_queued_at) ctx.out << "oldest queued: " << core::stockholm_time(*st.oldest_queued_at) << '\n';
    if (st.next_attempt_at) ctx.out << "next attempt: " << core::stockholm_time(*st.next_attempt_at) << '\n';
    if (st.last_error) ctx.out << "last error: " << *st.last_error << '\n';
    for (auto& m : queue.list())
        if (m.state == "queued")
            ctx.out << "  #" << std::left << std::setw(5) << m.id << mail::printable(m.recipient) << "  attempts " << m.attempts
                    << "  next " << core::stockholm_time(m.next_attempt_at) << '\n';
    for (auto& m : queue.list())
        if (m.state == "failed")
            ctx.out << "  #" << std::left << std::setw(5) << m.id << mail::printable(m.recipient) << "  failed: "
                    << mail::printable(m.last_error.value_or(""), 300) << '\n';
    return k_exit_ok;
}

}  // namespace cli
