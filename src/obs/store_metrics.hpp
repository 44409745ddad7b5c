// Store metrics: the numbers operations watch, read from the linkage store at
// scrape time, so they are right whichever process (batch, watch, serve)
// did the work. Sets gauges in a Registry:
//   linkage_store_up                              1 when the queries below ran
//   linkage_documents{outcome,reason}             forms in the store by outcome and reason code
//   linkage_duplicate_files                       files set aside as duplicates (same bytes as an earlier file)
//   linkage_review_queue_length                   forms waiting for a person (review, open)
//   linkage_linkages{state,source}                linkages by state and path
//   linkage_mail_queue_length                     messages not yet delivered
//   linkage_mail_queue_failing                    …of which at least one attempt failed
//   linkage_mail_sent                             messages delivered
// Portable SQL only (works on the PostgreSQL store too).
//
// Thread-safety: as the Connection (one per thread); the Registry is shared.
#pragma once

#include "obs/metrics.hpp"
#include "store/connection.hpp"

namespace obs {

// Runs the queries and sets the gauges. On a store error sets
// linkage_store_up to 0 and rethrows the StoreError.
void collect_store_metrics(Registry& registry, store::Connection& c);

}  // namespace obs
