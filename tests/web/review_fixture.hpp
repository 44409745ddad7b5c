// ReviewFixture: a state directory made by the README demo (`linkage demo`
// leaves one form in review: signed by a client user who is not an
// administrator), a staff user "stina" (`linkage user add-staff`), and a
// running web::Server on it with the system clock. Header-only, for tests/web.
#pragma once

#include "child_process.hpp"
#include "web_fixture.hpp"

namespace test_support {

class ReviewFixture {
public:
    ReviewFixture() : port(free_port()), base_url("http://127.0.0.1:" + std::to_string(port)) {
        home = dir.path() / "home";
        auto demo = run_linkage({"--home", home.string(), "demo"});
        if (demo.exit_code != 0) throw std::runtime_error("demo failed: " + demo.err);
        auto staff = run_linkage({"--home", home.string(), "user", "add-staff", "stina", "--name", "Stina Granskare"},
                                 "granska-noga-1\n");
        if (staff.exit_code != 0) throw std::runtime_error("add-staff failed: " + staff.err);
        db = open_test_store(home);
        web::ServerOptions o;
        o.port = port;
        o.base_url = base_url;
        o.share_dir = source_dir();
        o.home = home;
        const auto h = home;
        o.open_store = [h] { return open_test_store(h); };
        server = std::make_unique<web::Server>(o, clock, rules, &access_log, nullptr);
        server->start();
    }
    ~ReviewFixture() {
        if (server) server->stop(std::chrono::seconds(5));
    }
    // A signed-in staff client.
    HttpClient staff() {
        HttpClient c(port);
        auto page = c.get("/review/login");
        auto r = c.post_form("/review/login",
                             {{"username", "stina"}, {"password", "granska-noga-1"}, {"csrf", hidden_field(page.body, "csrf")}});
        if (r.status != 303) throw std::runtime_error("staff sign-in failed: " + std::to_string(r.status));
        return c;
    }
    std::string open_document() {
        auto s = db->prepare("SELECT CAST(min(id) AS TEXT) FROM documents WHERE review_state = 'open'");
        return s->step() && !s->is_null(0) ? s->get_text(0) : std::string();
    }
    std::int64_t scalar(const std::string& sql) {
        auto s = db->prepare(sql);
        s->step();
        return s->get_int(0);
    }

    TempDir dir;
    std::filesystem::path home;
    core::SystemClock clock;
    core::Rules rules = shipped_rules();
    std::unique_ptr<store::Connection> db;
    int port;
    std::string base_url;
    std::ostringstream access_log;
    std::unique_ptr<web::Server> server;
};

}  // namespace test_support
