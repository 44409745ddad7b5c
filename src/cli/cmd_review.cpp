#include "core/local_time.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "review/review.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iomanip>
#include <ostream>

namespace cli {

namespace {

validate::Thresholds thresholds_of(const config::Settings& s) {
    validate::Thresholds t;
    t.min_confidence = s.get_double("thresholds.min_confidence", 0, 100);
    t.min_confidence_checked = s.get_double("thresholds.min_confidence_checked", 0, 100);
    t.min_confidence_confirmed = s.get_double("thresholds.min_confidence_confirmed", 0, 100);
    t.max_form_age_days = s.get_int("thresholds.max_form_age_days", 1, 3650);
    return t;
}

std::int64_t parse_id(const std::string& s) {
    try {
        size_t used = 0;
        auto v = std::stoll(s, &used);
        if (used == s.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw UsageError("'" + s + "' is not a document id (see linkage review list)");
}

int report_problem(Context& ctx, const review::Problem& p) {
    ctx.err << "linkage: " << p.message;
    if (!p.failures.empty()) {
        ctx.err << " (";
        for (size_t i = 0; i < p.failures.size(); ++i) ctx.err << (i ? ", " : "") << p.failures[i];
        ctx.err << ")";
    }
    ctx.err << '\n';
    return k_exit_refused;
}

}  // namespace

int cmd_review(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"reason", "override", "reviewer"}, {"json"}, {"set"});
    auto& pos = args.positionals();
    if (pos.empty()) throw UsageError("review needs a verb: list | show ID | approve ID | reject ID");
    review::Reviewer rv(ctx.store(), ctx.clock(), ctx.rules(), thresholds_of(ctx.settings()), ctx.home());
    const std::string reviewer = args.value("reviewer").value_or(ctx.actor());
    const std::string& verb = pos[0];

    if (verb == "list") {
        auto q = rv.queue();
        if (args.flag("json")) {
            Poco::JSON::Array arr;
            for (auto& i : q) {
                Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("document_id", i.document_id);
                o.set("file", i.file);
                o.set("page", i.page ? Poco::Dynamic::Var(*i.page) : Poco::Dynamic::Var());
                Poco::JSON::Array r;
                for (auto& x : i.reasons) r.add(x);
                o.set("reasons", r);
                o.set("min_confidence", i.min_confidence);
                arr.add(o);
            }
            arr.stringify(ctx.out);
            ctx.out << '\n';
            return k_exit_ok;
        }
        ctx.out << q.size() << " document(s) wait for review (worst first)\n";
        for (auto& i : q) {
            ctx.out << "  #" << std::left << std::setw(5) << i.document_id << i.file;
            if (i.page) ctx.out << " p." << *i.page;
            ctx.out << "  [";
            for (size_t k = 0; k < i.reasons.size(); ++k) ctx.out << (k ? ", " : "") << i.reasons[k];
            ctx.out << "]\n";
        }
        return k_exit_ok;
    }
    if (pos.size() != 2) throw UsageError("usage: linkage review " + verb + " ID");
    const auto id = parse_id(pos[1]);

    if (verb == "show") {
        auto v = rv.show(id);
        if (!v) {
            ctx.err << "linkage: no document " << id << '\n';
            return k_exit_refused;
        }
        ctx.out << "document #" << v->document_id << "  " << v->file << (v->page ? " page " + std::to_string(*v->page) : "")
                << "\noutcome " << v->outcome << (v->review_state ? ", review " + *v->review_state : "")
                << (v->reviewed_by ? " by " + *v->reviewed_by + " at " + core::stockholm_time(v->reviewed_at.value_or("")) : "") << '\n';
        for (auto& [code, detail] : v->failures) ctx.out << "  ! " << code << ": " << detail << '\n';
        for (auto& f : v->fields) {
            ctx.out << "  " << std::left << std::setw(20) << f.name << std::setw(40) << ("'" + f.value + "'")
                    << " conf " << std::setw(4) << static_cast<int>(f.confidence);
            if (f.crop) ctx.out << "  crop " << f.crop->string();
            ctx.out << '\n';
        }
        ctx.out << "  signature ink " << std::setprecision(2) << std::fixed << v->ink_percent << " %";
        if (v->signature_crop) ctx.out << "  crop " << v->signature_crop->string();
        ctx.out << '\n';
        if (v->page_image) ctx.out << "  page image " << v->page_image->string() << '\n';
        if (v->original) ctx.out << "  original " << v->original->string() << '\n';
        // What fails now (re-validated against today's registry) and what the registry holds.
        auto checks = rv.check(id, {});
        ctx.out << "checks now:" << (checks.empty() ? " none fail" : "") << '\n';
        for (auto& c : checks)
            ctx.out << "  " << (c.blocking ? "X " : c.from_pipeline ? "? " : "! ") << c.code << " ("
                    << (c.field.empty() ? "form" : c.field) << "): " << c.detail << '\n';
        auto r = rv.registry(id, {});
        ctx.out << "registry:\n  bureau  " << (r.bureau ? r.bureau->name + " " + r.bureau->orgnr : "-") << '\n';
        ctx.out << "  client by orgnr  "
                << (r.client_by_orgnr ? r.client_by_orgnr->name + " " + r.client_by_orgnr->orgnr : "-") << '\n';
        ctx.out << "  client by subscription  "
                << (r.client_by_subscription ? r.client_by_subscription->name + " " + r.client_by_subscription->orgnr
                                             : "-")
                << '\n';
        for (auto& a : r.administrators) ctx.out << "  administrator  " << a.name << " <" << a.email << ">\n";
        if (r.linkage)
            ctx.out << "  linkage #" << r.linkage->id << "  " << r.linkage->state
                    << (r.linkage->reference_code ? "  reference " + *r.linkage->reference_code : "")
                    << "  requested by " << r.linkage->requested_by << '\n';
        for (auto& [field, value] : r.suggestions) ctx.out << "  suggest --set " << field << "=" << value << '\n';
        return k_exit_ok;
    }
    if (verb == "approve") {
        std::map<std::string, std::string> corrections;
        for (auto& s : args.values("set")) {
            auto eq = s.find('=');
            if (eq == std::string::npos || eq == 0) throw UsageError("--set takes field=value, e.g. --set client_orgnr=559456-7892");
            corrections[s.substr(0, eq)] = s.substr(eq + 1);
        }
        auto r = rv.approve(id, reviewer, corrections, args.value("override"));
        if (!r) return report_problem(ctx, r.error());
        ctx.out << "document #" << id << " approved by " << reviewer << ": linkage #" << r->linkage_id << " ("
                << r->what << ")";
        if (!r->overridden.empty()) {
            ctx.out << "; overridden:";
            for (auto& o : r->overridden) ctx.out << ' ' << o;
        }
        ctx.out << '\n';
        return k_exit_ok;
    }
    if (verb == "reject") {
        auto r = rv.reject(id, reviewer, args.value("reason").value_or(""));
        if (!r) return report_problem(ctx, r.error());
        ctx.out << "document #" << id << " rejected by " << reviewer << '\n';
        return k_exit_ok;
    }
    throw UsageError("unknown review verb '" + verb + "': use list, show, approve or reject");
}

}  // namespace cli
