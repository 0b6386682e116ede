// The fan-out engine with the exec transport: /bin/sh -c COMMAND with $HERD_NODE set.
#include "run/engine.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "run/summary.h"
#include "temp_dir.h"

namespace herd::run {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> names(int n, const std::string& prefix = "n") {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<NodeResult> run_exec(const std::vector<std::string>& nodes, const std::string& command,
                                 RunOptions options = {}) {
  auto transport = make_run_transport(TransportKind::exec, {}, command);
  auto results = run_nodes(nodes, *transport, options);
  EXPECT_TRUE(results.ok()) << results.error().message;
  return results.ok() ? *results : std::vector<NodeResult>{};
}

TEST(Engine, ResultsInNodeOrderWithTheirOwnOutput) {
  auto nodes = names(20);
  // Later nodes finish first; results still follow the node list.
  auto results = run_exec(nodes, "sleep 0.0$((20 - ${HERD_NODE#n})); echo out $HERD_NODE; echo err $HERD_NODE >&2");
  ASSERT_EQ(results.size(), nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(results[i].node, nodes[i]);
    EXPECT_EQ(results[i].status, NodeStatus::ok);
    EXPECT_EQ(results[i].out, std::vector<std::string>{"out " + nodes[i]});
    EXPECT_EQ(results[i].err, std::vector<std::string>{"err " + nodes[i]});
  }
}

TEST(Engine, ObserverSeesLinesAsTheyArriveThenTheEnd) {
  struct Recorder : RunObserver {
    std::vector<std::string> events;
    void on_line(const std::string& node, Stream s, std::string_view line) override {
      events.push_back(node + (s == Stream::out ? " out " : " err ") + std::string(line));
    }
    void on_done(const NodeResult& r) override { events.push_back(r.node + " done " + std::to_string(r.exit_code)); }
  } recorder;
  auto transport = make_run_transport(TransportKind::exec, {}, "echo a; echo b >&2; printf 'no newline'; exit 3");
  RunOptions options;
  options.keep_output = false;
  auto results = run_nodes({"x"}, *transport, options, &recorder);
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE((*results)[0].out.empty()) << "keep_output=false stores nothing";
  ASSERT_EQ(recorder.events.size(), 4u);
  EXPECT_EQ(recorder.events.back(), "x done 3");
  EXPECT_NE(std::find(recorder.events.begin(), recorder.events.end(), "x out no newline"), recorder.events.end());
}

TEST(Engine, ExitCodesAndSignals) {
  auto results = run_exec({"n0", "n1", "n7"}, "exit ${HERD_NODE#n}");
  EXPECT_EQ(results[0].status, NodeStatus::ok);
  EXPECT_EQ(results[1].status, NodeStatus::failed);
  EXPECT_EQ(results[1].exit_code, 1);
  EXPECT_EQ(results[2].exit_code, 7);
  EXPECT_EQ(summarize(results).exit_status, 7);

  auto killed = run_exec({"a"}, "kill -TERM $$");
  EXPECT_EQ(killed[0].exit_code, 128 + SIGTERM);
  // exec: 255 is an exit code like any other; only ssh reads it as unreachable.
  EXPECT_EQ(run_exec({"a"}, "exit 255")[0].status, NodeStatus::failed);
}

TEST(Engine, SshExit255IsUnreachable) {
  struct Fake : Transport {
    Launch launch(const std::string&) const override { return {{"/bin/sh", "-c", "exit 255"}, {}}; }
    bool exit_255_is_unreachable() const override { return true; }
  } fake;
  auto results = run_nodes({"a", "b"}, fake, {});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].status, NodeStatus::unreachable);
  EXPECT_EQ(summarize(*results).exit_status, 255);
}

TEST(Engine, ProgramThatCannotStartFailsItsNodeOnly) {
  struct Missing : Transport {
    Launch launch(const std::string&) const override { return {{"/nonexistent/herd-no-such-program"}, {}}; }
    bool exit_255_is_unreachable() const override { return false; }
  } missing;
  auto results = run_nodes({"a"}, missing, {});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].exit_code, 127);
  ASSERT_EQ((*results)[0].err.size(), 1u);
  EXPECT_NE((*results)[0].err[0].find("cannot run"), std::string::npos);
}

