#include "mail/mail_templates.hpp"
#include "core/error.hpp"

#include <kainjow/mustache.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mail {

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw core::InstallError("mail template " + p.string() + " is missing (broken installation)");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

}  // namespace

MailTemplates::MailTemplates(const std::filesystem::path& dir) {
    for (const char* name : {"approval-request", "bureau-notice"}) {
        m_texts[std::string(name) + ".subject"] = read_text(dir / (std::string(name) + ".subject.mustache"));
        m_texts[std::string(name) + ".body"] = read_text(dir / (std::string(name) + ".body.mustache"));
    }
}

ComposedMail MailTemplates::render(const std::string& name, const std::map<std::string, std::string>& values) const {
    kainjow::mustache::data data;
    for (auto& [k, v] : values) data.set(k, v);
    ComposedMail out;
    for (const char* part : {".subject", ".body"}) {
        kainjow::mustache::mustache tmpl(m_texts.at(name + part));
        if (!tmpl.is_valid()) throw core::InstallError("mail template " + name + part + ": " + tmpl.error_message());
        std::string text = tmpl.render(data);
        if (std::string(part) == ".subject") out.subject = one_line(text);
        else out.body = text;
    }
    return out;
}

ComposedMail MailTemplates::approval_request(const ApprovalMail& m) const {
    // Values are user data: flatten line breaks so a name cannot forge lines.
    return render("approval-request", {{"recipient_name", one_line(m.recipient_name)},
                                       {"bureau_name", one_line(m.bureau_name)},
                                       {"bureau_orgnr", m.bureau_orgnr},
                                       {"client_name", one_line(m.client_name)},
                                       {"client_orgnr", m.client_orgnr},
                                       {"requester_name", one_line(m.requester_name)},
                                       {"requested_at", m.requested_at},
                                       {"valid_until", m.valid_until},
                                       {"link", m.link}});
}

ComposedMail MailTemplates::bureau_notice(const BureauNoticeMail& m) const {
    return render("bureau-notice", {{m.kind, "1"},
                                    {"recipient_name", one_line(m.recipient_name)},
                                    {"bureau_name", one_line(m.bureau_name)},
                                    {"client_name", one_line(m.client_name)},
                                    {"client_orgnr", m.client_orgnr},
                                    {"text", m.text},
                                    {"next_step", m.next_step},
                                    {"link", m.link}});
}

}  // namespace mail
