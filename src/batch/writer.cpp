#include "batch/writer.hpp"

#include "batch/analysis_json.hpp"
#include "batch/crops.hpp"
#include "store/document_repo.hpp"
#include "store/event_log.hpp"
#include "store/linkage_merge.hpp"
#include "store/linkage_repo.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace batch {

namespace fs = std::filesystem;

namespace {

std::string to_json(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}
std::string to_json(const Poco::JSON::Array& a) {
    std::ostringstream s;
    a.stringify(s);
    return s.str();
}

std::string home_relative(const fs::path& p, const fs::path& home) {
    std::error_code ec;
    auto r = fs::relative(p, home, ec);
    return ec || r.empty() ? p.string() : r.string();
}

Poco::JSON::Object evidence_json(const FormResult& f, const FileAnalysis& a) {
    Poco::JSON::Object ev(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array failures;
    for (auto& x : f.failures) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("code", x.code);
        o.set("field", x.field);
        o.set("detail", x.detail);
        failures.add(o);
    }
    ev.set("failures", failures);
    ev.set("ink_percent", f.reading.signature.ink_percent);
    ev.set("signature_verdict", std::string(core::to_string(f.reading.signature.verdict)));
    ev.set("signature_why", f.reading.signature.evidence.why);
    ev.set("residual_mm", f.residual_mm);
    ev.set("marks_found", f.marks_found);
    ev.set("rotation_deg", f.rotation_deg);
    ev.set("qr", f.qr_text ? Poco::Dynamic::Var(*f.qr_text) : Poco::Dynamic::Var());
    ev.set("born_digital", f.reading.born_digital);
    ev.set("digital_signature", f.reading.digital_signature_value);
    Poco::JSON::Object raw(Poco::JSON_PRESERVE_KEY_ORDER);
    for (auto& fr : f.reading.fields) raw.set(fr.name, fr.text);
    ev.set("raw_text", raw);
    ev.set("container", a.container);
    if (!f.unexplained.empty()) {
        // Regions in template points and the page they lie on (the review page outlines them).
        Poco::JSON::Object marks(Poco::JSON_PRESERVE_KEY_ORDER);
        marks.set("page_width_pt", f.page_width_pt);
        marks.set("page_height_pt", f.page_height_pt);
        marks.set("regions", mark_regions_json(f.unexplained));
        ev.set("unexplained_marks", marks);
    }
    return ev;
}

}  // namespace

std::optional<CommittedFile> Writer::already_committed(const intake::Claimed& claimed) {
    store::DocumentRepo docs(m_c);
    auto in = docs.input(claimed.sha256);
    if (!in) return std::nullopt;
    CommittedFile f;
    f.sha256 = claimed.sha256;
    f.file_name = in->file_name;
    f.stored_path = in->stored_path;
    f.rejected_file = in->stored_path.rfind("rejected", 0) == 0 || in->stored_path.find("/rejected/") != std::string::npos;
    for (auto& d : docs.for_input(claimed.sha256)) {
        CommittedForm cf;
        cf.form_index = d.form_index;
        cf.page = d.page;
        cf.outcome = core::parse_outcome(d.outcome).value_or(core::Outcome::review);
        cf.linkage_id = d.linkage_id;
        cf.document_id = d.id;
        Poco::JSON::Parser p;
        auto reasons = p.parse(d.reasons).extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < reasons->size(); ++i) cf.reasons.push_back(reasons->getElement<std::string>(static_cast<unsigned>(i)));
        auto fields = Poco::JSON::Parser().parse(d.fields).extract<Poco::JSON::Object::Ptr>();
        for (auto& [k, v] : *fields) cf.fields[k] = v.toString();
        auto conf = Poco::JSON::Parser().parse(d.confidence).extract<Poco::JSON::Object::Ptr>();
        for (auto& [k, v] : *conf) cf.confidence[k] = v.convert<double>();
        f.forms.push_back(std::move(cf));
    }
    return f;
}

