#include "store/registry_view.hpp"

#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

namespace store {

namespace {

class StoreRegistryView final : public core::RegistryView {
public:
    StoreRegistryView(std::unique_ptr<Connection> owned, Connection& c, const core::Clock& clock)
        : m_owned(std::move(owned)), m_reg(c, clock), m_links(c, clock) {}

    std::optional<core::KnownBureau> bureau(const std::string& orgnr) override {
        auto b = m_reg.bureau_by_orgnr(orgnr);
        if (!b) return std::nullopt;
        return core::KnownBureau{b->id, b->orgnr, b->name};
    }
    std::optional<core::KnownClient> client_by_orgnr(const std::string& orgnr) override {
        return convert(m_reg.client_by_orgnr(orgnr));
    }
    std::optional<core::KnownClient> client_by_subscription(const std::string& digits) override {
        return convert(m_reg.client_by_subscription(digits));
    }
    std::vector<core::KnownPerson> administrators(std::int64_t client_id) override {
        std::vector<core::KnownPerson> out;
        for (auto& u : m_reg.client_administrators(client_id)) out.push_back({u.name, u.email});
        return out;
    }
    std::optional<core::ReferencedLinkage> linkage_by_reference(const std::string& code) override {
        auto l = m_links.by_reference_code(code);
        if (!l) return std::nullopt;
        return core::ReferencedLinkage{l->id, l->bureau_orgnr, l->client_orgnr, core::is_live(l->state)};
    }

private:
    static std::optional<core::KnownClient> convert(const std::optional<Client>& c) {
        if (!c) return std::nullopt;
        return core::KnownClient{c->id, c->orgnr, c->subscription, c->name};
    }
    std::unique_ptr<Connection> m_owned;
    store::RegistryRepo m_reg;
    store::LinkageRepo m_links;
};

}  // namespace

std::unique_ptr<core::RegistryView> make_registry_view(std::unique_ptr<Connection> connection,
                                                                 const core::Clock& clock) {
    Connection& c = *connection;
    return std::make_unique<StoreRegistryView>(std::move(connection), c, clock);
}

std::unique_ptr<core::RegistryView> make_registry_view(Connection& connection,
                                                                 const core::Clock& clock) {
    return std::make_unique<StoreRegistryView>(nullptr, connection, clock);
}

}  // namespace store
