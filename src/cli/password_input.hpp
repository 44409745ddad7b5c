// Reading a new password for `user password` and `user add-staff`: on a
// terminal a prompt without echo, asked twice (the two must agree); otherwise
// the first line of standard input (scripts, tests). Thread-safety: touches
// the terminal and signal dispositions; call from the main thread only.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace cli {

// The password, or nullopt when it was refused (one line on `err` says why:
// too short, the two entries differ, end of input). `min_length` in bytes.
std::optional<std::string> read_new_password(std::istream& in, std::ostream& err, std::size_t min_length = 10);

}  // namespace cli
