// `linkage form blank|prefill`: prints the linkage form (SPEC §4.1). prefill
// also records the pending paper linkage that the form's reference code
// names, so a signed scan can later be tied to it.
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/form_template.hpp"
#include "core/org_number.hpp"
#include "forms/form_pdf.hpp"
#include "forms/reference_code.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Object.h>

#include <ostream>
#include <sstream>

namespace cli {

namespace {

constexpr int k_form_version = 1;

core::FormTemplate load_template(Context& ctx) {
    try {
        return core::FormTemplate::load(core::template_path(ctx.share_dir() / "templates", k_form_version));
    } catch (const core::TemplateError& e) {
        throw config::ConfigError(std::string("form template: ") + e.what());
    }
}

std::optional<store::Client> find_client(store::RegistryRepo& repo, const std::string& text) {
    if (auto on = core::OrgNumber::parse(text))
        if (auto c = repo.client_by_orgnr(on->canonical())) return c;
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) return repo.client_by_subscription(text);
    return std::nullopt;
}

int form_blank(Context& ctx, const Args& args) {
    const std::filesystem::path out = args.required("out");
    auto t = load_template(ctx);
    auto r = forms::write_form_pdf(t, {}, std::nullopt, forms::k_default_font_dir, out);
    if (!r) {
        ctx.err << "linkage: " << r.error().message << '\n';
        return k_exit_input;
    }
    ctx.out << "blank form " << t.display_id() << " written to " << out.string() << '\n';
    return k_exit_ok;
}

int form_prefill(Context& ctx, const Args& args) {
    const std::string bureau_arg = args.required("bureau");
    const std::string client_arg = args.required("client");
    const std::filesystem::path out = args.required("out");
    auto t = load_template(ctx);
    if (!std::filesystem::is_directory(ctx.home()))
        throw store::StoreError("state directory " + ctx.home().string() + " does not exist: run 'linkage --home " +
                                ctx.home().string() + " init' first, or set --home / LINKAGE_HOME");

    auto bureau_on = core::OrgNumber::parse(bureau_arg);
    if (!bureau_on) throw UsageError("--bureau " + bureau_arg + ": " + bureau_on.error().message);
    store::RegistryRepo registry(ctx.store(), ctx.clock());
    auto bureau = registry.bureau_by_orgnr(bureau_on->canonical());
    if (!bureau) {
        ctx.err << "linkage: okänd byrå: " << bureau_on->canonical()
                << " finns inte i registret (importera registret eller kontrollera numret)\n";
        return k_exit_refused;
    }
    auto client = find_client(registry, client_arg);
    if (!client) {
        ctx.err << "linkage: okänd klient: " << client_arg
                << " är varken ett organisationsnummer eller ett abonnemangsnummer i registret\n";
        return k_exit_refused;
    }

    store::LinkageRepo linkages(ctx.store(), ctx.clock());
    store::Transaction tx(ctx.store());
    if (auto live = linkages.live_for(bureau->id, client->id)) {
        ctx.err << "linkage: " << bureau->name << " och " << client->name << " har redan en koppling (#" << live->id
                << ", " << core::to_string(live->state) << "); ingen ny blankett skapades\n";
        return k_exit_refused;
    }
    std::string code = forms::new_reference_code();
    while (linkages.by_reference_code(code)) code = forms::new_reference_code();
    const store::Id id = linkages.create(bureau->id, client->id, core::LinkageSource::paper, ctx.actor(), code);

    // Issuing the form is part of the linkage's audit trail; the evidence
    // table is for what comes back (scans, approvals), so this is an event.
    Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
    detail.set("reference_code", code);
    detail.set("form", t.display_id());
    detail.set("file", std::filesystem::absolute(out).string());
    std::ostringstream detail_text;
    detail.stringify(detail_text);
    store::EventLog(ctx.store()).append(core::format_utc(ctx.clock().now()), ctx.actor(), "linkage", id,
                                        "paper_form_issued", std::nullopt, detail_text.str());

    forms::FormValues values{{"bureau_name", bureau->name},
                             {"bureau_orgnr", bureau->orgnr},
                             {"client_name", client->name},
                             {"client_orgnr", client->orgnr},
                             {"client_subscription", client->subscription}};
    // The file is written before COMMIT, so a form never names a linkage the
    // store does not hold; a failed commit removes it again.
    auto r = forms::write_form_pdf(t, values, code, forms::k_default_font_dir, out);
    if (!r) {
        ctx.err << "linkage: " << r.error().message << "; ingen blankett skapades\n";
        return k_exit_refused;
    }
    try {
        tx.commit();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(out, ignored);
        throw;
    }
    ctx.out << "pre-filled form written to " << out.string() << ": " << bureau->name << " → " << client->name
            << ", reference " << code << ", linkage #" << id << " (requested, paper)\n";
    return k_exit_ok;
}

}  // namespace

int cmd_form(Context& ctx, const std::vector<std::string>& argv) {
    if (argv.empty()) throw UsageError("form: say blank or prefill (see linkage form --help)");
    std::vector<std::string> rest;
    for (size_t i = 1; i < argv.size(); ++i) rest.push_back(argv[i] == "-o" ? "--out" : argv[i]);
    if (argv[0] == "blank") return form_blank(ctx, Args(rest, {"out"}, {}));
    if (argv[0] == "prefill") return form_prefill(ctx, Args(rest, {"out", "bureau", "client"}, {}));
    throw UsageError("form " + argv[0] + ": unknown; use blank or prefill");
}

}  // namespace cli
