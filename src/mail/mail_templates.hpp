// MailTemplates: composes the Swedish messages of the digital path from the
// mustache templates in templates/mail/ (<name>.subject.mustache and
// <name>.body.mustache). Mail bodies are text/plain, so values are inserted
// verbatim ({{{x}}}): HTML in a company name is shown as text, never run;
// header injection is impossible because headers are encoded when the
// message is formatted (rfc5322.hpp).
//
// Owns: the template texts, read once. Thread-safety: immutable after
// construction; render from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace mail {

struct ComposedMail {
    std::string subject;  // one line, UTF-8
    std::string body;     // UTF-8, LF line ends
};

struct ApprovalMail {
    std::string recipient_name;
    std::string bureau_name;
    std::string bureau_orgnr;
    std::string client_name;
    std::string client_orgnr;
    std::string requester_name;
    std::string requested_at;  // Swedish display text
    std::string valid_until;   // Swedish display text
    std::string link;          // the personal approval link
};

// To the bureau user who asked for a linkage (issue 17): approved, declined,
// expired, or an approval mail that cannot be delivered.
struct BureauNoticeMail {
    std::string kind;  // approved | declined | expired | mail_undeliverable
    std::string recipient_name;
    std::string bureau_name;
    std::string client_name;
    std::string client_orgnr;  // as shown (a personal number masked)
    std::string text;          // what happened, one or two sentences
    std::string next_step;     // what the bureau can do now
    std::string link;          // the linkage's history page
};

class MailTemplates {
public:
    // Reads every template under `dir` (templates/mail). Throws
    // std::runtime_error naming the file when one is missing (broken installation).
    explicit MailTemplates(const std::filesystem::path& dir);

    ComposedMail approval_request(const ApprovalMail& m) const;
    ComposedMail bureau_notice(const BureauNoticeMail& m) const;

private:
    ComposedMail render(const std::string& name, const std::map<std::string, std::string>& values) const;
    std::map<std::string, std::string> m_texts;
};

}  // namespace mail
