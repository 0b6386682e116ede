// The frontend-wide views (fleet.h, fleet_files.h, fleet_packages.h): several nodes'
// checkpoints made into one store with the real checkpoint code, from one scratch root
// rewritten between nodes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "track/fleet.h"
#include "track/fleet_files.h"
#include "track/fleet_packages.h"
#include "track_fixture.h"

namespace herd::track::testing {
namespace {

using State = FileVersion::State;

std::string dpkg_status(const std::map<std::string, std::string>& packages) {
  std::string out;
  for (const auto& [name, version] : packages)
    out += "Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " + version + "\n\n";
  return out;
}

class FleetTest : public TrackFixture {
 protected:
  FleetTest() { set_spec("track /etc\n"); }

  // Checkpoints the root as node `name` with /etc/hosts (absent when `hosts` is nullptr)
  // and the given packages (no dpkg database when `packages` is nullptr).
  void checkpoint_node(const std::string& name, const char* hosts, unsigned mode = 0644,
                       const std::map<std::string, std::string>* packages = nullptr) {
    std::filesystem::remove(at("/etc/hosts"));
    std::filesystem::remove_all(at("/var"));
    write("/etc/hostname", name + "\n");
    if (hosts) write("/etc/hosts", hosts, mode);
    if (packages) write("/var/lib/dpkg/status", dpkg_status(*packages));
    site_.host = name;
    checkpoint();
  }

  std::vector<NodeCheckpoint> load(const std::vector<std::string>& nodes, unsigned back = 0) {
    auto s = store();
    store::Refs refs(site_.store);
    auto out = load_fleet_checkpoints(s, refs, nodes, back);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : std::vector<NodeCheckpoint>{};
  }

  FileComparison compare(const std::vector<std::string>& nodes, const std::string& path, unsigned back = 0) {
    auto loaded = load(nodes, back);
    auto s = store();
    auto out = compare_path(s, loaded, path);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : FileComparison{};
  }

