#include "track/spec.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace herd::track {
namespace {

TEST(Spec, DefaultsTrackTheUsualPlaces) {
  TrackSpec spec = default_track_spec();
  EXPECT_EQ(spec.paths, (std::vector<std::string>{"/etc", "/opt", "/root/.ssh", "/usr/local", "/var/spool/cron"}));
  EXPECT_TRUE(spec.excluded("/etc/foo.swp"));
  EXPECT_TRUE(spec.excluded("/etc/ld.so.cache"));
  EXPECT_FALSE(spec.excluded("/etc/hosts"));
  EXPECT_TRUE(spec.within_tracked("/etc/ssh/sshd_config"));
  EXPECT_FALSE(spec.within_tracked("/etcetera"));
}

TEST(Spec, ParsesDirectivesAndLastMatchWins) {
  auto spec = parse_track_spec(
      "# comment\n"
      "track /srv/app/\n"
      "/data\n"
      "track /srv/app/conf\n"  // beneath another: dropped
      "exclude *.log\n"
      "include /srv/app/keep.log\n"
      "exclude /srv/app/**/cache\n",
      "t.conf");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->paths, (std::vector<std::string>{"/data", "/srv/app"}));
  EXPECT_TRUE(spec->excluded("/srv/app/x.log"));
  EXPECT_FALSE(spec->excluded("/srv/app/keep.log"));
  EXPECT_TRUE(spec->excluded("/srv/app/a/b/cache"));
  EXPECT_FALSE(spec->excluded("/srv/app/a/b/cache2"));
  // The text form reads back to the same spec.
  auto again = parse_track_spec(spec->text(), "again");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->paths, spec->paths);
  EXPECT_EQ(again->text(), spec->text());
}

TEST(Spec, DefaultsCanBeChanged) {
  auto spec = parse_track_spec("defaults\nuntrack /opt\ntrack /srv\ninclude /etc/adjtime\n", "t.conf");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->paths, (std::vector<std::string>{"/etc", "/root/.ssh", "/srv", "/usr/local", "/var/spool/cron"}));
  EXPECT_FALSE(spec->excluded("/etc/adjtime"));
  EXPECT_TRUE(spec->excluded("/etc/x~"));
}

TEST(Spec, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"track /etc\nfrobnicate /x\n", "t.conf:2: unknown directive 'frobnicate'"},
                        Case{"track etc\n", "t.conf:1: path 'etc' must start with '/'"},
                        Case{"\ntrack /etc/../x\n", "t.conf:2: path '/etc/../x' may not contain '..'"},
                        Case{"exclude [abc\n", "t.conf:1: bad glob '[abc'"},
                        Case{"exclude etc/*.conf\n", "t.conf:1: glob 'etc/*.conf' contains '/'"},
                        Case{"untrack /nowhere\n", "t.conf:1: untrack /nowhere: not tracked"},
                        Case{"track\n", "t.conf:1: 'track' needs a path"},
                        Case{"track /srv/x /\n", "t.conf:1: path '/srv/x ' ends with white space"}}) {
    auto spec = parse_track_spec(c.text, "t.conf");
    ASSERT_FALSE(spec) << c.text;
    EXPECT_EQ(spec.error().kind, ErrorKind::bad_input);
    EXPECT_NE(spec.error().message.find(c.message), std::string::npos) << spec.error().message;
  }
}

TEST(Spec, MissingFileMeansDefaults) {
  testing::TempDir dir;
  auto spec = load_track_spec(dir.file("none.conf"));
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->file, "built-in defaults");
  dir.write("track.conf", "track /x\n");
  spec = load_track_spec(dir.file("track.conf"));
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->paths, std::vector<std::string>{"/x"});
}

}  // namespace
}  // namespace herd::track
