// Every format checked by the program that reads it: dhcpd -t, kea-dhcp4 -t, dnsmasq
// --test, named-checkzone, slurmctld (in a private network namespace), ClusterShell's
// nodeset and ssh-keygen. Each check is also fed a deliberately broken file, so a
// validator that accepts anything would fail the test.
//
// Slurm: neither slurmctld nor slurmd (absent here) has a parse-only flag in Slurm 22.05,
// and `scontrol` with SLURM_CONF checks only keys and value types (it accepts "c[0-3" and
// partitions naming unknown nodes). So the test starts the real slurmctld -D with a
// minimal slurm.conf that Includes the generated file, inside a network namespace it
// creates (loopback only, plus 198.51.100.254/32 so getaddrinfo's AI_ADDRCONFIG returns
// IPv4), with /etc/netns/<ns>/hosts = herd's own hosts report so node names resolve.
// slurmctld builds its node and partition tables from the file; "Running as primary
// controller" means it accepted them, "fatal:" or a node address failure means it did
// not. The daemon is then killed by its pid and the namespace removed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "reports/report.h"
#include "tests/reports/cluster_fixture.h"
#include "temp_dir.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"

namespace herd::reports {
namespace {

using testing::sample_cluster;
using herd::testing::TempDir;

std::string must_render(Kind kind, const ReportOptions& options = {}, const inventory::Cluster& cluster = sample_cluster()) {
  auto text = render(kind, cluster, options);
  EXPECT_TRUE(text.ok()) << text.error().message;
  return text.ok() ? *text : "";
}

// Runs argv; returns exit code, with the output in *output.
int run(const std::vector<std::string>& argv, std::string* output = nullptr) {
  auto result = run_process(argv);
  if (!result.ok()) {
    ADD_FAILURE() << argv[0] << ": " << result.error().message;
    return -1;
  }
  if (output) *output = result->output;
  return result->exit_code;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "cannot break the file: no " << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(Validate, DhcpdAcceptsOurFileAndRejectsABrokenOne) {
  TempDir dir;
  std::string out;
  std::string text = must_render(Kind::dhcpd);
  EXPECT_EQ(run({"dhcpd", "-t", "-cf", dir.write("dhcpd.conf", text)}, &out), 0) << out << text;
  auto cluster = sample_cluster();
  cluster.settings["pxe.ipxe_url"] = "none";
  ReportOptions private_only;
  private_only.network = "private";
  EXPECT_EQ(run({"dhcpd", "-t", "-cf", dir.write("private.conf", must_render(Kind::dhcpd, private_only, cluster))}, &out), 0) << out;
  // Broken: a host without its closing brace, and an address outside every subnet.
  EXPECT_NE(run({"dhcpd", "-t", "-cf", dir.write("broken.conf", replace(text, "compute-0-0\";\n}", "compute-0-0\";\n"))}), 0);
  EXPECT_NE(run({"dhcpd", "-t", "-cf", dir.write("broken2.conf", replace(text, "fixed-address 198.51.100.10;", "fixed-address 198.51.100;"))}), 0);
}

TEST(Validate, KeaAcceptsOurFileAndRejectsABrokenOne) {
  TempDir dir;
  std::string out;
  std::string text = must_render(Kind::kea);
  EXPECT_EQ(run({"kea-dhcp4", "-t", dir.write("kea.conf", text)}, &out), 0) << out << text;
  auto cluster = sample_cluster();
  cluster.settings["pxe.ipxe_url"] = "none";
  EXPECT_EQ(run({"kea-dhcp4", "-t", dir.write("kea2.conf", must_render(Kind::kea, {}, cluster))}, &out), 0) << out;
  // Broken: two reservations for one address in a subnet.
  EXPECT_NE(run({"kea-dhcp4", "-t", dir.write("broken.conf", replace(text, "\"198.51.100.11\"", "\"198.51.100.10\""))}), 0);
  EXPECT_NE(run({"kea-dhcp4", "-t", dir.write("broken2.conf", replace(text, "\"52:54:00:00:01:00\"", "\"zz\""))}), 0);
}

TEST(Validate, DnsmasqAcceptsOurFileAndRejectsABrokenOne) {
  TempDir dir;
  std::string out;
  std::string text = must_render(Kind::dnsmasq);
  EXPECT_EQ(run({"dnsmasq", "--test", "-C", dir.write("dnsmasq.conf", text)}, &out), 0) << out << text;
  EXPECT_NE(run({"dnsmasq", "--test", "-C", dir.write("broken.conf", replace(text, "dhcp-range=set:herd-net-private,198.51.100.100", "dhcp-range=set:herd-net-private,198.51.100.300"))}), 0);
  EXPECT_NE(run({"dnsmasq", "--test", "-C", dir.write("broken2.conf", text + "dhcp-option=tag:herd-net-private,option:no-such-option,1\n")}), 0);
}

TEST(Validate, NamedCheckzoneForwardAndReverse) {
  TempDir dir;
  std::string out;
  ReportOptions forward;
  forward.network = "private";
  std::string text = must_render(Kind::zone, forward);
  EXPECT_EQ(run({"named-checkzone", "local", dir.write("local.zone", text)}, &out), 0) << out << text;
  for (std::string zone : {"ipmi", "ib", "storage"}) {
    ReportOptions by_name;
    by_name.zone = zone;
    EXPECT_EQ(run({"named-checkzone", zone, dir.write(zone + ".zone", must_render(Kind::zone, by_name))}, &out), 0) << out;
  }
  ReportOptions reverse;
  reverse.network = "private";
  reverse.reverse = true;
  std::string rev = must_render(Kind::zone, reverse);
  EXPECT_EQ(run({"named-checkzone", "100.51.198.in-addr.arpa", dir.write("rev.zone", rev)}, &out), 0) << out << rev;
  reverse.network = "ipmi";
  EXPECT_EQ(run({"named-checkzone", "113.0.203.in-addr.arpa", dir.write("rev2.zone", must_render(Kind::zone, reverse))}, &out), 0) << out;
  // Broken: a CNAME beside other data, and a PTR target that is not a name.
  EXPECT_NE(run({"named-checkzone", "local", dir.write("broken.zone", text + "www\tIN A\t198.51.100.99\n")}), 0);
  EXPECT_NE(run({"named-checkzone", "100.51.198.in-addr.arpa", dir.write("broken-rev.zone", rev + "99\tIN PTR\t198..51\n")}), 0);
}

TEST(Validate, ClusterShellReadsOurGroups) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("groups.d"));
  dir.write("groups.d/herd.yaml", must_render(Kind::clush));
  std::string conf = dir.write("groups.conf", "[Main]\ndefault: herd\nautodir: " + dir.file("groups.d") + "\n");
  std::string out;
  ASSERT_EQ(run({"nodeset", "--groupsconf=" + conf, "-s", "herd", "-f", "@compute"}, &out), 0) << out;
  EXPECT_EQ(out, "compute-0-[0-3,10],compute-1-[0-1],spare-0-0\n");
  ASSERT_EQ(run({"nodeset", "--groupsconf=" + conf, "-s", "herd", "-c", "@all"}, &out), 0) << out;
  EXPECT_EQ(out, "10\n");
  ASSERT_EQ(run({"nodeset", "--groupsconf=" + conf, "-s", "herd", "-f", "@gpu", "@rack1"}, &out), 0) << out;
  EXPECT_EQ(out, "compute-1-[0-1]\n");
  // Broken: YAML that does not parse.
  dir.write("groups.d/herd.yaml", "herd:\n  all: [oops\n");
  EXPECT_NE(run({"nodeset", "--groupsconf=" + conf, "-s", "herd", "-f", "@all"}, &out), 0);
}

TEST(Validate, SshKeygenReadsOurKnownHosts) {
  TempDir dir;
  std::string path = dir.write("known_hosts", must_render(Kind::known_hosts));
  std::string out;
  ASSERT_EQ(run({"ssh-keygen", "-l", "-f", path}, &out), 0) << out;
  EXPECT_NE(out.find("(ED25519)"), std::string::npos) << out;
  EXPECT_NE(out.find("(ECDSA)"), std::string::npos) << out;
  ASSERT_EQ(run({"ssh-keygen", "-F", "compute-0-0.local", "-f", path}, &out), 0) << out;
  ASSERT_EQ(run({"ssh-keygen", "-F", "198.51.100.1", "-f", path}, &out), 0) << out;
  EXPECT_NE(run({"ssh-keygen", "-F", "compute-0-1", "-f", path}, &out), 0);
  // Broken: a key whose base64 is cut short (ssh-keygen skips bad lines, so the file
  // holds only that one).
  ReportOptions one;
  one.nodes = std::vector<std::string>{"compute-0-0"};
  std::string broken = replace(must_render(Kind::known_hosts, one), "AAAAC3NzaC1lZDI1NTE5AAAAICny", "AAAAC3NzaC1lZDI1NTE5AAAAIC");
  EXPECT_NE(run({"ssh-keygen", "-l", "-f", dir.write("broken", broken)}, &out), 0) << out;
}

// --- Slurm --------------------------------------------------------------------------

// A network namespace with loopback up, and /etc/netns/<name>/hosts, removed on scope exit.
class Namespace {
 public:
  explicit Namespace(const std::string& hosts) : name_("herd-reports-" + std::to_string(::getpid())) {
    ok_ = run({"ip", "netns", "add", name_}) == 0;
    if (!ok_) return;
    ok_ = run({"ip", "netns", "exec", name_, "ip", "link", "set", "lo", "up"}) == 0 &&
          run({"ip", "netns", "exec", name_, "ip", "addr", "add", "198.51.100.254/32", "dev", "lo"}) == 0;
    std::filesystem::create_directories(etc());
    ok_ = ok_ && write_file_atomically(etc() + "/hosts", hosts).ok();
  }
  ~Namespace() {
    std::error_code ec;
    std::filesystem::remove_all(etc(), ec);
    std::filesystem::remove("/etc/netns", ec);  // only if empty, i.e. nobody else uses it
    run({"ip", "netns", "del", name_});
  }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }

