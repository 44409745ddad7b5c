// The second half of `linkage demo` (README command (a), issue 7): after the
// batch over the sample scans, the digital path and activation, with no
// server: a bureau user's request through digital::Desk, its mail delivered
// into outbox/, the administrator's approval through the link read from that
// .eml, both paths in the activation list, one linkage activated.
#include "activation/activation.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "digital/desk.hpp"
#include "mail/rfc5322.hpp"
#include "mail/sender.hpp"
#include "mail/transport.hpp"
#include "store/auth_repo.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

namespace cli {

namespace {

namespace fs = std::filesystem;

// The approval token in an .eml (quoted-printable body: soft line breaks removed first).
std::string token_in_eml(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str(), joined;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "=\r\n") == 0) i += 2;
        else if (text.compare(i, 2, "=\n") == 0) i += 1;
        else joined += text[i];
    }
    auto at = joined.find("/approve/");
    if (at == std::string::npos) return {};
    at += 9;
    auto end = at;
    while (end < joined.size() && (std::isalnum(static_cast<unsigned char>(joined[end])) || joined[end] == '-' ||
                                   joined[end] == '_'))
        ++end;
    return joined.substr(at, end - at);
}

// How this program was started, for commands a reader can paste: relative to
// the working directory when it lies below it (./build/linkage).
std::string program() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return "linkage";
    auto rel = fs::relative(exe, fs::current_path(ec), ec);
    if (!ec && !rel.empty() && rel.string().rfind("..", 0) != 0) return "./" + rel.string();
    return exe.string();
}

std::string quoted(const std::string& s) {
    if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The demo's last words: what to try next (the README's web tour).
void print_next_steps(Context& ctx) {
    const std::string l = program() + " --home " + quoted(ctx.home().string());
    ctx.out << "\n== What to try next: the web tour (five minutes; README.md, \"Web tour\")\n"
            << "  echo 'Norrsken-2026!' | " << l << " user password anna.norrsken   # a bureau user's password\n"
            << "  echo 'Granskning-2026!' | " << l << " user add-staff eva --name 'Eva Ek'   # a staff user\n"
            << "  " << l << " serve --port 8080\n"
            << "Then, in a browser:\n"
            << "  http://127.0.0.1:8080/review/login   eva / Granskning-2026!: the review queue; open a document,\n"
            << "                                       correct a field, Enter approves\n"
            << "  http://127.0.0.1:8080/login          anna.norrsken / Norrsken-2026!: Klienter, Koppla klient,\n"
            << "                                       search 559567-8904 and 101455, Skicka förfrågan\n"
            << "  the approval mail lands in " << ctx.settings().get_path("paths.outbox").string()
            << "/ (newest .eml): open its /approve/ link and approve\n"
            << "Stop the server with Ctrl-C. Without a server: " << l << " review list, " << l << " report\n";
}

}  // namespace

int demo_digital_path_and_activation(Context& ctx) {
    const std::string bureau_orgnr = "559123-4561", username = "anna.norrsken", client = "556612-3450";
    const auto& s = ctx.settings();
    store::Connection& db = ctx.store();
    mail::MailTemplates templates(ctx.share_dir() / "templates" / "mail");
    digital::Desk desk(db, ctx.clock(), ctx.rules(), templates,
                       digital::DeskOptions{s.get_int("tokens.valid_days", 1, 365), s.link_base_url()});

    ctx.out << "\n== 7. A digital request (what POST /api/v1/linkage-requests does)\n";
    auto who = store::AuthRepo(db).user_with_password(username);
    if (!who) {
        ctx.err << "linkage: demo: no bureau user " << username << " in the sample registry\n";
        return k_exit_refused;
    }
    auto req = desk.request(who->first, client);
    if (req.status == digital::RequestResult::Status::conflict && req.search.live) {
        // demo run again on the same home: say what is already done, show it, and go on.
        const auto& live = *req.search.live;
        ctx.out << "already done by an earlier demo run on this home: linkage #" << live.id << " ("
                << live.bureau_name << " – " << live.client_name << ") is " << core::to_string(live.state)
                << ", so steps 7–10 (request, mail, approval, activation) are not repeated.\n"
                   "For every step again, use a fresh home: linkage --home var2 demo\n";
        ctx.out << "\n== 11. Client list and the linkage's history (linkage client-list, linkage show)\n";
        if (int rc = cmd_client_list(ctx, {"--bureau", bureau_orgnr}); rc != k_exit_ok) return rc;
        if (int rc = cmd_show(ctx, {std::to_string(live.id)}); rc != k_exit_ok) return rc;
        print_next_steps(ctx);
        return k_exit_ok;
    }
    if (req.status != digital::RequestResult::Status::created) {
        ctx.err << "linkage: demo: " << username << " cannot request " << client << ": " << req.search.message
                << "; the demo stops at step 7 (try a fresh home: linkage --home var2 demo)\n";
        return k_exit_refused;
    }
    ctx.out << username << " (Redovisningsbyrån Norrsken AB) asked " << req.search.client->name << " to approve: linkage #"
            << req.linkage_id << ", " << req.administrators_notified << " administrator(s) notified\n";

    const fs::path outbox = s.get_path("paths.outbox");
    fs::create_directories(outbox);
    std::set<fs::path> before;
    for (auto& e : fs::directory_iterator(outbox)) before.insert(e.path());
    mail::OutboxTransport transport(outbox);
    auto sent = mail::send_due(db, transport, ctx.clock(), mail::parse_mailbox(s.get("smtp.from")));
    std::string token;
    for (auto& e : fs::directory_iterator(outbox))
        if (!before.count(e.path()) && e.path().extension() == ".eml") {
            ctx.out << "mail written: " << e.path().string() << '\n';
            if (token.empty()) token = token_in_eml(e.path());
        }
    ctx.out << sent.sent << " mail(s) delivered to the outbox\n";

    ctx.out << "\n== 8. The administrator opens the link and approves (GET/POST /approve/TOKEN)\n";
    auto view = desk.open(token);
    ctx.out << view.recipient_name << " sees: " << view.linkage.bureau_name << " asks to link "
            << view.linkage.client_name << " (valid until " << view.valid_until << ")\n";
    auto decided = desk.decide(token, digital::Decision::approve);
    ctx.out << "decision: " << (decided.status == digital::DecideResult::Status::done ? "approved" : "not changed")
            << " by " << decided.view.decided_by_name.value_or(view.recipient_name) << '\n';

    ctx.out << "\n== 9. The bureau's activation list (both paths: paper and digital)\n";
    if (int rc = cmd_activation_list(ctx, {"--bureau", bureau_orgnr}); rc != k_exit_ok) return rc;

    ctx.out << "\n== 10. Activate the digital one: per.norrsken may do bookkeeping and reports\n";
    if (int rc = cmd_activate(ctx, {std::to_string(req.linkage_id), "--consultant", "per.norrsken=bookkeeping,reports"});
        rc != k_exit_ok)
        return rc;
    ctx.out << "\n== 11. Client list and the linkage's history (linkage client-list, linkage show)\n";
    if (int rc = cmd_client_list(ctx, {"--bureau", bureau_orgnr}); rc != k_exit_ok) return rc;
    if (int rc = cmd_show(ctx, {std::to_string(req.linkage_id)}); rc != k_exit_ok) return rc;
    print_next_steps(ctx);
    return k_exit_ok;
}

}  // namespace cli
