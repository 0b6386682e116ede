// herd lab up|down|status|list|exec|ssh: a virtual cluster in network namespaces.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/new_cluster.h"
#include "lab/certificate_names.h"
#include "lab/lab.h"
#include "server/pki.h"
#include "util/text.h"

namespace herd::cli {
namespace {

struct LabCommand {
  lab::LabOptions options;
  std::string dhcp = "dnsmasq";
  std::string member;
  std::vector<std::string> command;
};

// Progress lines on a terminal only; piped output stays quiet.
lab::Progress terminal_progress() {
  if (!::isatty(2)) return [](const std::string&) {};
  return [](const std::string& line) { fmt::print(stderr, "lab: {}\n", line); };
}

std::string yes_no(bool value) { return value ? "yes" : "no"; }

void require_root() {
  if (::geteuid() != 0) fail(failure("herd lab needs root (network namespaces, mounts)"));
}

// The inventory to register the lab's nodes in; an empty one is created first as
// `herd init` would, on the lab's subnet.
inventory::Inventory& lab_inventory(Context& context, const lab::LabOptions& o) {
  if (context.database_exists()) return context.inventory();
  inventory::NewCluster spec;
  spec.cluster = o.name;
  spec.subnet = o.subnet;
  spec.domain = o.name + ".lab";
  auto& inv = context.create_inventory();
  unwrap(inventory::create_cluster(inv, spec));
  notice("created cluster '{}' in {} on {}", spec.cluster, context.db_path, spec.subnet);
  return inv;
}

// Makes the PKI fit the inventory as register_lab left it, just before the lab's herd
// serve starts: made now (as `herd init` would) when there is none, and the server
// certificate issued anew when it lacks one of the frontend's names or addresses (the
// lab may just have given the frontend its address on the lab network). The CA, and so
// every node's pinned --ca-sha256, stays the same.
Status prepare_lab_pki(inventory::Inventory& inv, const std::string& pki) {
  auto identity = server::frontend_identity(inv);
  if (!identity) return identity.error();
  server::PkiPaths paths{pki};
  std::error_code ec;
  if (!std::filesystem::exists(paths.ca_crt(), ec) && !std::filesystem::exists(paths.ca_key(), ec)) {
    HERD_CHECK(server::create_pki(pki, *identity));
    notice("created the cluster's PKI in {}", pki);
    return {};
  }
  HERD_CHECK(server::check_pki(pki));
  auto missing = lab::names_missing_from_certificate(paths.server_crt(), identity->dns_names, identity->ips);
  if (!missing) return missing.error();
  if (missing->empty()) return {};
  HERD_CHECK(server::reissue_server_certificate(pki, *identity));
  notice("issued a new server certificate in {}: the old one did not name {} (same CA)", pki, join(*missing, ", "));
  return {};
}

// The frontend's herd serve: this herd, on this inventory and its PKI (prepare_lab_pki).
std::vector<std::string> lab_serve_command(Context& context, const std::string& pki) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) fail(failure("cannot find the running herd binary (/proc/self/exe): {}", ec.message()));
  return {self.string(), "--db", context.db_path, "serve", "--pki", pki};
}

void run_up(Context& context, LabCommand& c) {
  c.options.dhcp = unwrap(lab::parse_dhcp_server(c.dhcp));
  unwrap(lab::validate_options(c.options));
  require_root();
  c.options.db_path = context.db_path;
  auto started = std::chrono::steady_clock::now();
  auto& inv = lab_inventory(context, c.options);
  std::string pki = server::default_pki_dir(context.db_path);
  c.options.serve_command = lab_serve_command(context, pki);
  c.options.prepare_server = [&inv, pki] { return prepare_lab_pki(inv, pki); };
  c.options.inventory_changed = [](const std::string& line) { notice("lab: {}", line); };
  auto state = unwrap(lab::lab_up(inv, c.options, terminal_progress()));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (context.json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& n : state.nodes) nodes.push_back({{"name", n.name}, {"ip", n.ip}, {"mac", n.mac}});
    print_json({{"name", state.name}, {"subnet", state.subnet}, {"dhcp", lab::dhcp_server_name(state.dhcp)},
                {"frontend", {{"name", state.frontend.name}, {"ip", state.frontend.ip}}}, {"nodes", nodes},
                {"server", fmt::format("https://{}:{}", state.frontend.name, lab::kLabServerPort)},
                {"seconds", seconds}});
    return;
  }
  Table table({"NODE", "ADDRESS", "MAC"});
  table.add({state.frontend.name + " (frontend)", state.frontend.ip, state.frontend.mac});
  for (const auto& n : state.nodes) table.add({n.name, n.ip, n.mac});
  print_text(table.render());
  std::string name_option = state.name == lab::default_lab_name() ? "" : " --name " + state.name;
  notice("lab {} is up: {} nodes, {} and herd serve (https://{}:{}) on the frontend ({:.1f} s). Try: herd lab ssh{} {}",
         state.name, state.nodes.size(), lab::dhcp_server_name(state.dhcp), state.frontend.name, lab::kLabServerPort,
         seconds, name_option,
         state.nodes.empty() ? "" : state.nodes.front().name);
}

void run_down(Context& context, const LabCommand& c) {
  unwrap(lab::validate_lab_name(c.options.name));
  require_root();
  auto report = unwrap(lab::lab_down(c.options.labs_root, c.options.name));
  if (context.json) {
    print_json({{"name", c.options.name}, {"existed", report.existed}, {"processes", report.processes},
                {"namespaces", report.namespaces}});
    return;
  }
  if (!report.existed)
    notice("no lab '{}' here: nothing to remove", c.options.name);
  else
    notice("lab {} is down: {} processes ended, {} namespaces removed", c.options.name, report.processes,
           report.namespaces.size());
}

