#include "cli/password_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <istream>
#include <ostream>

namespace cli {

namespace {

// The terminal's settings while echo is off, restored on Ctrl-C too (a shell
// left without echo is worse than the interrupted command).
termios g_saved{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_and_reraise(int sig) {
    if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// One line from the terminal without echo; nullopt at end of input.
std::optional<std::string> read_hidden(std::ostream& err, const char* prompt) {
    termios t{};
    const bool hide = ::tcgetattr(STDIN_FILENO, &t) == 0;
    using Handler = void (*)(int);
    Handler old_int = SIG_DFL, old_term = SIG_DFL, old_hup = SIG_DFL;
    if (hide) {
        g_saved = t;
        old_int = std::signal(SIGINT, restore_and_reraise);
        old_term = std::signal(SIGTERM, restore_and_reraise);
        old_hup = std::signal(SIGHUP, restore_and_reraise);
        t.c_lflag &= static_cast<tcflag_t>(~ECHO);
        t.c_lflag |= ECHONL;  // the Enter still moves to the next line
        g_echo_off = 1;
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
    }
    err << prompt << std::flush;  // after echo is off: nothing typed after the prompt is ever shown
    // Read with read(2), not std::cin: nothing buffered beyond this line.
    std::string line;
    bool got = false;
    for (;;) {
        char c = 0;
        ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got = true;
        if (c == '\n') break;
        line.push_back(c);
    }
    if (hide) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
        g_echo_off = 0;
        std::signal(SIGINT, old_int);
        std::signal(SIGTERM, old_term);
        std::signal(SIGHUP, old_hup);
    }
    if (!got) {
        err << '\n';
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

std::optional<std::string> read_new_password(std::istream& in, std::ostream& err, std::size_t min_length) {
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    if (!tty) {
        std::string password;
        std::getline(in, password);
        if (!password.empty() && password.back() == '\r') password.pop_back();
        if (password.size() < min_length) {
            err << "linkage: the password (first line of standard input) must have at least " << min_length
                << " characters\n";
            return std::nullopt;
        }
        return password;
    }
    auto first = read_hidden(err, ("Nytt lösenord (minst " + std::to_string(min_length) + " tecken): ").c_str());
    if (!first) {
        err << "linkage: Inget lösenord angavs; inget ändrades.\n";
        return std::nullopt;
    }
    if (first->size() < min_length) {
        err << "linkage: Lösenordet måste ha minst " << min_length << " tecken; inget ändrades.\n";
        return std::nullopt;
    }
    auto again = read_hidden(err, "Upprepa lösenordet: ");
    if (!again || *again != *first) {
        err << "linkage: Lösenorden är inte lika; inget ändrades. Försök igen.\n";
        return std::nullopt;
    }
    return first;
}

}  // namespace cli
