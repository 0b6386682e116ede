// The failed set of the last run, for `herd run --retry-failed`.
//
// File: $HERD_RUN_STATE, else "<inventory database>.run-failed" (beside the database, so
// each inventory has its own). JSON, written atomically:
//   {"db": "/var/lib/herd/herd.db", "nodes": "compute-0-[2,5]", "command": "uptime"}
// "nodes" is a folded node set, "" when the last run had no failure.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::run {

struct FailedState {
  std::string db;       // the inventory the nodes belong to
  std::string nodes;    // folded node set
  std::string command;  // what ran, for the user's information
};

// The state file's path for the inventory at `db_path`.
std::string failed_state_path(const std::string& db_path);

// Writes `state` to `path` atomically. Fails naming the path.
Status save_failed_state(const std::string& path, const FailedState& state);

// Reads the state at `path`. Fails with bad_input when there is none ("no failed set
// saved: run herd run first") or it is not valid.
Result<FailedState> load_failed_state(const std::string& path);

// The file's text for `state` (one line of JSON; bytes of the command that are not UTF-8
// become U+FFFD), and its reader: a JSON object whose "nodes" is a string ("db" and
// "command" optional strings). Fails with bad_input naming `where`. Fuzzed
// (fuzz_run_inputs): what it accepts, written back, reads the same.
std::string failed_state_text(const FailedState& state);
Result<FailedState> parse_failed_state(std::string_view text, const std::string& where);

}  // namespace herd::run
