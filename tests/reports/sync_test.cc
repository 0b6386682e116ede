// herd sync config: writes only what changed, reloads only changed outputs (each command
// once), reports reload failures without undoing writes, keeps zone serials stable.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "reports/sync.h"
#include "tests/reports/cluster_fixture.h"
#include "temp_dir.h"
#include "util/atomic_file.h"

namespace herd::reports {
namespace {

using testing::sample_cluster;
using herd::testing::TempDir;

SyncConfig config_for(const TempDir& dir, const std::string& text) {
  auto config = parse_sync_config(text, dir.file("sync.conf"));
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? *config : SyncConfig{};
}

SyncReport must_sync(const inventory::Cluster& cluster, const SyncConfig& config, SyncOptions options = {}) {
  options.host = options.host.empty() ? "fe1" : options.host;
  options.today = options.today ? options.today : 20250102;
  auto report = sync_outputs(cluster, config, options);
  EXPECT_TRUE(report.ok()) << report.error().message;
  return report.ok() ? *report : SyncReport{};
}

std::string read(const std::string& path) {
  auto text = read_file(path);
  return text.ok() ? *text : "<missing>";
}

// Reload commands append their output name to a log, so tests see what ran.
std::string reload(const TempDir& dir, const std::string& name) {
  return "echo " + name + " >> " + dir.file("reloads.log");
}

TEST(Sync, CreatesThenLeavesUnchangedThenUpdates) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\nreload = " + reload(dir, "hosts") +
                                    "\n[slurm]\npath = " + dir.file("nodes.conf") + "\nreload = " + reload(dir, "slurm") +
                                    "\nmode = 0600\n");
  auto cluster = sample_cluster();

  auto first = must_sync(cluster, config);
  ASSERT_EQ(first.outputs.size(), 2u);
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.outputs[0].state, OutputChange::State::created);
  EXPECT_TRUE(first.outputs[0].written);
  EXPECT_TRUE(first.outputs[0].reloaded);
  EXPECT_GT(first.outputs[0].lines_added, 10u);
  EXPECT_EQ(read(dir.file("hosts")), *render(Kind::hosts, cluster, {}));
  EXPECT_EQ(read(dir.file("reloads.log")), "hosts\nslurm\n");
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("nodes.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Nothing changed: nothing written, nothing reloaded, mtime kept.
  struct stat before {};
  ::stat(dir.file("hosts").c_str(), &before);
  auto second = must_sync(cluster, config);
  EXPECT_EQ(second.outputs[0].state, OutputChange::State::unchanged);
  EXPECT_EQ(second.outputs[1].state, OutputChange::State::unchanged);
  EXPECT_FALSE(second.outputs[0].written);
  EXPECT_FALSE(second.outputs[0].reloaded);
  EXPECT_EQ(read(dir.file("reloads.log")), "hosts\nslurm\n");
  struct stat after {};
  ::stat(dir.file("hosts").c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino);

  // A change that touches hosts but not slurm: only hosts is written and reloaded.
  for (auto& n : cluster.nodes)
    if (n.name == "login-0-0") n.interfaces[0].ip = "198.51.100.31";
  auto third = must_sync(cluster, config);
  EXPECT_EQ(third.outputs[0].state, OutputChange::State::updated);
  EXPECT_EQ(third.outputs[0].lines_added, 1u);
  EXPECT_EQ(third.outputs[0].lines_removed, 1u);
  EXPECT_EQ(third.outputs[1].state, OutputChange::State::unchanged);
  EXPECT_EQ(read(dir.file("reloads.log")), "hosts\nslurm\nhosts\n");
  EXPECT_NE(read(dir.file("hosts")).find("198.51.100.31\tlogin-0-0.local"), std::string::npos);
}

TEST(Sync, DryRunWritesAndReloadsNothing) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\nreload = " + reload(dir, "hosts") + "\n");
  SyncOptions options;
  options.dry_run = true;
  auto report = must_sync(sample_cluster(), config, options);
  EXPECT_EQ(report.outputs[0].state, OutputChange::State::created);
  EXPECT_FALSE(report.outputs[0].written);
  EXPECT_FALSE(std::filesystem::exists(dir.file("hosts")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("reloads.log")));
}

TEST(Sync, SharedReloadCommandRunsOnce) {
  TempDir dir;
  std::string cmd = reload(dir, "named");
  auto config = config_for(dir, "[forward]\nkind = zone\nnetwork = private\npath = " + dir.file("local.zone") +
                                    "\nreload = " + cmd + "\n[reverse]\nkind = zone\nnetwork = private\nreverse = yes\npath = " +
                                    dir.file("rev.zone") + "\nreload = " + cmd + "\n");
  auto report = must_sync(sample_cluster(), config);
  EXPECT_TRUE(report.outputs[0].reloaded);
  EXPECT_TRUE(report.outputs[1].reloaded);
  EXPECT_EQ(read(dir.file("reloads.log")), "named\n");
}