void run_status(Context& context, const LabCommand& c) {
  auto status = unwrap(lab::lab_status(c.options.labs_root, c.options.name));
  if (context.json) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : status.members)
      members.push_back({{"name", m.name}, {"role", m.role}, {"netns", m.netns}, {"mac", m.mac}, {"ip", m.ip},
                         {"holder_pid", m.holder}, {"running", m.running}, {"address", m.address},
                         {"lease", m.lease}, {"service", m.service}, {"healthy", m.healthy()}});
    print_json({{"name", status.state.name}, {"subnet", status.state.subnet},
                {"dhcp", lab::dhcp_server_name(status.state.dhcp)}, {"inventory", status.state.db_path},
                {"healthy", status.healthy()}, {"members", members}});
  } else {
    Table table({"MEMBER", "ROLE", "ADDRESS", "MAC", "PID", "LEASE", "SERVICE", "HEALTH"});
    for (const auto& m : status.members) {
      std::string service = m.role != "frontend"              ? "sshd"
                            : status.state.herd_server.empty() ? lab::dhcp_server_name(status.state.dhcp)
                                                               : lab::dhcp_server_name(status.state.dhcp) + std::string("+serve");
      table.add({m.name, m.role, m.address.empty() ? "-" : m.address, m.mac, m.running ? std::to_string(m.holder) : "-",
                 m.role == "frontend" ? "" : yes_no(m.lease), service + (m.service ? " up" : " down"),
                 m.healthy() ? "ok" : "DOWN"});
    }
    print_text(table.render());
  }
  if (!status.healthy()) throw ExitWith{1};
}

void run_list(Context& context, const LabCommand& c) {
  auto labs = lab::lab_list(c.options.labs_root);
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : labs)
      out.push_back({{"name", l.name}, {"subnet", l.subnet}, {"dhcp", l.dhcp}, {"inventory", l.db_path},
                     {"nodes", l.nodes}, {"running", l.running}, {"leftover", l.leftover}});
    print_json(out);
    return;
  }
  Table table({"LAB", "NODES", "RUNNING", "SUBNET", "DHCP", "INVENTORY"});
  for (const auto& l : labs)
    if (l.leftover)
      table.add({l.name, "-", "-", "-", "-", "leftover namespaces: herd lab down --name " + l.name});
    else
      table.add({l.name, std::to_string(l.nodes), std::to_string(l.running), l.subnet, l.dhcp, l.db_path});
  print_text(table.render());
}

}  // namespace

void add_lab_command(CLI::App& app, Context& context) {
  auto* lab_cmd = app.add_subcommand("lab", "A virtual cluster on this machine, in network namespaces (needs root)");
  lab_cmd->require_subcommand(1);
  auto c = std::make_shared<LabCommand>();
  c->options.labs_root = lab::default_labs_root();
  c->options.name = lab::default_lab_name();
  auto add_name = [&](CLI::App* cmd) {
    cmd->add_option("--name", c->options.name, "Lab name, letters and digits (default: $HERD_LAB or 'lab')");
  };

  auto* up = lab_cmd->add_subcommand(
      "up", "Start a lab: switch, frontend with a DHCP server, N nodes with sshd; registers the nodes in the inventory");
  add_name(up);
  up->add_option("--nodes", c->options.nodes, "Number of nodes (compute-0-0 ...)")->capture_default_str();
  up->add_option("--subnet", c->options.subnet, "Lab network, inside 198.51.100.0/24 or 203.0.113.0/24")
      ->capture_default_str();
  up->add_option("--dhcp", c->dhcp, "DHCP server on the frontend: dnsmasq, dhcpd or kea")->capture_default_str();
  up->callback([&context, c] { run_up(context, *c); });

  auto* down = lab_cmd->add_subcommand("down", "Stop a lab and remove everything it made, leftovers of a crash too");
  add_name(down);
  down->callback([&context, c] { run_down(context, *c); });

  auto* status = lab_cmd->add_subcommand("status", "Members, addresses, leases, services; exit 1 unless all healthy");
  add_name(status);
  status->callback([&context, c] { run_status(context, *c); });

  auto* list = lab_cmd->add_subcommand("list", "Labs on this machine");
  list->callback([&context, c] { run_list(context, *c); });

  auto* exec = lab_cmd->add_subcommand("exec", "Run a command in a member's namespaces and root: herd lab exec NODE -- CMD");
  add_name(exec);
  exec->add_option("member", c->member, "A node name, or 'frontend'")->required();
  exec->add_option("command", c->command, "The command and its arguments (after --)")->required();
  exec->callback([c] {
    require_root();
    throw ExitWith{unwrap(lab::lab_exec(c->options.labs_root, c->options.name, c->member, c->command))};
  });

  auto* ssh = lab_cmd->add_subcommand("ssh", "ssh to a node from the frontend, host key checked: herd lab ssh NODE [-- CMD]");
  add_name(ssh);
  ssh->add_option("node", c->member, "Node name")->required();
  ssh->add_option("command", c->command, "Remote command (after --)");
  ssh->callback([c] {
    require_root();
    throw ExitWith{unwrap(lab::lab_ssh(c->options.labs_root, c->options.name, c->member, c->command))};
  });
}

}  // namespace herd::cli
