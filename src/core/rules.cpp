#include "core/rules.hpp"
#include "core/error.hpp"

#include "core/org_number.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace core {

std::expected<std::string, std::string> normalise_subscription(std::string_view text,
                                                               const SubscriptionFormat& format) {
    std::string digits;
    for (char c : text) {
        if (c == ' ') continue;
        if (c < '0' || c > '9') return std::unexpected("a subscription number holds digits only");
        digits.push_back(c);
    }
    if (digits.empty()) return std::unexpected("no subscription number given");
    int n = static_cast<int>(digits.size());
    if (n < format.min_digits || n > format.max_digits)
        return std::unexpected("a subscription number has " + std::to_string(format.min_digits) + "–" +
                               std::to_string(format.max_digits) + " digits, this one has " +
                               std::to_string(n));
    return digits;
}

PermissionCatalogue::PermissionCatalogue(std::vector<Permission> permissions)
    : m_permissions(std::move(permissions)) {}

const Permission* PermissionCatalogue::find(std::string_view code) const {
    for (auto& p : m_permissions)
        if (p.code == code) return &p;
    return nullptr;
}

bool PermissionCatalogue::contains(std::string_view code) const { return find(code) != nullptr; }

std::string normalise_legal_name(std::string_view name) {
    // Lower-case byte-wise; the Swedish capitals Å Ä Ö É in UTF-8 differ from
    // their small letters only in the second byte (0x85→0xa5, 0x84→0xa4, 0x96→0xb6, 0x89→0xa9).
    std::string lower;
    for (size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c == 0xC3 && i + 1 < name.size()) {
            unsigned char n = static_cast<unsigned char>(name[i + 1]);
            if (n == 0x85 || n == 0x84 || n == 0x96 || n == 0x89) n = static_cast<unsigned char>(n + 0x20);
            lower.push_back(static_cast<char>(c));
            lower.push_back(static_cast<char>(n));
            ++i;
        } else if (c == '&') {
            lower += " och ";
        } else if (c >= 0x80 || std::isalnum(c)) {
            lower.push_back(static_cast<char>(std::tolower(c)));
        } else {
            lower.push_back(' ');
        }
    }
    static const std::vector<std::string> k_company_forms{"ab", "aktiebolag", "hb", "kb", "handelsbolag",
                                                          "kommanditbolag", "publ", "ek", "för", "ekonomisk",
                                                          "förening"};
    std::istringstream in(lower);
    std::string word, out;
    while (in >> word) {
        if (std::find(k_company_forms.begin(), k_company_forms.end(), word) != k_company_forms.end()) continue;
        if (!out.empty()) out.push_back(' ');
        out += word;
    }
    return out;
}

ExclusionList::ExclusionList(std::vector<ExclusionEntry> entries) : m_entries(std::move(entries)) {
    for (auto& e : m_entries)
        for (auto& a : e.aliases) a = normalise_legal_name(a);
}

const ExclusionEntry* ExclusionList::match(std::string_view canonical_orgnr, std::string_view legal_name) const {
    std::string norm = normalise_legal_name(legal_name);
    for (auto& e : m_entries) {
        for (auto& o : e.orgnrs)
            if (!canonical_orgnr.empty() && o == canonical_orgnr) return &e;
        for (auto& a : e.aliases) {
            if (a.empty()) continue;
            if (norm == a || (norm.size() > a.size() && norm.compare(0, a.size(), a) == 0 && norm[a.size()] == ' '))
                return &e;
        }
    }
    return nullptr;
}

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InstallError("cannot read shipped data file " + p.string() + ": check the installation");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Poco::Dynamic::Var parse_json(std::string_view text, const char* what) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(std::string(text));
    } catch (const Poco::Exception& e) {
        throw InstallError(std::string(what) + ": invalid JSON: " + e.displayText());
    }
}

}  // namespace

