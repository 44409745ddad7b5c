#include "forms/pdf_canvas.hpp"
#include "core/error.hpp"

#include <podofo/podofo.h>

#include <stdexcept>

namespace forms {

using namespace PoDoFo;

namespace {

PdfString utf8(const std::string& s) { return PdfString(reinterpret_cast<const pdf_utf8*>(s.c_str())); }

// Converts any PoDoFo error into the exception our callers expect for a
// broken environment, with what PoDoFo was doing.
template <typename F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const PdfError& e) {
        throw core::InternalError(std::string("PDF generation failed (") + what + "): " +
                                 PdfError::ErrorName(e.GetError()));
    }
}

// PoDoFo stamps each widget with the time (/M) and a rich-text style (/DS);
// neither carries meaning here and /M would make every output differ.
void deterministic_widget(PdfDictionary& dict) {
    dict.RemoveKey(PdfName("M"));
    dict.RemoveKey(PdfName("DS"));
}

}  // namespace

struct PdfCanvas::Impl {
    double page_w, page_h;
    // The encodings outlive the document (declared first, destroyed last).
    PdfIdentityEncoding regular_enc{0, 0xffff, false};
    PdfIdentityEncoding bold_enc{0, 0xffff, false};
    PdfMemDocument doc;
    PdfPage* page = nullptr;
    PdfPainter painter;
    PdfFont* regular = nullptr;
    PdfFont* bold = nullptr;
    PdfFont* form_font = nullptr;  // Helvetica for viewers' own field appearances
    PdfAcroForm* acro = nullptr;

    PdfRect flip(const core::Rect& r) const { return PdfRect(r.x, page_h - r.y - r.h, r.w, r.h); }
};

PdfCanvas::PdfCanvas(double page_width, double page_height, const std::filesystem::path& regular_font,
                     const std::filesystem::path& bold_font)
    : m(std::make_unique<Impl>()) {
    m->page_w = page_width;
    m->page_h = page_height;
    for (auto& f : {regular_font, bold_font})
        if (!std::filesystem::is_regular_file(f)) throw core::InstallError("font file missing: " + f.string());
    guarded("setting up the page", [&] {
        // Deterministic output: drop the creation date PoDoFo stamps by default.
        m->doc.GetInfo()->GetObject()->GetDictionary().RemoveKey(PdfName("CreationDate"));
        m->doc.GetInfo()->SetProducer(PdfString("linkage forms"));
        m->doc.GetInfo()->SetCreator(PdfString("linkage forms"));
        m->page = m->doc.CreatePage(PdfRect(0, 0, page_width, page_height));
        m->painter.SetPage(m->page);
        m->regular = m->doc.CreateFontSubset("DejaVuSans", false, false, false, &m->regular_enc,
                                             regular_font.c_str());
        m->bold = m->doc.CreateFontSubset("DejaVuSans-Bold", true, false, false, &m->bold_enc, bold_font.c_str());
        if (!m->regular || !m->bold) throw core::InstallError("cannot load the form fonts");
        m->form_font = m->doc.CreateFont("Helvetica", false, false, false,
                                         PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                         PdfFontCache::eFontCreationFlags_AutoSelectBase14, false);
        m->acro = m->doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
        // Values are drawn into each widget's own appearance stream; viewers
        // must use it rather than regenerate (which would depend on their fonts).
        m->acro->SetNeedAppearances(false);
        PdfDictionary fonts;
        fonts.AddKey(m->form_font->GetIdentifier(), m->form_font->GetObject()->Reference());
        PdfDictionary dr;
        dr.AddKey(PdfName("Font"), fonts);
        m->acro->GetObject()->GetDictionary().AddKey(PdfName("DR"), dr);
        m->acro->GetObject()->GetDictionary().AddKey(
            PdfName("DA"), PdfString("/" + m->form_font->GetIdentifier().GetName() + " 0 Tf 0 g"));
        return 0;
    });
}

PdfCanvas::~PdfCanvas() = default;

void PdfCanvas::fill_rect(const core::Rect& r, double gray) {
    guarded("drawing", [&] {
        auto p = m->flip(r);
        m->painter.SetGray(gray);
        m->painter.Rectangle(p.GetLeft(), p.GetBottom(), p.GetWidth(), p.GetHeight());
        m->painter.Fill();
        return 0;
    });
}

