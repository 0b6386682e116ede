#include "util/subprocess.h"

#include <gtest/gtest.h>

namespace herd {

TEST(Subprocess, CapturesOutputAndExitCode) {
  auto r = run_shell("echo out; echo err >&2; exit 3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Subprocess, FeedsLargeStdinWithoutDeadlock) {
  std::string input(1 << 20, 'x');
  auto r = run_process({"cat"}, input);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output.size(), input.size());
}

TEST(Subprocess, MissingProgramExits127) {
  auto r = run_process({"/nonexistent/program"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 127);
}

}  // namespace herd
