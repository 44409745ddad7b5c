// Pages: the Swedish HTML pages, rendered from the mustache templates in
// templates/web/ (kainjow mustache: {{x}} is HTML-escaped, so a company
// name with HTML in it is shown as text). Each page is rendered and then
// wrapped in layout.mustache. Internal to the web module.
//
// Owns: the template texts, read once at start. Thread-safety: immutable
// after construction; render from any thread.
#pragma once

#include <kainjow/mustache.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace web {

using Data = kainjow::mustache::data;

struct LayoutInfo {
    std::string title;
    std::optional<std::string> user_name;    // signed-in user: shows the menu and sign-out
    std::optional<std::string> bureau_name;
    std::string csrf;                        // for the sign-out form
    std::optional<std::string> request_id;   // shown on error pages
    bool bureau_nav = false;                 // the bureau menu (Klienter, Aktiveringslista)
    std::string logout_action = "/logout";   // staff sign out at /review/logout
};

class Pages {
public:
    // Reads every *.mustache under `dir`. Throws std::runtime_error when
    // the folder or layout.mustache is missing (broken installation).
    explicit Pages(const std::filesystem::path& dir);
    // Renders templates/web/<name>.mustache with `data`, inside the layout.
    std::string render(const std::string& name, const Data& data, const LayoutInfo& layout) const;

private:
    std::string render_one(const std::string& name, const Data& data) const;
    std::uint64_t m_serial;
    std::map<std::string, std::string> m_texts;
};

}  // namespace web
