// The staff task page (issue 17, "What to build" 2; paperless-ngx's Tasks
// view is the model), for back-office staff signed in as for /review:
//   GET /review/tasks                 every processed file (newest first) with
//                                     its local time, outcome, reasons in Swedish,
//                                     the client named, links to the document in
//                                     the review screen and to its original; filter
//                                     ?outcome=accepted|review|rejected|duplicate and
//                                     ?day=YYYY-MM-DD (a Stockholm day); the latest
//                                     batch/watch runs with their counts; what the
//                                     latest run left in the inbox, and why
//   GET /review/tasks/report[?run=NAME]  the morning report as a page (the latest
//                                     run, or the listed report NAME)
//   GET /review/tasks/original/{sha256}  the original file as it was archived or
//                                     set aside (the path comes from the store, never
//                                     from the URL)
// Times are Europe/Stockholm (core::stockholm_time); the store keeps UTC.
#include "core/reason_texts.hpp"
#include "report/report_journal.hpp"
#include "report/summary.hpp"
#include "digital/secrets.hpp"
#include "store/document_history.hpp"
#include "store/document_repo.hpp"
#include "store/staff_repo.hpp"
#include "web/handlers.hpp"
#include "web/signin.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace web {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_runs_shown = 8;
constexpr int k_rows_shown = 500;

// Staff only: the session of the review pages (require_staff, cookie staff_sid).

fs::path reports_dir(const App& app) {
    return app.options.reports.empty() ? app.options.home / "reports" : app.options.reports;
}

struct OutcomeLabel {
    const char* code;
    const char* label;   // one file's outcome
    const char* filter;  // the filter's name
};
constexpr OutcomeLabel k_outcomes[] = {
    {"accepted", "Godkänd", "Godkända"},
    {"review", "Till granskning", "Till granskning"},
    {"rejected", "Avvisad", "Avvisade"},
    {"duplicate", "Dubblett", "Dubbletter"},
};

const OutcomeLabel* outcome_label(const std::string& code) {
    for (auto& o : k_outcomes)
        if (code == o.code) return &o;
    return nullptr;
}

// "stina" → "Stina Granskare"; the CLI's actors in words.
std::string reviewer_name(Exchange& x, const std::string& actor) {
    if (actor.rfind("cli:", 0) == 0) return "kommandoraden (" + actor.substr(4) + ")";
    if (auto u = store::StaffRepo(x.db()).with_password(actor)) return u->first.name;
    return actor;
}

std::string run_kind_sv(const std::string& kind) { return kind == "watch" ? "Bevakning" : "Batch"; }

Data run_row(const report::Summary& s, const std::string& report_name, bool final) {
    auto count = [&](const char* k) { return std::to_string(s.outcomes.count(k) ? s.outcomes.at(k) : 0); };
    Data r;
    r.set("kind", run_kind_sv(s.kind));
    r.set("started", core::stockholm_time(s.started_at));
    r.set("finished", core::stockholm_time(s.finished_at));
    r.set("running", !final);
    r.set("files", std::to_string(s.files));
    for (const char* k : {"accepted", "review", "rejected", "duplicate"}) r.set(k, count(k));
    r.set("skipped", std::to_string(s.skipped.size()));
    r.set("has_skipped", !s.skipped.empty());
    if (!report_name.empty()) r.set("report_href", "/review/tasks/report?run=" + report_name);
    return r;
}

// A report name from the listing (kind-stamp.json, no path): letters, digits, '-', 'T', 'Z', '.'.
bool plausible_report_name(const std::string& n) {
    if (n.empty() || n.size() > 80 || n[0] == '.') return false;
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return false;
    return n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0;
}

bool is_sha256(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string content_type_of(const fs::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (e == ".pdf") return "application/pdf";
    if (e == ".jpg" || e == ".jpeg") return "image/jpeg";
    if (e == ".png") return "image/png";
    if (e == ".tif" || e == ".tiff") return "image/tiff";
    return "application/octet-stream";
}

// An ASCII file name for Content-Disposition (the original's name may hold anything).
std::string safe_download_name(const std::string& name) {
    std::string out;
    for (unsigned char c : name)
        out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' && c != ';') ? static_cast<char>(c) : '_';
    return out.empty() ? std::string("original") : out;
}

}  // namespace

