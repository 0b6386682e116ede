// herd image deploy|rollback|status: images across the cluster, from the frontend
// (docs/image.md, "Deploying from the frontend"). Each node runs `herd image update`
// itself over ssh (the fan-out of herd run); what it runs is read back from the reports
// nodes send to herd serve (image/image_status.h).
#include <CLI/CLI.hpp>

#include <map>
#include <set>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "image/image_status.h"
#include "image/overrides/node_overrides.h"
#include "image/overrides/override_refs.h"
#include "nodeset/node_set.h"
#include "run/engine.h"
#include "run/shell_quote.h"
#include "run/transport.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

struct FleetFlags {
  std::string nodes;
  std::string revision;  // deploy --revision
  std::string to;        // rollback --to
  size_t canary = 0;
  std::string check;
  size_t fanout = 32;
  bool verify = false;
};

run::SshOptions fleet_ssh() {
  run::SshOptions ssh;
  if (const char* program = std::getenv("HERD_SSH"); program && *program) ssh.program = program;
  return ssh;
}

// The image each node is assigned ("" = none), by node.
std::map<std::string, image::ImageRef> assigned_images(Context& context, const std::vector<std::string>& nodes) {
  std::map<std::string, image::ImageRef> out;
  for (const auto& node : nodes) {
    auto attributes = unwrap(context.inventory().resolve_attributes(node, false));
    image::ImageRef ref;
    if (auto it = attributes.find("image"); it != attributes.end()) ref.image = it->second.value;
    if (auto it = attributes.find("image.revision"); it != attributes.end()) {
      const std::string& v = it->second.value;
      if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        ref.revision = std::stoull(v);
      else
        ref.tag = v;
    }
    out[node] = ref;
  }
  return out;
}

// Every node must have an image, and it must resolve, before anything runs.
void check_assigned(image::Catalog& catalog, const std::map<std::string, image::ImageRef>& assigned) {
  std::vector<std::string> without;
  for (const auto& [node, ref] : assigned)
    if (ref.image.empty()) without.push_back(node);
  if (!without.empty())
    fail(bad_input("{} has no image assigned: herd attr set image NAME --node {}", nodeset::fold(without),
                   nodeset::fold(without)));
  for (const auto& [node, ref] : assigned) {
    auto r = catalog.resolve(ref);
    if (!r) fail(bad_input("{}: {}", node, r.error().message));
  }
}

void pin_revision(Context& context, const std::vector<std::string>& nodes, const std::string& value) {
  for (const auto& node : nodes) {
    inventory::Attribute a;
    a.scope = inventory::Scope::node;
    a.target = node;
    a.name = "image.revision";
    a.value = value;
    unwrap(context.inventory().set_attribute(a));
  }
}

struct NodeOutcome {
  std::string node;
  bool ok = false;
  std::string summary;  // "base:3: 4 created, 2 updated" or the error
  nlohmann::json json;
};

NodeOutcome outcome_of(const run::NodeResult& r) {
  NodeOutcome o;
  o.node = r.node;
  auto reply = nlohmann::json::parse(join(r.out, "\n"), nullptr, false);
  if (r.status == run::NodeStatus::ok && reply.is_object()) {
    o.ok = true;
    o.json = reply;
    const auto& after = reply.value("after", nlohmann::json::object());
    std::string what = fmt::format("{}:{}", after.value("image", "?"), after.value("revision", 0));
    if (!reply.value("changed", false)) {
      o.summary = what + " (up to date)";
    } else {
      o.summary = fmt::format("{}: {} created, {} updated, {} removed, {} fetched", what, reply.value("created", 0),
                              reply.value("updated", 0), reply.value("removed", 0),
                              bytes_text(reply.value("bytes_fetched", uint64_t{0})));
      if (reply.value("reboot_needed", false)) o.summary += "; reboot needed";
    }
    return o;
  }
  std::string why = r.err.empty() ? fmt::format("{}, exit {}", run::to_string(r.status), r.exit_code) : r.err.back();
  o.summary = "failed: " + why;
  o.json = {{"error", why}, {"exit_code", r.exit_code}};
  return o;
}

