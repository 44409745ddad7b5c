#include "intake/open_writers.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <string_view>

namespace intake {

namespace {

// The "flags:" line of /proc/PID/fdinfo/N (octal), or -1.
long fd_flags(int fdinfo_dir, const char* fd_name) {
    int f = ::openat(fdinfo_dir, fd_name, O_RDONLY | O_CLOEXEC);
    if (f < 0) return -1;
    char buf[512];
    ssize_t n = ::read(f, buf, sizeof buf - 1);
    ::close(f);
    if (n <= 0) return -1;
    buf[n] = '\0';
    std::string_view text(buf, static_cast<size_t>(n));
    auto at = text.find("flags:");
    if (at == std::string_view::npos) return -1;
    char* end = nullptr;
    long flags = std::strtol(buf + at + 6, &end, 8);
    return end == buf + at + 6 ? -1 : flags;
}

}  // namespace

std::set<FileId> open_for_writing(const std::set<std::pair<std::string, FileId>>& candidates) {
    std::set<FileId> out;
    if (candidates.empty()) return out;
    std::set<std::string_view> names;
    std::set<FileId> ids;
    for (auto& [name, id] : candidates) {
        names.insert(name);
        ids.insert(id);
    }
    DIR* proc = ::opendir("/proc");
    if (!proc) return out;
    const std::string self = std::to_string(::getpid());
    while (dirent* p = ::readdir(proc)) {
        if (!std::isdigit(static_cast<unsigned char>(p->d_name[0])) || self == p->d_name) continue;
        const std::string base = std::string("/proc/") + p->d_name;
        int fd_dir = ::open((base + "/fd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_dir < 0) continue;  // not ours to read, or ended meanwhile
        DIR* fds = ::fdopendir(fd_dir);
        if (!fds) {
            ::close(fd_dir);
            continue;
        }
        int info_dir = -1;
        while (dirent* f = ::readdir(fds)) {
            if (f->d_name[0] == '.') continue;
            char link[PATH_MAX];
            ssize_t n = ::readlinkat(fd_dir, f->d_name, link, sizeof link);
            if (n <= 0 || n >= static_cast<ssize_t>(sizeof link)) continue;
            std::string_view target(link, static_cast<size_t>(n));
            auto slash = target.rfind('/');
            if (slash == std::string_view::npos || !names.count(target.substr(slash + 1))) continue;
            // Only now stat: the name matches, so this is not a descriptor on some unrelated (maybe hung) mount.
            struct stat st {};
            if (::fstatat(fd_dir, f->d_name, &st, 0) != 0) continue;
            FileId id{st.st_dev, st.st_ino};
            if (!ids.count(id) || out.count(id)) continue;
            if (info_dir < 0) info_dir = ::open((base + "/fdinfo").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (info_dir < 0) break;
            long flags = fd_flags(info_dir, f->d_name);
            if (flags >= 0 && ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR)) out.insert(id);
        }
        if (info_dir >= 0) ::close(info_dir);
        ::closedir(fds);
    }
    ::closedir(proc);
    return out;
}

}  // namespace intake
