#include "lab/lab.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "lab/frontend_files.h"
#include "lab/herd_bundle.h"
#include "lab/holder.h"
#include "lab/lab_inventory.h"
#include "lab/network.h"
#include "lab/node_layer.h"
#include "lab/rootfs_cache.h"
#include "reports/sync.h"
#include "reports/sync_config.h"
#include "util/atomic_file.h"
#include "util/ipv4.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace herd::lab {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxNodes = 250;
constexpr const char* kFrontendPort = "fe";
constexpr auto kServiceTimeout = std::chrono::seconds(20);

std::string lab_dir(const std::string& root, const std::string& name) { return root + "/" + name; }
std::string state_path(const std::string& dir) { return dir + "/state.json"; }
std::string node_dir(const std::string& dir, const std::string& node) { return dir + "/nodes/" + node; }

// Serializes up/down/exec bookkeeping of one lab between herd processes.
class LabLock {
 public:
  static Result<LabLock> take(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return failure("{}: {}", dir, ec.message());
    int fd = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return failure("{}/lock: {}", dir, std::strerror(errno));
    ::flock(fd, LOCK_EX);
    return LabLock(fd);
  }
  LabLock(LabLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~LabLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit LabLock(int fd) : fd_(fd) {}
  int fd_;
};

// Fault injection for tests, at the steps network, frontend, dhcp, nodes and boot:
// HERD_LAB_FAIL_AT=<step> makes `up` fail there (it must then remove what it made);
// HERD_LAB_CRASH_AT=<step> kills herd there with SIGKILL (`down` must find the rest).
Status injected_failure(const char* step) {
  const char* crash = std::getenv("HERD_LAB_CRASH_AT");
  if (crash && std::string_view(crash) == step) ::raise(SIGKILL);
  const char* wanted = std::getenv("HERD_LAB_FAIL_AT");
  if (wanted && std::string_view(wanted) == step) return failure("injected failure at step '{}' (HERD_LAB_FAIL_AT)", step);
  return {};
}

std::vector<std::string> node_environment() {
  const char* term = std::getenv("TERM");
  return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "HOME=/root",
          "USER=root",
          "LOGNAME=root",
          "SHELL=/bin/bash",
          "LANG=C.UTF-8",
          std::string("TERM=") + (term ? term : "dumb")};
}

std::string last_lines(const std::string& path, size_t count) {
  auto text = read_file(path);
  if (!text) return "";
  auto lines = split(trim(*text), '\n');
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  std::string out;
  for (const auto& line : lines) out += "\n    " + line;
  return out;
}

