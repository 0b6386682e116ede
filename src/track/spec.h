// The tracking spec: which paths beneath a root `herd track` records. Text format, one
// directive a line, '#' starts a comment line:
//
//   # /etc/herd/track.conf
//   defaults              # the built-in set below, at this point
//   track /srv/app        # record this path and everything beneath it
//   /srv/data             # a bare path is short for "track /srv/data"
//   untrack /opt          # drop a path tracked by an earlier line
//   exclude *.swp         # not recorded (and an excluded folder is not walked)
//   include /etc/keep.swp # recorded after all
//
// Paths are absolute as seen from the root. A glob without '/' matches an entry's name,
// a glob with '/' its whole path (it must then start with '/' or "**/"); syntax in glob.h.
// For each entry the last include/exclude line that matches decides; none = recorded.
// Nothing beneath an excluded folder is recorded, whatever later lines say.
// Without a file the built-in defaults apply. Parse errors are bad_input "file:line: what".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::track {

struct SpecRule {
  bool include = false;
  std::string pattern;
  bool whole_path = false;  // pattern contains '/': matched against the whole path
};

struct TrackSpec {
  std::string file;                // where it was read from, or "built-in defaults"
  std::vector<std::string> paths;  // canonical, sorted, none beneath another
  std::vector<SpecRule> rules;     // in file order

  // Whether the entry at canonical `path` is excluded by the rules (ancestors are not
  // looked at: the walker never descends into an excluded folder).
  bool excluded(std::string_view path) const;
  // Whether `path` is a tracked path or lies beneath one.
  bool within_tracked(std::string_view path) const;
  // The spec as text that parse_track_spec reads back to an equal spec (without `file`).
  std::string text() const;
};

// The built-in defaults (see track.md): /etc, /usr/local, /root/.ssh, /var/spool/cron,
// /opt, excluding editor leftovers and a few files the system rewrites on its own.
TrackSpec default_track_spec();

Result<TrackSpec> parse_track_spec(std::string_view text, const std::string& file);

// Reads `path` if it exists, else returns the defaults. Read errors are failures.
Result<TrackSpec> load_track_spec(const std::string& path);

}  // namespace herd::track
