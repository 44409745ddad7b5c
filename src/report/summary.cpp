#include "report/summary.hpp"

#include "core/reason_texts.hpp"
#include "intake/files.hpp"

#include <kainjow/mustache.hpp>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iomanip>
#include <ostream>
#include <sstream>

namespace report {


bool Summary::add_skipped(SkippedItem item) {
    for (auto& k : skipped)
        if (k.file == item.file) {
            if (k.kind == item.kind && k.note == item.note) return false;
            k = std::move(item);  // the latest word on it
            return true;
        }
    skipped.push_back(std::move(item));
    return true;
}

void Summary::merge(const Summary& o, bool lists) {
    files += o.files;
    documents += o.documents;
    ignored_pages += o.ignored_pages;
    for (auto& [k, v] : o.outcomes) outcomes[k] += v;
    for (auto& [k, v] : o.reasons) reasons[k] += v;
    waiting = o.waiting;
    inbox_waiting = o.inbox_waiting;
    seconds += o.seconds;
    decode_ms += o.decode_ms;
    align_ms += o.align_ms;
    read_ms += o.read_ms;
    validate_ms += o.validate_ms;
    analyse_ms += o.analyse_ms;
    for (auto& k : o.skipped) add_skipped(k);
    if (lists) {
        review.insert(review.end(), o.review.begin(), o.review.end());
        rejected.insert(rejected.end(), o.rejected.begin(), o.rejected.end());
    }
}

namespace {

// The same files waiting for the same reason (their notes' times may move).
bool same_waiting(const std::vector<SkippedItem>& a, const std::vector<SkippedItem>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].file != b[i].file || a[i].kind != b[i].kind) return false;
    return true;
}

}  // namespace

Summary Summary::counts_since(const Summary& b) const {
    Summary d;
    d.kind = kind;
    d.started_at = started_at;
    d.finished_at = finished_at;
    d.files = files - b.files;
    d.documents = documents - b.documents;
    d.ignored_pages = ignored_pages - b.ignored_pages;
    for (auto& [k, v] : outcomes) {
        auto it = b.outcomes.find(k);
        if (int n = v - (it == b.outcomes.end() ? 0 : it->second)) d.outcomes[k] = n;
    }
    for (auto& [k, v] : reasons) {
        auto it = b.reasons.find(k);
        if (int n = v - (it == b.reasons.end() ? 0 : it->second)) d.reasons[k] = n;
    }
    d.waiting = waiting;
    d.inbox_waiting = inbox_waiting;
    d.seconds = seconds - b.seconds;
    d.decode_ms = decode_ms - b.decode_ms;
    d.align_ms = align_ms - b.align_ms;
    d.read_ms = read_ms - b.read_ms;
    d.validate_ms = validate_ms - b.validate_ms;
    d.analyse_ms = analyse_ms - b.analyse_ms;
    Summary seen;
    seen.skipped = b.skipped;
    for (auto& k : skipped)
        if (seen.add_skipped(k)) d.skipped.push_back(k);
    return d;
}

bool Summary::only_seconds_since(const Summary& b) const {
    auto d = counts_since(b);
    return d.files == 0 && d.documents == 0 && d.ignored_pages == 0 && d.outcomes.empty() && d.reasons.empty() &&
           waiting == b.waiting && same_waiting(inbox_waiting, b.inbox_waiting) && d.decode_ms == 0 && d.align_ms == 0 && d.read_ms == 0 && d.validate_ms == 0 &&
           d.analyse_ms == 0 && d.skipped.empty();
}