void handle_tasks_page(Exchange& x) {
    auto s = require_staff(x);
    if (!s) return;
    Data d;
    // Filters: unknown values are ignored (shown as "all"), never an error.
    store::HistoryFilter filter;
    filter.limit = k_rows_shown;
    std::string outcome, day;
    if (auto it = x.query.find("outcome"); it != x.query.end() && outcome_label(it->second)) outcome = it->second;
    if (auto it = x.query.find("day"); it != x.query.end() && !it->second.empty()) {
        if (auto b = core::stockholm_day_bounds(it->second)) {
            day = it->second;
            filter.from_utc = b->first;
            filter.to_utc = b->second;
        } else {
            d.set("day_error", "Datumet " + it->second.substr(0, 20) + " går inte att tolka. Skriv ÅÅÅÅ-MM-DD.");
        }
    }
    if (!outcome.empty()) filter.outcome = outcome;
    const auto now = x.app.clock.now();
    const std::string today = core::stockholm_date(now), yesterday = core::stockholm_date(now - std::chrono::hours(24));
    auto href = [](const std::string& o, const std::string& dy) {
        std::string q;
        if (!o.empty()) q += "outcome=" + o;
        if (!dy.empty()) q += (q.empty() ? "" : "&") + std::string("day=") + dy;
        return "/review/tasks" + (q.empty() ? std::string() : "?" + q);
    };
    Data outcome_links{Data::type::list};
    {
        Data all;
        all.set("label", "Alla");
        all.set("href", href("", day));
        all.set("current", outcome.empty());
        outcome_links.push_back(all);
    }
    for (auto& o : k_outcomes) {
        Data l;
        l.set("label", o.filter);
        l.set("href", href(o.code, day));
        l.set("current", outcome == o.code);
        outcome_links.push_back(l);
    }
    d.set("outcome_links", outcome_links);
    Data day_links{Data::type::list};
    for (auto [label, value] : {std::pair<const char*, std::string>{"Alla dagar", ""}, {"I dag", today}, {"I går", yesterday}}) {
        Data l;
        l.set("label", label);
        l.set("href", href(outcome, value));
        l.set("current", day == value);
        day_links.push_back(l);
    }
    d.set("day_links", day_links);
    d.set("day", day);
    d.set("outcome", outcome);
    Data outcome_options{Data::type::list};
    for (auto& o : k_outcomes) {
        Data l;
        l.set("code", o.code);
        l.set("label", o.filter);
        l.set("selected", outcome == o.code);
        outcome_options.push_back(l);
    }
    d.set("outcome_options", outcome_options);

    // The processed files.
    auto rows = store::DocumentHistory(x.db()).list(filter);
    Data list{Data::type::list};
    for (auto& r : rows) {
        Data row;
        row.set("when", core::stockholm_time(r.at));
        row.set("file", r.file_name);
        if (r.page && *r.page > 1) row.set("page", std::to_string(*r.page));  // a stack's later page
        if (is_sha256(r.sha256)) row.set("original_href", "/review/tasks/original/" + r.sha256);
        row.set("client", r.client_name.empty() ? std::string("(ingen klient kunde läsas)") : r.client_name);
        row.set("client_as_written", !r.client_name.empty() && !r.client_from_registry);
        if (!r.bureau_name.empty()) row.set("bureau", r.bureau_name);
        row.set("outcome_code", r.outcome);
        auto* label = outcome_label(r.outcome);
        row.set("outcome", label ? std::string(label->label) : r.outcome);
        if (r.review_state && r.outcome == "review" && *r.review_state != "open") {
            std::string decided = *r.review_state == "approved" ? "godkänd" : "underkänd";
            if (r.reviewed_by) decided += " av " + reviewer_name(x, *r.reviewed_by);
            if (r.reviewed_at) decided += " " + core::stockholm_time(*r.reviewed_at);
            row.set("decided", "Granskad: " + decided);
        } else if (r.review_state && *r.review_state == "open") {
            row.set("waiting", true);
        }
        Data reasons{Data::type::list};
        for (auto& c : r.reasons) {
            Data rr;
            rr.set("text", core::reason_text_sv(c));
            reasons.push_back(rr);
        }
        row.set("reasons", reasons);
        if (r.outcome == "duplicate" && !r.original_file.empty()) row.set("original_file", r.original_file);
        if (r.document_id) {
            row.set("document_href", "/review/" + std::to_string(*r.document_id));
            row.set("document_id", std::to_string(*r.document_id));
        }
        if (r.linkage_id) row.set("linkage_id", std::to_string(*r.linkage_id));
        list.push_back(row);
    }
    d.set("rows", list);
    d.set("has_rows", !rows.empty());
    d.set("count", std::to_string(rows.size()));
    // Swedish number agreement: "1 träff", "3 träffar"; "1 fil", "6 filer och blanketter".
    const bool filtered = !outcome.empty() || !day.empty();
    d.set("count_text", std::to_string(rows.size()) +
                            (filtered ? (rows.size() == 1 ? " träff" : " träffar")
                                      : (rows.size() == 1 ? " fil" : " filer och blanketter")));
    d.set("capped", rows.size() >= static_cast<std::size_t>(k_rows_shown));
    d.set("filtered", filtered);
    if (!day.empty()) d.set("day_text", day == today ? "i dag" : day == yesterday ? "i går" : day);

    // The latest runs: a run in progress (journal) first, then the newest reports.
    const auto reports = reports_dir(x.app);
    Data runs{Data::type::list};
    std::optional<report::Summary> latest;
    if (auto run = report::latest_run(reports); run && !run->final) {
        runs.push_back(run_row(run->summary, "", false));
        latest = run->summary;
    }
    for (auto& [path, summary] : report::recent_reports(reports, k_runs_shown)) {
        runs.push_back(run_row(summary, path.filename().string(), true));
        if (!latest) latest = summary;
    }
    d.set("runs", runs);
    d.set("has_runs", !runs.is_empty_list());
    // What the latest run left in the inbox, and why.
    Data skipped{Data::type::list};
    if (latest)
        for (auto& k : latest->skipped) {
            Data r;
            r.set("file", k.file);
            r.set("note", k.note);
            skipped.push_back(r);
        }
    d.set("skipped", skipped);
    d.set("has_skipped", !skipped.is_empty_list());
    // Files the latest run found still settling or being written: taken by a later pass.
    Data waiting{Data::type::list};
    if (latest)
        for (auto& k : latest->inbox_waiting) {
            Data r;
            r.set("file", k.file);
            r.set("note", k.note);
            r.set("retry", report::retry_text_sv(k));
            waiting.push_back(r);
        }
    d.set("inbox_waiting", waiting);
    d.set("has_inbox_waiting", !waiting.is_empty_list());
    if (latest) d.set("skipped_when", core::stockholm_time(latest->finished_at));
    x.send_html(200, x.app.pages.render("tasks", d, staff_layout(*s, "Uppgifter")));
}

