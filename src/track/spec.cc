#include "track/spec.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "track/glob.h"
#include "track/path.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::track {
namespace {

constexpr std::string_view kDefaultSpec =
    "track /etc\n"
    "track /usr/local\n"
    "track /root/.ssh\n"
    "track /var/spool/cron\n"
    "track /opt\n"
    "exclude *.swp\n"
    "exclude *~\n"
    "exclude .#*\n"
    "exclude /etc/ld.so.cache\n"
    "exclude /etc/.pwd.lock\n"
    "exclude /etc/adjtime\n"
    "exclude /etc/mtab\n";

// Sorts and removes duplicates and paths beneath another tracked path.
void tidy_paths(std::vector<std::string>& paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  std::vector<std::string> kept;
  for (auto& p : paths) {
    bool nested = std::any_of(kept.begin(), kept.end(), [&](const std::string& k) { return path_within(p, k); });
    if (!nested) kept.push_back(std::move(p));
  }
  paths = std::move(kept);
}

Status parse_into(std::string_view text, const std::string& file, TrackSpec& spec, bool defaults_allowed) {
  auto error = [&](int line, std::string what) { return bad_input("{}:{}: {}", file, line, what); };
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    if (line.find('\0') != std::string_view::npos) return error(line_number, "NUL byte in line");
    size_t space = line.find_first_of(" \t");
    std::string keyword = to_lower(line.substr(0, space));
    std::string_view value = space == std::string_view::npos ? std::string_view() : trim(line.substr(space));
    if (line[0] == '/') {  // a bare path is short for "track PATH"
      keyword = "track";
      value = line;
    }
    if (keyword == "defaults") {
      if (!value.empty()) return error(line_number, "'defaults' takes no value");
      if (!defaults_allowed) return error(line_number, "'defaults' inside the defaults");
      HERD_CHECK(parse_into(kDefaultSpec, "built-in defaults", spec, false));
    } else if (keyword == "track" || keyword == "untrack") {
      if (value.empty()) return error(line_number, fmt::format("'{}' needs a path", keyword));
      auto path = normalize_path(value);
      if (!path) return error(line_number, path.error().message);
      // "/srv/x /" would name "/srv/x ", which no line can write back (lines are trimmed).
      if (trim(*path) != *path)
        return error(line_number, fmt::format("path '{}' ends with white space", *path));
      if (keyword == "track") {
        spec.paths.push_back(*path);
      } else {
        auto it = std::find(spec.paths.begin(), spec.paths.end(), *path);
        if (it == spec.paths.end())
          return error(line_number, fmt::format("untrack {}: not tracked by an earlier line", *path));
        spec.paths.erase(it);
      }
    } else if (keyword == "exclude" || keyword == "include") {
      if (value.empty()) return error(line_number, fmt::format("'{}' needs a glob", keyword));
      if (!valid_glob(value)) return error(line_number, fmt::format("bad glob '{}'", value));
      SpecRule rule;
      rule.include = keyword == "include";
      rule.pattern = std::string(value);
      rule.whole_path = value.find('/') != std::string_view::npos;
      if (rule.whole_path && value[0] != '/' && value.substr(0, 3) != "**/")
        return error(line_number, fmt::format("glob '{}' contains '/' so it must start with '/' or '**/'", value));
      spec.rules.push_back(std::move(rule));
    } else {
      return error(line_number,
                   fmt::format("unknown directive '{}' (track, untrack, exclude, include, defaults)", keyword));
    }
  }
  return {};
}

}  // namespace

bool TrackSpec::excluded(std::string_view path) const {
  std::string_view name = base_name(path);
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    if (glob_match(it->pattern, it->whole_path ? path : name)) return !it->include;
  return false;
}

bool TrackSpec::within_tracked(std::string_view path) const {
  return std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return path_within(path, p); });
}

std::string TrackSpec::text() const {
  std::string out;
  for (const auto& p : paths) out += fmt::format("track {}\n", p);
  for (const auto& r : rules) out += fmt::format("{} {}\n", r.include ? "include" : "exclude", r.pattern);
  return out;
}

TrackSpec default_track_spec() {
  TrackSpec spec;
  spec.file = "built-in defaults";
  auto status = parse_into(kDefaultSpec, spec.file, spec, false);
  (void)status;  // the built-in text is valid (tested)
  tidy_paths(spec.paths);
  return spec;
}

Result<TrackSpec> parse_track_spec(std::string_view text, const std::string& file) {
  TrackSpec spec;
  spec.file = file;
  HERD_CHECK(parse_into(text, file, spec, true));
  tidy_paths(spec.paths);
  return spec;
}

Result<TrackSpec> load_track_spec(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return default_track_spec();
    return failure("{}: {}", path, std::strerror(errno));
  }
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_track_spec(*text, path);
}

}  // namespace herd::track
