#include "batch/analysis_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace batch {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Dynamic::Var;

namespace {
Var opt(const std::optional<std::string>& s) { return s ? Var(*s) : Var(); }
Var opt(const std::optional<std::int64_t>& v) { return v ? Var(*v) : Var(); }
Var opt(const std::optional<int>& v) { return v ? Var(*v) : Var(); }
}  // namespace

Poco::JSON::Array mark_regions_json(const std::vector<MarkRegion>& regions) {
    Array out;
    for (auto& m : regions) {
        Object r(Poco::JSON_PRESERVE_KEY_ORDER);
        r.set("x", m.x);
        r.set("y", m.y);
        r.set("w", m.w);
        r.set("h", m.h);
        r.set("kind", m.kind);
        r.set("near", m.near);
        out.add(r);
    }
    return out;
}

std::string analysis_to_json(const FileAnalysis& a) {
    Object o;
    o.set("container", a.container);
    o.set("pages", a.pages);
    o.set("file_reason", opt(a.file_reason));
    o.set("file_detail", a.file_detail);
    o.set("evidence_error", a.evidence_error);
    o.set("store_error", a.store_error);
    Object t;
    t.set("decode", a.times.decode_ms);
    t.set("align", a.times.align_ms);
    t.set("read", a.times.read_ms);
    t.set("validate", a.times.validate_ms);
    t.set("total", a.times.total_ms);
    o.set("times", t);
    Array ignored;
    for (auto& i : a.ignored) {
        Object x;
        x.set("page", i.page);
        x.set("kind", i.kind);
        x.set("note", i.note);
        ignored.add(x);
    }
    o.set("ignored", ignored);
    Array forms;
    for (auto& f : a.forms) {
        Object x;
        x.set("form_index", f.form_index);
        x.set("page", opt(f.page));
        x.set("outcome", std::string(core::to_string(f.outcome)));
        Array reasons;
        for (auto& r : f.reasons) reasons.add(r);
        x.set("reasons", reasons);
        Array fields;
        for (auto& fr : f.reading.fields) {
            Object y;
            y.set("name", fr.name);
            y.set("text", fr.text);
            y.set("confidence", fr.confidence);
            y.set("empty", fr.empty);
            fields.add(y);
        }
        x.set("fields", fields);
        x.set("ink_percent", f.reading.signature.ink_percent);
        x.set("signature_present", f.reading.signature.present);
        x.set("signature_verdict", std::string(core::to_string(f.reading.signature.verdict)));
        x.set("signature_why", f.reading.signature.evidence.why);
        x.set("born_digital", f.reading.born_digital);
        x.set("digital_signature", f.reading.digital_signature_value);
        Array failures;
        for (auto& fl : f.failures) {
            Object y;
            y.set("code", fl.code);
            y.set("field", fl.field);
            y.set("detail", fl.detail);
            y.set("reject", fl.severity == validate::Severity::reject);
            failures.add(y);
        }
        x.set("failures", failures);
        Object values;
        for (auto& [k, v] : f.values) values.set(k, v);
        x.set("values", values);
        x.set("reference_code", opt(f.reference_code));
        x.set("bureau_id", opt(f.bureau_id));
        x.set("client_id", opt(f.client_id));
        x.set("residual_mm", f.residual_mm);
        x.set("marks_found", f.marks_found);
        x.set("rotation_deg", f.rotation_deg);
        x.set("qr_text", opt(f.qr_text));
        x.set("crops_dir", f.crops_dir);
        x.set("unexplained", mark_regions_json(f.unexplained));
        x.set("page_width_pt", f.page_width_pt);
        x.set("page_height_pt", f.page_height_pt);
        forms.add(x);
    }
    o.set("forms", forms);
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::optional<FileAnalysis> analysis_from_json(const std::string& line) {
    try {
        auto o = Poco::JSON::Parser().parse(line).extract<Object::Ptr>();
        FileAnalysis a;
        a.container = o->getValue<std::string>("container");
        a.pages = o->getValue<int>("pages");
        if (!o->isNull("file_reason")) a.file_reason = o->getValue<std::string>("file_reason");
        a.file_detail = o->getValue<std::string>("file_detail");
        if (o->has("evidence_error")) a.evidence_error = o->getValue<std::string>("evidence_error");
        if (o->has("store_error")) a.store_error = o->getValue<std::string>("store_error");
        auto t = o->getObject("times");
        a.times = {t->getValue<double>("decode"), t->getValue<double>("align"), t->getValue<double>("read"),
                   t->getValue<double>("validate"), t->getValue<double>("total")};
        auto ignored = o->getArray("ignored");
        for (unsigned i = 0; i < ignored->size(); ++i) {
            auto x = ignored->getObject(i);
            a.ignored.push_back({x->getValue<int>("page"), x->getValue<std::string>("kind"), x->getValue<std::string>("note")});
        }
        auto forms = o->getArray("forms");
        for (unsigned i = 0; i < forms->size(); ++i) {
            auto x = forms->getObject(i);
            FormResult f;
            f.form_index = x->getValue<int>("form_index");
            if (!x->isNull("page")) f.page = x->getValue<int>("page");
            f.outcome = core::parse_outcome(x->getValue<std::string>("outcome")).value_or(core::Outcome::review);
            auto reasons = x->getArray("reasons");
            for (unsigned k = 0; k < reasons->size(); ++k) f.reasons.push_back(reasons->getElement<std::string>(k));
            auto fields = x->getArray("fields");
            for (unsigned k = 0; k < fields->size(); ++k) {
                auto y = fields->getObject(k);
                f.reading.fields.push_back({y->getValue<std::string>("name"), y->getValue<std::string>("text"),
                                            y->getValue<double>("confidence"), y->getValue<bool>("empty")});
            }
            f.reading.signature.ink_percent = x->getValue<double>("ink_percent");
            f.reading.signature.present = x->getValue<bool>("signature_present");
            if (x->has("signature_verdict"))
                f.reading.signature.verdict = core::parse_signature_verdict(x->getValue<std::string>("signature_verdict"));
            if (x->has("signature_why")) f.reading.signature.evidence.why = x->getValue<std::string>("signature_why");
            f.reading.born_digital = x->getValue<bool>("born_digital");
            f.reading.digital_signature_value = x->getValue<bool>("digital_signature");
            auto failures = x->getArray("failures");
            for (unsigned k = 0; k < failures->size(); ++k) {
                auto y = failures->getObject(k);
                f.failures.push_back({y->getValue<std::string>("code"), y->getValue<std::string>("field"),
                                      y->getValue<std::string>("detail"),
                                      y->getValue<bool>("reject") ? validate::Severity::reject : validate::Severity::review});
            }
            for (auto& [k, v] : *x->getObject("values")) f.values[k] = v.toString();
            if (!x->isNull("reference_code")) f.reference_code = x->getValue<std::string>("reference_code");
            if (!x->isNull("bureau_id")) f.bureau_id = x->getValue<std::int64_t>("bureau_id");
            if (!x->isNull("client_id")) f.client_id = x->getValue<std::int64_t>("client_id");
            f.residual_mm = x->getValue<double>("residual_mm");
            f.marks_found = x->getValue<int>("marks_found");
            f.rotation_deg = x->getValue<double>("rotation_deg");
            if (!x->isNull("qr_text")) f.qr_text = x->getValue<std::string>("qr_text");
            f.crops_dir = x->getValue<std::string>("crops_dir");
            if (auto marks = x->getArray("unexplained"))
                for (unsigned k = 0; k < marks->size(); ++k) {
                    auto y = marks->getObject(k);
                    f.unexplained.push_back({y->getValue<double>("x"), y->getValue<double>("y"), y->getValue<double>("w"),
                                             y->getValue<double>("h"), y->getValue<std::string>("kind"),
                                             y->getValue<std::string>("near")});
                }
            if (x->has("page_width_pt")) f.page_width_pt = x->getValue<double>("page_width_pt");
            if (x->has("page_height_pt")) f.page_height_pt = x->getValue<double>("page_height_pt");
            a.forms.push_back(std::move(f));
        }
        return a;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace batch
