// herd init --from-image: re-keys the frontend an installed image carries
// (server/rekey.h; docs/image.md, "Cloning a frontend").
#pragma once

#include <string>

#include "cli/context.h"

namespace herd::cli {

struct FromImageOptions {
  std::string root;            // "" = the inventory and PKI the global options name
  std::string cluster;         // --name
  std::string frontend;        // --frontend (the caller defaults it to `cluster`)
  std::string public_address;  // --public-address
  std::string pki;             // --pki ("" = default); not with root
};

// Re-keys the inventory at ROOT/var/lib/herd/herd.db and the PKI ROOT/var/lib/herd/pki
// (without a root: context.db_path and --pki, $HERD_PKI, or pki beside the inventory).
// Throws CommandError: bad_input, with nothing written, when there is no inventory or a
// name or address is bad.
void run_init_from_image(Context& context, const FromImageOptions& options);

}  // namespace herd::cli