std::string Summary::to_json(bool pretty) const {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("kind", kind);
    o.set("started_at", started_at);
    o.set("finished_at", finished_at);
    o.set("files", files);
    o.set("documents", documents);
    o.set("ignored_pages", ignored_pages);
    o.set("waiting", waiting);
    Poco::JSON::Object oc(Poco::JSON_PRESERVE_KEY_ORDER), rc(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const char* k : {"accepted", "review", "rejected", "duplicate"}) oc.set(k, outcomes.count(k) ? outcomes.at(k) : 0);
    for (auto& [k, v] : reasons) rc.set(k, v);
    o.set("outcomes", oc);
    o.set("reasons", rc);
    Poco::JSON::Array rv, rj;
    for (auto& r : review) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("document_id", r.document_id);
        x.set("file", r.file);
        Poco::JSON::Array a;
        for (auto& s : r.reasons) a.add(s);
        x.set("reasons", a);
        rv.add(x);
    }
    for (auto& r : rejected) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("file", r.file);
        x.set("stored_path", r.stored_path);
        Poco::JSON::Array a;
        for (auto& s : r.reasons) a.add(s);
        x.set("reasons", a);
        x.set("note", r.note);
        rj.add(x);
    }
    Poco::JSON::Array sk;
    for (auto& k : skipped) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("file", k.file);
        x.set("kind", k.kind);
        x.set("note", k.note);
        sk.add(x);
    }
    Poco::JSON::Array wt;
    for (auto& k : inbox_waiting) {
        Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("file", k.file);
        x.set("kind", k.kind);
        x.set("note", k.note);
        x.set("retry_at", k.retry_at.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(k.retry_at));
        wt.add(x);
    }
    o.set("review", rv);
    o.set("rejected", rj);
    o.set("skipped", sk);
    o.set("inbox_waiting", wt);
    Poco::JSON::Object t(Poco::JSON_PRESERVE_KEY_ORDER);
    t.set("seconds", seconds);
    t.set("documents_per_second", seconds > 0 ? documents / seconds : 0.0);
    t.set("decode_ms", decode_ms);
    t.set("align_ms", align_ms);
    t.set("read_ms", read_ms);
    t.set("validate_ms", validate_ms);
    t.set("analyse_ms", analyse_ms);
    o.set("timing", t);
    std::ostringstream s;
    if (pretty) o.stringify(s, 2);
    else o.stringify(s);
    return s.str();
}

Summary Summary::from_json(const std::string& text) {
    auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    Summary s;
    s.kind = o->getValue<std::string>("kind");
    s.started_at = o->getValue<std::string>("started_at");
    s.finished_at = o->getValue<std::string>("finished_at");
    s.files = o->getValue<int>("files");
    s.documents = o->getValue<int>("documents");
    s.ignored_pages = o->getValue<int>("ignored_pages");
    if (o->has("waiting")) s.waiting = o->getValue<int>("waiting");  // reports before issue 19 lack it
    for (auto& [k, v] : *o->getObject("outcomes"))
        if (int n = v.convert<int>()) s.outcomes[k] = n;
    for (auto& [k, v] : *o->getObject("reasons")) s.reasons[k] = v.convert<int>();
    auto strings = [](const Poco::JSON::Array::Ptr& a) {
        std::vector<std::string> out;
        for (unsigned i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
        return out;
    };
    auto rev = o->getArray("review");
    for (unsigned i = 0; rev && i < rev->size(); ++i) {
        auto r = rev->getObject(i);
        s.review.push_back({r->getValue<std::int64_t>("document_id"), r->getValue<std::string>("file"),
                            strings(r->getArray("reasons"))});
    }
    auto rej = o->getArray("rejected");
    for (unsigned i = 0; rej && i < rej->size(); ++i) {
        auto r = rej->getObject(i);
        s.rejected.push_back({r->getValue<std::string>("file"), r->getValue<std::string>("stored_path"),
                              strings(r->getArray("reasons")), r->getValue<std::string>("note")});
    }
    auto sk = o->getArray("skipped");
    for (unsigned i = 0; sk && i < sk->size(); ++i) {
        auto k = sk->getObject(i);
        s.skipped.push_back({k->getValue<std::string>("file"), k->getValue<std::string>("kind"),
                             k->getValue<std::string>("note")});
    }
    auto wt = o->getArray("inbox_waiting");  // reports before issue 17 lack it
    for (unsigned i = 0; wt && i < wt->size(); ++i) {
        auto k = wt->getObject(i);
        s.inbox_waiting.push_back({k->getValue<std::string>("file"), k->getValue<std::string>("kind"),
                                   k->getValue<std::string>("note"),
                                   k->isNull("retry_at") ? std::string() : k->getValue<std::string>("retry_at")});
    }
    auto t = o->getObject("timing");
    s.seconds = t->getValue<double>("seconds");
    s.decode_ms = t->getValue<double>("decode_ms");
    s.align_ms = t->getValue<double>("align_ms");
    s.read_ms = t->getValue<double>("read_ms");
    s.validate_ms = t->getValue<double>("validate_ms");
    s.analyse_ms = t->getValue<double>("analyse_ms");
    return s;
}

void Summary::print(std::ostream& o) const {
    auto count = [&](const char* k) { return outcomes.count(k) ? outcomes.at(k) : 0; };
    o << kind << " finished: " << files << " file(s), " << documents << " document(s) in " << std::fixed
      << std::setprecision(1) << seconds << " s";
    if (seconds > 0 && documents > 0) o << " (" << std::setprecision(2) << documents / seconds << " documents/s)";
    o << "\n  accepted " << count("accepted") << ", review " << count("review") << ", rejected " << count("rejected")
      << ", duplicate " << count("duplicate");
    if (ignored_pages) o << "; " << ignored_pages << " blank or foreign page(s) ignored";
    o << '\n';
    if (!reasons.empty()) {
        o << "  reasons:";
        for (auto& [k, v] : reasons) o << ' ' << k << '=' << v;
        o << '\n';
    }
    for (auto& r : rejected) o << "  rejected: " << r.file << " → " << r.stored_path << " (" << r.note << ")\n";
    for (auto& k : skipped) o << "  left in the inbox: " << k.file << " (" << k.kind << ": " << k.note << ")\n";
    for (auto& k : inbox_waiting)
        o << "  waiting in the inbox: " << k.file << " (" << k.kind << ": " << k.note << ")\n";
    if (count("review") > 0) o << "  " << count("review") << " document(s) wait for review: linkage review list\n";
    if (waiting > 0)
        o << "  " << waiting << " file(s) wait in work/: their review images could not be written (see the lines above);"
          << " they are retried by the next run\n";
}

namespace {

std::vector<std::filesystem::path> report_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".json" && e.path().filename().string()[0] != '.') out.push_back(e.path());
    // Oldest first, by when each was written (names of two reports in one second differ only by a suffix).
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
        std::error_code e1, e2;
        auto ta = std::filesystem::last_write_time(a, e1), tb = std::filesystem::last_write_time(b, e2);
        return ta != tb ? ta < tb : a < b;
    });
    return out;
}

