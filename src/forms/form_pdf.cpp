#include "forms/form_pdf.hpp"

#include "forms/pdf_canvas.hpp"
#include "forms/qr_code.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace forms {

namespace {

namespace fs = std::filesystem;

size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::pair<fs::path, fs::path> font_files(const fs::path& dir_or_file) {
    if (fs::is_directory(dir_or_file)) return {dir_or_file / "DejaVuSans.ttf", dir_or_file / "DejaVuSans-Bold.ttf"};
    fs::path bold = dir_or_file.parent_path() / (dir_or_file.stem().string() + "-Bold" + dir_or_file.extension().string());
    return {dir_or_file, fs::is_regular_file(bold) ? bold : dir_or_file};
}

void draw_label(PdfCanvas& c, const core::FormTemplate& t, const core::Rect& box, const std::string& label) {
    c.text(box.x, box.y - t.label_offset, t.label_size, false, label, 0.15);
}

void draw_qr(PdfCanvas& c, const core::Rect& zone, const std::string& payload) {
    QrModules q = encode_qr(payload);
    // The quiet zone (4 modules) lies inside the template's QR zone, so
    // nothing else the template prints can touch the symbol.
    const double module = std::min(zone.w, zone.h) / (q.size + 8);
    const double x0 = zone.x + (zone.w - module * q.size) / 2;
    const double y0 = zone.y + (zone.h - module * q.size) / 2;
    for (int y = 0; y < q.size; ++y) {
        // One rectangle per horizontal run of dark modules: fewer operators,
        // and no hairline seams between neighbours in any renderer.
        for (int x = 0; x < q.size;) {
            if (!q.at(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < q.size && q.at(x + run, y)) ++run;
            c.fill_rect({x0 + x * module, y0 + y * module, run * module, module});
            x += run;
        }
    }
}

void write_atomically(const fs::path& out, const std::string& bytes) {
    fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::string tmpl = (dir / ("." + out.filename().string() + ".XXXXXX")).string();
    int fd = mkstemp(tmpl.data());
    auto fail = [&](const char* what) {
        std::error_code ec(errno, std::generic_category());
        throw fs::filesystem_error(std::string("cannot ") + what, out, ec);
    };
    if (fd < 0) fail("create a temporary file beside");
    const fs::path tmp = tmpl;
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            std::error_code ignored;
            fs::remove(tmp, ignored);
            fail("write");
        }
        done += static_cast<size_t>(n);
    }
    // A printable form is not a secret: readable by all (mkstemp makes 0600).
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        fail("flush");
    }
    fs::rename(tmp, out);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace

std::expected<std::string, FormError> render_form_pdf(const core::FormTemplate& t, const FormValues& prefill,
                                                      const std::optional<std::string>& reference_code,
                                                      const fs::path& font_dir_or_file) {
    for (auto& [name, value] : prefill) {
        const core::FieldSpec* f = t.field(name);
        if (!f) return std::unexpected(FormError{"the form has no field '" + name + "'"});
        if (f->max_length > 0 && utf8_length(value) > static_cast<size_t>(f->max_length))
            return std::unexpected(FormError{"value for '" + name + "' is longer than " +
                                             std::to_string(f->max_length) + " characters"});
    }
    auto [regular, bold] = font_files(font_dir_or_file);
    PdfCanvas c(t.page_width, t.page_height, regular, bold);
    c.set_title("Blankett " + t.display_id() + (reference_code ? " – referens " + *reference_code : ""));

    for (auto& m : t.marks) c.fill_rect(m.box);
    for (auto& tx : t.texts) c.text(tx.x, tx.y, tx.size, tx.bold, tx.text);
    const auto& id = t.form_id_text;
    c.text(id.x, id.y, id.size, id.bold, id.text.empty() ? "Blankett " + t.display_id() : id.text);
    draw_qr(c, t.qr, core::qr_payload(t, 1, reference_code));

    constexpr double k_box_line = 0.8;
    for (auto& f : t.fields) {
        draw_label(c, t, f.box, f.label);
        c.stroke_rect(f.box, k_box_line, 0.0);
        auto v = prefill.find(f.name);
        c.text_field(f.name, f.box, f.max_length,
                     v == prefill.end() ? std::nullopt : std::optional<std::string>(v->second), t.value_size);
    }
    draw_label(c, t, t.signature, t.signature_label);
    c.stroke_rect(t.signature, k_box_line, 0.0);
    c.signature_field(t.signature_name, t.signature);

    draw_label(c, t, t.reference, t.reference_label);
    c.stroke_rect(t.reference, k_box_line, 0.0);
    if (reference_code) {
        const double size = std::min(t.value_size, t.reference.h * 0.6);
        const double w = c.text_width(*reference_code, size, true);
        c.text(t.reference.x + (t.reference.w - w) / 2, t.reference.y + t.reference.h / 2 + size * 0.36, size, true,
               *reference_code);
    }
    return c.finish();
}

std::expected<void, FormError> write_form_pdf(const core::FormTemplate& t, const FormValues& prefill,
                                              const std::optional<std::string>& reference_code,
                                              const fs::path& font_dir_or_file, const fs::path& out) {
    auto bytes = render_form_pdf(t, prefill, reference_code, font_dir_or_file);
    if (!bytes) return std::unexpected(bytes.error());
    write_atomically(out, *bytes);
    return {};
}

}  // namespace forms
