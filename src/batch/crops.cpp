#include "batch/crops.hpp"
#include "core/error.hpp"

#include "image/lept.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace batch {

namespace fs = std::filesystem;

EvidenceError::EvidenceError(const fs::path& path, int err)
    : core::Error(core::ErrorKind::store, "cannot write " + path.string() + ": " + std::strerror(err)),
      m_path(path),
      m_cause(std::strerror(err)) {}

namespace {

// temp → write all → fsync → rename; on any failure the temp file is removed.
// A short write (the file system filled up in between) is retried so that its
// errno (ENOSPC) is what the operator reads.
void write_evidence_file(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
    // Unique per writer: two workers on copies of one file write the same folder at once.
    static std::atomic<unsigned> counter{0};
    const fs::path tmp = file.parent_path() / ("." + file.filename().string() + "." + std::to_string(::getpid()) +
                                               "-" + std::to_string(counter++) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw EvidenceError(tmp, errno);
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw EvidenceError(file, err);
    };
    const std::uint8_t* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(errno);
        if (n == 0) fail(EIO);
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) fail(errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw EvidenceError(file, err);
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw EvidenceError(file, err);
    }
}

void write_png_file(const core::GrayImage& img, const fs::path& file) {
    auto bytes = image::encode_png(img);
    if (bytes.empty()) throw core::InternalError("cannot encode the PNG image " + file.string());
    write_evidence_file(file, bytes);
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw EvidenceError(dir, errno);
    if (::fsync(fd) != 0) {
        int err = errno;
        ::close(fd);
        throw EvidenceError(dir, err);
    }
    ::close(fd);
}

}  // namespace

void write_crops(const fs::path& home, const fs::path& crops_root, const std::string& sha256, FormResult& form) {
    if (form.crops.empty()) return;
    fs::path dir = crops_root / (sha256.substr(0, 16) + "-" + std::to_string(form.form_index));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw EvidenceError(dir, ec.value());
    for (auto& [name, img] : form.crops) write_png_file(img, dir / (name + ".png"));
    if (!form.page_preview.empty()) write_png_file(form.page_preview, dir / "page.png");
    fsync_dir(dir);
    auto rel = fs::relative(dir, home, ec);
    form.crops_dir = ec || rel.empty() ? dir.string() : rel.string();
    form.crops.clear();
    form.page_preview = {};
}

}  // namespace batch