// Runs `herd image update` on `nodes` at once; prints a line per node as each ends.
std::vector<NodeOutcome> update_nodes(Context& context, const std::vector<std::string>& nodes, const FleetFlags& f,
                                      const char* stage) {
  std::vector<std::string> words = {"herd", "image", "update", "--json"};
  if (f.verify) words.push_back("--verify");
  std::string command;
  for (const auto& w : words) command += (command.empty() ? "" : " ") + run::shell_quote(w);
  auto transport = run::make_run_transport(run::TransportKind::ssh, fleet_ssh(), command);
  run::RunOptions options;
  options.fanout = f.fanout;
  ProgressLine progress(context.json);
  progress.show(fmt::format("{}: updating {} ({} nodes)", stage, nodeset::fold(nodes), nodes.size()), true);
  auto results = unwrap(run::run_nodes(nodes, *transport, options));
  progress.clear();
  std::vector<NodeOutcome> out;
  for (const auto& r : results) {
    out.push_back(outcome_of(r));
    if (!context.json) fmt::print("{}: {}\n", r.node, out.back().summary);
  }
  std::fflush(stdout);  // before the summary on stderr
  return out;
}

// Runs the canary check on `nodes`; the nodes where it failed.
std::vector<std::string> run_check(Context& context, const std::vector<std::string>& nodes, const std::string& check) {
  auto transport = run::make_run_transport(run::TransportKind::ssh, fleet_ssh(), check);
  run::RunOptions options;
  options.fanout = nodes.size();
  auto results = unwrap(run::run_nodes(nodes, *transport, options));
  std::vector<std::string> failed;
  for (const auto& r : results) {
    bool ok = r.status == run::NodeStatus::ok && r.exit_code == 0;
    if (!ok) failed.push_back(r.node);
    if (!context.json) fmt::print("{}: check {}\n", r.node, ok ? "passed" : fmt::format("FAILED (exit {})", r.exit_code));
    for (const auto& line : r.err) notice("{}: {}", r.node, line);
  }
  std::fflush(stdout);
  return failed;
}

// Canary first (when asked), its check, then the rest; prints the summary and exits 1
// when a node failed or the canary stopped the rollout.
void roll_out(Context& context, const std::vector<std::string>& nodes, const FleetFlags& f, const char* verb) {
  std::vector<NodeOutcome> outcomes;
  std::vector<std::string> canary, rest = nodes;
  if (f.canary > 0 && f.canary < nodes.size()) {
    canary.assign(nodes.begin(), nodes.begin() + static_cast<long>(f.canary));
    rest.assign(nodes.begin() + static_cast<long>(f.canary), nodes.end());
  }
  std::string stopped;
  if (!canary.empty()) {
    outcomes = update_nodes(context, canary, f, "canary");
    std::vector<std::string> failed;
    for (const auto& o : outcomes)
      if (!o.ok) failed.push_back(o.node);
    if (failed.empty() && !f.check.empty()) failed = run_check(context, canary, f.check);
    if (!failed.empty()) stopped = fmt::format("the canary failed on {}: {} not updated", nodeset::fold(failed), nodeset::fold(rest));
  }
  if (stopped.empty()) {
    auto more = update_nodes(context, rest, f, verb);
    outcomes.insert(outcomes.end(), more.begin(), more.end());
  }
  std::vector<std::string> ok, failed;
  for (const auto& o : outcomes) (o.ok ? ok : failed).push_back(o.node);
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& o : outcomes) {
      auto j = o.json;
      j["node"] = o.node;
      j["ok"] = o.ok;
      list.push_back(j);
    }
    print_json({{"nodes", list}, {"ok", nodeset::fold(ok)}, {"failed", nodeset::fold(failed)}, {"stopped", stopped}});
  } else {
    notice("{} {}: {} ok{}{}", verb, nodeset::fold(nodes), ok.size(),
           failed.empty() ? "" : fmt::format(", {} failed: {}", failed.size(), nodeset::fold(failed)),
           stopped.empty() ? "" : "; stopped: " + stopped);
  }
  if (!failed.empty() || !stopped.empty()) throw ExitWith{1};
}

