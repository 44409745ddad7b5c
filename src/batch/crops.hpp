// Writes a form's field crops and page preview as PNG files under
// crops/<sha256 prefix>-<form index>/ (idempotent: the same names each time),
// records the folder in form.crops_dir (relative to home) and frees the images.
#pragma once

#include "batch/analysis.hpp"

#include <filesystem>
#include <string>

namespace batch {

void write_crops(const std::filesystem::path& home, const std::filesystem::path& crops_root, const std::string& sha256,
                 FormResult& form);

}  // namespace batch
