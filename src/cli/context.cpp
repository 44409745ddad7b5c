#include "cli/context.hpp"

#include "store/store.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <pwd.h>

#ifndef LINKAGE_SOURCE_DIR
#define LINKAGE_SOURCE_DIR "."
#endif

namespace cli {

Context::Context(std::filesystem::path home, config::Settings settings, std::ostream& o, std::ostream& e)
    : out(o), err(e), m_home(std::move(home)), m_settings(std::move(settings)) {}

std::filesystem::path Context::share_dir() const {
    std::string configured = m_settings.get("paths.share");
    if (!configured.empty()) return m_settings.get_path("paths.share");
    return LINKAGE_SOURCE_DIR;
}

const core::Rules& Context::rules() {
    if (!m_rules) m_rules = core::Rules::load(share_dir() / "data");
    return *m_rules;
}

std::string Context::store_url() const {
    std::string url = m_settings.get("store.url");
    return url.empty() ? store::default_store_url(m_home) : url;
}

store::StoreConfig Context::store_config() const {
    store::StoreConfig cfg;
    cfg.url = store_url();
    cfg.busy_timeout_ms = m_settings.get_int("store.busy_timeout_ms");
    cfg.home = m_home;
    return cfg;
}

store::Connection& Context::store() {
    if (!m_store) {
        store::StoreConfig cfg = store_config();
        cfg.create = m_create_store;
        cfg.read_only = m_read_only_store && !m_create_store;
        m_store = store::open_store(cfg);
    }
    return *m_store;
}

HomeLock::HomeLock(const std::filesystem::path& home) {
    m_fd = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    m_held = m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) == 0;
}

HomeLock::~HomeLock() {
    if (m_fd >= 0) ::close(m_fd);
}

std::string Context::actor() const {
    if (const char* u = std::getenv("LINKAGE_ACTOR")) return std::string("cli:") + u;
    if (passwd* pw = getpwuid(geteuid())) return std::string("cli:") + pw->pw_name;
    return "cli";
}

}  // namespace cli
