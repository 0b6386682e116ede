// What every `herd` command shares: global options, the lazily opened inventory, and the
// way a command reports failure (throw CommandError; main prints it and exits with its code).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "inventory/database.h"
#include "inventory/inventory.h"
#include "util/result.h"

namespace CLI {
class App;
}

namespace herd::cli {

struct CommandError {
  herd::Error error;
};

[[noreturn]] inline void fail(herd::Error error) { throw CommandError{std::move(error)}; }

// Ends herd with `code` after a command that passes on another program's exit status
// (herd lab exec, herd lab ssh). Thrown so destructors run; main returns the code.
struct ExitWith {
  int code;
};

// Returns the value or throws its error as a CommandError.
template <typename T>
T unwrap(Result<T> result) {
  if (!result) fail(result.error());
  return std::move(result).value();
}
inline void unwrap(Status status) {
  if (!status) fail(status.error());
}

// The ways a command can be told which nodes to act on.
struct Selection {
  std::string nodes;  // node set expression with @groups
  std::string where;  // --where expression
  std::string query;  // --query raw SQL, read-only
  bool any() const { return !nodes.empty() || !where.empty() || !query.empty(); }
};

class Context {
 public:
  std::string db_path;  // --db, $HERD_DB, or the frontend default
  bool json = false;    // --json

  // The inventory, opened (and migrated) on first use. Throws CommandError.
  inventory::Inventory& inventory();
  inventory::Database& database();
  // Whether a database file exists at db_path.
  bool database_exists() const;
  // Creates (and migrates) the database; used by `herd init`. Throws CommandError.
  inventory::Inventory& create_inventory();

  // The inventory as an @group resolver.
  Result<const nodeset::GroupResolver*> group_resolver();

  // Expands a selection to node names, sorted and unique. Every named node must exist.
  // `required` = an empty selection is an error. Throws CommandError.
  std::vector<std::string> select_nodes(const Selection& selection, bool required = true);

 private:
  std::unique_ptr<inventory::Database> db_;
  std::unique_ptr<inventory::Inventory> inventory_;
};

// Adds a positional NODES argument plus --where and --query to `command`.
void add_selection_options(CLI::App* command, Selection& selection, bool positional = true);

// Default database path: $HERD_DB, else /var/lib/herd/herd.db.
std::string default_db_path();

}  // namespace herd::cli
