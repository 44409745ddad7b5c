// History: the whole story of one linkage, told from the store (SPEC §3:
// every change is an event; issue 7 `linkage show` and the history page):
// requested by whom, which mails were sent, approved by whom or by which
// paper form (with the archived file and its SHA-256), reviewed by whom with
// which corrections, activated by whom with which permissions, revoked.
// Lines are Swedish (shown to bureau users and operators alike), oldest first.
// Thread-safety: reads through one Connection; call from its thread.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace activation {

struct HistoryLine {
    std::string at;    // UTC text
    std::string who;   // the actor as recorded
    std::string text;  // Swedish, one sentence or two
    double seq = 0;    // orders lines of the same second: the id of the event behind the line
};

struct History {
    store::Linkage linkage;
    std::vector<HistoryLine> lines;
};

// nullopt when the linkage does not exist. The caller checks bureau access.
// `for_bureau`: the bureau's own view (web page, API): until the client has
// decided (an administrator approved or declined), the mails say how many
// administrators were notified, never who (issue 16); staff (`linkage show`)
// see the recipients always.
std::optional<History> linkage_history(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
                                       store::Id linkage_id, bool for_bureau = false);

}  // namespace activation