 private:
  std::string etc() const { return "/etc/netns/" + name_; }
  std::string name_;
  bool ok_ = false;
};

struct SlurmResult {
  bool accepted = false;
  std::string log;
};

// Starts slurmctld -D on `nodes_conf` inside `ns` and reads its log until it accepts the
// configuration or fails; then stops it by pid.
SlurmResult run_slurmctld(const TempDir& dir, const Namespace& ns, const std::string& nodes_conf) {
  std::string nodes = dir.write("nodes.conf", nodes_conf);
  std::filesystem::create_directories(dir.file("state"));
  std::string conf = dir.write("slurm.conf",
                               "ClusterName=herdtest\nSlurmctldHost=localhost\nSlurmUser=root\n"
                               "StateSaveLocation=" + dir.file("state") + "\nSlurmdSpoolDir=" + dir.file("spool") +
                               "\nSlurmctldPidFile=" + dir.file("slurmctld.pid") +
                               "\nAuthType=auth/none\nCredType=cred/none\nProctrackType=proctrack/linuxproc\n"
                               "TaskPlugin=task/none\nSchedulerType=sched/builtin\nSelectType=select/linear\n"
                               "MpiDefault=none\nMailProg=/bin/true\nInclude " + nodes + "\n");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {false, "pipe failed"};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::execlp("ip", "ip", "netns", "exec", ns.name().c_str(), "slurmctld", "-D", "-c", "-i", "-f", conf.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  SlurmResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.log += "\n[test: timed out waiting for slurmctld]";
      break;
    }
    pollfd fd{pipe_fds[0], POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // slurmctld exited
    result.log.append(buffer, static_cast<size_t>(n));
    if (result.log.find("fatal") != std::string::npos) break;
    if (result.log.find("Running as primary controller") != std::string::npos) {
      result.accepted = true;
      break;
    }
  }
  ::kill(pid, SIGTERM);
  // Drain until it exits so it can save state and close; SIGKILL if it hangs.
  auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(stop_deadline - std::chrono::steady_clock::now()).count();
    pollfd fd{pipe_fds[0], POLLIN, 0};
    if (left <= 0 || ::poll(&fd, 1, static_cast<int>(left)) <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    result.log.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  for (const char* failure : {"_validate_slurmd_addr", "Parse error", "invalid node name", "Unable to resolve"})
    if (result.log.find(failure) != std::string::npos) result.accepted = false;
  return result;
}

TEST(Validate, SlurmctldAcceptsOurNodesAndPartitions) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for ip netns";
  Namespace ns(must_render(Kind::hosts));
  ASSERT_TRUE(ns.ok()) << "cannot create network namespace " << ns.name();
  TempDir dir;
  std::string text = must_render(Kind::slurm);
  auto good = run_slurmctld(dir, ns, text);
  EXPECT_TRUE(good.accepted) << good.log << "\n--- nodes.conf:\n" << text;

  // Broken: a partition naming a node that no NodeName line defines.
  TempDir dir2;
  auto bad = run_slurmctld(dir2, ns, text + "PartitionName=extra Nodes=compute-9-[0-3] State=UP\n");
  EXPECT_FALSE(bad.accepted) << bad.log;
  EXPECT_NE(bad.log.find("fatal"), std::string::npos) << bad.log;
}

}  // namespace
}  // namespace herd::reports
