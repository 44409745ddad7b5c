// StoreRegistryView: core::RegistryView over the linkage store. Each
// worker thread owns one, with its own read connection.
#pragma once

#include "core/clock.hpp"
#include "store/connection.hpp"
#include "core/registry_view.hpp"

#include <memory>

namespace store {

std::unique_ptr<core::RegistryView> make_registry_view(std::unique_ptr<Connection> connection,
                                                                 const core::Clock& clock);
// The same over a borrowed connection (which must outlive the view).
std::unique_ptr<core::RegistryView> make_registry_view(Connection& connection,
                                                                 const core::Clock& clock);

}  // namespace store
