#include "batch/analyser.hpp"

#include "align/align.hpp"
#include "marks/marks.hpp"
#include "validate/appearance.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace batch {

namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

Analyser::Analyser(const core::FormTemplate& t, const core::Rules& rules, const core::Clock& clock,
                   std::unique_ptr<ocr::OcrEngine> engine, std::unique_ptr<validate::RegistryView> registry,
                   AnalysisSettings settings)
    : m_template(t), m_rules(rules), m_clock(clock), m_engine(std::move(engine)), m_registry(std::move(registry)),
      m_settings(std::move(settings)) {
    // A place read exactly as a known place name is vouched for by the list:
    // it needs no second read (a misread one is a letter or two from a known
    // name: validate sends it to review as place_unclear).
    if (!m_settings.read.vouched_for)
        m_settings.read.vouched_for = [&rules](const core::FieldSpec& f, std::string_view text) {
            return f.rule == "place" && rules.place_is_known(text);
        };
}

FileAnalysis Analyser::analyse(std::string_view bytes) {
    auto t0 = std::chrono::steady_clock::now();
    FileAnalysis file;
    // Pages one at a time (a feeder stack of hundreds of pages never sits in memory whole).
    auto source = raster::open_pages({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, m_settings.limits);
    file.times.decode_ms = ms_since(t0);
    auto fail = [&](const raster::RasterProblem& p) {
        file.forms.clear();
        file.ignored.clear();
        file.file_reason = std::string(p.reason);
        file.file_detail = p.detail;
        file.times.total_ms = ms_since(t0);
        return file;
    };
    if (!source) return fail(source.error());
    raster::PageSource& src = **source;
    file.container = std::string(raster::to_string(src.container()));
    if (src.born_digital) {
        raster::Raster r;  // the values, and the rendered page(s) for what the values do not say
        r.container = src.container();
        r.born_digital = true;
        r.form_fields = src.form_fields;
        r.signature_value_present = src.signature_value_present;
        // The form is one page; a few more are kept for judging, never a whole stack in memory.
        for (int i = 0; i < std::min(src.page_count(), 4); ++i) {
            auto td = std::chrono::steady_clock::now();
            auto p = src.page(i);
            file.times.decode_ms += ms_since(td);
            if (!p) return fail(p.error());
            r.pages.push_back(std::move(p->image));
            r.rendered.push_back(p->rendered);
        }
        file.pages = 1;
        auto form = analyse_born_digital(r, file);
        if (form.form_index > 0) file.forms.push_back(std::move(form));
    } else {
        file.pages = src.page_count();
        for (int i = 0; i < src.page_count(); ++i) {
            auto td = std::chrono::steady_clock::now();
            auto page = src.page(i);
            file.times.decode_ms += ms_since(td);
            if (!page) return fail(page.error());
            auto form = analyse_page(page->image, i + 1, file, nullptr, page->covered_ink);
            if (form.form_index > 0) {
                form.form_index = static_cast<int>(file.forms.size()) + 1;
                file.forms.push_back(std::move(form));
            }
        }
        if (file.forms.empty()) {
            file.file_reason = std::string(core::reason::not_a_form);
            file.file_detail = file.ignored.empty() ? "no page holds the linkage form" : file.ignored.front().note;
            for (size_t i = 1; i < file.ignored.size(); ++i)
                file.file_detail += "; page " + std::to_string(file.ignored[i].page) + ": " + file.ignored[i].note;
        }
    }
    file.times.total_ms = ms_since(t0);
    return file;
}

// One page: a form (returned with form_index 1), or an ignored page
// (recorded in `file`, returned with form_index 0).
FormResult Analyser::analyse_page(const core::GrayImage& page, int page_no, FileAnalysis& file,
                                  const raster::Raster* digital, const std::vector<std::array<double, 4>>& covered) {
    FormResult form;
    form.page = page_no;
    auto t0 = std::chrono::steady_clock::now();
    auto al = align::align_page(page, m_template);
    file.times.align_ms += ms_since(t0);
    if (al.kind != align::PageKind::form) {
        file.ignored.push_back({page_no, al.kind == align::PageKind::blank ? "blank" : "foreign", al.note});
        form.form_index = 0;
        return form;
    }
    form.marks_found = al.marks_found;
    form.residual_mm = al.residual_mm;
    form.rotation_deg = al.transform.rotation_deg();
    form.qr_text = al.qr_text;
    if (al.qr_text) {
        auto qr = core::parse_qr_payload(*al.qr_text);
        if (qr && qr->form_id == m_template.form_id && qr->version != m_template.version) {
            form.outcome = core::Outcome::rejected;
            form.reasons = {std::string(core::reason::unknown_form_version)};
            return form;
        }
        if (qr) form.reference_code = qr->reference;
    }
    if (al.registered) {
        auto t1 = std::chrono::steady_clock::now();
        auto rd = ocr::read_form(page, al.transform, m_template, *m_engine, m_settings.read);
        file.times.read_ms += ms_since(t1);
        form.reading = std::move(rd.reading);
        form.crops = std::move(rd.crops);
        core::Rect whole{0, 0, m_template.page_width, m_template.page_height};
        // From the page as align reduced it (about 100 dpi, the preview's own
        // resolution): a ninth of the pixels to sample, each a block mean.
        form.page_preview = align::extract_zone(al.reduced.empty() ? page : al.reduced, al.reduced_transform(), whole,
                                                m_settings.preview_px_per_pt);
        if (!al.from_qr_only) find_unexplained_marks(form);
        // Ink of the scan hidden by something drawn over it (raster: a white-out box, an edit).
        for (auto& c : covered)
            form.unexplained.push_back({c[0] * m_template.page_width, c[1] * m_template.page_height,
                                        c[2] * m_template.page_width, c[3] * m_template.page_height, "covered", ""});
        if (!covered.empty()) form.page_width_pt = m_template.page_width, form.page_height_pt = m_template.page_height;
        if (digital) {  // a filled PDF: the values it holds against what its page shows
            confirm_typed_values(form, page, al.transform, digital->form_fields);
            auto rec = validate::reconcile_appearance(form.reading, digital->form_fields);
            form.reading = std::move(rec.reading);
            form.reading.digital_signature_value = digital->signature_value_present;
            form.page_failures = std::move(rec.failures);
            if (auto it = digital->form_fields.find("reference_code"); it != digital->form_fields.end() && !form.reference_code)
                form.reference_code = it->second;
        }
    }
    auto t2 = std::chrono::steady_clock::now();
    validate_and_decide(form, al.registered, al.from_qr_only);
    file.times.validate_ms += ms_since(t2);
    if (al.registered && !digital && form.outcome == core::Outcome::review) {
        auto t3 = std::chrono::steady_clock::now();
        reread_doubtful_fields(form, page, al.transform, al.from_qr_only);
        file.times.read_ms += ms_since(t3);
    }
    return form;
}

// A filled PDF's field whose page read differs from its typed value gets
// more reads of its zone (ocr::reread_field): when one of them, confident
// (≥ 85), reads exactly the typed value, the page does show that value (the
// first read slipped) and the read is replaced. Nothing else is changed: a
// value the page really shows differently is never read as the typed one by
// chance of a single slip, so it stays appearance_mismatch (review).
void Analyser::confirm_typed_values(FormResult& form, const core::GrayImage& page, const core::Similarity& transform,
                                    const std::map<std::string, std::string>& values) {
    for (auto& f : form.reading.fields) {
        auto it = values.find(f.name);
        if (it == values.end() || validate::shows_value(it->second, "") || f.text.empty() ||
            validate::shows_value(f.text, it->second))
            continue;
        const core::FieldSpec* spec = m_template.field(f.name);
        if (!spec) continue;
        for (auto& again : ocr::reread_field(page, transform, m_template, *spec, *m_engine, m_settings.read))
            if (again.confidence >= 85 && validate::shows_value(again.text, it->second)) {
                f.text = again.text;
                f.confidence = again.confidence;
                break;
            }
    }
}

// Ink on the registered page that the template and the read values do not
// explain (issue 14): regions kept as evidence; the form goes to review.
void Analyser::find_unexplained_marks(FormResult& form) const {
    auto has_value = [&form](std::string_view name) {
        for (auto& f : form.reading.fields)
            if (f.name == name) return !f.empty && !f.text.empty();
        return false;
    };
    marks::Options options;
    options.tolerance_mm = marks::tolerance_for_residual(form.residual_mm);
    auto ev = marks::find_unexplained(form.page_preview, m_settings.preview_px_per_pt, m_template, has_value, options);
    form.page_width_pt = m_template.page_width;
    form.page_height_pt = m_template.page_height;
    for (auto& r : ev.regions) form.unexplained.push_back({r.box.x, r.box.y, r.box.w, r.box.h, r.kind, r.near});
}

// A filled PDF: its rendered page is read like a scan (the signature box is
// judged on what the page shows, the marks found, the values read as printed),
// then the field values are reconciled with what the page shows
// (validate/appearance.hpp): a value is taken as typed only when the page
// shows it too. No rereads: the values are typed, not read.
FormResult Analyser::analyse_born_digital(const raster::Raster& r, FileAnalysis& file) {
    if (!r.pages.empty()) {
        FormResult form = analyse_page(r.pages.front(), 1, file, &r);
        if (form.form_index > 0) return form;
        file.ignored.pop_back();  // not a page of the form as rendered: judged from the values alone below
    }
    FormResult form;
    form.page = 1;
    form.reading.born_digital = true;
    form.reading.digital_signature_value = r.signature_value_present;
    for (auto& f : m_template.fields) {
        core::FieldReading fr;
        fr.name = f.name;
        auto it = r.form_fields.find(f.name);
        if (it != r.form_fields.end()) {
            fr.text = it->second;
            fr.confidence = 100;  // typed values, no OCR
        }
        fr.empty = fr.text.empty();
        form.reading.fields.push_back(std::move(fr));
    }
    if (auto it = r.form_fields.find("reference_code"); it != r.form_fields.end()) form.reference_code = it->second;
    // The page did not show the form (no marks where a viewer draws them):
    // the values are checked, but nothing drawn was seen — the signature is
    // not judged (validate: unsigned unless a digital signature value), and a
    // person looks at it (registration_failed) whatever the values say.
    form.marks_found = 0;
    validate_and_decide(form, true, false);
    if (form.outcome == core::Outcome::accepted) {
        form.outcome = core::Outcome::review;
        form.reasons.push_back(std::string(core::reason::registration_failed));
    }
    return form;
}

void Analyser::validate_and_decide(FormResult& form, bool registered, bool from_qr_only) {
    decide::Evidence ev;
    ev.registered = registered;
    ev.from_qr_only = from_qr_only;
    ev.residual_mm = form.residual_mm;
    ev.unexplained_marks = !form.unexplained.empty();
    if (registered) {
        auto v = validate::validate_form(form.reading, form.reference_code, *m_registry, m_rules, m_settings.thresholds, m_clock);
        v.failures.insert(v.failures.end(), form.page_failures.begin(), form.page_failures.end());
        for (auto& f : v.failures)
            (f.severity == validate::Severity::reject ? ev.reject_reasons : ev.review_reasons).push_back(f.code);
        form.failures = std::move(v.failures);
        form.values = std::move(v.values);
        if (v.bureau) form.bureau_id = v.bureau->id;
        if (v.client) form.client_id = v.client->id;
    }
    auto d = decide::decide(ev, m_settings.decide);
    form.outcome = d.outcome;
    form.reasons = std::move(d.reasons);
}

// A form bound for review only because some fields failed checks that an
// OCR slip explains (a check digit, a registry match, low confidence) gets
// more reads of just those fields (ocr::reread_field). A new read replaces
// the first only when it is confident by itself AND the form then has fewer
// failures, none on that field: every check still runs on the final values,
// so a reread can turn a doubtful form into an accepted one only by
// agreeing with the check digits and the registry. The date and the place
// have no such cross-check, so their doubts always go to a person.
void Analyser::reread_doubtful_fields(FormResult& form, const core::GrayImage& page,
                                      const core::Similarity& transform, bool from_qr_only) {
    using namespace core::reason;
    static constexpr std::string_view explained_by_a_slip[] = {
        low_confidence, orgnr_invalid,    subscription_invalid, bureau_unknown,       client_unknown,
        name_mismatch,  subscription_mismatch, signer_not_admin, signer_email_mismatch};
    auto a_slip = [](std::string_view code) {
        return std::find(std::begin(explained_by_a_slip), std::end(explained_by_a_slip), code) != std::end(explained_by_a_slip);
    };
    for (auto& r : form.reasons)  // e.g. registration_residual: not a matter of reading
        if (!a_slip(r)) return;
    std::vector<std::string> fields;
    for (auto& f : form.failures) {
        if (!a_slip(f.code) || f.field.empty() || f.field == "date" || f.field == "place") return;  // a person decides anyway
        if (std::find(fields.begin(), fields.end(), f.field) == fields.end()) fields.push_back(f.field);
    }
    const auto& th = m_settings.thresholds;
    auto failures_of = [&](const core::FormReading& reading) {
        return validate::validate_form(reading, form.reference_code, *m_registry, m_rules, th, m_clock).failures;
    };
    std::size_t failures_now = form.failures.size();
    for (auto& name : fields) {
        const core::FieldSpec* spec = m_template.field(name);
        if (!spec) continue;
        const double needed = validate::confidence_needed(name, th);
        auto index = static_cast<std::size_t>(std::find_if(form.reading.fields.begin(), form.reading.fields.end(),
                                                           [&](auto& f) { return f.name == name; }) -
                                              form.reading.fields.begin());
        if (index >= form.reading.fields.size()) continue;
        for (auto& again : ocr::reread_field(page, transform, m_template, *spec, *m_engine, m_settings.read)) {
            if (again.text.empty() || again.confidence < needed) continue;
            core::FormReading trial = form.reading;
            auto& f = trial.fields[index];
            f.confidence = again.text == f.text ? std::max(f.confidence, again.confidence) : again.confidence;
            f.text = again.text;
            f.empty = false;
            auto failures = failures_of(trial);
            bool field_clear = std::none_of(failures.begin(), failures.end(), [&](auto& x) { return x.field == name; });
            if (field_clear && failures.size() < failures_now) {
                form.reading = std::move(trial);
                failures_now = failures.size();
                break;
            }
        }
    }
    validate_and_decide(form, true, from_qr_only);
}

}  // namespace batch