CommittedFile Writer::commit(const intake::Claimed& claimed, FileAnalysis& analysis, const intake::Inbox& inbox,
                             std::optional<std::int64_t> batch_id) {
    CommittedFile out;
    out.sha256 = claimed.sha256;
    out.file_name = claimed.original_name;
    store::DocumentRepo docs(m_c);
    if (docs.input(claimed.sha256)) {
        out.duplicate = true;
        return out;
    }
    const std::string now = core::format_utc(m_clock.now());
    bool keep = false;
    for (auto& f : analysis.forms)
        if (f.outcome != core::Outcome::rejected) keep = true;
    out.rejected_file = !keep;
    out.stored_path = keep ? inbox.archive_path(claimed) : inbox.reject_path(claimed);

    std::vector<std::string> crops_dirs(analysis.forms.size());
    for (size_t i = 0; i < analysis.forms.size(); ++i) {
        write_crops(m_home, m_crops, claimed.sha256, analysis.forms[i]);  // already done by a worker process
        crops_dirs[i] = analysis.forms[i].crops_dir;
    }

    store::LinkageRepo links(m_c, m_clock);
    store::EventLog log(m_c);
    store::Transaction tx(m_c);
    Poco::JSON::Array ignored;
    for (auto& ig : analysis.ignored) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("page", ig.page);
        o.set("kind", ig.kind);
        o.set("note", ig.note);
        ignored.add(o);
    }
    store::InputRow in{claimed.sha256, claimed.original_name, analysis.container.empty() ? "unknown" : analysis.container,
                       home_relative(out.stored_path, m_home), now, static_cast<std::int64_t>(claimed.size), batch_id,
                       analysis.pages, to_json(ignored)};
    docs.insert_input(in);

    // A whole file that could not be read is one rejected document.
    if (analysis.forms.empty()) {
        FormResult whole;
        whole.outcome = core::Outcome::rejected;
        whole.reasons = {analysis.file_reason.value_or(std::string(core::reason::unreadable))};
        whole.failures.push_back({whole.reasons.front(), "", analysis.file_detail, validate::Severity::reject});
        analysis.forms.push_back(std::move(whole));
        crops_dirs.emplace_back();
    }

    const std::string actor = "paper-form:" + claimed.sha256.substr(0, 12);
    for (size_t i = 0; i < analysis.forms.size(); ++i) {
        FormResult& f = analysis.forms[i];
        CommittedForm cf;
        cf.form_index = f.form_index;
        cf.page = f.page;
        for (auto& fr : f.reading.fields) {
            cf.fields[fr.name] = f.values.count(fr.name) ? f.values[fr.name] : fr.text;
            cf.confidence[fr.name] = fr.confidence;
        }
        std::optional<store::Linkage> ref_linkage;
        if (f.reference_code) ref_linkage = links.by_reference_code(*f.reference_code);
        if (ref_linkage) cf.linkage_id = ref_linkage->id;

        // A second scan of the same pre-filled form: evidence; to review when it says something else.
        if (f.reference_code && f.outcome == core::Outcome::accepted) {
            for (auto& earlier : docs.by_reference(*f.reference_code)) {
                auto prev = Poco::JSON::Parser().parse(earlier.fields).extract<Poco::JSON::Object::Ptr>();
                for (auto& [k, v] : cf.fields)
                    if (prev->has(k) && prev->getValue<std::string>(k) != v) {
                        f.outcome = core::Outcome::review;
                        f.reasons.push_back(std::string(core::reason::rescan_differs));
                        f.failures.push_back({std::string(core::reason::rescan_differs), k,
                                              k + " differs from the earlier scan of reference " + *f.reference_code,
                                              validate::Severity::review});
                        break;
                    }
                if (f.outcome != core::Outcome::accepted) break;
            }
        }

        if (f.outcome == core::Outcome::accepted && f.bureau_id && f.client_id) {
            Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
            detail.set("sha256", claimed.sha256);
            detail.set("archived", home_relative(out.stored_path, m_home));
            detail.set("form_index", f.form_index);
            detail.set("signer", cf.fields["signer_name"]);
            detail.set("date", cf.fields["date"]);
            auto r = store::approve_by_paper_form(links, *f.bureau_id, *f.client_id, ref_linkage,
                                                  "signed paper form (" + cf.fields["signer_name"] + ")", actor,
                                                  "paper", to_json(detail));
            if (r.what == store::PaperApproval::already_linked)
                f.reasons.push_back(std::string(core::reason::already_linked));
            else if (r.pending_was_digital)
                f.reasons.push_back(std::string(core::reason::approved_pending_request));
            cf.linkage_id = r.linkage_id;
        }

        cf.outcome = f.outcome;
        cf.reasons = f.reasons;
        if (!f.failures.empty()) cf.note = f.failures.front().detail;
        Poco::JSON::Array reasons;
        for (auto& r : f.reasons) reasons.add(r);
        Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER), conf(Poco::JSON_PRESERVE_KEY_ORDER);
        for (auto& [k, v] : cf.fields) fields.set(k, v);
        for (auto& [k, v] : cf.confidence) conf.set(k, v);
        store::DocumentRow row;
        row.sha256 = claimed.sha256;
        row.form_index = f.form_index;
        row.page = f.page;
        row.outcome = std::string(core::to_string(f.outcome));
        row.reasons = to_json(reasons);
        row.fields = to_json(fields);
        row.confidence = to_json(conf);
        row.evidence = to_json(evidence_json(f, analysis));
        row.reference_code = f.reference_code;
        row.linkage_id = cf.linkage_id;
        if (!crops_dirs[i].empty()) row.crops_dir = crops_dirs[i];
        if (f.outcome == core::Outcome::review) row.review_state = "open";
        row.created_at = now;
        cf.document_id = docs.insert_document(row);
        Poco::JSON::Object after(Poco::JSON_PRESERVE_KEY_ORDER);
        after.set("outcome", row.outcome);
        after.set("reasons", reasons);
        after.set("file", claimed.original_name);
        log.append(now, "batch", "document", cf.document_id, "processed", std::nullopt, to_json(after));
        out.forms.push_back(std::move(cf));
    }
    tx.commit();
    return out;
}

}  // namespace batch