void PdfCanvas::stroke_rect(const core::Rect& r, double line_width, double gray) {
    guarded("drawing", [&] {
        auto p = m->flip(r);
        m->painter.SetStrokingGray(gray);
        m->painter.SetStrokeWidth(line_width);
        m->painter.Rectangle(p.GetLeft(), p.GetBottom(), p.GetWidth(), p.GetHeight());
        m->painter.Stroke();
        return 0;
    });
}

void PdfCanvas::text(double x, double baseline_y, double size, bool bold, const std::string& s, double gray) {
    guarded("drawing text", [&] {
        PdfFont* f = bold ? m->bold : m->regular;
        f->SetFontSize(static_cast<float>(size));
        m->painter.SetFont(f);
        m->painter.SetGray(gray);
        m->painter.DrawText(x, m->page_h - baseline_y, utf8(s));
        return 0;
    });
}

double PdfCanvas::text_width(const std::string& s, double size, bool bold) const {
    return guarded("measuring text", [&] {
        PdfFont* f = bold ? m->bold : m->regular;
        f->SetFontSize(static_cast<float>(size));
        return f->GetFontMetrics()->StringWidth(utf8(s));
    });
}

void PdfCanvas::text_field(const std::string& name, const core::Rect& box, int max_length,
                           const std::optional<std::string>& value, double value_size) {
    guarded("adding a form field", [&] {
        PdfTextField field(m->page, m->flip(box), m->acro);
        field.SetFieldName(PdfString(name));
        if (max_length > 0) field.SetMaxLen(max_length);
        field.SetBorderColorTransparent();
        field.SetBackgroundColorTransparent();
        auto& dict = field.GetFieldObject()->GetDictionary();
        deterministic_widget(dict);
        dict.AddKey(PdfName("DA"), PdfString("/" + m->form_font->GetIdentifier().GetName() + " " +
                                             std::to_string(static_cast<int>(value_size)) + " Tf 0 g"));
        field.GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print);
        if (value) {
            field.SetText(utf8(*value));
            field.SetReadOnly(true);
            // The value's own appearance: the text in the embedded font,
            // vertically centred, 3 pt from the left edge, as a viewer would.
            PdfXObject ap(PdfRect(0, 0, box.w, box.h), &m->doc);
            PdfPainter p;
            p.SetPage(&ap);
            m->regular->SetFontSize(static_cast<float>(value_size));
            p.SetFont(m->regular);
            p.SetGray(0.0);
            double descent = -m->regular->GetFontMetrics()->GetDescent();
            double ascent = m->regular->GetFontMetrics()->GetAscent();
            double baseline = (box.h - (ascent + descent)) / 2 + descent;
            p.DrawText(3.0, baseline, utf8(*value));
            p.FinishPage();
            field.GetWidgetAnnotation()->SetAppearanceStream(&ap);
        }
        return 0;
    });
}

void PdfCanvas::signature_field(const std::string& name, const core::Rect& box) {
    guarded("adding the signature field", [&] {
        PdfSignatureField field(m->page, m->flip(box), &m->doc);
        field.SetFieldName(PdfString(name));
        auto& dict = field.GetFieldObject()->GetDictionary();
        deterministic_widget(dict);
        // PoDoFo 0.9.8 pre-creates a signature value (/V, PPKLite without
        // /Contents). An unsigned field must have none, or readers report a
        // broken signature.
        if (auto* v = dict.GetKey(PdfName("V")); v && v->IsReference()) {
            PdfReference ref = v->GetReference();
            dict.RemoveKey(PdfName("V"));
            delete m->doc.GetObjects().RemoveObject(ref);
        } else {
            dict.RemoveKey(PdfName("V"));
        }
        field.GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print);
        return 0;
    });
}

void PdfCanvas::set_title(const std::string& s) {
    guarded("setting the title", [&] {
        m->doc.GetInfo()->SetTitle(utf8(s));
        return 0;
    });
}

std::string PdfCanvas::finish() {
    return guarded("writing the document", [&] {
        m->painter.FinishPage();
        PdfRefCountedBuffer buffer;
        PdfOutputDevice device(&buffer);
        m->doc.Write(&device);
        return std::string(buffer.GetBuffer(), device.GetLength());
    });
}

}  // namespace forms
