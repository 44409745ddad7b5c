// RegistryRepo: bureaus, clients and their users in the store. Reads are
// plain lookups; apply() writes a whole imported registry in one transaction.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "core/clock.hpp"
#include "core/registry_data.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct ImportSummary {
    int created = 0;      // bureaus, clients and users added
    int updated = 0;      // rows whose values changed
    int deactivated = 0;  // users no longer listed under their bureau/client
    int unchanged = 0;
    int links_invalidated = 0;  // pending approval links whose holder or pair lost the right to decide
    int requests_ended = 0;     // requests left without a valid link (now expired)
};

class RegistryRepo {
public:
    RegistryRepo(Connection& c, const core::Clock& clock) : m_c(c), m_clock(clock) {}

    std::optional<Bureau> bureau_by_orgnr(const std::string& canonical_orgnr) const;
    std::optional<Bureau> bureau_by_id(Id id) const;
    std::optional<Client> client_by_orgnr(const std::string& canonical_orgnr) const;
    std::optional<Client> client_by_subscription(const std::string& digits) const;
    std::optional<Client> client_by_id(Id id) const;
    std::vector<Bureau> bureaus() const;
    std::vector<Client> clients() const;
    std::vector<BureauUser> bureau_users(Id bureau_id) const;
    std::optional<BureauUser> bureau_user(const std::string& username) const;
    // Active users only.
    std::vector<ClientUser> client_users(Id client_id) const;
    std::vector<ClientUser> client_administrators(Id client_id) const;

    // Writes `data` (already validated by the registry module) in one
    // transaction, as `actor`. The file is authoritative for the users of each
    // bureau and client it lists: users missing from it are deactivated, never
    // deleted. Bureaus and clients absent from the file are left alone.
    // Applying the same data twice changes nothing and writes no event.
    // Pending approval links whose holder is no longer an active system
    // administrator of the client, or whose client or bureau became a
    // multi-company setup, are invalidated (event approval_link_invalidated
    // with the reason); a request left without a valid link expires (event
    // request_ended).
    // Throws ConstraintError naming the record when the data collides with the
    // store (e.g. a subscription number held by another client); nothing is written then.
    ImportSummary apply(const core::RegistryData& data, const std::string& actor);

private:
    void invalidate_stale_links(const std::string& actor, const std::string& now, ImportSummary& sum);
    Connection& m_c;
    const core::Clock& m_clock;
};

}  // namespace store
