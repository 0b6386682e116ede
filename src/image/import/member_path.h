// Member names of archives being imported (tar entries, hardlink targets, paths named by
// an OCI or docker manifest) and the whiteout names of image layers.
//
// A member name becomes a path inside the image and nothing else: nothing is ever written
// to disk, so the only danger is a name that means something other than it says. Names
// are therefore taken literally or refused: "./" prefixes, repeated and trailing slashes
// and "." components are dropped (tar writes them); an absolute name, a ".." component,
// a NUL byte, or a component longer than 255 bytes is refused as bad input naming the
// member. (A path *through a symlink* of the archive is refused where the tree is built:
// import_tree.h.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::image::import {

// The components of member `name` ("" or "." is the root: no components). `what` names
// the archive in errors.
Result<std::vector<std::string>> member_components(std::string_view name, std::string_view what);

// "/a/b" for components {a, b}; "/" for none.
std::string canonical_path(const std::vector<std::string>& parts);

// What a layer entry's last component says about whiteouts (OCI image spec, "Whiteouts").
enum class Whiteout {
  none,     // an ordinary entry
  remove,   // ".wh.NAME": NAME of the lower layers is removed
  opaque,   // ".wh..wh..opq": the folder's lower contents are hidden
  meta,     // another ".wh..wh." name (aufs bookkeeping): ignored
};
// Classifies `name`; for Whiteout::remove sets `target` to NAME (bad input when NAME is
// empty, "." or ".." — the caller names the member).
Result<Whiteout> classify_whiteout(std::string_view name, std::string& target);

}  // namespace herd::image::import
