#include "store/store.hpp"

#include "store/migrations.hpp"
#include "store/sqlite_connection.hpp"

namespace store {

std::string default_store_url(const std::filesystem::path& home) {
    return "sqlite:" + (home / "linkage.db").string();
}

std::unique_ptr<Connection> open_store(const StoreConfig& config) {
    const std::string& url = config.url;
    if (url.rfind("sqlite:", 0) == 0) {
        std::filesystem::path file = url.substr(7);
        if (file.empty()) throw StoreError("store URL '" + url + "' names no file");
        if (file.has_parent_path() && !std::filesystem::is_directory(file.parent_path()))
            throw StoreError("cannot open the store " + file.string() + ": folder " +
                             file.parent_path().string() + " does not exist (run 'linkage init')");
        SqliteOptions opts;
        opts.busy_timeout_ms = config.busy_timeout_ms;
        auto c = open_sqlite(file, opts);
        migrate(*c);
        return c;
    }
    if (url.rfind("postgresql:", 0) == 0 || url.rfind("postgres:", 0) == 0)
        throw StoreError("store URL '" + url.substr(0, url.find(':')) +
                         ":…': PostgreSQL is designed for (docs/scale-out.md) but not built yet; use sqlite:PATH");
    throw StoreError("store URL must start with 'sqlite:' (got '" + url.substr(0, 20) + "')");
}

}  // namespace store