TEST(Engine, ProgramThatIsNotExecutableExits126) {
  testing::TempDir dir;
  std::string file = dir.write("not-a-program", "data\n");  // mode 0644 or less: no x bit
  ::chmod(file.c_str(), 0644);
  struct NotExecutable : Transport {
    std::string file;
    Launch launch(const std::string&) const override { return {{"tool"}, {}, file}; }
    bool exit_255_is_unreachable() const override { return false; }
  } t;
  t.file = file;
  auto results = run_nodes({"a", "b"}, t, {});
  ASSERT_TRUE(results.ok());
  for (const auto& r : *results) {
    EXPECT_EQ(r.exit_code, 126);
    ASSERT_EQ(r.err.size(), 1u);
    EXPECT_NE(r.err[0].find("cannot run tool"), std::string::npos) << r.err[0];
  }
}

TEST(Engine, DirectAndShellRunsAgree) {
  // `seq 1 3` and `false` skip the shell (simple_command.h); the same through sh.
  EXPECT_EQ(run_exec({"a"}, "seq 1 3")[0].out, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(run_exec({"a"}, "seq 1 3;")[0].out, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(run_exec({"a"}, "false")[0].exit_code, 1);
  EXPECT_EQ(run_exec({"a"}, "false;")[0].exit_code, 1);
  // A program that is not there: the shell's word for it, and its 127.
  auto missing = run_exec({"a"}, "herd-no-such-program x");
  EXPECT_EQ(missing[0].exit_code, 127);
  ASSERT_EQ(missing[0].err.size(), 1u);
  EXPECT_NE(missing[0].err[0].find("not found"), std::string::npos) << missing[0].err[0];
}

TEST(Engine, DeadlinesThatPassWhileChildrenStartStillKillThem) {
  // With a 1 ms timeout most deadlines pass before the spawner has answered: those
  // children are killed when it does. None may outlive the run or be missed.
  RunOptions options;
  options.timeout = 1ms;
  auto start = std::chrono::steady_clock::now();
  auto results = run_exec(names(200), "sleep 30", options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 25s);
  ASSERT_EQ(results.size(), 200u);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, NodeStatus::timeout) << r.node;
    EXPECT_EQ(r.exit_code, kTimeoutExitCode) << r.node;
  }
}

TEST(Engine, TimeoutKillsTheWholeProcessGroup) {
  testing::TempDir dir;
  std::string pids = dir.file("pids");
  RunOptions options;
  options.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  // n2 sleeps in a background process of its group and waits for it.
  auto results = run_exec({"n1", "n2"},
                          "if [ $HERD_NODE = n2 ]; then sleep 60 & echo $! > " + pids + "; echo started; wait; fi; echo done",
                          options);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 10s);
  EXPECT_EQ(results[0].status, NodeStatus::ok);
  EXPECT_EQ(results[1].status, NodeStatus::timeout);
  EXPECT_EQ(results[1].exit_code, kTimeoutExitCode);
  EXPECT_EQ(results[1].out, std::vector<std::string>{"started"});
  // The background sleep got the SIGKILL too: gone, or a zombie awaiting its reaper. The
  // kill was sent before run_nodes returned, but the kernel may still be ending the
  // process (state R with the kill pending): wait for that, at most 10 s (the sleep
  // itself would last 60 s).
  std::ifstream in(pids);
  int pid = 0;
  ASSERT_TRUE(in >> pid);
  auto state_of = [&] {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return std::string("gone");
    return line.substr(line.rfind(')') + 2, 1);
  };
  auto deadline = std::chrono::steady_clock::now() + 10s;
  std::string state = state_of();
  while (state != "gone" && state != "Z" && state != "X" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    state = state_of();
  }
  EXPECT_TRUE(state == "gone" || state == "Z" || state == "X") << "the background sleep is still " << state;
}

