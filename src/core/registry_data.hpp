// The registry as imported (SPEC §6): bureaus with their users, clients with
// theirs. Plain values; the registry module builds them from JSON after
// validation, the store writes them. Organisation numbers are canonical.
#pragma once

#include <string>
#include <vector>

namespace core {

struct BureauUserRecord {
    std::string username;
    std::string name;
    std::string email;
    std::string role;  // "consultant" | "admin"
};

struct BureauRecord {
    std::string orgnr;  // canonical
    std::string name;
    std::string product;  // "digital_byra" | "klienthanterare"
    bool multi_company = false;
    std::vector<BureauUserRecord> users;
};

struct ClientUserRecord {
    std::string name;
    std::string email;  // unique within the client
    std::string role;   // "system_administrator" | "user"
};

struct ClientRecord {
    std::string orgnr;         // canonical
    std::string subscription;  // digits
    std::string name;
    bool multi_company = false;
    std::vector<ClientUserRecord> users;
};

struct RegistryData {
    std::vector<BureauRecord> bureaus;
    std::vector<ClientRecord> clients;
};

}  // namespace core
