#include "web/pages.hpp"
#include "core/error.hpp"

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace web {

namespace {
std::atomic<std::uint64_t> g_next_serial{1};
}  // namespace

Pages::Pages(const std::filesystem::path& dir) : m_serial(g_next_serial++) {
    if (!std::filesystem::is_directory(dir))
        throw core::InstallError("page templates folder " + dir.string() + " is missing (broken installation)");
    for (auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".mustache") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        kainjow::mustache::mustache check(s.str());
        if (!check.is_valid())
            throw core::InstallError("page template " + entry.path().string() + ": " + check.error_message());
        m_texts[entry.path().stem().string()] = s.str();
    }
    if (!m_texts.count("layout"))
        throw core::InstallError("page template " + (dir / "layout.mustache").string() + " is missing");
}

std::string Pages::render_one(const std::string& name, const Data& data) const {
    // Parsing a template costs more than rendering it; each server thread
    // keeps its own parsed copies (a parsed template is not shared between
    // threads). Keyed by this object's serial, so a new Pages never sees
    // another's templates.
    thread_local std::map<std::pair<std::uint64_t, std::string>, std::unique_ptr<kainjow::mustache::mustache>> parsed;
    auto& tmpl = parsed[{m_serial, name}];
    if (!tmpl) {
        auto it = m_texts.find(name);
        if (it == m_texts.end()) throw core::InternalError("no page template '" + name + "'");
        if (parsed.size() > 256) {  // servers come and go in tests: keep the cache small
            parsed.clear();
            return render_one(name, data);
        }
        tmpl = std::make_unique<kainjow::mustache::mustache>(it->second);
    }
    return tmpl->render(data);
}

std::string Pages::render(const std::string& name, const Data& data, const LayoutInfo& layout) const {
    Data outer;
    outer.set("title", layout.title);
    outer.set("content", render_one(name, data));
    if (layout.user_name) {
        Data user;
        user.set("name", *layout.user_name);
        user.set("bureau", layout.bureau_name.value_or(""));
        user.set("csrf", layout.csrf);
        user.set("logout_action", layout.logout_action);
        user.set("bureau_nav", layout.bureau_nav);
        outer.set("user", user);
    }
    if (layout.request_id) outer.set("request_id", *layout.request_id);
    return render_one("layout", outer);
}

}  // namespace web
