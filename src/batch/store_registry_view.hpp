// StoreRegistryView: validate::RegistryView over the linkage store. Each
// worker thread owns one, with its own read connection.
#pragma once

#include "core/clock.hpp"
#include "store/connection.hpp"
#include "validate/validate.hpp"

#include <memory>

namespace batch {

std::unique_ptr<validate::RegistryView> make_store_registry_view(std::unique_ptr<store::Connection> connection,
                                                                 const core::Clock& clock);
// The same over a borrowed connection (which must outlive the view).
std::unique_ptr<validate::RegistryView> make_store_registry_view(store::Connection& connection,
                                                                 const core::Clock& clock);

}  // namespace batch
