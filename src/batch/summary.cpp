#include "batch/summary.hpp"

#include "intake/files.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iomanip>
#include <ostream>
#include <sstream>

namespace batch {

std::string Summary::to_json() const {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("kind", kind);
    o.set("started_at", started_at);
    o.set("finished_at", finished_at);
    o.set("files", files);
    o.set("documents", documents);
    o.set("ignored_pages", ignored_pages);
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
    o.set("review", rv);
    o.set("rejected", rj);
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
    o.stringify(s, 2);
    return s.str();
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
    if (!review.empty()) o << "  " << review.size() << " document(s) wait for review: linkage review list\n";
}

std::filesystem::path write_report(const Summary& s, const std::filesystem::path& reports_dir) {
    std::filesystem::create_directories(reports_dir);
    std::string stamp = s.finished_at;
    for (auto& c : stamp)
        if (c == ':') c = '-';
    auto path = reports_dir / (s.kind + "-" + stamp + ".json");
    for (int i = 2; std::filesystem::exists(path); ++i)
        path = reports_dir / (s.kind + "-" + stamp + "-" + std::to_string(i) + ".json");
    intake::write_file_atomic(path, s.to_json() + "\n");
    return path;
}

}  // namespace batch
