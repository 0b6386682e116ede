// state.json: what `herd lab up` made, read back by `down`, `status` and `list`. Every
// field survives a save and load, a damaged file is an error naming it (never a
// half-read state that would make `down` forget something), and members are found by
// name.
#include <gtest/gtest.h>

#include <string>

#include "lab/lab_state.h"
#include "util/atomic_file.h"
#include "temp_dir.h"

namespace herd::lab {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

LabState sample_state() {
  LabState s;
  s.name = "lab";
  s.subnet = "198.51.100.0/24";
  s.network = "lab";
  s.db_path = "/var/lib/herd/herd.db";
  s.dhcp = DhcpServer::kea;
  s.switch_netns = "herd-lab-sw";
  s.frontend = {"frontend", "herd-lab-fe", "fe", "02:68:00:00:00:fe", "198.51.100.1", {4242, 123456789012ULL}};
  s.nodes = {{"compute-0-0", "herd-lab-compute-0-0", "n0", "02:68:00:00:00:00", "198.51.100.254", {5000, 77}},
             {"compute-0-1", "herd-lab-compute-0-1", "n1", "02:68:00:00:00:01", "198.51.100.253", {}}};
  s.dhcp_server = {4300, 99};
  return s;
}

void expect_same_member(const MemberState& a, const MemberState& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.netns, b.netns);
  EXPECT_EQ(a.port, b.port);
  EXPECT_EQ(a.mac, b.mac);
  EXPECT_EQ(a.ip, b.ip);
  EXPECT_EQ(a.holder.pid, b.holder.pid);
  EXPECT_EQ(a.holder.start_time, b.holder.start_time);
}

void expect_same_state(const LabState& a, const LabState& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.subnet, b.subnet);
  EXPECT_EQ(a.network, b.network);
  EXPECT_EQ(a.db_path, b.db_path);
  EXPECT_EQ(a.dhcp, b.dhcp);
  EXPECT_EQ(a.switch_netns, b.switch_netns);
  expect_same_member(a.frontend, b.frontend);
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t k = 0; k < a.nodes.size(); ++k) expect_same_member(a.nodes[k], b.nodes[k]);
  EXPECT_EQ(a.dhcp_server.pid, b.dhcp_server.pid);
  EXPECT_EQ(a.dhcp_server.start_time, b.dhcp_server.start_time);
}

TEST(LabState, SaveThenLoadGivesEveryFieldBack) {
  testing::TempDir dir;
  LabState saved = sample_state();
  ASSERT_TRUE(save_state(dir.file("state.json"), saved).ok());
  auto loaded = load_state(dir.file("state.json"));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  expect_same_state(saved, *loaded);
}

TEST(LabState, EveryDhcpServerSurvivesTheRoundTrip) {
  testing::TempDir dir;
  for (auto server : {DhcpServer::dnsmasq, DhcpServer::dhcpd, DhcpServer::kea}) {
    LabState saved = sample_state();
    saved.dhcp = server;
    ASSERT_TRUE(save_state(dir.file("state.json"), saved).ok());
    auto loaded = load_state(dir.file("state.json"));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->dhcp, server) << dhcp_server_name(server);
  }
}

