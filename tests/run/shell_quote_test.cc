#include "run/shell_quote.h"

#include <gtest/gtest.h>

#include "run/engine.h"

namespace herd::run {
namespace {

const char* fake_env(const char* name) { return std::string(name) == "HOME_DIR" ? "/home/it's" : nullptr; }

TEST(ShellQuote, SingleQuotes) {
  EXPECT_EQ(shell_quote("abc"), "'abc'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(ShellQuote, EnvArguments) {
  auto v = parse_env_arg("A=1=2", fake_env);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->name, "A");
  EXPECT_EQ(v->value, "1=2");
  EXPECT_EQ(parse_env_arg("HOME_DIR", fake_env)->value, "/home/it's");
  EXPECT_EQ(parse_env_arg("UNSET", fake_env)->value, "");
  for (const char* bad : {"1A=x", "=x", "A-B=x", "A B"}) {
    auto r = parse_env_arg(bad, fake_env);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  }
}

TEST(ShellQuote, RemoteCommandKeepsValuesIntactThroughTheShell) {
  std::vector<EnvVar> env{{"X", "a b $HOME `id` 'q' \"d\""}, {"Y", ""}};
  auto command = remote_command({"printf", "'%s|%s\\n'", "\"$X\"", "\"$Y\""}, env);
  auto transport = make_run_transport(TransportKind::exec, {}, command);
  auto results = run_nodes({"n"}, *transport, {});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].out, std::vector<std::string>{"a b $HOME `id` 'q' \"d\"|"});
}

}  // namespace
}  // namespace herd::run
