#include "core/form_template.hpp"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

namespace core {

const FieldSpec* FormTemplate::field(std::string_view name) const {
    for (auto& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

const Mark* FormTemplate::mark(std::string_view id) const {
    for (auto& m : marks)
        if (m.id == id) return &m;
    return nullptr;
}

std::string FormTemplate::display_id() const { return form_id + " v" + std::to_string(version); }

namespace {

using Poco::JSON::Object;

constexpr double k_mm = 72.0 / 25.4;

Rect rect(const Object::Ptr& o, const std::string& what) {
    if (!o) throw TemplateError("template: missing " + what);
    Rect r{o->getValue<double>("x"), o->getValue<double>("y"), o->getValue<double>("w"), o->getValue<double>("h")};
    if (r.w <= 0 || r.h <= 0) throw TemplateError("template: " + what + " has no area");
    return r;
}

TextBlock text_block(const Object::Ptr& o, const std::string& what) {
    if (!o) throw TemplateError("template: missing " + what);
    TextBlock t;
    t.x = o->getValue<double>("x");
    t.y = o->getValue<double>("y");
    t.size = o->getValue<double>("size");
    t.bold = o->has("bold") && o->getValue<bool>("bold");
    t.text = o->has("text") ? o->getValue<std::string>("text") : std::string();
    return t;
}

void inside_page(const FormTemplate& t, const Rect& r, const std::string& what) {
    if (r.x < 0 || r.y < 0 || r.x + r.w > t.page_width || r.y + r.h > t.page_height)
        throw TemplateError("template: " + what + " lies outside the page");
}

}  // namespace

FormTemplate FormTemplate::parse(std::string_view json) {
    FormTemplate t;
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(std::string(json)).extract<Object::Ptr>();
        t.form_id = root->getValue<std::string>("form_id");
        t.version = root->getValue<int>("version");
        auto page = root->getObject("page");
        if (!page) throw TemplateError("template: missing page");
        t.page_width = page->getValue<double>("width");
        t.page_height = page->getValue<double>("height");
        auto marks = root->getArray("marks");
        if (!marks || marks->size() != 4) throw TemplateError("template: needs exactly four marks");
        for (unsigned i = 0; i < marks->size(); ++i) {
            auto m = marks->getObject(i);
            if (!m) throw TemplateError("template: mark " + std::to_string(i) + " is not an object");
            t.marks.push_back({m->getValue<std::string>("id"), rect(m, "mark " + std::to_string(i))});
        }
        t.qr = rect(root->getObject("qr"), "qr");
        t.form_id_text = text_block(root->getObject("form_id_text"), "form_id_text");
        if (auto texts = root->getArray("texts"))
            for (unsigned i = 0; i < texts->size(); ++i) t.texts.push_back(text_block(texts->getObject(i), "text"));
        auto fields = root->getArray("fields");
        if (!fields) throw TemplateError("template: missing fields");
        for (unsigned i = 0; i < fields->size(); ++i) {
            auto f = fields->getObject(i);
            if (!f) throw TemplateError("template: field " + std::to_string(i) + " is not an object");
            FieldSpec s;
            s.name = f->getValue<std::string>("name");
            s.label = f->getValue<std::string>("label");
            s.box = rect(f, "field " + s.name);
            s.whitelist = f->getValue<std::string>("whitelist");
            s.max_length = f->getValue<int>("max_length");
            s.rule = f->getValue<std::string>("rule");
            s.required = f->getValue<bool>("required");
            s.ocr_lang = f->getValue<std::string>("ocr_lang");
            if (f->has("ocr_squeeze")) {
                s.ocr_squeeze = f->getValue<double>("ocr_squeeze");
                if (!(s.ocr_squeeze >= 0.5 && s.ocr_squeeze <= 1.0))
                    throw TemplateError("template: field " + s.name + ": ocr_squeeze must be between 0.5 and 1");
            }
            t.fields.push_back(std::move(s));
        }
        auto sig = root->getObject("signature");
        t.signature = rect(sig, "signature");
        t.signature_name = sig->getValue<std::string>("name");
        t.signature_label = sig->getValue<std::string>("label");
        auto ref = root->getObject("reference");
        t.reference = rect(ref, "reference");
        t.reference_label = ref->getValue<std::string>("label");
        t.label_offset = root->getValue<double>("label_offset");
        t.label_size = root->getValue<double>("label_size");
        t.value_size = root->getValue<double>("value_size");
    } catch (const TemplateError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw TemplateError("template: " + e.displayText());
    } catch (const std::exception& e) {
        throw TemplateError(std::string("template: ") + e.what());
    }

    if (t.page_width < 500 || t.page_height < 700) throw TemplateError("template: page is not A4-sized");
    for (const char* id : {"tl", "tr", "bl", "br"}) {
        auto m = t.mark(id);
        if (!m) throw TemplateError(std::string("template: mark '") + id + "' missing");
        if (m->box.w < 8 * k_mm - 0.01 || m->box.h < 8 * k_mm - 0.01)
            throw TemplateError(std::string("template: mark '") + id + "' is smaller than 8 mm");
        if (m->box.x < 10 * k_mm || m->box.y < 10 * k_mm || m->box.x + m->box.w > t.page_width - 10 * k_mm ||
            m->box.y + m->box.h > t.page_height - 10 * k_mm)
            throw TemplateError(std::string("template: mark '") + id + "' is inside the 10 mm margin");
    }
    if (t.mark("tl")->box.w * t.mark("tl")->box.h <= t.mark("br")->box.w * t.mark("br")->box.h * 1.5)
        throw TemplateError("template: the top-left mark must be clearly larger than the others (orientation)");
    for (const char* name : {"bureau_name", "bureau_orgnr", "client_name", "client_orgnr", "client_subscription",
                             "signer_name", "signer_email", "place", "date"})
        if (!t.field(name)) throw TemplateError(std::string("template: field '") + name + "' missing");
    for (auto& f : t.fields) inside_page(t, f.box, "field " + f.name);
    inside_page(t, t.signature, "signature");
    inside_page(t, t.qr, "qr");
    inside_page(t, t.reference, "reference");
    return t;
}

FormTemplate FormTemplate::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw TemplateError("cannot read form template " + file.string());
    std::ostringstream s;
    s << in.rdbuf();
    try {
        return parse(s.str());
    } catch (const TemplateError& e) {
        throw TemplateError(file.string() + ": " + e.what());
    }
}

std::filesystem::path template_path(const std::filesystem::path& templates_dir, int version) {
    return templates_dir / ("linkage-form.v" + std::to_string(version) + ".json");
}

std::string qr_payload(const FormTemplate& t, int page, const std::optional<std::string>& reference) {
    return "LINKAGE-FORM|" + t.form_id + "|v" + std::to_string(t.version) + "|p" + std::to_string(page) + "|" +
           (reference ? *reference : std::string("-"));
}

std::optional<QrInfo> parse_qr_payload(std::string_view text) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : text) {
        if (c == '|') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    parts.push_back(cur);
    if (parts.size() != 5 || parts[0] != "LINKAGE-FORM") return std::nullopt;
    if (parts[2].size() < 2 || parts[2][0] != 'v' || parts[3].size() < 2 || parts[3][0] != 'p') return std::nullopt;
    QrInfo q;
    q.form_id = parts[1];
    try {
        q.version = std::stoi(parts[2].substr(1));
        q.page = std::stoi(parts[3].substr(1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (parts[4] != "-" && !parts[4].empty()) q.reference = parts[4];
    return q;
}

}  // namespace core
