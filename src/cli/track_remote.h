// What track_command.cc shares with track_remote_command.cc: the enrolled agent's
// defaults for every track command, the --server/--token/--ca options, and the pull that
// precedes `herd track restore --node NAME` when a server is configured.
#pragma once

#include <string>

#include "track/site.h"
#include "util/result.h"

namespace CLI {
class App;
}

namespace herd::cli {

class Context;

struct RemoteOptions {
  std::string server;  // --server URL (default: agent.json)
  std::string token;   // --token TOKEN (default: agent.json, for its server)
  std::string ca;      // --ca FILE (default: the agent's ca.crt)
};
void add_remote_options(CLI::App* cmd, RemoteOptions& options);

// track::resolve_site with an enrolled node's defaults (docs/server.md, "Files"): the
// store is the agent's store/ when agent.json exists and neither --store nor $HERD_STORE
// says otherwise; the node is the name the server gave when --node is not given and the
// root is "/" (the enrolled machine itself).
Result<track::Site> resolve_track_site(const track::SiteOptions& options);

// `herd track restore` calls this first. When a server is configured (--server given, or
// --node given on an enrolled node), pulls the node's checkpoints into the local store
// and fast-forwards the local ref, so the restore that follows finds them. Otherwise a
// no-op (restore works from the local store as before). Throws CommandError.
void pull_before_restore(Context& context, const track::SiteOptions& site, const RemoteOptions& remote);

}  // namespace herd::cli
