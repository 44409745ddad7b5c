// RegistryView: what the paper path may ask of the registry while it checks
// one form (SPEC §4.6). validate reads through it; store implements it over
// the linkage store (store/registry_view.hpp); tests implement it in memory.
// Thread-safety: one view per thread unless an implementation says more.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

struct KnownBureau {
    std::int64_t id = 0;
    std::string orgnr, name;
};
struct KnownClient {
    std::int64_t id = 0;
    std::string orgnr, subscription, name;
};
struct KnownPerson {
    std::string name, email;
};
struct ReferencedLinkage {
    std::int64_t id = 0;
    std::string bureau_orgnr, client_orgnr;
    bool live = true;
};

class RegistryView {
public:
    virtual ~RegistryView() = default;
    virtual std::optional<KnownBureau> bureau(const std::string& canonical_orgnr) = 0;
    virtual std::optional<KnownClient> client_by_orgnr(const std::string& canonical_orgnr) = 0;
    virtual std::optional<KnownClient> client_by_subscription(const std::string& digits) = 0;
    virtual std::vector<KnownPerson> administrators(std::int64_t client_id) = 0;
    virtual std::optional<ReferencedLinkage> linkage_by_reference(const std::string& code) = 0;
};

}  // namespace core
