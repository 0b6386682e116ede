// The agent's state files: round trip, modes, and what a damaged agent.json says.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "remote/agent_config.h"
#include "remote/enroll.h"
#include "temp_dir.h"
#include "util/atomic_file.h"

namespace herd::remote {
namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(AgentConfig, RoundTripWithModes) {
  herd::testing::TempDir dir;
  auto files = agent_files(dir.file("agent"));
  auto none = load_agent_config(files);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value()) << "not enrolled";

  AgentConfig config{"https://203.0.113.1:8443", "compute-0-0", "herd-node.7.secret"};
  ASSERT_TRUE(save_agent_config(files, config, "-----BEGIN CERTIFICATE-----\n"));
  auto loaded = load_agent_config(files);
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->server, config.server);
  EXPECT_EQ((*loaded)->node, config.node);
  EXPECT_EQ((*loaded)->token, config.token);
  EXPECT_EQ(read_file(files.ca()).value(), "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(mode_of(files.config()), 0600u);
  EXPECT_EQ(mode_of(files.ca()), 0644u);
  EXPECT_EQ(mode_of(files.dir), 0700u);
}

TEST(AgentConfig, ALooseModeIsTightenedOnRewrite) {
  herd::testing::TempDir dir;
  auto files = agent_files(dir.path());
  ASSERT_TRUE(write_file_atomically(files.config(), "{}", 0644));
  ASSERT_TRUE(save_agent_config(files, {"https://x:1", "n", "t"}, "pem"));
  EXPECT_EQ(mode_of(files.config()), 0600u);
}

TEST(AgentConfig, DamagedFileNamesItself) {
  herd::testing::TempDir dir;
  auto files = agent_files(dir.path());
  ASSERT_TRUE(write_file_atomically(files.config(), "{\"server\": \"https://x:1\", \"node\": \"n\"}"));
  auto r = load_agent_config(files);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  EXPECT_NE(r.error().message.find(files.config()), std::string::npos);
  EXPECT_NE(r.error().message.find("token"), std::string::npos);
  ASSERT_TRUE(write_file_atomically(files.config(), "not json"));
  EXPECT_FALSE(load_agent_config(files));
}

TEST(AgentConfig, DefaultDirFollowsTheEnvironment) {
  ::setenv("HERD_AGENT_DIR", "/tmp/somewhere", 1);
  EXPECT_EQ(default_agent_dir(), "/tmp/somewhere");
  ::unsetenv("HERD_AGENT_DIR");
  EXPECT_EQ(default_agent_dir(), "/var/lib/herd/agent");
}

TEST(Enroll, FingerprintForms) {
  std::string hex(64, 'a');
  EXPECT_EQ(normalize_fingerprint(hex).value(), hex);
  EXPECT_EQ(normalize_fingerprint("SHA256:" + std::string(64, 'A')).value(), hex);
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += (i ? ":" : "") + std::string("AA");
  EXPECT_EQ(normalize_fingerprint(colons).value(), hex);
  EXPECT_EQ(normalize_fingerprint("abc").error().kind, ErrorKind::bad_input);
  EXPECT_EQ(normalize_fingerprint(std::string(63, 'a') + "g").error().kind, ErrorKind::bad_input);
}

TEST(Enroll, MacsSkipLoopbackAndZero) {
  herd::testing::TempDir sys;
  auto iface = [&](const std::string& name, const std::string& mac) {
    std::filesystem::create_directories(sys.file(name));
    sys.write(name + "/address", mac + "\n");
  };
  iface("lo", "00:00:00:00:00:00");
  iface("eth1", "02:AB:00:00:00:02");
  iface("eth0", "02:ab:00:00:00:01");
  iface("tun0", "");
  iface("bond0", "02:ab:00:00:00:01");
  EXPECT_EQ(interface_macs(sys.path()), (std::vector<std::string>{"02:ab:00:00:00:01", "02:ab:00:00:00:02"}));
}

}  // namespace
}  // namespace herd::remote
