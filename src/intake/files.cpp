#include "intake/files.hpp"
#include "core/error.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

namespace intake {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void raise(const std::string& what, const fs::path& p) {
    throw fs::filesystem_error(what, p, std::error_code(errno, std::generic_category()));
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) raise("cannot open folder to sync", dir);
    ::fsync(fd);
    ::close(fd);
}

fs::path temp_beside(const fs::path& file) {
    std::random_device rd;
    return file.parent_path() / ("." + file.filename().string() + "." + std::to_string(rd()) + ".tmp");
}

}  // namespace

void sync_folder(const fs::path& dir) { fsync_dir(dir.empty() ? fs::path(".") : dir); }

bool copy_file_verified(const fs::path& from, const fs::path& to, const std::string& expected_sha256,
                        std::string* copied_sha256) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) raise("cannot read", from);
    fs::path tmp = temp_beside(to);
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        ::close(in);
        errno = e;
        raise("cannot create", tmp);
    }
    auto fail = [&](const std::string& what, const fs::path& where) {
        int e = errno;
        ::close(in);
        ::close(out);
        ::unlink(tmp.c_str());
        errno = e;
        raise(what, where);
    };
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    std::string buf(1 << 16, '\0');
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot read", from);
        if (n == 0) break;
        sha.update(buf.data(), static_cast<unsigned>(n));
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) fail("cannot write", tmp);
            done += w;
        }
    }
    ::close(in);
    if (::fsync(out) != 0) fail("cannot flush", tmp);
    if (::close(out) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        raise("cannot flush", tmp);
    }
    std::string got = Poco::DigestEngine::digestToHex(sha.digest());
    if (copied_sha256) *copied_sha256 = got;
    if (!expected_sha256.empty() && got != expected_sha256) {
        ::unlink(tmp.c_str());
        return false;
    }
    if (::rename(tmp.c_str(), to.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        raise("cannot rename into place", to);
    }
    sync_folder(to.parent_path());
    return true;
}

void write_file_atomic(const fs::path& file, std::string_view content) {
    fs::path tmp = temp_beside(file);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) raise("cannot create", tmp);
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            errno = e;
            raise("cannot write", tmp);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        raise("cannot flush", tmp);
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        ::unlink(tmp.c_str());
        raise("cannot rename into place", file);
    }
    fsync_dir(file.parent_path().empty() ? fs::path(".") : file.parent_path());
}

void move_durably(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) raise("cannot move " + from.string() + " to", to);
    fsync_dir(to.parent_path());
    if (from.parent_path() != to.parent_path()) fsync_dir(from.parent_path());
}

std::string read_all(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::InputError("cannot read " + file.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string sha256_bytes(std::string_view bytes) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::string sha256_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::InputError("cannot read " + file.string());
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        if (in.gcount() > 0) sha.update(buf, static_cast<unsigned>(in.gcount()));
    }
    if (in.bad()) throw core::InputError("cannot read " + file.string());
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::string safe_name(std::string_view name) {
    auto slash = name.find_last_of('/');
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    // Control characters and bytes that are not valid UTF-8 become '_': the name
    // goes into JSON, sidecars and the store.
    std::string out;
    for (size_t i = 0; i < name.size();) {
        unsigned char u = static_cast<unsigned char>(name[i]);
        size_t len = u < 0x80 ? 1 : (u >> 5) == 0x6 ? 2 : (u >> 4) == 0xE ? 3 : (u >> 3) == 0x1E ? 4 : 0;
        bool ok = len > 0 && i + len <= name.size();
        for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(name[i + k]) & 0xC0) == 0x80;
        if (!ok) {
            out.push_back('_');
            ++i;
        } else if (len == 1) {
            out.push_back(u < 0x20 || u == 0x7f ? '_' : static_cast<char>(u));
            ++i;
        } else {
            out.append(name.substr(i, len));
            i += len;
        }
    }
    if (out.empty() || out == "." || out == "..") out = "unnamed";
    if (out.size() > 120) {
        size_t cut = 120;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
        out.resize(cut);
    }
    return out;
}

}  // namespace intake
