// herd copy: files to many nodes (pdcp) or from them, one folder per node (rpdcp), with
// scp -p -r: modes and times kept, the user's ssh config honored.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/run_common.h"
#include "run/summary.h"

namespace herd::cli {

namespace {

struct CopyFlags {
  FanoutFlags fanout;
  bool reverse = false;
};

void run_copy(Context& context, CopyFlags& f) {
  take_nodes_word(f.fanout, false);
  if (f.fanout.words.size() < 2)
    fail(bad_input("{}", f.reverse ? "herd copy --reverse NODES SRC… DEST_DIR: give a source and a folder"
                             : "herd copy NODES SRC… DEST: give a source and a destination"));
  auto kind = transport_kind(f.fanout);
  auto nodes = ordered_targets(context, f.fanout.selection, f.fanout.exclude);
  std::string dest = f.fanout.words.back();
  std::vector<std::string> sources(f.fanout.words.begin(), f.fanout.words.end() - 1);
  auto scp = ssh_options(f.fanout, "scp", "HERD_SCP");

  std::unique_ptr<run::Transport> transport;
  if (f.reverse) {
    unwrap(run::make_pull_folders(dest, nodes));
    transport = run::make_pull_transport(kind, scp, sources, dest);
  } else {
    transport = run::make_push_transport(kind, scp, sources, dest);
  }

  run::RunOptions options = run_options(f.fanout);
  auto results = run_and_print(nodes, *transport, options, context.json ? OutputMode::json : OutputMode::live, "copy");
  auto summary = run::summarize(results);
  if (summary.exit_status != 0) throw ExitWith{summary.exit_status};
}

}  // namespace

void add_copy_command(CLI::App& app, Context& context) {
  auto flags = std::make_shared<CopyFlags>();
  auto* cmd = app.add_subcommand(
      "copy",
      "Copy files to many nodes: herd copy NODES SRC… DEST (pdcp), or with --reverse from them:\n"
      "herd copy --reverse NODES SRC… DEST_DIR puts each node's copy in DEST_DIR/NODE/ (rpdcp).\n"
      "Uses scp -p -r: modes and times are kept, folders copied whole.");
  add_fanout_options(cmd, flags->fanout, "Node set; with -w, --where or --query this word is the first path",
                     "PATHS");
  cmd->add_flag("--reverse", flags->reverse, "Copy from the nodes into DEST_DIR/NODE/");
  cmd->callback([&context, flags] { run_copy(context, *flags); });
}

}  // namespace herd::cli
