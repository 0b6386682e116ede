// The sync config parser: a full example, defaults, and an error naming file and line
// for each kind of mistake.
#include <gtest/gtest.h>

#include "reports/sync_config.h"

namespace herd::reports {
namespace {

TEST(SyncConfig, ParsesEveryKey) {
  const char* text =
      "# outputs of this frontend\n"
      "\n"
      "[hosts]\n"
      "path = /etc/hosts\n"
      "\n"
      "; reverse zone\n"
      "[private-reverse]\n"
      "kind = zone\n"
      "path = /var/lib/bind/100.51.198.zone\n"
      "network = private\n"
      "reverse = yes\n"
      "reload = rndc reload # keep the hash\n"
      "template = templates/zone.mustache\n"
      "mode = 0640\n"
      "frontend = fe1, fe2\n"
      "  [kea]  \n"
      "  path=/etc/kea/kea-dhcp4.conf\n"
      "zone = cluster.example.org\n";
  auto config = parse_sync_config(text, "/etc/herd/sync.conf");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->outputs.size(), 3u);
  const auto& hosts = config->outputs[0];
  EXPECT_EQ(hosts.name, "hosts");
  EXPECT_EQ(hosts.kind, Kind::hosts);
  EXPECT_EQ(hosts.path, "/etc/hosts");
  EXPECT_EQ(hosts.mode, 0644u);
  EXPECT_EQ(hosts.line, 3);
  const auto& zone = config->outputs[1];
  EXPECT_EQ(zone.kind, Kind::zone);
  EXPECT_TRUE(zone.options.reverse);
  EXPECT_EQ(zone.options.network, "private");
  EXPECT_EQ(zone.reload, "rndc reload # keep the hash");
  EXPECT_EQ(zone.template_path, "/etc/herd/templates/zone.mustache");
  EXPECT_EQ(zone.mode, 0640u);
  EXPECT_EQ(zone.frontends, (std::vector<std::string>{"fe1", "fe2"}));
  EXPECT_EQ(config->outputs[2].kind, Kind::kea);
  EXPECT_EQ(config->outputs[2].options.zone, "cluster.example.org");
}

TEST(SyncConfig, EmptyIsNoOutputs) {
  auto config = parse_sync_config("# nothing yet\n", "f");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->outputs.empty());
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  auto config = parse_sync_config(text, "/etc/herd/sync.conf");
  ASSERT_FALSE(config.ok()) << text;
  EXPECT_EQ(config.error().kind, ErrorKind::bad_input);
  EXPECT_EQ(config.error().message.rfind("/etc/herd/sync.conf:" + where + ": ", 0), 0u) << config.error().message;
  EXPECT_NE(config.error().message.find(what), std::string::npos) << config.error().message;
}

TEST(SyncConfig, ErrorsNameTheLine) {
  expect_error("path = /etc/hosts\n", "1", "before any [output]");
  expect_error("[hosts]\npath = /etc/hosts\nbogus = 1\n", "3", "unknown key 'bogus'");
  expect_error("[hosts]\npath /etc/hosts\n", "2", "expected key = value");
  expect_error("[hosts\n", "1", "[name]");
  expect_error("[bad name]\n", "1", "output name 'bad name'");
  expect_error("[x]\nkind = nope\n", "2", "unknown kind 'nope'");
  expect_error("[x]\npath = /a\n", "1", "[x] has no kind");
  expect_error("[hosts]\nreload = true\n", "1", "[hosts] has no path");
  expect_error("[hosts]\npath = etc/hosts\n", "2", "must be absolute");
  expect_error("[hosts]\npath = /a\npath = /b\n", "3", "'path' is set twice");
  expect_error("[hosts]\npath = /a\n[hosts]\npath = /b\n", "3", "defined twice");
  expect_error("[hosts]\npath = /a\n[dhcpd]\npath = /a\n", "3", "another output writes too");
  expect_error("[zone]\npath = /a\nreverse = maybe\n", "3", "reverse 'maybe'");
  expect_error("[hosts]\npath = /a\nreverse = yes\n", "1", "reverse applies only to kind zone");
  expect_error("[hosts]\npath = /a\nmode = 0999\n", "3", "mode '0999'");
  expect_error("[hosts]\npath = /a\ntemplate =\n", "3", "template is empty");
}

TEST(SyncConfig, LoadMissingFileIsBadInput) {
  auto config = load_sync_config("/nonexistent/herd/sync.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().kind, ErrorKind::bad_input);
  EXPECT_NE(config.error().message.find("/nonexistent/herd/sync.conf"), std::string::npos);
}

}  // namespace
}  // namespace herd::reports
