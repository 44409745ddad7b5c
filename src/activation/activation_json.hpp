// The JSON shapes of the activation list, the client list and a linkage's
// history: one definition used by the API (web) and `--json` (cli), so both
// interfaces say the same thing. Pure functions; thread-safe.
//
//   activation list: {"activation_list":[{"linkage_id","client":{name,orgnr,subscription},
//                      "source","approved_at","approved_via","decided_by"}]}
//   client entry:    {"linkage_id","client":{…},"source","activated_at","activated_by",
//                      "consultants":[{"username","name","permissions":[…],"granted_at","granted_by"}]}
//   client list:     {"client_list":[client entry…]}
//   history:         {"linkage_id","state",…,"history":[{"at","who","text"}]}
#pragma once

#include "activation/activation.hpp"
#include "activation/history.hpp"

#include <string>
#include <vector>

namespace activation {

std::string activation_list_json(const std::vector<store::Linkage>& list);
std::string client_entry_json(const ClientEntry& e);
std::string client_list_json(const std::vector<ClientEntry>& list);
std::string history_json(const History& h);

}  // namespace activation
