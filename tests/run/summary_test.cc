#include "run/summary.h"

#include <gtest/gtest.h>

#include "run/failed_state.h"
#include "temp_dir.h"

namespace herd::run {
namespace {

NodeResult r(const std::string& node, NodeStatus status, int code) {
  NodeResult x;
  x.node = node;
  x.status = status;
  x.exit_code = code;
  return x;
}

TEST(Summary, FoldsFailuresAndPicksTheExitStatus) {
  std::vector<NodeResult> results{r("n1", NodeStatus::ok, 0),     r("n2", NodeStatus::failed, 1),
                                  r("n3", NodeStatus::failed, 1), r("n4", NodeStatus::failed, 3),
                                  r("n5", NodeStatus::timeout, kTimeoutExitCode)};
  auto s = summarize(results);
  EXPECT_EQ(s.ok, 1u);
  EXPECT_EQ(s.exit_status, kTimeoutExitCode);
  EXPECT_EQ(s.lines(), (std::vector<std::string>{"timed out: n5 (1)", "exit 1: n[2-3] (2)", "exit 3: n4 (1)"}));
  results.push_back(r("n6", NodeStatus::unreachable, 255));
  s = summarize(results);
  EXPECT_EQ(s.exit_status, 255);
  EXPECT_EQ(s.lines().front(), "unreachable (exit 255): n6 (1)");
  EXPECT_EQ(s.failed().size(), 5u);
}

TEST(Summary, AllGoodIsQuiet) {
  auto s = summarize({r("n1", NodeStatus::ok, 0)});
  EXPECT_EQ(s.exit_status, 0);
  EXPECT_TRUE(s.lines().empty());
}

TEST(FailedState, SavesAndLoads) {
  testing::TempDir dir;
  std::string path = dir.file("state");
  auto missing = load_failed_state(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  ASSERT_TRUE(save_failed_state(path, {"/x/herd.db", "n[1-2]", "uptime"}).ok());
  auto loaded = load_failed_state(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->nodes, "n[1-2]");
  EXPECT_EQ(loaded->db, "/x/herd.db");
  dir.write("bad", "{\"nodes\": 3}");
  EXPECT_FALSE(load_failed_state(dir.file("bad")).ok());
}

TEST(FailedState, WrongTypesAreBadInputNotAnException) {
  // A "db" or "command" that is not a string used to throw out of nlohmann's value().
  for (std::string_view text : {R"({"nodes": "n1", "db": 5})", R"({"nodes": "n1", "command": ["x"]})", "[]", "{",
                                R"({"db": "x"})"}) {
    auto state = parse_failed_state(text, "STATE");
    ASSERT_FALSE(state.ok()) << text;
    EXPECT_EQ(state.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(state.error().message, "STATE: not a herd run state file");
  }
  auto state = parse_failed_state(R"({"nodes": "n[1-2]"})", "STATE");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->nodes, "n[1-2]");
  EXPECT_EQ(state->db, "");
}

}  // namespace
}  // namespace herd::run
