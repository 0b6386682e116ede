// The exec transport's shell fast path: which command lines may skip `sh -c`, and how
// their program is found.
#include "run/simple_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "temp_dir.h"

namespace herd::run {
namespace {

using Words = std::vector<std::string>;

TEST(SimpleCommand, PlainWordsRunDirectly) {
  EXPECT_EQ(simple_command_words("true"), Words{"true"});
  EXPECT_EQ(simple_command_words("  ls  -l /tmp "), (Words{"ls", "-l", "/tmp"}));
  EXPECT_EQ(simple_command_words("dd if=/dev/zero of=/dev/null count=1"),
            (Words{"dd", "if=/dev/zero", "of=/dev/null", "count=1"}));
  EXPECT_EQ(simple_command_words("scontrol show node=c1,c2 user@host:%x +1"),
            (Words{"scontrol", "show", "node=c1,c2", "user@host:%x", "+1"}));
  EXPECT_EQ(simple_command_words("/usr/bin/env"), Words{"/usr/bin/env"});
  EXPECT_EQ(simple_command_words("false"), Words{"false"});
}

TEST(SimpleCommand, AnyShellSyntaxGoesToTheShell) {
  for (const char* command :
       {"echo $HOME", "ls *", "ls ?", "ls [ab]", "a|b", "a;b", "a&", "a>b", "a<b", "(a)", "a {b}", "'a'", "\"a\"",
        "a\\ b", "`a`", "~/x", "a ~", "a #c", "!a", "a\tb", "a\nb", "a^b", "", "   "}) {
    EXPECT_EQ(simple_command_words(command), std::nullopt) << command;
  }
}

TEST(SimpleCommand, KeywordsBuiltinsAndAssignmentsGoToTheShell) {
  for (const char* command : {"if", "while x", "cd /", "exit 3", "export A", ". ./env", ": x", "echo -e hi",
                              "printf hi", "test -f x", "[ -f x ]", "pwd", "kill 1", "umask 22", "ulimit -n",
                              "X=1 true", "exec true", "read x", "wait", "command -v ls", "type ls", "set -e"}) {
    EXPECT_EQ(simple_command_words(command), std::nullopt) << command;
  }
  // Only the first word decides: these are arguments.
  EXPECT_EQ(simple_command_words("grep cd /etc/passwd"), (Words{"grep", "cd", "/etc/passwd"}));
}

TEST(SimpleCommand, FindProgramTakesTheFirstExecutableFileInPath) {
  testing::TempDir a, b, c;
  std::string not_executable = a.write("tool", "#!/bin/sh\n");
  ::chmod(not_executable.c_str(), 0644);
  ASSERT_EQ(::mkdir(b.file("tool").c_str(), 0755), 0);  // a folder is not a program
  std::string executable = c.write("tool", "#!/bin/sh\n");
  ::chmod(executable.c_str(), 0755);
  std::string path = a.path() + ":" + b.path() + ":" + c.path();
  EXPECT_EQ(find_program("tool", path), executable);
  EXPECT_EQ(find_program("tool", a.path() + ":" + b.path()), std::nullopt);
  EXPECT_EQ(find_program("herd-no-such-program", "/usr/bin:/bin"), std::nullopt);
  EXPECT_EQ(find_program("herd-no-such-program", ""), std::nullopt);
}

}  // namespace
}  // namespace herd::run
