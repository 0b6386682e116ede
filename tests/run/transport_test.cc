// What each transport asks the engine to start for a node.
#include "run/transport.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "run/simple_command.h"

namespace herd::run {
namespace {

using Words = std::vector<std::string>;

TEST(Transport, ExecRunsASimpleCommandWithoutAShell) {
  auto t = make_run_transport(TransportKind::exec, {}, "true");
  Launch l = t->launch("n1");
  EXPECT_EQ(l.argv, Words{"true"});
  EXPECT_EQ(l.program, find_program("true", std::getenv("PATH")).value());
  EXPECT_EQ(l.env, Words{"HERD_NODE=n1"});

  l = make_run_transport(TransportKind::exec, {}, "seq 1 3")->launch("n2");
  EXPECT_EQ(l.argv, (Words{"seq", "1", "3"}));
}

TEST(Transport, ExecGivesEverythingElseToTheShell) {
  // Shell syntax, a builtin, and a program that is not there (the shell says so).
  for (const char* command : {"echo $HERD_NODE", "echo hi", "herd-no-such-program x"}) {
    Launch l = make_run_transport(TransportKind::exec, {}, command)->launch("n1");
    EXPECT_EQ(l.argv, (Words{"/bin/sh", "-c", command})) << command;
    EXPECT_EQ(l.program, "/bin/sh");
    EXPECT_EQ(l.env, Words{"HERD_NODE=n1"});
  }
}

TEST(Transport, SshRunsTheCommandTextOnTheNode) {
  SshOptions o;
  o.connect_timeout = 7;
  o.options = {"User=admin"};
  Launch l = make_run_transport(TransportKind::ssh, o, "true")->launch("c1");
  EXPECT_EQ(l.argv, (Words{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=7", "-o", "User=admin", "-T", "--",
                           "c1", "true"}));
  EXPECT_TRUE(l.program.empty()) << "ssh is searched in PATH";
}

}  // namespace
}  // namespace herd::run