  std::vector<NodePackages> packages(const std::vector<std::string>& nodes) {
    auto loaded = load(nodes);
    auto s = store();
    return load_fleet_packages(s, loaded);
  }
};

TEST_F(FleetTest, ComparePathGroupsNodesByVersionMajorityFirst) {
  for (const char* n : {"c0", "c1", "c2"}) checkpoint_node(n, "10.0.0.1 head\n");
  checkpoint_node("c3", "10.0.0.9 head\n");
  checkpoint_node("c4", "10.0.0.1 head\n", 0600);  // same content, other mode: another version
  checkpoint_node("c5", nullptr);

  auto cmp = compare({"c0", "c1", "c2", "c3", "c4", "c5", "c6"}, "/etc//hosts");
  EXPECT_EQ(cmp.path, "/etc/hosts");
  ASSERT_EQ(cmp.groups.size(), 5u);
  EXPECT_EQ(cmp.reference, 0);
  EXPECT_EQ(cmp.groups[0].nodes, (std::vector<std::string>{"c0", "c1", "c2"}));
  EXPECT_EQ(cmp.groups[0].version.state, State::present);
  EXPECT_EQ(cmp.groups[0].version.entry.mode, 0644u);
  // Groups of one: present versions before absent, then the no-checkpoint group.
  EXPECT_EQ(cmp.groups[1].version.state, State::present);
  EXPECT_EQ(cmp.groups[2].version.state, State::present);
  EXPECT_EQ(cmp.groups[3].nodes, std::vector<std::string>{"c5"});
  EXPECT_EQ(cmp.groups[3].version.state, State::absent);
  EXPECT_EQ(cmp.groups[4].nodes, std::vector<std::string>{"c6"});
  EXPECT_EQ(cmp.groups[4].version.state, State::no_checkpoint);
  EXPECT_FALSE(cmp.agree());

  EXPECT_TRUE(compare({"c0", "c1", "c2"}, "/etc/hosts").agree());
  // All lacking a path is agreement too; a path through a file is simply absent.
  auto absent = compare({"c0", "c1"}, "/etc/hosts/inner");
  ASSERT_EQ(absent.groups.size(), 1u);
  EXPECT_EQ(absent.groups[0].version.state, State::absent);
  EXPECT_EQ(absent.reference, -1);
  EXPECT_TRUE(absent.agree());
}

TEST_F(FleetTest, OlderCheckpointsAndFewerThanAsked) {
  checkpoint_node("c0", "one\n");
  checkpoint_node("c0", "two\n");
  checkpoint_node("c1", "one\n");
  auto now = compare({"c0", "c1"}, "/etc/hosts");
  EXPECT_EQ(now.groups.size(), 2u);
  auto before = compare({"c0", "c1"}, "/etc/hosts", 1);
  ASSERT_EQ(before.groups.size(), 2u);  // c1 has no latest~1
  EXPECT_EQ(before.groups[0].nodes, std::vector<std::string>{"c0"});
  EXPECT_EQ(before.groups[1].version.state, State::no_checkpoint);

  EXPECT_EQ(*parse_fleet_checkpoint("latest"), 0u);
  EXPECT_EQ(*parse_fleet_checkpoint("latest~3"), 3u);
  for (const char* bad : {"latest~", "latest~-1", "1a2b3c4d", "", "newest"}) {
    auto r = parse_fleet_checkpoint(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  }
}

TEST_F(FleetTest, BadInputNamesItAndDamagedNodesStandAlone) {
  checkpoint_node("c0", "one\n");
  auto s = store();
  store::Refs refs(site_.store);
  auto bad_name = load_fleet_checkpoints(s, refs, {"c0", "../x"}, 0);
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().kind, ErrorKind::bad_input);
  EXPECT_NE(bad_name.error().message.find("../x"), std::string::npos);

  auto loaded = load({"c0"});
  auto bad_path = compare_path(s, loaded, "etc/hosts");
  ASSERT_FALSE(bad_path);
  EXPECT_EQ(bad_path.error().kind, ErrorKind::bad_input);

  // A ref naming a snapshot the store lacks: that node is unreadable, the rest answer.
  auto missing = store::sha256("not a snapshot");
  ASSERT_TRUE(refs.compare_and_swap("checkpoints/c9", std::nullopt, missing));
  auto cmp = compare({"c0", "c9"}, "/etc/hosts");
  ASSERT_EQ(cmp.groups.size(), 2u);
  EXPECT_EQ(cmp.groups[0].nodes, std::vector<std::string>{"c0"});
  EXPECT_EQ(cmp.groups[1].version.state, State::unreadable);
  EXPECT_NE(cmp.groups[1].version.error.find("c9"), std::string::npos);
  EXPECT_FALSE(cmp.agree());
}

TEST_F(FleetTest, WherePackageGroupsByVersion) {
  std::map<std::string, std::string> base = {{"bash", "5.2-1"}, {"vim", "2:9.0-1"}};
  std::map<std::string, std::string> old_bash = {{"bash", "5.1-3"}, {"vim", "2:9.0-1"}};
  std::map<std::string, std::string> no_vim = {{"bash", "5.2-1"}};
  checkpoint_node("c0", "h\n", 0644, &base);
  checkpoint_node("c1", "h\n", 0644, &base);
  checkpoint_node("c2", "h\n", 0644, &old_bash);
  checkpoint_node("c3", "h\n", 0644, &no_vim);
  checkpoint_node("c4", "h\n");  // no package database

  auto nodes = packages({"c0", "c1", "c2", "c3", "c4", "c5"});
  EXPECT_EQ(nodes[0].list.get(), nodes[1].list.get()) << "one decoded list per blob";

  auto bash = where_package(nodes, *parse_package_name("bash"));
  ASSERT_EQ(bash.size(), 4u);
  EXPECT_EQ(bash[0].nodes, (std::vector<std::string>{"c0", "c1", "c3"}));
  EXPECT_EQ(bash[0].packages, (std::vector<Package>{{"bash", "5.2-1", "amd64"}}));
  EXPECT_EQ(bash[1].nodes, std::vector<std::string>{"c2"});
  EXPECT_EQ(bash[2].state, WhereGroup::State::no_list);
  EXPECT_EQ(bash[3].state, WhereGroup::State::no_checkpoint);

  auto vim = where_package(nodes, *parse_package_name("vim:amd64"));
  ASSERT_GE(vim.size(), 2u);
  EXPECT_EQ(vim[1].state, WhereGroup::State::not_installed);
  EXPECT_EQ(vim[1].nodes, std::vector<std::string>{"c3"});
  EXPECT_EQ(where_package(nodes, *parse_package_name("vim:i386"))[0].state, WhereGroup::State::not_installed);

  for (const char* bad : {"", "-x", "a b", "bash:", "a\tb", "x/y"}) {
    auto r = parse_package_name(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  }
  EXPECT_EQ(parse_package_name("libstdc++6:amd64")->arch, "amd64");
}

TEST_F(FleetTest, PackageDriftAgainstTheApplianceMajority) {
  std::map<std::string, std::string> base = {{"bash", "5.2-1"}, {"vim", "2:9.0-1"}, {"zsh", "5.9"}};
  std::map<std::string, std::string> drift = {{"bash", "5.1-3"}, {"emacs", "1:28"}, {"zsh", "5.9"}};
  for (const char* n : {"c0", "c1", "c2"}) checkpoint_node(n, "h\n", 0644, &base);
  checkpoint_node("c3", "h\n", 0644, &drift);
  checkpoint_node("c4", "h\n", 0644, &drift);
  checkpoint_node("c5", "h\n");
  checkpoint_node("g0", "h\n", 0644, &drift);  // another appliance: its own majority

  std::map<std::string, std::string> appliance_of = {{"c0", "compute"}, {"c1", "compute"}, {"c2", "compute"},
                                                     {"c3", "compute"}, {"c4", "compute"}, {"c5", "compute"},
                                                     {"c6", "compute"}, {"g0", "gpu"}};
  auto out = package_drift(packages({"c0", "c1", "c2", "c3", "c4", "c5", "c6", "g0"}), appliance_of);
  ASSERT_EQ(out.size(), 2u);
  const auto& compute = out[0];
  EXPECT_EQ(compute.appliance, "compute");
  EXPECT_EQ(compute.listed, 5u);
  EXPECT_EQ(compute.majority, (std::vector<Package>{{"bash", "5.2-1", "amd64"}, {"vim", "2:9.0-1", "amd64"},
                                                    {"zsh", "5.9", "amd64"}}));
  EXPECT_EQ(compute.matching, (std::vector<std::string>{"c0", "c1", "c2"}));
  ASSERT_EQ(compute.drifts.size(), 1u);
  const auto& d = compute.drifts[0];
  EXPECT_EQ(d.nodes, (std::vector<std::string>{"c3", "c4"}));
  EXPECT_EQ(d.missing, (std::vector<Package>{{"vim", "2:9.0-1", "amd64"}}));
  EXPECT_EQ(d.extra, (std::vector<Package>{{"emacs", "1:28", "amd64"}}));
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].node.version, "5.1-3");
  EXPECT_EQ(d.changed[0].majority.version, "5.2-1");
  EXPECT_LT(d.changed[0].order, 0);
  EXPECT_EQ(compute.no_list, std::vector<std::string>{"c5"});
  EXPECT_EQ(compute.no_checkpoint, std::vector<std::string>{"c6"});
  EXPECT_TRUE(compute.differ());

  const auto& gpu = out[1];
  EXPECT_EQ(gpu.appliance, "gpu");
  EXPECT_EQ(gpu.matching, std::vector<std::string>{"g0"});
  EXPECT_FALSE(gpu.differ());
}

}  // namespace
}  // namespace herd::track::testing
