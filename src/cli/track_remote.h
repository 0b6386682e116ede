// What track_command.cc shares with track_remote_command.cc: the enrolled agent's
// defaults for every track command, the --server/--token/--ca options, and the pull that
// precedes `herd track restore --node NAME` when a server is configured.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "remote/agent_config.h"
#include "remote/http_client.h"
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

// The server to talk to, and as whom: the options, else agent.json.
struct RemoteTarget {
  remote::HttpOptions http;
  std::optional<remote::AgentConfig> agent;
};
// Throws CommandError (bad input) when no server, token or CA can be found.
RemoteTarget resolve_remote(const RemoteOptions& options);
// The enrolled agent's state, nullopt when this machine is not enrolled. Throws on a bad file.
std::optional<remote::AgentConfig> load_agent();

// `variable`=<step> in the environment kills herd with SIGKILL when a library reports that
// step (crash tests: HERD_PUSH_CRASH_AT, HERD_IMAGE_CRASH_AT, ...); null when unset.
std::function<void(const char*)> crash_hook(const char* variable);

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