void run_deploy(Context& context, const std::string& store_root, const FleetFlags& f) {
  auto nodes = context.select_nodes(Selection{f.nodes, "", ""});
  if (!f.check.empty() && f.canary == 0) fail(bad_input("--check runs on the canary nodes: give --canary N too"));
  auto s = open_image_store(store_root);
  auto assigned = assigned_images(context, nodes);
  if (!f.revision.empty())
    for (auto& [node, ref] : assigned) {
      if (ref.image.empty()) continue;
      auto pinned = unwrap(image::parse_image_ref(ref.image + ":" + f.revision));
      ref = pinned;
    }
  check_assigned(*s.catalog, assigned);
  if (!f.revision.empty()) pin_revision(context, nodes, f.revision);
  roll_out(context, nodes, f, "deploy");
}

void run_rollback(Context& context, const std::string& store_root, const FleetFlags& f) {
  auto nodes = context.select_nodes(Selection{f.nodes, "", ""});
  auto s = open_image_store(store_root);
  auto assigned = assigned_images(context, nodes);
  check_assigned(*s.catalog, assigned);
  std::vector<std::string> problems;
  auto reports = image::load_reports(store_root, problems);
  // The revision each node goes back to, as a pin value.
  std::map<std::string, std::string> target;
  for (const auto& node : nodes) {
    const auto& ref = assigned.at(node);
    if (!f.to.empty()) {
      unwrap(s.catalog->resolve(ref.image + ":" + f.to));
      target[node] = f.to;
      continue;
    }
    auto it = reports.find(node);
    if (it == reports.end() || it->second.deployed.image != ref.image)
      fail(bad_input("{} has not reported running {}: say which revision: --to REV", node, ref.image));
    auto refs = unwrap(s.catalog->refs_of(ref.image));
    auto running = refs.revisions.find(it->second.deployed.revision);
    if (running == refs.revisions.end() || running == refs.revisions.begin())
      fail(bad_input("{} runs {}:{}, which has no earlier revision: say which one: --to REV", node, ref.image,
                     it->second.deployed.revision));
    target[node] = std::to_string(std::prev(running)->first);
  }
  std::map<std::string, std::vector<std::string>> by_target;
  for (const auto& [node, t] : target) by_target[t].push_back(node);
  for (const auto& [t, group] : by_target) {
    pin_revision(context, group, t);
    if (!context.json) notice("{}: pinned to revision {}", nodeset::fold(group), t);
  }
  roll_out(context, nodes, f, "rollback");
}

