// Product metrics: the names and labels of the metrics the product's own
// code records, in one place, so /metrics stays consistent whoever adopts it.
// Each helper records into process_registry(); metrics_page() is the body of
// GET /metrics.
//
//   linkage_http_requests_total{route,status}      web: one per request
//   linkage_http_request_seconds{route}            web: latency histogram
//   linkage_stage_seconds{stage}                   batch: per-stage latency histogram
//   linkage_documents_processed_total{outcome,reason}  batch: forms decided by this process
//   plus the store gauges of store_metrics.hpp, read at scrape time.
//
// Label values must come from small fixed sets: a route is the route's
// pattern ("/approve/{token}"), never the raw path (tokens, numbers).
// Thread-safety: all helpers may be called from any thread.
#pragma once

#include "store/connection.hpp"

#include <string>
#include <vector>

namespace obs {

void record_http_request(const std::string& route, int status, double seconds);
void record_stage(const std::string& stage, double seconds);
// `reasons` empty: counted under reason "none".
void record_document(const std::string& outcome, const std::vector<std::string>& reasons);

// Store gauges (collect_store_metrics on `c`, fresh each call) followed by
// everything recorded in process_registry(). Never throws for a store
// failure: linkage_store_up is 0 then. Content type: k_prometheus_content_type.
std::string metrics_page(store::Connection& c);

}  // namespace obs
