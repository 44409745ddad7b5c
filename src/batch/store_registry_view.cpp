#include "batch/store_registry_view.hpp"

#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

namespace batch {

namespace {

class StoreRegistryView final : public validate::RegistryView {
public:
    StoreRegistryView(std::unique_ptr<store::Connection> owned, store::Connection& c, const core::Clock& clock)
        : m_owned(std::move(owned)), m_reg(c, clock), m_links(c, clock) {}

    std::optional<validate::KnownBureau> bureau(const std::string& orgnr) override {
        auto b = m_reg.bureau_by_orgnr(orgnr);
        if (!b) return std::nullopt;
        return validate::KnownBureau{b->id, b->orgnr, b->name};
    }
    std::optional<validate::KnownClient> client_by_orgnr(const std::string& orgnr) override {
        return convert(m_reg.client_by_orgnr(orgnr));
    }
    std::optional<validate::KnownClient> client_by_subscription(const std::string& digits) override {
        return convert(m_reg.client_by_subscription(digits));
    }
    std::vector<validate::KnownPerson> administrators(std::int64_t client_id) override {
        std::vector<validate::KnownPerson> out;
        for (auto& u : m_reg.client_administrators(client_id)) out.push_back({u.name, u.email});
        return out;
    }
    std::optional<validate::ReferencedLinkage> linkage_by_reference(const std::string& code) override {
        auto l = m_links.by_reference_code(code);
        if (!l) return std::nullopt;
        return validate::ReferencedLinkage{l->id, l->bureau_orgnr, l->client_orgnr, core::is_live(l->state)};
    }

private:
    static std::optional<validate::KnownClient> convert(const std::optional<store::Client>& c) {
        if (!c) return std::nullopt;
        return validate::KnownClient{c->id, c->orgnr, c->subscription, c->name};
    }
    std::unique_ptr<store::Connection> m_owned;
    store::RegistryRepo m_reg;
    store::LinkageRepo m_links;
};

}  // namespace

std::unique_ptr<validate::RegistryView> make_store_registry_view(std::unique_ptr<store::Connection> connection,
                                                                 const core::Clock& clock) {
    store::Connection& c = *connection;
    return std::make_unique<StoreRegistryView>(std::move(connection), c, clock);
}

std::unique_ptr<validate::RegistryView> make_store_registry_view(store::Connection& connection,
                                                                 const core::Clock& clock) {
    return std::make_unique<StoreRegistryView>(nullptr, connection, clock);
}

}  // namespace batch