// Local time for people (item 13).
std::string human_time(const std::string& utc) { return stockholm_time(utc); }

// Swedish decimal comma: 3,8 s.
std::string fmt(double v, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    std::string text = s.str();
    std::replace(text.begin(), text.end(), '.', ',');
    return text;
}

std::string join_reasons_sv(const std::vector<std::string>& codes) {
    std::string out;
    for (auto& c : codes) out += (out.empty() ? "" : " ") + core::reason_text_sv(c);
    return out;
}

}  // namespace

std::string retry_text_sv(const SkippedItem& waiting) {
    return waiting.retry_at.empty() ? std::string("när programmet som skriver den är klart")
                                    : stockholm_time(waiting.retry_at);
}

std::string render_report_html(const Summary& s, const std::filesystem::path& reports_dir,
                               const std::filesystem::path& templates_dir, const ReportContext& ctx) {
    using kainjow::mustache::data;
    std::ifstream in(templates_dir / "report" / "report.html.mustache", std::ios::binary);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    kainjow::mustache::mustache tmpl{text.str()};
    auto count = [&](const char* k) { return std::to_string(s.outcomes.count(k) ? s.outcomes.at(k) : 0); };
    auto flag = [](bool b) { return b ? data::type::bool_true : data::type::bool_false; };
    const std::string unknown_client = "(ingen klient kunde läsas)";
    // Sets client, bureau and the links of one row.
    auto describe = [&](data& x, const ReportRow* r, std::optional<std::int64_t> id) {
        x.set("client", r && !r->client.empty() ? r->client : unknown_client);
        x.set("bureau", r ? r->bureau : std::string());
        if (!ctx.links) return;
        if (id) x.set("document_href", ctx.link_root + "/review/" + std::to_string(*id));
        if (r && !r->sha256.empty()) x.set("original_href", ctx.link_root + "/review/tasks/original/" + r->sha256);
    };
    data d;
    d.set("kind_sv", s.kind == "watch" ? std::string("dygnets bevakning") : std::string("batchkörning"));
    // Swedish number agreement: "1 fil, 1 blankett", "6 filer, 6 blanketter".
    d.set("files_text", std::to_string(s.files) + (s.files == 1 ? " fil" : " filer"));
    d.set("documents_text", std::to_string(s.documents) + (s.documents == 1 ? " blankett" : " blanketter"));
    d.set("started_at", human_time(s.started_at));
    d.set("finished_at", human_time(s.finished_at));
    d.set("files", std::to_string(s.files));
    d.set("documents", std::to_string(s.documents));
    d.set("seconds", fmt(s.seconds, 1));
    d.set("rate", fmt(s.seconds > 0 ? s.documents / s.seconds : 0, 2));
    for (const char* k : {"accepted", "review", "rejected", "duplicate"}) d.set(k, count(k));
    d.set("ignored_pages", std::to_string(s.ignored_pages));
    d.set("page", flag(ctx.page));
    d.set("links", flag(ctx.links));
    if (ctx.links) {
        d.set("tasks_href", ctx.link_root + "/review/tasks");
        d.set("review_href", ctx.link_root + "/review");
    }
    data reasons{data::type::list};
    for (auto& [code, n] : s.reasons) {
        data r;
        r.set("code", code);
        r.set("text", core::reason_text_sv(code));
        r.set("count", std::to_string(n));
        reasons.push_back(r);
    }
    d.set("reasons", reasons);
    d.set("has_reasons", flag(!s.reasons.empty()));
    data accepted{data::type::list};
    for (auto& r : ctx.accepted) {
        data x;
        x.set("document_id", r.document_id ? std::to_string(*r.document_id) : std::string());
        x.set("file", r.file);
        x.set("at", human_time(r.at));
        describe(x, &r, r.document_id);
        accepted.push_back(x);
    }
    d.set("accepted_items", accepted);
    d.set("has_accepted", flag(!ctx.accepted.empty()));
    // Without the store (an old report, the store unreadable) the accepted forms are counted, not listed.
    d.set("accepted_unlisted", flag(ctx.accepted.empty() && s.outcomes.count("accepted") && s.outcomes.at("accepted") > 0));
    data review{data::type::list};
    for (auto& r : s.review) {
        data x;
        x.set("document_id", std::to_string(r.document_id));
        x.set("file", r.file);
        x.set("reasons", join_reasons_sv(r.reasons));
        auto it = ctx.documents.find(r.document_id);
        describe(x, it == ctx.documents.end() ? nullptr : &it->second, r.document_id);
        review.push_back(x);
    }
    d.set("review_items", review);
    d.set("has_review", flag(!s.review.empty()));
    data rejected{data::type::list};
    for (auto& r : s.rejected) {
        data x;
        x.set("file", r.file);
        x.set("note", r.note);
        x.set("reasons", join_reasons_sv(r.reasons));
        x.set("stored_path", r.stored_path);
        auto it = ctx.files.find(r.file);
        const ReportRow* row = it == ctx.files.end() ? nullptr : &it->second;
        describe(x, row, row ? row->document_id : std::nullopt);
        rejected.push_back(x);
    }
    d.set("rejected_items", rejected);
    d.set("has_rejected", flag(!s.rejected.empty()));
    data skipped{data::type::list};
    for (auto& k : s.skipped) {
        data x;
        x.set("file", k.file);
        x.set("note", k.note);
        skipped.push_back(x);
    }
    d.set("skipped_items", skipped);
    d.set("has_skipped", flag(!s.skipped.empty()));
    data waiting_files{data::type::list};  // still settling, being written, incomplete: taken later
    for (auto& k : s.inbox_waiting) {
        data x;
        x.set("file", k.file);
        x.set("note", k.note);
        x.set("retry", retry_text_sv(k));
        waiting_files.push_back(x);
    }
    d.set("inbox_waiting", waiting_files);
    d.set("has_inbox_waiting", flag(!s.inbox_waiting.empty()));
    d.set("waiting", std::to_string(s.waiting));
    d.set("has_waiting", flag(s.waiting > 0));
    d.set("decode_ms", fmt(s.decode_ms, 0));
    d.set("align_ms", fmt(s.align_ms, 0));
    d.set("read_ms", fmt(s.read_ms, 0));
    d.set("validate_ms", fmt(s.validate_ms, 0));
    // Trend: this run and the 13 before it. A report already written for this
    // run (as shown on the web page) is not counted twice, and an older run's
    // report shows no runs after it.
    auto files = report_files(reports_dir);
    std::string stamp = s.finished_at;
    std::replace(stamp.begin(), stamp.end(), ':', '-');
    const std::string own = s.kind + "-" + stamp;
    // Two runs that end in the same second share the stamp (the second file gets "-2"):
    // only a report of this very run (same start) is left out, not its neighbour.
    std::erase_if(files, [&](const std::filesystem::path& f) {
        if (f.stem().string().rfind(own, 0) != 0) return false;
        try {
            std::ifstream fin(f);
            std::ostringstream js;
            js << fin.rdbuf();
            return Summary::from_json(js.str()).started_at == s.started_at;
        } catch (const std::exception&) {
            return true;
        }
    });
    data trend{data::type::list};
    auto add_row = [&](const std::string& fin, int fl, int acc, int rev, int rej, int dup, double rate) {
        data t;
        t.set("finished_at", human_time(fin));
        t.set("files", std::to_string(fl));
        t.set("accepted", std::to_string(acc));
        t.set("review", std::to_string(rev));
        t.set("rejected", std::to_string(rej));
        t.set("duplicate", std::to_string(dup));
        t.set("rate", fmt(rate, 2));
        trend.push_back(t);
    };
    struct Past {
        std::string finished_at;
        int files, accepted, review, rejected, duplicate;
        double rate;
    };
    std::vector<Past> past;
    for (auto& f : files) {
        try {
            std::ifstream fin(f);
            std::ostringstream js;
            js << fin.rdbuf();
            auto o = Poco::JSON::Parser().parse(js.str()).extract<Poco::JSON::Object::Ptr>();
            auto oc = o->getObject("outcomes");
            auto t = o->getObject("timing");
            Past p{o->getValue<std::string>("finished_at"), o->getValue<int>("files"), oc->getValue<int>("accepted"),
                   oc->getValue<int>("review"),             oc->getValue<int>("rejected"), oc->getValue<int>("duplicate"),
                   t->getValue<double>("documents_per_second")};
            if (p.finished_at <= s.finished_at) past.push_back(std::move(p));
        } catch (const std::exception&) {
            // A damaged old report leaves a gap in the trend, nothing more.
        }
    }
    if (past.size() > 13) past.erase(past.begin(), past.end() - 13);
    for (auto& p : past) add_row(p.finished_at, p.files, p.accepted, p.review, p.rejected, p.duplicate, p.rate);
    const int rows = static_cast<int>(past.size());
    add_row(s.finished_at, s.files, std::stoi(count("accepted")), std::stoi(count("review")),
            std::stoi(count("rejected")), std::stoi(count("duplicate")), s.seconds > 0 ? s.documents / s.seconds : 0);
    d.set("trend", trend);
    // Swedish: "den senaste körningen", "de senaste 5 körningarna".
    d.set("trend_heading", rows == 0 ? std::string("Trend, den senaste körningen")
                                     : "Trend, de senaste " + std::to_string(rows + 1) + " körningarna");
    return tmpl.render(d);
}


