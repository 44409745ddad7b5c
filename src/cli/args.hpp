// Args: a small command-line parser for one subcommand's arguments.
// Options are "--name VALUE", "--name=VALUE" or flags "--name"; anything
// else is positional; "--" ends options. Unknown options are a usage error.
// Thread-safety: not shared.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace cli {

class UsageError : public core::Error {
public:
    explicit UsageError(const std::string& what) : core::Error(core::ErrorKind::usage, what) {}
};

class Args {
public:
    // value_options take a value; flags do not; repeatable options may repeat.
    Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_options,
         const std::vector<std::string>& flags, const std::vector<std::string>& repeatable = {});

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string required(const std::string& name) const;  // throws UsageError
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

private:
    std::map<std::string, std::vector<std::string>> m_values;
    std::map<std::string, bool> m_flags;
    std::vector<std::string> m_positionals;
};

}  // namespace cli
