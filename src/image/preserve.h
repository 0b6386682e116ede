// Which paths an image deploy must not touch, or must touch anyway (docs/image.md,
// "Preserved paths"):
//   protected  herd's own state on the node (/var/lib/herd/image, /var/lib/herd/agent):
//              never written, replaced or removed, whatever the image holds there
//   preserved  the defaults and the image's `preserve` globs: created when missing,
//              never replaced, changed or removed once they exist
//   excluded   the capture excludes: not in the image, so never removed from the node
//   override   paths that came from the node's overrides: always applied, preserved or not
// A glob matches an entry's path (a glob with '/') or its name (one without), and a path
// beneath a matching folder counts as matching.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "track/spec.h"
#include "util/result.h"

namespace herd::image {

const std::vector<std::string>& default_preserved_paths();

class PathRules {
 public:
  // Bad globs are bad_input naming them.
  static Result<PathRules> make(const std::vector<std::string>& preserve, const std::vector<std::string>& exclude,
                                const std::vector<std::string>& overrides);
  // No rules at all (checkout, exact copies): nothing preserved, excluded or protected.
  static PathRules none();

  // What applies to the entry at canonical `path`: what applies to its folder (`parent`)
  // plus what its own path and name match. Overrides are not looked at here.
  struct Flags {
    bool protect = false, preserve = false, exclude = false;
  };
  Flags classify(std::string_view path, Flags parent) const;
  bool is_override(std::string_view path) const { return overrides_.count(std::string(path)) > 0; }
  // Whether anything beneath `folder` is an override (the walk must go in).
  bool has_override_beneath(std::string_view folder) const;
  // Whether a protected path, or a preserved or excluded path named by its folder (not
  // only by a glob on names), lies beneath `folder` or is it: removing the folder whole
  // would remove it.
  bool keeps_beneath(std::string_view folder) const;

 private:
  static bool matches(const std::vector<track::SpecRule>& rules, std::string_view path, std::string_view name);
  std::vector<track::SpecRule> preserve_, exclude_;
  std::unordered_set<std::string> overrides_;
  std::vector<std::string> override_list_;  // sorted
  std::vector<std::string> kept_prefixes_;  // folders holding protected or preserved paths
  bool protect_ = true;
};

}  // namespace herd::image
