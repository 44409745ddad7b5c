#include "batch/summary.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace cli {

int cmd_report(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {"open", "json"});
    auto latest = batch::latest_report(ctx.settings().get_path("paths.reports"));
    if (!latest) {
        ctx.err << "linkage: no report yet in " << ctx.settings().get_path("paths.reports").string()
                << ": run linkage batch first\n";
        return k_exit_refused;
    }
    if (args.flag("open")) {
        auto html = std::filesystem::path(*latest).replace_extension(".html");
        ctx.out << (std::filesystem::exists(html) ? html : *latest).string() << '\n';
        return k_exit_ok;
    }
    std::ifstream in(*latest);
    std::ostringstream text;
    text << in.rdbuf();
    if (args.flag("json")) {
        ctx.out << text.str();
        return k_exit_ok;
    }
    auto o = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    batch::Summary s;
    s.kind = o->getValue<std::string>("kind");
    s.started_at = o->getValue<std::string>("started_at");
    s.finished_at = o->getValue<std::string>("finished_at");
    s.files = o->getValue<int>("files");
    s.documents = o->getValue<int>("documents");
    s.ignored_pages = o->getValue<int>("ignored_pages");
    for (auto& [k, v] : *o->getObject("outcomes")) s.outcomes[k] = v.convert<int>();
    for (auto& [k, v] : *o->getObject("reasons")) s.reasons[k] = v.convert<int>();
    s.seconds = o->getObject("timing")->getValue<double>("seconds");
    auto rev = o->getArray("review");
    for (size_t i = 0; rev && i < rev->size(); ++i) s.review.push_back({});
    auto rej = o->getArray("rejected");
    for (size_t i = 0; rej && i < rej->size(); ++i) {
        auto r = rej->getObject(static_cast<unsigned>(i));
        s.rejected.push_back({r->getValue<std::string>("file"), r->getValue<std::string>("stored_path"), {},
                              r->getValue<std::string>("note")});
    }
    ctx.out << "latest report: " << latest->string() << " (finished " << s.finished_at << ")\n";
    s.print(ctx.out);
    return k_exit_ok;
}

}  // namespace cli
