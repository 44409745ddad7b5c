#include "cli/args.hpp"

#include <algorithm>

namespace cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_options,
           const std::vector<std::string>& flags, const std::vector<std::string>& repeatable) {
    auto known = [](const std::vector<std::string>& v, const std::string& n) {
        return std::find(v.begin(), v.end(), n) != v.end();
    };
    bool options_done = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (options_done || a.size() < 3 || a.compare(0, 2, "--") != 0) {
            if (a == "--") options_done = true;
            else m_positionals.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (known(flags, name)) {
            if (inline_value) throw UsageError("option --" + name + " takes no value");
            m_flags[name] = true;
        } else if (known(value_options, name) || known(repeatable, name)) {
            std::string v;
            if (inline_value) v = *inline_value;
            else if (i + 1 < argv.size()) v = argv[++i];
            else throw UsageError("option --" + name + " needs a value");
            if (m_values.count(name) && !known(repeatable, name))
                throw UsageError("option --" + name + " is given twice");
            m_values[name].push_back(v);
        } else {
            // Name what this command does accept (and a test compares this list with each --help).
            std::vector<std::string> all;
            for (auto& f : flags) all.push_back("--" + f);
            for (auto& v : value_options) all.push_back("--" + v + " VALUE");
            for (auto& v : repeatable)
                if (!known(value_options, v)) all.push_back("--" + v + " VALUE");
            std::sort(all.begin(), all.end());
            std::string list;
            for (auto& x : all) list += (list.empty() ? "" : ", ") + x;
            throw UsageError("unknown option --" + name + " (accepted here: " + (list.empty() ? "none" : list) +
                             "; see --help)");
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::string Args::required(const std::string& name) const {
    auto v = value(name);
    if (!v) throw UsageError("option --" + name + " is required (see --help)");
    return *v;
}

std::vector<std::string> Args::values(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace cli
