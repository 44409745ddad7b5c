#include "batch/crops.hpp"

#include "image/lept.hpp"

namespace batch {

namespace fs = std::filesystem;

void write_crops(const fs::path& home, const fs::path& crops_root, const std::string& sha256, FormResult& form) {
    if (form.crops.empty()) return;
    fs::path dir = crops_root / (sha256.substr(0, 16) + "-" + std::to_string(form.form_index));
    fs::create_directories(dir);
    for (auto& [name, img] : form.crops) image::write_png(img, dir / (name + ".png"));
    if (!form.page_preview.empty()) image::write_png(form.page_preview, dir / "page.png");
    std::error_code ec;
    auto rel = fs::relative(dir, home, ec);
    form.crops_dir = ec || rel.empty() ? dir.string() : rel.string();
    form.crops.clear();
    form.page_preview = {};
}

}  // namespace batch
