#include "obs/store_metrics.hpp"

#include "store/document_history.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <map>

namespace obs {

namespace {

// Fixed label values are always exported, so a series that drops to zero
// shows 0 instead of its last value.
constexpr const char* k_states[] = {"requested", "approved", "activated", "declined", "expired", "revoked"};
constexpr const char* k_sources[] = {"digital", "paper"};

std::vector<std::string> reason_codes(const std::string& json) {
    std::vector<std::string> out;
    try {
        Poco::JSON::Parser p;
        auto a = p.parse(json).extract<Poco::JSON::Array::Ptr>();
        for (unsigned i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
    } catch (const std::exception&) {
        out.push_back("unparsable");
    }
    if (out.empty()) out.push_back("none");
    return out;
}

double scalar(store::Connection& c, const char* sql) {
    auto q = c.prepare(sql);
    return q->step() ? static_cast<double>(q->get_int(0)) : 0.0;
}

}  // namespace

void collect_store_metrics(Registry& r, store::Connection& c) {
    Gauge& up = r.gauge("linkage_store_up", "1 when the store answered the metrics queries");
    try {
        std::map<std::pair<std::string, std::string>, double> docs;
        auto q = c.prepare("SELECT outcome, reasons, COUNT(*) FROM documents GROUP BY outcome, reasons");
        while (q->step())
            for (auto& code : reason_codes(q->get_text(1)))
                docs[{q->get_text(0), code}] += static_cast<double>(q->get_int(2));
        for (auto& [key, n] : docs)
            r.gauge("linkage_documents", "Forms in the store by outcome and reason code (a form counts once per reason)",
                    {{"outcome", key.first}, {"reason", key.second}})
                .set(n);

        std::map<std::pair<std::string, std::string>, double> linkages;
        auto l = c.prepare("SELECT state, source, COUNT(*) FROM linkages GROUP BY state, source");
        while (l->step()) linkages[{l->get_text(0), l->get_text(1)}] = static_cast<double>(l->get_int(2));
        for (const char* state : k_states)
            for (const char* source : k_sources)
                linkages.try_emplace({state, source}, 0.0);
        for (auto& [key, n] : linkages)
            r.gauge("linkage_linkages", "Linkages by state and source", {{"state", key.first}, {"source", key.second}})
                .set(n);

        // Duplicates are no forms (no documents row): counted from the store's
        // record of each file set aside as one (issue 17, item 20).
        r.gauge("linkage_duplicate_files", "Files dropped again whose exact bytes were processed before (set aside in rejected/)")
            .set(static_cast<double>(store::DocumentHistory(c).count_duplicates()));
        r.gauge("linkage_review_queue_length", "Forms waiting for a person in the review queue")
            .set(scalar(c, "SELECT COUNT(*) FROM documents WHERE outcome = 'review' AND review_state = 'open'"));
        r.gauge("linkage_mail_queue_length", "Messages not yet delivered")
            .set(scalar(c, "SELECT COUNT(*) FROM mail_queue WHERE state = 'queued'"));
        r.gauge("linkage_mail_queue_failing", "Undelivered messages of which at least one attempt failed")
            .set(scalar(c, "SELECT COUNT(*) FROM mail_queue WHERE state = 'queued' AND attempts > 0"));
        r.gauge("linkage_mail_sent", "Messages delivered").set(scalar(c, "SELECT COUNT(*) FROM mail_queue WHERE state = 'sent'"));
        r.gauge("linkage_mail_failed", "Messages that can never be delivered as they are (not retried)")
            .set(scalar(c, "SELECT COUNT(*) FROM mail_queue WHERE state = 'failed'"));
        up.set(1);
    } catch (const store::StoreError&) {
        up.set(0);
        throw;
    }
}

}  // namespace obs
