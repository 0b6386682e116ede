// The agent's timer, service and package manager hooks: content, install/remove beneath
// a root, and validation by the real tools (apt-config always, systemd-analyze when this
// machine has it).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "remote/agent_units.h"
#include "temp_dir.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"

namespace herd::remote {
namespace {

AgentUnitOptions sample() {
  AgentUnitOptions o;
  o.herd = "/usr/local/bin/herd";
  o.on_calendar = "*-*-* 03:00:00";
  o.environment = {{"HERD_AGENT_DIR", "/srv/agent"}};
  return o;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

bool have(const char* program) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/"})
    if (::access((std::string(dir) + program).c_str(), X_OK) == 0) return true;
  return false;
}

TEST(AgentUnits, ServiceAndTimer) {
  auto service = service_unit(sample());
  EXPECT_TRUE(contains(service, "Type=oneshot\n"));
  EXPECT_TRUE(contains(service, "ExecStart=\"/usr/local/bin/herd\" track checkpoint -m scheduled\n"));
  EXPECT_TRUE(contains(service, "ExecStart=\"/usr/local/bin/herd\" track push\n"));
  EXPECT_TRUE(contains(service, "Environment=HERD_AGENT_DIR=/srv/agent\n"));
  EXPECT_LT(service.find("checkpoint"), service.find("push"));
  auto timer = timer_unit(sample());
  EXPECT_TRUE(contains(timer, "OnCalendar=*-*-* 03:00:00\n"));
  EXPECT_TRUE(contains(timer, "RandomizedDelaySec=1h\n"));
  EXPECT_TRUE(contains(timer, "Persistent=true\n"));
  EXPECT_TRUE(contains(timer, "WantedBy=timers.target\n"));
}

TEST(AgentUnits, HooksNeverFailThePackageManager) {
  auto apt = apt_hook(sample());
  EXPECT_TRUE(contains(apt, "DPkg::Post-Invoke {"));
  EXPECT_TRUE(contains(apt, "; true\"; };"));
  EXPECT_TRUE(contains(apt, "HERD_AGENT_DIR='/srv/agent' '/usr/local/bin/herd' track checkpoint -m 'after apt'"));
  auto dnf = dnf_action(sample());
  EXPECT_TRUE(contains(dnf, "*:any:/bin/sh -c \""));
  EXPECT_TRUE(contains(dnf, "track push"));
}

TEST(AgentUnits, UnsafeValuesAreRefused) {
  auto o = sample();
  o.on_calendar = "daily\nExecStart=/bin/evil";
  EXPECT_EQ(check_agent_unit_options(o).error().kind, ErrorKind::bad_input);
  o = sample();
  o.herd = "/opt/he\"rd";
  EXPECT_FALSE(check_agent_unit_options(o));
  o = sample();
  o.herd = "herd";
  EXPECT_FALSE(check_agent_unit_options(o));
  EXPECT_TRUE(check_agent_unit_options(sample()));
}

TEST(AgentUnits, InstallAndRemoveBeneathARoot) {
  herd::testing::TempDir root;
  auto written = install_agent_units(root.path(), sample());
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->size(), 4u) << "no dnf action without /etc/dnf";
  EXPECT_EQ(read_file(root.path() + kTimerPath).value(), timer_unit(sample()));
  EXPECT_EQ(read_file(root.path() + kAptHookPath).value(), apt_hook(sample()));
  EXPECT_EQ(std::filesystem::read_symlink(root.path() + kTimerWantsPath), "../herd-track.timer");
  // Again: idempotent.
  ASSERT_TRUE(install_agent_units(root.path(), sample()));

  std::filesystem::create_directories(root.path() + "/etc/dnf");
  written = install_agent_units(root.path(), sample());
  ASSERT_TRUE(written);
  EXPECT_EQ(written->size(), 5u);
  EXPECT_EQ(read_file(root.path() + kDnfActionPath).value(), dnf_action(sample()));

  auto removed = remove_agent_units(root.path());
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->size(), 5u);
  for (const char* p : {kServicePath, kTimerPath, kTimerWantsPath, kAptHookPath, kDnfActionPath})
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(root.path() + p))) << p;
  EXPECT_TRUE(remove_agent_units(root.path())->empty());
}

TEST(AgentUnits, ASymlinkedFolderIsNotFollowed) {
  herd::testing::TempDir root, outside;
  std::filesystem::create_directories(root.path() + "/etc");
  std::filesystem::create_directory_symlink(outside.path(), root.path() + "/etc/apt");
  auto written = install_agent_units(root.path(), sample());
  ASSERT_FALSE(written);
  EXPECT_TRUE(std::filesystem::is_empty(outside.path()));
}

TEST(AgentUnits, AptConfigParsesTheHook) {
  if (!have("apt-config")) GTEST_SKIP() << "apt-config is not installed";
  herd::testing::TempDir root;
  ASSERT_TRUE(install_agent_units(root.path(), sample()));
  auto r = run_process({"apt-config", "-c", root.path() + kAptHookPath, "dump"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_TRUE(contains(r->output, "DPkg::Post-Invoke:: \"if [ -x '/usr/local/bin/herd' ]; then")) << r->output;
  EXPECT_TRUE(contains(r->output, "track push >/dev/null; fi; true\";")) << r->output;
}

TEST(AgentUnits, SystemdAnalyzeVerifiesTheUnits) {
  if (!have("systemd-analyze")) GTEST_SKIP() << "systemd-analyze is not installed";
  herd::testing::TempDir root;
  auto o = sample();
  o.herd = "/bin/true";  // verify checks that ExecStart's program exists
  ASSERT_TRUE(install_agent_units(root.path(), o));
  auto r = run_process({"systemd-analyze", "verify", "--man=no", root.path() + kServicePath, root.path() + kTimerPath});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_FALSE(contains(r->output, "herd-track")) << r->output;
}

}  // namespace
}  // namespace herd::remote