void handle_tasks_report(Exchange& x) {
    auto s = require_staff(x);
    if (!s) return;
    const auto reports = reports_dir(x.app);
    std::optional<report::Summary> summary;
    if (auto it = x.query.find("run"); it != x.query.end() && !it->second.empty()) {
        // Only a report of the listing, by its bare name.
        if (plausible_report_name(it->second))
            for (auto& [path, sm] : report::recent_reports(reports, 1000))
                if (path.filename().string() == it->second) {
                    summary = sm;
                    break;
                }
        if (!summary)
            return send_message_page(x, 404, "Rapporten finns inte",
                                     "Det finns ingen sådan rapport. Gå tillbaka till uppgifterna och välj en körning.");
    } else if (auto run = report::latest_run(reports)) {
        summary = run->summary;
    }
    if (!summary)
        return send_message_page(x, 404, "Ingen rapport ännu",
                                 "Ingen batch eller bevakning har körts än. Rapporten skrivs när den första körningen är klar.");
    report::ReportContext ctx = report::report_context_from_store(x.db(), *summary);
    ctx.links = true;
    ctx.link_root = "";
    ctx.page = true;
    std::string html = report::render_report_html(*summary, reports, x.app.options.share_dir / "templates", ctx);
    if (html.empty())
        return send_message_page(x, 500, "Rapportmallen saknas",
                                 "Mallen templates/report/report.html.mustache saknas i installationen. Kontakta drift.");
    x.send_html(200, html);
}

void handle_tasks_original(Exchange& x, const std::string& sha256) {
    auto s = require_staff(x);
    if (!s) return;
    std::optional<std::string> stored;
    std::string name;
    if (is_sha256(sha256)) {
        store::DocumentRepo docs(x.db());
        if (auto in = docs.input(sha256)) {
            stored = in->stored_path;
            name = in->file_name;
        }
    }
    std::error_code ec;
    fs::path file;
    if (stored) {
        file = fs::path(*stored);
        if (file.is_relative()) file = x.app.options.home / file;
    }
    if (!stored || !fs::is_regular_file(file, ec))
        return send_message_page(x, 404, "Originalet finns inte",
                                 "Originalfilen finns inte längre där den sparades. Kontakta drift om den behövs.");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    // Images open in the browser; a PDF or TIFF is downloaded (the pages' CSP allows no plugin).
    const std::string type = content_type_of(file);
    const bool inline_image = type == "image/jpeg" || type == "image/png";
    x.res.set("Content-Disposition",
              std::string(inline_image ? "inline" : "attachment") + "; filename=\"" + safe_download_name(name) + "\"");
    x.send(200, type, bytes.str());
}

}  // namespace web