std::vector<std::pair<std::filesystem::path, Summary>> recent_reports(const std::filesystem::path& reports_dir,
                                                                      std::size_t n) {
    auto files = report_files(reports_dir);
    std::vector<std::pair<std::filesystem::path, Summary>> out;
    for (auto it = files.rbegin(); it != files.rend() && out.size() < n; ++it) {
        try {
            std::ifstream in(*it);
            std::ostringstream text;
            text << in.rdbuf();
            out.emplace_back(*it, Summary::from_json(text.str()));
        } catch (const std::exception&) {
            // A damaged report is left out of the list.
        }
    }
    return out;
}

std::optional<std::filesystem::path> latest_report(const std::filesystem::path& reports_dir) {
    auto files = report_files(reports_dir);
    if (files.empty()) return std::nullopt;
    return files.back();
}

std::filesystem::path write_report(const Summary& s, const std::filesystem::path& reports_dir,
                                   const std::filesystem::path& templates_dir, const ReportContext& context) {
    std::filesystem::create_directories(reports_dir);
    std::string html = render_report_html(s, reports_dir, templates_dir, context);
    std::string stamp = s.finished_at;
    for (auto& c : stamp)
        if (c == ':') c = '-';
    auto path = reports_dir / (s.kind + "-" + stamp + ".json");
    for (int i = 2; std::filesystem::exists(path); ++i)
        path = reports_dir / (s.kind + "-" + stamp + "-" + std::to_string(i) + ".json");
    if (!html.empty()) intake::write_file_atomic(std::filesystem::path(path).replace_extension(".html"), html);
    intake::write_file_atomic(path, s.to_json() + "\n");
    return path;
}

}  // namespace report