TEST(LabState, ParseStateReadsWhatSaveStateWrote) {
  testing::TempDir dir;
  ASSERT_TRUE(save_state(dir.file("state.json"), sample_state()).ok());
  auto text = read_file(dir.file("state.json"));
  ASSERT_TRUE(text.ok());
  auto parsed = parse_state(*text, "state.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  expect_same_state(sample_state(), *parsed);
}

TEST(LabState, AStateWrittenBeforeAnythingStartedHasNoProcesses) {
  // `up` records the lab before it starts holders: only the name is required, and
  // missing processes are empty (never running), so `down` kills nothing by mistake.
  auto parsed = parse_state(R"({"name": "lab"})", "state.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->name, "lab");
  EXPECT_EQ(parsed->dhcp, DhcpServer::dnsmasq);
  EXPECT_TRUE(parsed->nodes.empty());
  EXPECT_TRUE(parsed->frontend.holder.empty());
  EXPECT_TRUE(parsed->dhcp_server.empty());
  EXPECT_TRUE(parsed->namespaces().empty());
}

TEST(LabState, MalformedJsonIsAnErrorNamingTheSource) {
  for (const char* text : {"", "{", "not json", R"({"name": "lab",})", "[1, 2]", R"({"subnet": "198.51.100.0/24"})",
                           R"({"name": 7})", R"({"name": "lab", "nodes": [5]})"}) {
    auto parsed = parse_state(text, "/labs/lab/state.json");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_TRUE(contains(parsed.error().message, "/labs/lab/state.json")) << parsed.error().message;
  }
}

TEST(LabState, UnknownDhcpServerIsAnErrorNamingTheSourceNotAnOption) {
  auto parsed = parse_state(R"({"name": "lab", "dhcp": "udhcpd"})", "/labs/lab/state.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_FALSE(contains(parsed.error().message, "--dhcp")) << parsed.error().message;
  EXPECT_TRUE(contains(parsed.error().message, "/labs/lab/state.json")) << parsed.error().message;
  EXPECT_TRUE(contains(parsed.error().message, "udhcpd")) << parsed.error().message;
}

// Found by fuzz_lab_files: numbers out of range once converted with a plain cast. A
// process the file cannot name exactly reads as none, so it is never signalled.
TEST(LabState, ProcessesOutOfRangeReadAsNone) {
  for (const char* holder : {R"({"pid": 1e99, "start_time": 5})", R"({"pid": 4294967297, "start_time": 5})",
                             R"({"pid": -3, "start_time": 5})", R"({"pid": 0, "start_time": 5})",
                             R"({"pid": 7, "start_time": -1})", R"({"pid": 7, "start_time": -1.5})",
                             R"({"pid": 7})", R"({"pid": "7", "start_time": 5})"}) {
    auto parsed = parse_state(fmt::format(R"({{"name": "lab", "frontend": {{"holder": {}}}}})", holder), "s");
    ASSERT_TRUE(parsed.ok()) << holder;
    EXPECT_TRUE(parsed->frontend.holder.empty()) << holder;
  }
  auto good = parse_state(R"({"name": "lab", "dhcp_server": {"pid": 7, "start_time": 5}})", "s");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->dhcp_server.pid, 7);
  EXPECT_EQ(good->dhcp_server.start_time, 5u);
}

TEST(LabState, LoadOfAMissingFileFails) {
  testing::TempDir dir;
  auto loaded = load_state(dir.file("state.json"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error().message, dir.file("state.json"))) << loaded.error().message;
}

TEST(LabState, MemberFindsTheFrontendAndNodesByName) {
  LabState s = sample_state();
  ASSERT_NE(s.member("frontend"), nullptr);
  EXPECT_EQ(s.member("frontend")->netns, "herd-lab-fe");
  ASSERT_NE(s.member("compute-0-1"), nullptr);
  EXPECT_EQ(s.member("compute-0-1")->ip, "198.51.100.253");
  EXPECT_EQ(s.member("compute-0-2"), nullptr);
}

TEST(LabState, NamespacesListsSwitchFrontendAndNodes) {
  EXPECT_EQ(sample_state().namespaces(),
            (std::vector<std::string>{"herd-lab-sw", "herd-lab-fe", "herd-lab-compute-0-0", "herd-lab-compute-0-1"}));
}

TEST(DhcpServerName, EveryServerParsesBackAndOthersAreBadInput) {
  for (auto server : {DhcpServer::dnsmasq, DhcpServer::dhcpd, DhcpServer::kea}) {
    auto parsed = parse_dhcp_server(dhcp_server_name(server));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, server);
  }
  for (const char* text : {"", "Kea", "isc-dhcp-server", "dnsmasq "}) {
    auto parsed = parse_dhcp_server(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::bad_input);
    EXPECT_TRUE(contains(parsed.error().message, "--dhcp")) << parsed.error().message;
  }
}

}  // namespace
}  // namespace herd::lab