void run_status(Context& context, const std::string& store_root, const FleetFlags& f) {
  auto nodes = context.select_nodes(Selection{f.nodes.empty() ? "" : f.nodes, "", ""}, !f.nodes.empty());
  if (nodes.empty()) nodes = unwrap(context.inventory().node_names());
  auto assigned = assigned_images(context, nodes);
  std::vector<std::string> problems;
  auto reports = image::load_reports(store_root, problems);
  for (const auto& p : problems) notice("warning: {}", p);
  std::optional<ImageStore> s;
  if (std::filesystem::exists(store_root + "/format")) s = open_image_store(store_root);
  // With overrides, a node is up to date only once it runs its effective tree.
  store::Refs refs(store_root);
  std::unique_ptr<image::NodeData> data;
  if (s && !unwrap(image::list_overrides(*s->store, refs)).empty()) data = unwrap(image::NodeData::load(context.inventory()));
  auto overrides_pending = [&](const std::string& node, const image::Revision& r, const store::Hash& deployed) {
    if (!data) return false;
    auto scopes = data->scopes(node);
    if (!scopes) return false;
    auto effective = image::node_overrides(*s->store, refs, *scopes, [&] { return data->of(node); }, r.snapshot.tree);
    return effective && effective->tree != deployed;
  };

  // One line per (runs, state) with its folded node set.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& node : nodes) {
    const auto& ref = assigned.at(node);
    std::string wanted;
    std::optional<image::Revision> revision;
    if (!ref.image.empty() && s) {
      auto r = s->catalog->resolve(ref);
      wanted = r ? r->text() : ref.text() + " (unknown)";
      if (r) revision = std::move(*r);
    } else if (!ref.image.empty()) {
      wanted = ref.text();
    }
    auto it = reports.find(node);
    std::string runs = "-", state;
    nlohmann::json j = {{"node", node}, {"assigned", wanted.empty() ? nlohmann::json() : nlohmann::json(wanted)}};
    if (it == reports.end() || it->second.deployed.image.empty()) {
      state = wanted.empty() ? "no image assigned" : "never updated";
      j["runs"] = nullptr;
    } else {
      const auto& rep = it->second;
      runs = fmt::format("{}:{}", rep.deployed.image, rep.deployed.revision);
      std::vector<std::string> notes;
      if (!rep.error.empty()) notes.push_back("last update failed");
      if (!wanted.empty() && runs != wanted) notes.push_back("pending " + wanted);
      else if (revision && overrides_pending(node, *revision, rep.deployed.tree)) notes.push_back("overrides pending");
      if (rep.reboot_needed) notes.push_back("reboot needed");
      if (rep.repaired > 0) notes.push_back(fmt::format("drift repaired ({} files)", rep.repaired));
      state = notes.empty() ? "up to date" : join(notes, ", ");
      j["runs"] = runs;
      j["reported"] = utc_iso8601(rep.reported_ns);
      j["reboot_needed"] = rep.reboot_needed;
      j["repaired"] = rep.repaired;
      j["error"] = rep.error;
    }
    j["state"] = state;
    list.push_back(j);
    groups[{runs, state}].push_back(node);
  }
  if (context.json) return print_json({{"nodes", list}});
  for (const auto& [key, members] : groups) fmt::print("{:<24} {:<20} {}\n", nodeset::fold(members), key.first, key.second);
}

}  // namespace

void add_image_fleet_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* deploy = noun.add_subcommand(
      "deploy", "Update many nodes to their image at once (each runs herd image update over ssh); "
                "--canary N --check CMD updates and checks N nodes first");
  auto d = std::make_shared<FleetFlags>();
  deploy->add_option("NODES", d->nodes, "Node set")->required();
  deploy->add_option("--revision", d->revision, "Pin these nodes to this revision or tag first (image.revision)");
  deploy->add_option("--canary", d->canary, "Update these many nodes first (in node order) and stop if they fail");
  deploy->add_option("--check", d->check, "A command run on the canary nodes after their update; the rollout stops if it fails");
  deploy->add_option("-f,--fanout", d->fanout, "Nodes updating at once (default 32)")->check(CLI::Range(1, 4096));
  deploy->add_flag("--verify", d->verify, "Each node also puts back what drifted from its image");
  add_image_store_option(deploy, *store);
  deploy->callback([&context, store, d] { run_deploy(context, *store, *d); });

  auto* rollback = noun.add_subcommand(
      "rollback", "Put nodes back on the revision before the one they run (or --to REV|TAG) and update them");
  auto r = std::make_shared<FleetFlags>();
  rollback->add_option("NODES", r->nodes, "Node set")->required();
  rollback->add_option("--to", r->to, "The revision number or tag to go back to");
  rollback->add_option("-f,--fanout", r->fanout, "Nodes updating at once (default 32)")->check(CLI::Range(1, 4096));
  add_image_store_option(rollback, *store);
  rollback->callback([&context, store, r] { run_rollback(context, *store, *r); });

  auto* status = noun.add_subcommand(
      "status", "Which revision each node runs, as nodes last reported, folded: pending updates, reboots, drift");
  auto st = std::make_shared<FleetFlags>();
  status->add_option("NODES", st->nodes, "Node set (default: every node)");
  add_image_store_option(status, *store);
  status->callback([&context, store, st] { run_status(context, *store, *st); });
}

}  // namespace herd::cli
