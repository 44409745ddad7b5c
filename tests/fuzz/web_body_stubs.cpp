// Link stubs for web_body_fuzz (see CMakeLists.txt): src/web/app.cpp is
// compiled alone, and after --gc-sections only App's constructor still
// refers to other modules. The fuzz target never constructs an App, so these
// stand-ins trap if that ever changes.
#include "mail/mail_templates.hpp"
#include "web/pages.hpp"

mail::MailTemplates::MailTemplates(const std::filesystem::path&) { __builtin_trap(); }
web::Pages::Pages(const std::filesystem::path&) { __builtin_trap(); }
