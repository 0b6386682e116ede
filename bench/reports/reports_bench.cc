// reports_bench: renders every format of a 100,000-node cluster and times each, then
// times `herd sync config`'s work (render all, compare, write atomically) on a fresh
// folder and again with nothing changed. The inventory load is not included: this is the
// part src/reports owns. Usage: reports_bench [nodes] (default 100000).
//
// For scale (from the issue): xCAT makehosts 202 s and makedhcp 456 s for 5,000 nodes,
// Cobbler sync 145 s for 1,200 nodes.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "reports/cluster_view.h"
#include "reports/report.h"
#include "reports/sync.h"
#include "reports/sync_config.h"

namespace {

using namespace herd;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of this thread: steadier than wall time on a shared machine.
double cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string ip(uint32_t base, uint32_t offset) {
  uint32_t a = base + offset;
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

// Racks of 40 compute nodes "compute-R-K", each with eth0 on private (10.0.0.0/15) and a
// BMC on ipmi (10.2.0.0/15), Slurm/PBS/genders attributes, and a few groups.
inventory::Cluster make_cluster(int count) {
  inventory::Cluster c;
  c.settings = {{"cluster_name", "big"}, {"domain", "big.example.org"}, {"frontend", "frontend"}};
  c.networks = {{"private", "10.0.0.0", 15, "10.0.0.1", "local", 1500, true, "10.1.250.1", "10.1.255.254"},
                {"ipmi", "10.2.0.0", 15, "", "ipmi", 1500, false}};
  c.appliances = {{"compute", "compute", ""}, {"frontend", "frontend", ""}};
  const uint32_t priv = 10u << 24, bmc = (10u << 24) | (2u << 16);
  inventory::Node fe;
  fe.name = "frontend";
  fe.appliance = "frontend";
  fe.interfaces = {{"frontend", "eth0", "52:54:00:ff:ff:ff", "10.0.0.1", "private"}};
  c.nodes.push_back(fe);
  for (int k = 0; k < count; ++k) {
    inventory::Node n;
    int rack = k / 40, rank = k % 40;
    n.name = fmt::format("compute-{}-{}", rack, rank);
    n.appliance = "compute";
    n.rack = rack;
    n.rank = rank;
    n.cpus = 64;
    uint32_t id = static_cast<uint32_t>(k) + 10;
    std::string mac = fmt::format("52:54:{:02x}:{:02x}:{:02x}:{:02x}", (id >> 24) & 255, (id >> 16) & 255, (id >> 8) & 255, id & 255);
    std::string bmc_mac = fmt::format("52:55:{:02x}:{:02x}:{:02x}:{:02x}", (id >> 24) & 255, (id >> 16) & 255, (id >> 8) & 255, id & 255);
    inventory::Interface eth0{n.name, "eth0", mac, ip(priv, id), "private"};
    inventory::Interface ipmi{n.name, "ipmi", bmc_mac, ip(bmc, id), "ipmi"};
    ipmi.name = n.name + "-ipmi";
    n.interfaces = {eth0, ipmi};
    c.nodes.push_back(std::move(n));
  }
  std::sort(c.nodes.begin(), c.nodes.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  c.attributes.resize(c.nodes.size());
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    if (c.nodes[i].appliance != "compute") continue;
    bool gpu = c.nodes[i].rack % 10 == 0;
    auto& a = c.attributes[i];
    a["slurm.partition"] = {gpu ? "gpu,batch" : "batch"};
    a["slurm.default_partition"] = {"batch"};
    a["slurm.sockets"] = {"2"};
    a["slurm.cores_per_socket"] = {"16"};
    a["slurm.threads_per_core"] = {"2"};
    a["slurm.realmemory"] = {gpu ? "512000" : "256000"};
    if (gpu) a["slurm.gres"] = {"gpu:4"};
    a["pbs.np"] = {"64"};
    a["genders"] = {gpu ? "gpu" : "mpi"};
    a["ssh.host_key.ed25519"] = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICnyf0GNEl2nVfUicz07elPrmYZJLoFveetqDWa3u58a"};
  }
  c.groups = {{"gpu", fmt::format("compute-[0-{}/10]-[0-39]", count / 400 * 10), ""},
              {"first-rows", "compute-[0-99]-[0-39]", ""}};
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 100000;
  auto t0 = Clock::now();
  auto cluster = make_cluster(count);
  std::printf("cluster of %d nodes built in %.0f ms (not counted)\n", count, ms_since(t0));

  std::printf("%-22s %8s %8s\n", "", "cpu", "wall");
  t0 = Clock::now();
  double c0 = cpu_ms();
  auto view = reports::ClusterView::build(cluster);
  if (!view) {
    std::fprintf(stderr, "%s\n", view.error().message.c_str());
    return 1;
  }
  double total = ms_since(t0), cpu_total = cpu_ms() - c0;
  std::printf("%-22s %8.1f %8.1f ms\n", "validate + index", cpu_total, total);

  struct Case {
    const char* label;
    reports::Kind kind;
    reports::ReportOptions options;
  };
  std::vector<Case> cases;
  for (const auto& info : reports::kinds()) {
    reports::ReportOptions options;
    if (info.kind == reports::Kind::zone) options.network = "private";
    cases.push_back({info.name.data(), info.kind, options});
  }
  reports::ReportOptions reverse;
  reverse.network = "private";
  reverse.reverse = true;
  cases.push_back({"zone --reverse", reports::Kind::zone, reverse});
  for (const auto& c : cases) {
    t0 = Clock::now();
    c0 = cpu_ms();
    auto text = reports::render(c.kind, *view, c.options);
    double ms = ms_since(t0), cpu = cpu_ms() - c0;
    total += ms;
    cpu_total += cpu;
    if (!text) {
      std::fprintf(stderr, "%s: %s\n", c.label, text.error().message.c_str());
      return 1;
    }
    std::printf("%-22s %8.1f %8.1f ms  %9zu bytes\n", c.label, cpu, ms, text->size());
  }
  std::printf("%-22s %8.1f %8.1f ms\n", "all formats", cpu_total, total);

  // Sync: every kind plus the reverse zone into a scratch folder.
  std::string dir = (std::filesystem::temp_directory_path() / fmt::format("herd-reports-bench-{}", ::getpid())).string();
  std::filesystem::create_directories(dir);
  std::string conf;
  for (const auto& info : reports::kinds())
    conf += fmt::format("[{}]\nkind = {}\npath = {}/{}\n{}", info.name, info.name, dir, info.name,
                        info.kind == reports::Kind::zone ? "network = private\n" : "");
  conf += fmt::format("[reverse]\nkind = zone\nnetwork = private\nreverse = yes\npath = {}/reverse\n", dir);
  auto config = reports::parse_sync_config(conf, dir + "/sync.conf");
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  for (const char* label : {"sync (all created)", "sync (unchanged)"}) {
    t0 = Clock::now();
    c0 = cpu_ms();
    auto report = reports::sync_outputs(cluster, *config, reports::SyncOptions{false, "bench", 20250101});
    double ms = ms_since(t0), cpu = cpu_ms() - c0;
    if (!report || !report->ok()) {
      std::fprintf(stderr, "sync failed\n");
      return 1;
    }
    std::printf("%-22s %8.1f %8.1f ms\n", label, cpu, ms);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
