#include "track/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace herd::track {
namespace {

TEST(Glob, StarStopsAtSlash) {
  EXPECT_TRUE(glob_match("*.conf", "a.conf"));
  EXPECT_FALSE(glob_match("*.conf", "a/b.conf"));
  EXPECT_TRUE(glob_match("/etc/*.conf", "/etc/a.conf"));
  EXPECT_FALSE(glob_match("/etc/*.conf", "/etc/x/a.conf"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a*", "b"));
}

TEST(Glob, DoubleStarCrossesFolders) {
  EXPECT_TRUE(glob_match("/etc/**/*.conf", "/etc/a.conf"));
  EXPECT_TRUE(glob_match("/etc/**/*.conf", "/etc/x/y/a.conf"));
  EXPECT_FALSE(glob_match("/etc/**/*.conf", "/usr/x/a.conf"));
  EXPECT_TRUE(glob_match("/var/**", "/var/a/b"));
  EXPECT_TRUE(glob_match("**/cache", "/a/b/cache"));
  EXPECT_FALSE(glob_match("**/cache", "/a/b/cache2"));
}

TEST(Glob, QuestionMarkClassesAndEscapes) {
  EXPECT_TRUE(glob_match("file?.txt", "file1.txt"));
  EXPECT_FALSE(glob_match("file?.txt", "file/.txt"));
  EXPECT_TRUE(glob_match("[abc]x", "bx"));
  EXPECT_FALSE(glob_match("[abc]x", "dx"));
  EXPECT_TRUE(glob_match("[a-c]x", "cx"));
  EXPECT_TRUE(glob_match("[!a-c]x", "dx"));
  EXPECT_FALSE(glob_match("[^a-c]x", "ax"));
  EXPECT_FALSE(glob_match("[!a]", "/"));
  EXPECT_TRUE(glob_match("\\*", "*"));
  EXPECT_FALSE(glob_match("\\*", "a"));
  EXPECT_TRUE(glob_match("[]]", "]"));
}

TEST(Glob, ManyStarsDoNotBacktrackExponentially) {
  // Each of these took longer than the age of the universe before matches were memoized.
  std::string stars, doubles, text(80, 'a'), path;
  for (int i = 0; i < 30; ++i) stars += "*a", doubles += "**/", path += "d/";
  EXPECT_FALSE(glob_match(stars + "b", text));
  EXPECT_TRUE(glob_match(stars + "*", text));
  EXPECT_FALSE(glob_match(doubles + "x", path + "y"));
  EXPECT_TRUE(glob_match(doubles + "y", path + "y"));
  EXPECT_FALSE(glob_match("**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b", std::string(200, 'a')));
}

TEST(Glob, Validity) {
  EXPECT_TRUE(valid_glob("*.conf"));
  EXPECT_TRUE(valid_glob("[a-z]*"));
  EXPECT_FALSE(valid_glob("[abc"));
  EXPECT_FALSE(valid_glob("abc\\"));
}

}  // namespace
}  // namespace herd::track
