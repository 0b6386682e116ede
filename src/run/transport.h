// Transports: how one node's work becomes a local process. The engine (engine.h) runs
// whatever argv a transport gives; ssh and scp are plain programs, so the user's ssh
// config, ControlMaster and agent keep working.
//
//   ssh   ssh -o BatchMode=yes -o ConnectTimeout=N [-o …] -T -- NODE 'COMMAND'
//   exec  /bin/sh -c 'COMMAND' with $HERD_NODE=NODE (tests the engine without ssh); a
//         COMMAND without shell syntax runs directly, as make does (simple_command.h)
//
// and for herd copy: scp -p -r (modes and times kept) to NODE:DEST or from NODE:SRC into
// DEST_DIR/NODE/; with exec, cp -Rp locally.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace herd::run {

// One process to start: `program` is the file to run, or when empty argv[0] is searched
// in PATH; env entries (NAME=VALUE) are added to, or replace, this process's environment.
struct Launch {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string program;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // The process that does `node`'s work.
  virtual Launch launch(const std::string& node) const = 0;
  // Whether exit status 255 means the node could not be reached (ssh's convention).
  virtual bool exit_255_is_unreachable() const = 0;
};

enum class TransportKind { ssh, exec };

// Parses "ssh" or "exec"; fails with bad_input otherwise.
Result<TransportKind> parse_transport(std::string_view name);

struct SshOptions {
  std::string program = "ssh";        // ssh (or scp for copies); $HERD_SSH / $HERD_SCP override
  int connect_timeout = 10;           // seconds, ssh's ConnectTimeout
  std::vector<std::string> options;   // extra -o values, e.g. "User=admin"
};

// Runs `command` (shell text, shell_quote.h) on each node.
std::unique_ptr<Transport> make_run_transport(TransportKind kind, const SshOptions& ssh, std::string command);

// Copies local `sources` to `dest` on each node (pdcp).
std::unique_ptr<Transport> make_push_transport(TransportKind kind, const SshOptions& scp,
                                               std::vector<std::string> sources, std::string dest);

// Copies `sources` on each node into `dest_dir`/NODE/ here (rpdcp). The caller makes those
// folders first (make_pull_folders).
std::unique_ptr<Transport> make_pull_transport(TransportKind kind, const SshOptions& scp,
                                               std::vector<std::string> sources, std::string dest_dir);

// Creates dest_dir and dest_dir/NODE for each node. Fails naming the folder.
Status make_pull_folders(const std::string& dest_dir, const std::vector<std::string>& nodes);

}  // namespace herd::run
