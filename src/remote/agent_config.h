// The agent's state on a node (docs/server.md, "Files"): the folder $HERD_AGENT_DIR, else
// /var/lib/herd/agent, holding
//   agent.json  {"server": URL, "node": NAME, "token": NODE_TOKEN}   mode 0600
//   ca.crt      the cluster CA certificate (PEM), checked against --ca-sha256 on enrollment
//   store/      the node's local store once enrolled
// The folder lies outside every default tracked path, so the token is never checkpointed.
// Writes are atomic (util/atomic_file.h): ca.crt first, agent.json last, so a node with
// an agent.json always has the CA it was enrolled with.
#pragma once

#include <optional>
#include <string>

#include "util/result.h"

namespace herd::remote {

struct AgentConfig {
  std::string server;  // "https://host:port"
  std::string node;    // the node's name in the inventory (what the server calls it)
  std::string token;   // herd-node.<id>.<secret>
};

// $HERD_AGENT_DIR, else /var/lib/herd/agent.
std::string default_agent_dir();

struct AgentFiles {
  std::string dir;
  std::string config() const { return dir + "/agent.json"; }
  std::string ca() const { return dir + "/ca.crt"; }
  std::string store() const { return dir + "/store"; }
};
inline AgentFiles agent_files(std::string dir = default_agent_dir()) { return AgentFiles{std::move(dir)}; }

// nullopt when agent.json does not exist (the node is not enrolled). Malformed JSON or a
// missing field is bad_input naming the file.
Result<std::optional<AgentConfig>> load_agent_config(const AgentFiles& files);

// Creates the folder (mode 0700) if needed, writes ca.crt (0644) then agent.json (0600).
// An existing agent.json is made 0600 before it is replaced, so the token is never
// readable by others even when an old file had a looser mode.
Status save_agent_config(const AgentFiles& files, const AgentConfig& config, const std::string& ca_pem);

}  // namespace herd::remote
