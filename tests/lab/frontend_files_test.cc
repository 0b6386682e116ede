// The frontend's generated files: the sync configuration `herd lab up` feeds to
// `herd sync config` (and the `lease-file` key it relies on for Kea), the ssh client
// configuration, the bind mounts that show them at /etc, and the DHCP server commands.
// Everything must point inside <lab dir>/frontend so the lab never touches the host's
// own files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/frontend_files.h"
#include "reports/report.h"
#include "reports/sync.h"
#include "reports/sync_config.h"
#include "temp_dir.h"
#include "tests/reports/cluster_fixture.h"
#include "util/atomic_file.h"

namespace herd::lab {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool has_arg(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

const char* kLabDir = "/labs/lab";

TEST(FrontendFiles, EveryFileIsInTheFrontendFolderOfTheLab) {
  FrontendFiles f(kLabDir);
  EXPECT_EQ(f.dir, "/labs/lab/frontend");
  for (const std::string& path : {f.sync_config(), f.hosts(), f.etc_hosts(), f.dhcp_config(), f.known_hosts(),
                                  f.ssh_config(), f.ssh_key(), f.dhcp_log(), f.leases(), f.kea_leases(),
                                  f.holder_log()})
    EXPECT_EQ(path.rfind("/labs/lab/frontend/", 0), 0u) << path;
}

// lab_sync_config parsed back, failing the test on a parse error.
reports::SyncConfig parsed_lab_config(const FrontendFiles& f, DhcpServer server) {
  auto config = reports::parse_sync_config(lab_sync_config(f, server, "lab"), f.sync_config());
  EXPECT_TRUE(config.ok()) << config.error().message << "\n" << lab_sync_config(f, server, "lab");
  return config.ok() ? *config : reports::SyncConfig{};
}

TEST(LabSyncConfig, HasHostsDhcpAndKnownHostsInTheFrontendFolder) {
  FrontendFiles f(kLabDir);
  const std::pair<DhcpServer, reports::Kind> servers[] = {
      {DhcpServer::dnsmasq, reports::Kind::dnsmasq}, {DhcpServer::dhcpd, reports::Kind::dhcpd},
      {DhcpServer::kea, reports::Kind::kea}};
  for (auto [server, kind] : servers) {
    auto config = parsed_lab_config(f, server);
    ASSERT_EQ(config.outputs.size(), 3u) << dhcp_server_name(server);
    const auto& hosts = config.outputs[0];
    const auto& dhcp = config.outputs[1];
    const auto& known = config.outputs[2];
    EXPECT_EQ(hosts.kind, reports::Kind::hosts);
    EXPECT_EQ(hosts.path, f.hosts());
    EXPECT_EQ(dhcp.kind, kind) << dhcp_server_name(server);
    EXPECT_EQ(dhcp.path, f.dhcp_config());
    EXPECT_EQ(dhcp.options.network, "lab");
    EXPECT_EQ(known.kind, reports::Kind::known_hosts);
    EXPECT_EQ(known.path, f.known_hosts());
    // `herd lab up` restarts the server itself; a reload command would run on the host.
    for (const auto& output : config.outputs) EXPECT_EQ(output.reload, "") << output.name;
  }
}

TEST(LabSyncConfig, KeaWritesItsLeasesWhereStatusReadsThem) {
  FrontendFiles f(kLabDir);
  EXPECT_EQ(parsed_lab_config(f, DhcpServer::kea).outputs.at(1).options.lease_file, f.kea_leases());
  // The other servers get their lease file on the command line, not in the config.
  EXPECT_EQ(parsed_lab_config(f, DhcpServer::dnsmasq).outputs.at(1).options.lease_file, "");
  EXPECT_EQ(parsed_lab_config(f, DhcpServer::dhcpd).outputs.at(1).options.lease_file, "");
}

TEST(LabSyncConfig, SyncWritesAKeaConfigWithTheLabLeaseFile) {
  // End to end through `herd sync config`: the lab's config on a sample inventory writes
  // all three files, and Kea's lease database is the lab's file.
  testing::TempDir root;
  FrontendFiles f(root.path());
  std::filesystem::create_directories(f.dir);
  auto config = reports::parse_sync_config(lab_sync_config(f, DhcpServer::kea, "private"), f.sync_config());
  ASSERT_TRUE(config.ok()) << config.error().message;
  reports::SyncOptions options;
  options.host = "frontend";
  auto report = reports::sync_outputs(reports::testing::sample_cluster(), *config, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok());
  for (const std::string& path : {f.hosts(), f.dhcp_config(), f.known_hosts()})
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  auto kea = read_file(f.dhcp_config());
  ASSERT_TRUE(kea.ok());
  auto json = nlohmann::json::parse(*kea, nullptr, true, /*ignore_comments=*/true);
  EXPECT_EQ(json["Dhcp4"]["lease-database"]["name"], f.kea_leases());
}

TEST(SyncConfigLeaseFile, RejectedOnANonKeaOutputNamingFileAndLine) {
  for (const char* kind : {"hosts", "dhcpd", "dnsmasq"}) {
    std::string text = std::string("# lab\n[out]\nkind = ") + kind +
                       "\npath = /etc/out\nlease-file = /var/lib/kea/kea-leases4.csv\n";
    auto config = reports::parse_sync_config(text, "/etc/herd/sync.conf");
    ASSERT_FALSE(config.ok()) << kind;
    EXPECT_EQ(config.error().kind, ErrorKind::bad_input);
    // The section header's line: the output as a whole is wrong, not the key.
    EXPECT_EQ(config.error().message.rfind("/etc/herd/sync.conf:2: ", 0), 0u) << config.error().message;
    EXPECT_TRUE(contains(config.error().message, "lease-file")) << config.error().message;
  }
}

TEST(SyncConfigLeaseFile, RejectsARelativeOrEmptyPathNamingFileAndLine) {
  for (const char* value : {"kea-leases4.csv", "./leases.csv", ""}) {
    std::string text = std::string("[kea]\npath = /etc/kea/kea-dhcp4.conf\nlease-file = ") + value + "\n";
    auto config = reports::parse_sync_config(text, "/etc/herd/sync.conf");
    ASSERT_FALSE(config.ok()) << value;
    EXPECT_EQ(config.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(config.error().message.rfind("/etc/herd/sync.conf:3: ", 0), 0u) << config.error().message;
    EXPECT_TRUE(contains(config.error().message, "lease-file")) << config.error().message;
  }
}

TEST(SyncConfigLeaseFile, AcceptedOnKea) {
  auto config = reports::parse_sync_config("[kea]\npath = /etc/kea/kea-dhcp4.conf\nlease-file = /srv/l.csv\n", "sync.conf");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->outputs.at(0).options.lease_file, "/srv/l.csv");
}

nlohmann::json kea_lease_database(const reports::ReportOptions& options) {
  auto text = reports::render(reports::Kind::kea, reports::testing::sample_cluster(), options);
  EXPECT_TRUE(text.ok()) << text.error().message;
  if (!text.ok()) return {};
  return nlohmann::json::parse(*text, nullptr, true, /*ignore_comments=*/true)["Dhcp4"]["lease-database"];
}

TEST(KeaLeaseFile, NamesTheLeaseFileInTheLeaseDatabase) {
  reports::ReportOptions options;
  options.lease_file = "/labs/lab/frontend/kea-leases4.csv";
  auto db = kea_lease_database(options);
  EXPECT_EQ(db["type"], "memfile");
  EXPECT_EQ(db["name"], "/labs/lab/frontend/kea-leases4.csv");
}

TEST(KeaLeaseFile, WithoutOneKeaKeepsItsDefault) {
  auto db = kea_lease_database({});
  EXPECT_EQ(db["type"], "memfile");
  EXPECT_FALSE(db.contains("name")) << db.dump();
}

TEST(KeaLeaseFile, QuotesInThePathStayInsideTheJsonString) {
  // The sync config only requires an absolute path; the writer must escape the rest.
  reports::ReportOptions options;
  options.lease_file = "/srv/a \"b\"\\c.csv";
  EXPECT_EQ(kea_lease_database(options)["name"], "/srv/a \"b\"\\c.csv");
}

TEST(LabSshConfig, UsesTheLabKeyAndKnownHostsAndChecksKeys) {
  FrontendFiles f(kLabDir);
  std::string text = lab_ssh_config(f);
  EXPECT_TRUE(contains(text, "IdentityFile /labs/lab/frontend/id_ed25519\n")) << text;
  EXPECT_TRUE(contains(text, "UserKnownHostsFile /labs/lab/frontend/ssh_known_hosts\n")) << text;
  EXPECT_TRUE(contains(text, "StrictHostKeyChecking yes\n")) << text;
  EXPECT_TRUE(contains(text, "GlobalKnownHostsFile /dev/null\n")) << text;
}

TEST(FrontendBinds, ShowLabFilesAtTheHostsPaths) {
  FrontendFiles f(kLabDir);
  auto binds = frontend_binds(f);
  ASSERT_FALSE(binds.empty());
  EXPECT_EQ(binds[0].source, f.etc_hosts());
  EXPECT_EQ(binds[0].target, "/etc/hosts");
  // ssh_config is shown only where the host has one to cover.
  bool host_has_ssh_config = std::filesystem::exists("/etc/ssh/ssh_config");
  ASSERT_EQ(binds.size(), host_has_ssh_config ? 2u : 1u);
  if (host_has_ssh_config) {
    EXPECT_EQ(binds[1].source, f.ssh_config());
    EXPECT_EQ(binds[1].target, "/etc/ssh/ssh_config");
  }
  for (const auto& bind : binds) EXPECT_EQ(bind.source.rfind("/labs/lab/frontend/", 0), 0u) << bind.source;
}

TEST(DhcpServerCommand, EachServerUsesTheLabConfigLeasesAndLog) {
  FrontendFiles f(kLabDir);
  auto dnsmasq = dhcp_server_command(f, DhcpServer::dnsmasq);
  ASSERT_FALSE(dnsmasq.argv.empty());
  EXPECT_EQ(dnsmasq.argv[0], "dnsmasq");
  EXPECT_TRUE(has_arg(dnsmasq.argv, "--conf-file=" + f.dhcp_config()));
  EXPECT_TRUE(has_arg(dnsmasq.argv, "--dhcp-leasefile=" + f.leases()));  // where read_leases looks
  EXPECT_TRUE(has_arg(dnsmasq.argv, "--keep-in-foreground"));

  auto dhcpd = dhcp_server_command(f, DhcpServer::dhcpd);
  ASSERT_FALSE(dhcpd.argv.empty());
  EXPECT_EQ(dhcpd.argv[0], "dhcpd");
  EXPECT_TRUE(has_arg(dhcpd.argv, f.dhcp_config()));
  EXPECT_TRUE(has_arg(dhcpd.argv, f.leases()));
  EXPECT_TRUE(has_arg(dhcpd.argv, "-d"));  // foreground, logging to the output read_leases parses

  auto kea = dhcp_server_command(f, DhcpServer::kea);
  ASSERT_FALSE(kea.argv.empty());
  EXPECT_EQ(kea.argv[0], "kea-dhcp4");
  EXPECT_TRUE(has_arg(kea.argv, f.dhcp_config()));
  EXPECT_TRUE(has_arg(kea.env, "KEA_PIDFILE_DIR=" + f.dir));
  EXPECT_TRUE(has_arg(kea.env, "KEA_LOCKFILE_DIR=" + f.dir));

  for (const auto& spec : {dnsmasq, dhcpd, kea}) {
    EXPECT_EQ(spec.output, f.dhcp_log()) << spec.argv[0];
    // A whole environment is given, so the host's variables do not leak in; PATH finds the server.
    ASSERT_FALSE(spec.env.empty()) << spec.argv[0];
    EXPECT_EQ(spec.env[0].rfind("PATH=", 0), 0u) << spec.argv[0];
  }
}

}  // namespace
}  // namespace herd::lab