TEST(Engine, TimeoutSendsTermFirstThenKillAfterTheGrace) {
  RunOptions options;
  options.timeout = 300ms;
  options.kill_after = 20s;
  // n1 cleans up on SIGTERM and says so; its output is kept and it ends long before the
  // grace is over. n2 ignores SIGTERM, so only the SIGKILL at the end of a short grace
  // ends it.
  auto start = std::chrono::steady_clock::now();
  auto results = run_exec({"n1"}, "trap 'echo cleaning up; exit 9' TERM; echo started; sleep 60 & wait", options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "the SIGTERM ended it, not the grace";
  EXPECT_EQ(results[0].status, NodeStatus::timeout);
  EXPECT_EQ(results[0].exit_code, kTimeoutExitCode);
  EXPECT_EQ(results[0].out, (std::vector<std::string>{"started", "cleaning up"}));

  options.kill_after = 500ms;
  start = std::chrono::steady_clock::now();
  results = run_exec({"n2"}, "trap '' TERM; echo started; sleep 60", options);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 800ms) << "SIGKILL only after the grace";
  EXPECT_LT(took, 30s);
  EXPECT_EQ(results[0].status, NodeStatus::timeout);
  EXPECT_EQ(results[0].out, std::vector<std::string>{"started"});
}

TEST(Engine, FanoutWindowIsRespected) {
  for (size_t fanout : {1u, 3u, 8u}) {
    testing::TempDir dir;
    std::string running = dir.path() + "/running", released = dir.path() + "/released";
    ASSERT_EQ(::mkdir(running.c_str(), 0755), 0);
    RunOptions options;
    options.fanout = fanout;
    // Each node marks itself running and counts the marks (itself included). Until the
    // first time `fanout` nodes run at once, each waits for that (at most 30 s), so the
    // count reaches the window exactly when the engine really runs that many together,
    // however slow the machine; no node may ever count more than the window.
    std::string command = fmt::format(
        "mkdir {0}/$HERD_NODE; i=0; "
        "while [ ! -e {1} ] && [ $(ls {0} | wc -l) -lt {2} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; "
        "n=$(ls {0} | wc -l); [ $n -lt {2} ] || touch {1}; echo $n; rmdir {0}/$HERD_NODE",
        running, released, fanout);
    auto results = run_exec(names(16), command, options);
    size_t most = 0;
    for (const auto& r : results) {
      ASSERT_EQ(r.status, NodeStatus::ok) << r.node;
      most = std::max<size_t>(most, std::stoul(r.out.at(0)));
    }
    EXPECT_EQ(most, fanout) << "window " << fanout;
  }
}

TEST(Engine, StdinIsBroadcastToEveryNode) {
  RunOptions options;
  options.input = "hello\nworld\n";
  auto results = run_exec(names(10), "cat", options);
  for (const auto& r : results) EXPECT_EQ(r.out, (std::vector<std::string>{"hello", "world"})) << r.node;

  // More than a pipe holds, and a node that does not read it at all.
  options.input = std::string(1 << 20, 'x');
  results = run_exec({"n1", "n2"}, "if [ $HERD_NODE = n1 ]; then wc -c; else echo skip; fi", options);
  EXPECT_EQ(results[0].out, std::vector<std::string>{std::to_string(1 << 20)});
  EXPECT_EQ(results[1].out, std::vector<std::string>{"skip"});

  // Without input, stdin is /dev/null: cat ends at once.
  results = run_exec({"n1"}, "cat; echo end");
  EXPECT_EQ(results[0].out, std::vector<std::string>{"end"});
}

TEST(Engine, LongLinesAndManyLines) {
  auto results = run_exec({"a"}, "head -c 200000 /dev/zero | tr '\\0' y; echo; seq 1 5000");
  ASSERT_EQ(results[0].out.size(), 5001u);
  EXPECT_EQ(results[0].out[0].size(), 200000u);
  EXPECT_EQ(results[0].out.back(), "5000");
}

TEST(Engine, AThousandTargets) {
  auto nodes = names(1000, "node");
  auto start = std::chrono::steady_clock::now();
  auto results = run_exec(nodes, "echo $HERD_NODE");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(results.size(), 1000u);
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_EQ(results[i].status, NodeStatus::ok);
    ASSERT_EQ(results[i].out, std::vector<std::string>{nodes[i]});
  }
  EXPECT_LT(took, 20s);  // generous: shared CI machines; bench/run measures the real figure
}

TEST(Engine, EmptyNodeListRunsNothing) {
  auto results = run_exec({}, "exit 1");
  EXPECT_TRUE(results.empty());
}

}  // namespace
}  // namespace herd::run