TEST(Sync, ReloadFailureIsReportedAndTheFileStaysWritten) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\nreload = echo no daemon; exit 3\n[pbs]\npath = " +
                                    dir.file("nodes") + "\nreload = " + reload(dir, "pbs") + "\n");
  auto report = must_sync(sample_cluster(), config);
  EXPECT_FALSE(report.ok());
  const auto& hosts = report.outputs[0];
  EXPECT_TRUE(hosts.written);
  EXPECT_FALSE(hosts.reloaded);
  EXPECT_NE(hosts.error.find("exit status 3"), std::string::npos) << hosts.error;
  EXPECT_NE(hosts.error.find("no daemon"), std::string::npos) << hosts.error;
  EXPECT_NE(hosts.error.find("was written"), std::string::npos) << hosts.error;
  EXPECT_TRUE(std::filesystem::exists(dir.file("hosts")));
  // The other output went on.
  EXPECT_TRUE(report.outputs[1].reloaded);
  EXPECT_TRUE(report.outputs[1].error.empty());
  // Next run: the file is unchanged, so the failed reload is not retried by itself.
  auto again = must_sync(sample_cluster(), config);
  EXPECT_EQ(again.outputs[0].state, OutputChange::State::unchanged);
  EXPECT_TRUE(again.ok());
}

TEST(Sync, WriteFailureIsReported) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("missing-folder/hosts") + "\nreload = " +
                                    reload(dir, "hosts") + "\n");
  auto report = must_sync(sample_cluster(), config);
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.outputs[0].written);
  EXPECT_FALSE(report.outputs[0].error.empty());
  EXPECT_FALSE(std::filesystem::exists(dir.file("reloads.log")));
}

TEST(Sync, RenderErrorWritesNothing) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\n[dhcpd]\npath = " + dir.file("dhcpd.conf") +
                                    "\nnetwork = nowhere\n");
  auto report = sync_outputs(sample_cluster(), config, SyncOptions{false, "fe1", 20250102});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().kind, ErrorKind::bad_input);
  EXPECT_NE(report.error().message.find("output [dhcpd]"), std::string::npos) << report.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("hosts")));
}

TEST(Sync, FrontendFilterSkipsOtherHosts) {
  TempDir dir;
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\nfrontend = fe2\n");
  auto report = must_sync(sample_cluster(), config);
  EXPECT_EQ(report.outputs[0].state, OutputChange::State::skipped);
  EXPECT_FALSE(std::filesystem::exists(dir.file("hosts")));
  SyncOptions on_fe2;
  on_fe2.host = "fe2";
  EXPECT_EQ(must_sync(sample_cluster(), config, on_fe2).outputs[0].state, OutputChange::State::created);
}

TEST(Sync, TemplateOverride) {
  TempDir dir;
  dir.write("hosts.mustache", "{{#nodes}}{{name}} {{ip}}\n{{/nodes}}");
  auto config = config_for(dir, "[hosts]\npath = " + dir.file("hosts") + "\ntemplate = hosts.mustache\n");
  auto report = must_sync(sample_cluster(), config);
  EXPECT_EQ(report.outputs[0].state, OutputChange::State::created);
  std::string text = read(dir.file("hosts"));
  EXPECT_EQ(text.rfind("compute-0-0 198.51.100.10\n", 0), 0u) << text;
  EXPECT_NE(text.find("\nspare-0-0 \n"), std::string::npos);

  auto missing = config_for(dir, "[hosts]\npath = " + dir.file("hosts2") + "\ntemplate = nope.mustache\n");
  auto error = sync_outputs(sample_cluster(), missing, SyncOptions{false, "fe1", 20250102});
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().kind, ErrorKind::bad_input);
  EXPECT_NE(error.error().message.find("nope.mustache: no such file"), std::string::npos) << error.error().message;
}

TEST(Sync, ZoneSerialStaysUntilTheRecordsChange) {
  TempDir dir;
  auto config = config_for(dir, "[forward]\nkind = zone\nnetwork = private\npath = " + dir.file("local.zone") + "\n");
  auto cluster = sample_cluster();
  SyncOptions day1;
  day1.today = 20250102;
  must_sync(cluster, config, day1);
  EXPECT_EQ(find_zone_serial(read(dir.file("local.zone"))), 2025010200u);

  SyncOptions day2;
  day2.today = 20250103;
  auto same = must_sync(cluster, config, day2);
  EXPECT_EQ(same.outputs[0].state, OutputChange::State::unchanged);
  EXPECT_EQ(find_zone_serial(read(dir.file("local.zone"))), 2025010200u);

  for (auto& n : cluster.nodes)
    if (n.name == "login-0-0") n.interfaces[0].ip = "198.51.100.31";
  auto changed = must_sync(cluster, config, day2);
  EXPECT_EQ(changed.outputs[0].state, OutputChange::State::updated);
  EXPECT_EQ(find_zone_serial(read(dir.file("local.zone"))), 2025010300u);
  // Two changes in one day still increase it.
  for (auto& n : cluster.nodes)
    if (n.name == "login-0-0") n.interfaces[0].ip = "198.51.100.32";
  must_sync(cluster, config, day2);
  EXPECT_EQ(find_zone_serial(read(dir.file("local.zone"))), 2025010301u);
}

TEST(Sync, NextSerial) {
  EXPECT_EQ(next_zone_serial(0, 20250102), 2025010200u);
  EXPECT_EQ(next_zone_serial(2025010200, 20250102), 2025010201u);
  EXPECT_EQ(next_zone_serial(2025010299, 20250102), 2025010300u);
  EXPECT_EQ(next_zone_serial(5, 20250102), 2025010200u);
  EXPECT_EQ(next_zone_serial(4000000000u, 20250102), 4000000001u);
}

}  // namespace
}  // namespace herd::reports
