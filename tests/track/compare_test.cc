#include <gtest/gtest.h>

#include "track/compare.h"
#include "track_fixture.h"

namespace herd::track {
namespace {

class CompareTest : public testing::TrackFixture {
 protected:
  Comparer comparer() {
    auto c = Comparer::open(site_);
    EXPECT_TRUE(c) << c.error().message;
    return std::move(*c);
  }
  // path -> "kind: details" of a comparison
  std::map<std::string, std::string> summary(const Comparison& cmp) {
    std::map<std::string, std::string> out;
    for (const auto& c : cmp.changes) {
      std::string text = change_kind_name(c.kind);
      for (const auto& d : c.details) text += "; " + d;
      out[c.path] = text;
    }
    return out;
  }
};

TEST_F(CompareTest, StatusListsAddedRemovedModifiedAndMetadata) {
  write("/etc/hosts", "127.0.0.1 localhost\n");
  write("/etc/gone", "bye\n");
  write("/etc/mode", "m\n", 0644);
  write("/etc/old/one", "1\n");
  write("/opt/large", std::string(100 * 1024, 'a'));
  ASSERT_EQ(::symlink("a", at("/etc/link").c_str()), 0);
  write("/var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n");
  checkpoint();
  auto c = comparer();
  auto clean = c.compare(latest(), std::nullopt);
  ASSERT_TRUE(clean) << clean.error().message;
  EXPECT_TRUE(clean->changes.empty());
  EXPECT_TRUE(clean->packages_compared);
  EXPECT_TRUE(clean->packages.empty());

  write("/etc/hosts", "127.0.0.1 localhost\n10.0.0.1 head\n");
  ASSERT_EQ(::unlink(at("/etc/gone").c_str()), 0);
  ASSERT_EQ(::chmod(at("/etc/mode").c_str(), 0600), 0);
  std::filesystem::remove_all(at("/etc/old"));
  write("/etc/new/two", "2\n");
  make_folder("/etc/empty");  // its tree is in no store: it must not be looked up
  // Same size, different bytes, in a file too large to hash on the fly: compared byte for byte.
  write("/opt/large", std::string(100 * 1024 - 1, 'a') + "b");
  ASSERT_EQ(::unlink(at("/etc/link").c_str()), 0);
  ASSERT_EQ(::symlink("b", at("/etc/link").c_str()), 0);
  write("/var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1.1\n\n"
                                "Package: b\nStatus: install ok installed\nArchitecture: all\nVersion: 2\n");
  auto c2 = comparer();
  auto cmp = c2.compare(latest(), std::nullopt);
  ASSERT_TRUE(cmp) << cmp.error().message;
  auto s = summary(*cmp);
  EXPECT_EQ(s["/etc/hosts"], "modified");
  EXPECT_EQ(s["/etc/gone"], "removed");
  EXPECT_EQ(s["/etc/mode"], "metadata; mode 0644 -> 0600");
  EXPECT_EQ(s["/etc/old"], "removed");
  EXPECT_EQ(s["/etc/old/one"], "removed");
  EXPECT_EQ(s["/etc/new"], "added");
  EXPECT_EQ(s["/etc/new/two"], "added");
  EXPECT_EQ(s["/opt/large"], "modified");
  EXPECT_EQ(s["/etc/link"].substr(0, 30), "modified; symlink target a -> ");
  EXPECT_EQ(s["/etc/empty"], "added");
  EXPECT_EQ(s.size(), 10u) << ::testing::PrintToString(s);
  ASSERT_EQ(cmp->packages.size(), 2u);
  EXPECT_EQ(cmp->packages[0].kind, PackageChange::Kind::upgraded);
  EXPECT_EQ(cmp->packages[1].kind, PackageChange::Kind::added);
}

TEST_F(CompareTest, DiffShowsUnifiedTextAndBinaryMarkers) {
  write("/etc/app.conf", "a = 1\nb = 2\nc = 3\n");
  write("/etc/blob", std::string("\0\1\2", 3));
  checkpoint();
  write("/etc/app.conf", "a = 1\nb = 20\nc = 3\n");
  write("/etc/blob", std::string("\0\1\3", 3));
  write("/etc/added", "new\n");
  auto c = comparer();
  auto cmp = c.compare(latest(), std::nullopt);
  ASSERT_TRUE(cmp);
  std::map<std::string, std::string> diffs;
  for (const auto& change : cmp->changes) {
    auto text = c.content_diff(change, false, true);
    ASSERT_TRUE(text) << text.error().message;
    diffs[change.path] = *text;
  }
  EXPECT_EQ(diffs["/etc/app.conf"],
            "--- a/etc/app.conf\n+++ b/etc/app.conf\n@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3\n");
  EXPECT_EQ(diffs["/etc/blob"], "Binary files a/etc/blob and b/etc/blob differ\n");
  EXPECT_EQ(diffs["/etc/added"], "--- /dev/null\n+++ b/etc/added\n@@ -0,0 +1 @@\n+new\n");
}

TEST_F(CompareTest, TwoCheckpointsCompareWithoutTheLiveTree) {
  write("/etc/a", "1\n");
  auto first = checkpoint();
  write("/etc/a", "2\n");
  ASSERT_EQ(::chmod(at("/etc/a").c_str(), 0600), 0);
  checkpoint();
  write("/etc/a", "3\n");  // live: must not matter
  auto c = comparer();
  auto older = c.resolve("latest~1");
  auto newer = c.resolve("latest");
  ASSERT_TRUE(older && newer);
  auto cmp = c.compare(*older, *newer);
  ASSERT_TRUE(cmp);
  ASSERT_EQ(cmp->changes.size(), 1u);
  EXPECT_EQ(summary(*cmp)["/etc/a"], "modified; mode 0644 -> 0600");
  auto text = c.content_diff(cmp->changes[0], false, false);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "--- a/etc/a\n+++ b/etc/a\n@@ -1 +1 @@\n-1\n+2\n");
}

}  // namespace
}  // namespace herd::track
