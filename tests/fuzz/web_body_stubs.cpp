// Link stubs for web_body_fuzz (see CMakeLists.txt): src/web/app.cpp is
// compiled alone, and after --gc-sections only App's constructor still
// refers to other modules (and UserStash::put, which the target never calls). The fuzz target never constructs an App, so these
// stand-ins trap if that ever changes.
#include "digital/secrets.hpp"
#include "mail/mail_templates.hpp"
#include "web/pages.hpp"

mail::MailTemplates::MailTemplates(const std::filesystem::path&) { __builtin_trap(); }
web::Pages::Pages(const std::filesystem::path&) { __builtin_trap(); }
std::string digital::random_token(std::size_t) { __builtin_trap(); }