Rules Rules::parse(std::string_view rules_json, std::string_view permissions_json,
                   std::string_view exclusions_json) {
    Rules r;
    try {
        auto rules = parse_json(rules_json, "rules.json").extract<Poco::JSON::Object::Ptr>();
        auto sub = rules->getObject("subscription_number");
        if (!sub) throw InstallError("rules.json: missing \"subscription_number\"");
        r.subscription.min_digits = sub->getValue<int>("min_digits");
        r.subscription.max_digits = sub->getValue<int>("max_digits");
        if (r.subscription.min_digits < 1 || r.subscription.max_digits < r.subscription.min_digits)
            throw InstallError("rules.json: subscription_number digits range is empty");

        auto perms = parse_json(permissions_json, "permissions.json").extract<Poco::JSON::Object::Ptr>();
        auto plist = perms->getArray("permissions");
        if (!plist) throw InstallError("permissions.json: missing \"permissions\" array");
        std::vector<Permission> ps;
        for (size_t i = 0; i < plist->size(); ++i) {
            auto o = plist->getObject(static_cast<unsigned>(i));
            if (!o) throw InstallError("permissions.json: entry " + std::to_string(i) + " is not an object");
            ps.push_back({o->getValue<std::string>("code"), o->getValue<std::string>("name_sv")});
        }
        r.permissions = PermissionCatalogue(std::move(ps));

        auto excl = parse_json(exclusions_json, "exclusion-list.json").extract<Poco::JSON::Object::Ptr>();
        auto elist = excl->getArray("excluded");
        if (!elist) throw InstallError("exclusion-list.json: missing \"excluded\" array");
        std::vector<ExclusionEntry> es;
        for (size_t i = 0; i < elist->size(); ++i) {
            auto o = elist->getObject(static_cast<unsigned>(i));
            if (!o) throw InstallError("exclusion-list.json: entry " + std::to_string(i) + " is not an object");
            ExclusionEntry e;
            e.name = o->getValue<std::string>("name");
            e.aliases.push_back(e.name);
            if (auto a = o->getArray("aliases"))
                for (size_t j = 0; j < a->size(); ++j) e.aliases.push_back(a->getElement<std::string>(static_cast<unsigned>(j)));
            if (auto a = o->getArray("orgnrs")) {
                for (size_t j = 0; j < a->size(); ++j) {
                    auto raw = a->getElement<std::string>(static_cast<unsigned>(j));
                    auto on = OrgNumber::parse(raw);
                    if (!on)
                        throw InstallError("exclusion-list.json: entry \"" + e.name + "\": organisation number " +
                                                 raw + " is invalid: " + on.error().message);
                    e.orgnrs.push_back(on->canonical());
                }
            }
            es.push_back(std::move(e));
        }
        r.exclusions = ExclusionList(std::move(es));
    } catch (const Poco::Exception& e) {
        throw InstallError("shipped rules: " + e.displayText());
    }
    return r;
}

Rules Rules::load(const std::filesystem::path& data_dir) {
    Rules r = parse(read_file(data_dir / "rules.json"), read_file(data_dir / "permissions.json"),
                    read_file(data_dir / "exclusion-list.json"));
    if (std::filesystem::exists(data_dir / "places-sv.txt")) {
        std::istringstream in(read_file(data_dir / "places-sv.txt"));
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || line[0] == '#') continue;
            if (auto n = normalise_legal_name(line); !n.empty()) r.places.push_back(std::move(n));
        }
    }
    return r;
}

std::u32string code_points(std::string_view utf8) {
    const std::string text(utf8);
    Poco::UTF8Encoding encoding;
    std::u32string out;
    for (Poco::TextIterator it(text, encoding), end(text); it != end; ++it)
        out.push_back(*it < 0 ? U'\uFFFD' : static_cast<char32_t>(*it));  // an invalid sequence: one replacement
    return out;
}

std::size_t edit_distance(const std::u32string& a, const std::u32string& b, std::size_t limit) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return std::min(prev[b.size()], limit + 1);
}

bool Rules::place_is_known(std::string_view place) const {
    const std::string n = normalise_legal_name(place);
    return std::find(places.begin(), places.end(), n) != places.end();
}

const std::string* Rules::place_misread_from(std::string_view place) const {
    if (places.empty() || place_is_known(place)) return nullptr;
    const auto read = code_points(normalise_legal_name(place));
    for (auto& known : places) {
        const auto k = code_points(known);
        // Short names are told apart by one letter (Mora, Nora): the closer the
        // names, the fewer letters a misreading may change.
        const std::size_t limit = k.size() >= 6 ? 2 : k.size() >= 4 ? 1 : 0;
        if (limit > 0 && edit_distance(read, k, limit) <= limit) return &known;
    }
    return nullptr;
}

}  // namespace core