// Writes `content` into `path` in place (same inode): the frontend sees the file through
// a bind mount, which a rename would leave pointing at the old inode.
Status overwrite_in_place(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure("{}: {}", path, std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return failure("{}: write failed", path);
  return {};
}

std::string member_address(const MemberState& member) {
  if (!is_running(member.holder)) return "";
  auto text = read_file(fmt::format("/proc/{}/root/run/herd-lab-address", member.holder.pid));
  return text ? std::string(trim(*text)) : "";
}

// Polls until `ready` holds, `gave_up` holds, or the timeout passes. Each check reads
// kernel state (sockets, files), so this waits for readiness rather than guessing a delay.
bool wait_until(const std::function<bool()>& ready, const std::function<bool()>& gave_up) {
  auto deadline = Clock::now() + kServiceTimeout;
  while (Clock::now() < deadline) {
    if (ready()) return true;
    if (gave_up()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready();
}

bool state_matches(const LabState& state, const LabOptions& o) {
  return state.nodes.size() == static_cast<size_t>(o.nodes) && state.subnet == o.subnet && state.dhcp == o.dhcp &&
         state.db_path == o.db_path;
}

// The inventory as the lab sees it: only the interfaces on the lab network. Other
// networks do not exist inside the lab, and a node's short name belongs to its first
// interface (reports/hosts.cc), so a frontend made by `herd init` on 10.1.0.0/16 would
// otherwise be "frontend" at an address no lab member can reach.
void keep_lab_network(inventory::Cluster& cluster, const std::string& network) {
  for (auto& node : cluster.nodes)
    std::erase_if(node.interfaces, [&](const inventory::Interface& i) { return i.network != network; });
}

std::string subnet_text(const Ipv4Network& n) { return fmt::format("{}/{}", format_ipv4(n.address), n.prefix); }

// The `herd lab up` that brings up this lab as asked, but on `subnet`.
std::string up_command(const LabOptions& o, const std::string& subnet) {
  std::string command = "herd lab up";
  if (o.name != default_lab_name()) command += " --name " + o.name;
  command += fmt::format(" --nodes {} --subnet {}", o.nodes, subnet);
  if (o.dhcp != DhcpServer::dnsmasq) command += std::string(" --dhcp ") + dhcp_server_name(o.dhcp);
  return command;
}

// bad_input when a network of the inventory overlaps the lab's subnet (the lab would make
// a second network for the same addresses), naming the one `herd lab up` that works: on
// that network when a lab may use it and it fits the nodes, else on another network of
// the inventory that does, else on the first test range no network touches. Only reads,
// so a refused `up` has written nothing.
Status check_subnet_is_free(inventory::Inventory& inv, const LabOptions& o) {
  auto subnet = parse_ipv4_network(o.subnet);
  if (!subnet) return bad_input("--subnet '{}': expected a network like 198.51.100.0/24", o.subnet);
  auto networks = inv.networks();
  if (!networks) return networks.error();
  auto clash = overlapping_network(*networks, *subnet);
  if (!clash) return {};
  auto subnet_of = [](const inventory::Network& n) { return fmt::format("{}/{}", n.address, n.prefix); };
  std::vector<std::pair<std::string, std::string>> candidates{{subnet_of(*clash), "that network"}};
  for (const auto& n : *networks)
    if (n.name != clash->name) candidates.emplace_back(subnet_of(n), "network " + n.name);
  for (const auto& range : lab_ranges()) candidates.emplace_back(subnet_text(range), "a free test range");
  for (const auto& [candidate, what] : candidates) {
    LabOptions instead = o;
    instead.subnet = candidate;
    if (!validate_options(instead).ok() || overlapping_network(*networks, *parse_ipv4_network(candidate))) continue;
    return bad_input("--subnet {} overlaps network {} ({}) of the inventory; run the lab on {}: {}", o.subnet,
                     clash->name, subnet_of(*clash), what, up_command(o, candidate));
  }
  return bad_input("--subnet {} overlaps network {} ({}) of the inventory, no test range is free of the "
                   "inventory's networks and none of them fits {} nodes; ask for fewer --nodes, or renumber or "
                   "remove network {}",
                   o.subnet, clash->name, subnet_of(*clash), o.nodes, clash->name);
}

Status sync_frontend(inventory::Inventory& inv, const FrontendFiles& files, const LabState& state) {
  HERD_CHECK(write_file_atomically(files.sync_config(), lab_sync_config(files, state.dhcp, state.network)));
  auto config = reports::parse_sync_config(lab_sync_config(files, state.dhcp, state.network), files.sync_config());
  if (!config) return config.error();
  auto cluster = inv.load_cluster();
  if (!cluster) return cluster.error();
  keep_lab_network(*cluster, state.network);
  reports::SyncOptions options;
  options.host = state.frontend.name;
  auto report = reports::sync_outputs(*cluster, *config, options);
  if (!report) return report.error();
  for (const auto& change : report->outputs)
    if (!change.error.empty()) return failure("sync config [{}]: {}", change.name, change.error);
  auto hosts = read_file(files.hosts());
  if (!hosts) return hosts.error();
  HERD_CHECK(overwrite_in_place(files.etc_hosts(), *hosts));
  return write_file_atomically(files.ssh_config(), lab_ssh_config(files));
}

Status start_dhcp(LabState& state, const FrontendFiles& files, const std::string& dir) {
  if (state.dhcp == DhcpServer::dhcpd && !fs::exists(files.leases())) HERD_CHECK(write_file_atomically(files.leases(), ""));
  auto server = start_daemon_in(state.frontend.holder, dhcp_server_command(files, state.dhcp));
  if (!server) return server.error();
  state.dhcp_server = *server;
  HERD_CHECK(save_state(state_path(dir), state));
  bool up = wait_until([&] { return is_listening(state.frontend.holder, false, 67); },
                       [&] { return !is_running(state.dhcp_server); });
  if (!up)
    return failure("{} did not start on the frontend; its log {}:{}", dhcp_server_name(state.dhcp), files.dhcp_log(),
                   last_lines(files.dhcp_log(), 6));
  return {};
}

// herd serve on the frontend, with the lab's own store; returns once it listens.
Status start_herd_server(LabState& state, const FrontendFiles& files, const std::string& dir,
                         const std::vector<std::string>& serve_command) {
  if (serve_command.empty()) return {};
  SpawnSpec spec;
  spec.argv = serve_command;
  spec.argv.insert(spec.argv.end(), {"--store", dir + "/store", "--listen", fmt::format("{}:{}", state.frontend.ip, kLabServerPort)});
  spec.output = files.server_log();
  auto server = start_daemon_in(state.frontend.holder, spec);
  if (!server) return server.error();
  state.herd_server = *server;
  HERD_CHECK(save_state(state_path(dir), state));
  bool up = wait_until([&] { return is_listening(state.frontend.holder, true, kLabServerPort); },
                       [&] { return !is_running(state.herd_server); });
  if (!up) return failure("herd serve did not start on the frontend; its log {}:{}", files.server_log(), last_lines(files.server_log(), 6));
  return {};
}

Status start_nodes(LabState& state, const std::string& dir, const std::string& rootfs) {
  for (auto& node : state.nodes) {
    std::string ndir = node_dir(dir, node.name);
    std::error_code ec;
    fs::create_directories(ndir + "/work", ec);
    fs::create_directories(ndir + "/root", ec);
    HolderSpec spec;
    spec.netns = node.netns;
    spec.hostname = node.name;
    spec.root = RootLayers{rootfs, ndir + "/upper", ndir + "/work", ndir + "/root", {{dir + "/herd", kNodeHerdDir}}};
    spec.log = ndir + "/console.log";
    auto holder = start_holder(spec);
    if (!holder) return holder.error();
    node.holder = *holder;
    HERD_CHECK(save_state(state_path(dir), state));
  }
  return {};
}

// Runs every node's boot script at once and waits for all; then waits for every sshd.
Status boot_nodes(const LabState& state, const std::string& dir, const Progress& progress) {
  std::vector<pid_t> children;
  for (const auto& node : state.nodes) {
    SpawnSpec spec{{"/bin/sh", kBootScript}, node_environment(), node_dir(dir, node.name) + "/console.log"};
    auto child = spawn_in(node.holder, spec);
    if (!child) {
      for (pid_t pid : children) wait_exit_code(pid);
      return child.error().with_context(node.name);
    }
    children.push_back(*child);
  }
  std::string failed;
  for (size_t k = 0; k < children.size(); ++k) {
    int code = wait_exit_code(children[k]);
    const auto& node = state.nodes[k];
    if (code != 0)
      failed += fmt::format("\n  {}: boot exited {}; {}/console.log:{}", node.name, code, node_dir(dir, node.name),
                            last_lines(node_dir(dir, node.name) + "/console.log", 4));
  }
  if (!failed.empty()) return failure("nodes failed to boot:{}", failed);
  progress(fmt::format("{} nodes have their DHCP addresses; waiting for sshd", state.nodes.size()));
  for (const auto& node : state.nodes) {
    if (!wait_until([&] { return is_listening(node.holder, true, 22); }, [&] { return !is_running(node.holder); }))
      return failure("{}: sshd is not listening; see {}/console.log", node.name, node_dir(dir, node.name));
    std::string address = member_address(node);
    if (address != node.ip)
      return failure("{}: DHCP gave it '{}' but the inventory says {}", node.name, address, node.ip);
  }
  return {};
}

Result<DownReport> down_locked(const std::string& dir, const std::string& name) {
  DownReport report;
  std::vector<ProcessId> recorded;
  std::set<std::string> namespaces;
  if (fs::exists(state_path(dir))) {
    report.existed = true;
    if (auto state = load_state(state_path(dir))) {
      recorded.push_back(state->dhcp_server);
      recorded.push_back(state->herd_server);
      recorded.push_back(state->frontend.holder);
      for (const auto& node : state->nodes) recorded.push_back(node.holder);
      for (const auto& ns : state->namespaces()) namespaces.insert(ns);
    }
  }
  for (const auto& ns : list_netns(netns_prefix(name))) namespaces.insert(ns);
  if (!namespaces.empty()) report.existed = true;
  for (const auto& id : recorded)
    if (is_running(id)) ++report.processes;
  HERD_CHECK(kill_and_wait(recorded));
  // Whatever still runs in a lab namespace was started for the lab (a crashed run's
  // holders, a command left by `herd lab exec`).
  std::vector<ProcessId> stray;
  for (const auto& ns : namespaces)
    for (const auto& id : processes_in_netns(ns)) stray.push_back(id);
  report.processes += stray.size();
  HERD_CHECK(kill_and_wait(stray));
  std::vector<std::string> names(namespaces.begin(), namespaces.end());
  for (const auto& ns : names)
    if (fs::exists("/run/netns/" + ns)) report.namespaces.push_back(ns);
  HERD_CHECK(delete_netns(names));
  std::error_code ec;
  for (const char* part : {"nodes", "frontend", "state.json"}) fs::remove_all(dir + "/" + part, ec);
  if (ec) return failure("{}: {}", dir, ec.message());
  return report;
}

Result<LabState> up_locked(inventory::Inventory& inv, const LabOptions& o, const std::string& dir,
                           const Progress& progress) {
  auto subnet = *parse_ipv4_network(o.subnet);
  auto rootfs = ensure_rootfs(o.cache_root.empty() ? default_cache_root() : o.cache_root, {}, progress);
  if (!rootfs) return rootfs.error();
  auto records = register_lab(inv, o.name, subnet, o.nodes);
  if (!records) return records.error();
  for (const auto& change : records->changes) (o.inventory_changed ? o.inventory_changed : progress)("inventory: " + change);

  LabState state;
  state.name = o.name;
  state.subnet = o.subnet;
  state.network = records->network;
  state.db_path = o.db_path;
  state.dhcp = o.dhcp;
  state.switch_netns = netns_name(o.name, "sw");
  state.frontend = {records->frontend.name, netns_name(o.name, "fe"), kFrontendPort,
                    records->frontend.mac.empty() ? "02:68:00:00:ff:fe" : records->frontend.mac, records->frontend.ip, {}};
  for (size_t k = 0; k < records->nodes.size(); ++k) {
    const auto& n = records->nodes[k];
    state.nodes.push_back({n.name, netns_name(o.name, n.name), fmt::format("n{}", k), n.mac, n.ip, {}});
  }
  // Recorded before anything is made, so `down` finds every part after a crash.
  HERD_CHECK(save_state(state_path(dir), state));

  progress(fmt::format("network: switch, frontend and {} nodes", state.nodes.size()));
  HERD_CHECK(add_netns(state.namespaces()));
  std::vector<Port> ports{{state.frontend.port, state.frontend.netns, state.frontend.mac}};
  for (const auto& node : state.nodes) ports.push_back({node.port, node.netns, node.mac});
  HERD_CHECK(build_switch(state.switch_netns, ports));
  HERD_CHECK(set_static_address(state.frontend.netns, fmt::format("{}/{}", state.frontend.ip, subnet.prefix)));
  HERD_CHECK(injected_failure("network"));

  FrontendFiles files(dir);
  std::error_code ec;
  fs::create_directories(files.dir, ec);
  auto lab_key = ensure_ssh_key(files.ssh_key(), "herd-lab-" + o.name);
  if (!lab_key) return lab_key.error();
  std::vector<std::pair<std::string, std::string>> host_keys;
  for (const auto& node : state.nodes) {
    auto key = ensure_node_host_key(*rootfs, node_dir(dir, node.name) + "/upper", node.name);
    if (!key) return key.error().with_context(node.name);
    host_keys.emplace_back(node.name, *key);
  }
  HERD_CHECK(record_host_keys(inv, host_keys));
  HERD_CHECK(sync_frontend(inv, files, state));
  auto hosts = read_file(files.hosts());
  if (!hosts) return hosts.error();
  for (const auto& node : state.nodes)
    HERD_CHECK(write_node_layer(*rootfs, node_dir(dir, node.name) + "/upper", {node.name, *hosts, *lab_key}));

  progress(fmt::format("frontend {}: {} on {}", state.frontend.name, dhcp_server_name(state.dhcp), state.frontend.ip));
  auto frontend = start_holder({state.frontend.netns, state.frontend.name, std::nullopt, frontend_binds(files),
                                files.holder_log()});
  if (!frontend) return frontend.error();
  state.frontend.holder = *frontend;
  HERD_CHECK(save_state(state_path(dir), state));
  HERD_CHECK(injected_failure("frontend"));
  HERD_CHECK(start_dhcp(state, files, dir));
  if (!o.serve_command.empty() && o.prepare_server) HERD_CHECK(o.prepare_server());
  HERD_CHECK(start_herd_server(state, files, dir, o.serve_command));
  HERD_CHECK(injected_failure("dhcp"));

  HERD_CHECK(make_herd_bundle(dir + "/herd"));
  progress(fmt::format("starting {} nodes", state.nodes.size()));
  HERD_CHECK(start_nodes(state, dir, *rootfs));
  HERD_CHECK(injected_failure("nodes"));
  progress(fmt::format("booting {} nodes: DHCP, then sshd", state.nodes.size()));
  HERD_CHECK(boot_nodes(state, dir, progress));
  HERD_CHECK(injected_failure("boot"));
  return state;
}

}  // namespace

std::string default_labs_root() {
  const char* env = std::getenv("HERD_LAB_DIR");
  return env && *env ? env : "/var/lib/herd/lab";
}

std::string default_lab_name() {
  const char* env = std::getenv("HERD_LAB");
  return env && *env ? env : "lab";
}

Status validate_lab_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 12 && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  if (!ok) return bad_input("--name '{}': a lab name is 1 to 12 lowercase letters and digits, starting with a letter", name);
  return {};
}

Status validate_options(const LabOptions& o) {
  HERD_CHECK(validate_lab_name(o.name));
  auto subnet = parse_ipv4_network(o.subnet);
  if (!subnet) return bad_input("--subnet '{}': expected a network like 198.51.100.0/24 (host bits zero)", o.subnet);
  if (!in_lab_ranges(*subnet))
    return bad_input("--subnet '{}': the lab uses only the documentation ranges 198.51.100.0/24 and 203.0.113.0/24 "
                     "(or a part of one), so it can never clash with a real network",
                     o.subnet);
  long long hosts = static_cast<long long>(subnet->last_host()) - subnet->first_host() + 1;
  int limit = static_cast<int>(std::min<long long>(kMaxNodes, hosts - 2));  // the frontend and a spare
  if (limit < 1) return bad_input("--subnet '{}': too small for a frontend and a node", o.subnet);
  if (o.nodes < 1 || o.nodes > limit) return bad_input("--nodes {}: a lab on {} has 1 to {} nodes", o.nodes, o.subnet, limit);
  return {};
}

Result<LabState> lab_up(inventory::Inventory& inv, const LabOptions& options, const Progress& progress) {
  HERD_CHECK(validate_options(options));
  HERD_CHECK(check_subnet_is_free(inv, options));
  LabOptions o = options;
  if (o.labs_root.empty()) o.labs_root = default_labs_root();
  std::string dir = lab_dir(o.labs_root, o.name);
  auto lock = LabLock::take(dir);
  if (!lock) return lock.error();

  if (fs::exists(state_path(dir))) {
    auto status = lab_status(o.labs_root, o.name);
    if (status && status->healthy() && state_matches(status->state, o)) {
      progress(fmt::format("lab {} is already up with {} nodes", o.name, o.nodes));
      return status->state;
    }
    progress(fmt::format("lab {} is partly up or was asked differently: taking it down first", o.name));
  }
  if (fs::exists(state_path(dir)) || !list_netns(netns_prefix(o.name)).empty()) {
    auto down = down_locked(dir, o.name);
    if (!down) return down.error();
  }
  auto state = up_locked(inv, o, dir, progress);
  if (!state) {
    auto cleaned = down_locked(dir, o.name);
    if (!cleaned) return state.error().with_context(fmt::format("(and cleaning up failed too: {})", cleaned.error().message));
    return state.error();
  }
  return state;
}

Result<DownReport> lab_down(const std::string& labs_root, const std::string& name) {
  HERD_CHECK(validate_lab_name(name));
  std::string dir = lab_dir(labs_root, name);
  if (!fs::exists(dir) && list_netns(netns_prefix(name)).empty()) return DownReport{};
  auto lock = LabLock::take(dir);
  if (!lock) return lock.error();
  auto report = down_locked(dir, name);
  if (!report) return report;
  std::error_code ec;
  fs::remove_all(dir, ec);
  return report;
}

bool MemberStatus::healthy() const { return running && service && (role == "frontend" || (lease && address == ip)); }

bool LabStatus::healthy() const {
  for (const auto& m : members)
    if (!m.healthy()) return false;
  return !members.empty();
}

Result<LabStatus> lab_status(const std::string& labs_root, const std::string& name) {
  HERD_CHECK(validate_lab_name(name));
  std::string dir = lab_dir(labs_root, name);
  if (!fs::exists(state_path(dir))) return bad_input("no lab '{}' in {}", name, labs_root);
  auto state = load_state(state_path(dir));
  if (!state) return state.error();
  LabStatus status;
  status.state = *state;
  FrontendFiles files(dir);
  auto leases = read_leases(files, state->dhcp);
  MemberStatus fe;
  const auto& f = state->frontend;
  fe = {f.name, "frontend", f.netns, f.mac, f.ip, f.holder.pid, is_running(f.holder), f.ip, false, false};
  fe.service = is_running(state->dhcp_server) && is_listening(f.holder, false, 67) &&
               (state->herd_server.pid == 0 || (is_running(state->herd_server) && is_listening(f.holder, true, kLabServerPort)));
  status.members.push_back(fe);
  for (const auto& n : state->nodes) {
    MemberStatus m{n.name, "node", n.netns, n.mac, n.ip, n.holder.pid, is_running(n.holder), member_address(n), false,
                   is_listening(n.holder, true, 22)};
    for (const auto& lease : leases) m.lease |= lease.mac == n.mac && lease.ip == n.ip;
    status.members.push_back(m);
  }
  return status;
}

std::vector<LabSummary> lab_list(const std::string& labs_root) {
  std::vector<LabSummary> labs;
  std::set<std::string> known;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(labs_root, ec)) {
    auto state = load_state(state_path(entry.path().string()));
    if (!state) continue;
    LabSummary s{state->name, state->subnet, dhcp_server_name(state->dhcp), state->db_path, state->nodes.size(), 0, false};
    for (const auto& node : state->nodes) s.running += is_running(node.holder);
    known.insert(state->name);
    labs.push_back(s);
  }
  for (const auto& ns : list_netns("herd-")) {
    // herd-<lab>-<member>; lab names have no '-'.
    std::string rest = ns.substr(5);
    std::string lab = rest.substr(0, rest.find('-'));
    if (known.insert(lab).second) labs.push_back({lab, "", "", "", 0, 0, true});
  }
  std::sort(labs.begin(), labs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return labs;
}

Result<ProcessId> member_holder(const LabState& state, const std::string& member) {
  const MemberState* m = member == "frontend" ? &state.frontend : state.member(member);
  if (!m) return bad_input("lab {} has no member '{}' (the frontend is 'frontend' or '{}')", state.name, member,
                           state.frontend.name);
  if (!is_running(m->holder)) return failure("{} in lab {} is not running; run herd lab up", member, state.name);
  return m->holder;
}

Result<int> lab_exec(const std::string& labs_root, const std::string& name, const std::string& member,
                     const std::vector<std::string>& argv) {
  HERD_CHECK(validate_lab_name(name));
  auto state = load_state(state_path(lab_dir(labs_root, name)));
  if (!state) return bad_input("no lab '{}' in {} (herd lab up --name {})", name, labs_root, name);
  auto holder = member_holder(*state, member);
  if (!holder) return holder.error();
  bool node = member != "frontend" && member != state->frontend.name;
  auto child = spawn_in(*holder, {argv, node ? node_environment() : std::vector<std::string>{}, ""});
  if (!child) return child.error();
  return wait_exit_code(*child);
}

Result<int> lab_ssh(const std::string& labs_root, const std::string& name, const std::string& node,
                    const std::vector<std::string>& command) {
  HERD_CHECK(validate_lab_name(name));
  auto state = load_state(state_path(lab_dir(labs_root, name)));
  if (!state) return bad_input("no lab '{}' in {} (herd lab up --name {})", name, labs_root, name);
  if (!state->member(node) || node == state->frontend.name) return bad_input("lab {} has no node '{}'", name, node);
  FrontendFiles files(lab_dir(labs_root, name));
  std::vector<std::string> argv{"ssh", "-F", files.ssh_config()};
  if (command.empty() && ::isatty(0)) argv.push_back("-t");
  argv.push_back(node);
  argv.insert(argv.end(), command.begin(), command.end());
  auto holder = member_holder(*state, "frontend");
  if (!holder) return holder.error();
  auto child = spawn_in(*holder, {argv, {}, ""});
  if (!child) return child.error();
  return wait_exit_code(*child);
}

}  // namespace herd::lab
