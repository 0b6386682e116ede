#include "image/catalog.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "track/history.h"
#include "track/host_name.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::image {
namespace {

constexpr const char* kRevisions = "revisions/";
constexpr const char* kTags = "tags/";

bool parse_number(std::string_view text, uint64_t& out) {
  if (text.empty() || text[0] == '0') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string image_ref_prefix(const std::string& image) { return "images/" + image + "/"; }
std::string revision_ref(const std::string& image, uint64_t revision) {
  return fmt::format("images/{}/revisions/{}", image, revision);
}
std::string tag_ref(const std::string& image, const std::string& tag) { return "images/" + image + "/tags/" + tag; }

std::string Revision::meta(const std::string& key) const {
  auto it = snapshot.metadata.find(key);
  return it == snapshot.metadata.end() ? std::string() : it->second;
}

std::vector<std::string> ImageRefs::tags_of(const store::Hash& id) const {
  std::vector<std::string> out;
  for (const auto& [tag, hash] : tags)
    if (hash == id) out.push_back(tag);
  return out;
}

Result<std::vector<std::string>> Catalog::images() const {
  auto all = refs_.list("images/");
  if (!all) return all.error();
  std::set<std::string> names;
  for (const auto& [name, hash] : *all) {
    std::string_view rest = std::string_view(name).substr(7);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    if (rest.substr(slash + 1).rfind(kRevisions, 0) == 0) names.insert(std::string(rest.substr(0, slash)));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Result<ImageRefs> Catalog::refs_of(const std::string& image) const {
  if (!valid_image_name(image)) return bad_input("bad image name '{}'", image);
  std::string prefix = image_ref_prefix(image);
  auto all = refs_.list(prefix);
  if (!all) return all.error();
  ImageRefs out;
  for (const auto& [name, hash] : *all) {
    std::string_view rest = std::string_view(name).substr(prefix.size());
    if (rest.rfind(kRevisions, 0) == 0) {
      uint64_t n = 0;
      if (parse_number(rest.substr(std::string_view(kRevisions).size()), n)) out.revisions[n] = hash;
    } else if (rest.rfind(kTags, 0) == 0) {
      out.tags[std::string(rest.substr(std::string_view(kTags).size()))] = hash;
    }
  }
  return out;
}

Result<Revision> Catalog::load(const std::string& image, uint64_t number, const store::Hash& id,
                               const ImageRefs& refs) const {
  auto snapshot = track::load_snapshot(store_, id);
  if (!snapshot) return snapshot.error().with_context(fmt::format("image {}:{}", image, number));
  Revision r;
  r.image = image;
  r.number = number;
  r.id = id;
  r.snapshot = std::move(*snapshot);
  r.tags = refs.tags_of(id);
  return r;
}

Result<Revision> Catalog::resolve(const ImageRef& ref) const {
  auto refs = refs_of(ref.image);
  if (!refs) return refs.error();
  if (refs->revisions.empty()) {
    auto known = images();
    std::string list = known && !known->empty() ? join(*known, ", ") : "none";
    return bad_input("no image called {} (images: {})", ref.image, list);
  }
  if (ref.newest()) {
    auto last = refs->revisions.rbegin();
    return load(ref.image, last->first, last->second, *refs);
  }
  if (ref.revision) {
    auto it = refs->revisions.find(ref.revision);
    if (it == refs->revisions.end())
      return bad_input("image {} has no revision {} (revisions {}..{})", ref.image, ref.revision,
                       refs->revisions.begin()->first, refs->revisions.rbegin()->first);
    return load(ref.image, it->first, it->second, *refs);
  }
  auto tag = refs->tags.find(ref.tag);
  if (tag == refs->tags.end()) {
    std::vector<std::string> names;
    for (const auto& [name, hash] : refs->tags) names.push_back(name);
    return bad_input("image {} has no tag {} (tags: {})", ref.image, ref.tag, names.empty() ? "none" : join(names, ", "));
  }
  for (const auto& [n, id] : refs->revisions)
    if (id == tag->second) return load(ref.image, n, id, *refs);
  return failure("tag {} of image {} names {}, which is no longer one of its revisions", ref.tag, ref.image,
                 tag->second.hex().substr(0, 12));
}

Result<Revision> Catalog::resolve(std::string_view text) const {
  auto ref = parse_image_ref(text);
  if (!ref) return ref.error();
  return resolve(*ref);
}

Result<std::vector<Revision>> Catalog::history(const std::string& image, size_t limit) const {
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  std::vector<Revision> out;
  for (auto it = refs->revisions.rbegin(); it != refs->revisions.rend(); ++it) {
    if (limit && out.size() == limit) break;
    auto r = load(image, it->first, it->second, *refs);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<Revision> Catalog::commit(const std::string& image, const NewRevision& revision) {
  if (!valid_image_name(image)) return bad_input("bad image name '{}'", image);
  store::Snapshot s;
  s.tree = revision.tree;
  s.time_ns = revision.time_ns ? revision.time_ns : now_ns();
  s.author = revision.author.empty() ? track::user_at(track::this_host_name()) : revision.author;
  s.message = revision.message;
  s.metadata = revision.metadata;
  put_settings(revision.settings, s.metadata);
  s.metadata["kind"] = "image";
  s.metadata["image"] = image;
  s.metadata["source"] = revision.source;
  s.metadata["previous"] = revision.previous ? revision.previous->hex() : "";
  // A race with another creator: the loser takes the next number.
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto refs = refs_of(image);
    if (!refs) return refs.error();
    uint64_t number = refs->revisions.empty() ? 1 : refs->revisions.rbegin()->first + 1;
    s.metadata["revision"] = std::to_string(number);
    HERD_CHECK(store::check_snapshot(s, "revision " + std::to_string(number) + " of " + image));
    auto id = store_.put(store::ObjectType::snapshot, store::encode_snapshot(s));
    if (!id) return id.error();
    HERD_CHECK(store_.sync());
    auto swapped = refs_.compare_and_swap(revision_ref(image, number), std::nullopt, *id);
    if (!swapped) {
      if (starts_with(swapped.error().message, "ref conflict:")) continue;
      return swapped.error();
    }
    Revision r;
    r.image = image;
    r.number = number;
    r.id = *id;
    r.snapshot = s;
    return r;
  }
  return failure("image {}: could not number a new revision (other writers keep taking the next number)", image);
}

Status Catalog::tag(const std::string& image, uint64_t number, const std::string& tag) {
  if (!valid_tag_name(tag))
    return bad_input("bad tag '{}': 1-{} characters of A-Z a-z 0-9 . _ -, starting with a letter or digit, not all digits",
                     tag, kMaxImageName);
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  auto it = refs->revisions.find(number);
  if (it == refs->revisions.end()) return bad_input("image {} has no revision {}", image, number);
  std::optional<store::Hash> current;
  if (auto found = refs->tags.find(tag); found != refs->tags.end()) current = found->second;
  if (current == it->second) return {};
  return refs_.compare_and_swap(tag_ref(image, tag), current, it->second);
}

Status Catalog::untag(const std::string& image, const std::string& tag) {
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  auto found = refs->tags.find(tag);
  if (found == refs->tags.end()) return bad_input("image {} has no tag {}", image, tag);
  return refs_.remove(tag_ref(image, tag), found->second);
}

Status Catalog::remove_revision(const std::string& image, uint64_t number) {
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  auto it = refs->revisions.find(number);
  if (it == refs->revisions.end()) return bad_input("image {} has no revision {}", image, number);
  for (const auto& tag : refs->tags_of(it->second)) HERD_CHECK(refs_.remove(tag_ref(image, tag), it->second));
  return refs_.remove(revision_ref(image, number), it->second);
}

Result<size_t> Catalog::remove_image(const std::string& image) {
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  if (refs->revisions.empty()) return bad_input("no image called {}", image);
  for (const auto& [tag, hash] : refs->tags) HERD_CHECK(refs_.remove(tag_ref(image, tag), hash));
  for (const auto& [n, hash] : refs->revisions) HERD_CHECK(refs_.remove(revision_ref(image, n), hash));
  return refs->revisions.size();
}

Result<std::vector<uint64_t>> Catalog::prune(const std::string& image, size_t keep, const std::vector<uint64_t>& pinned,
                                             bool dry_run) {
  auto refs = refs_of(image);
  if (!refs) return refs.error();
  if (refs->revisions.empty()) return bad_input("no image called {}", image);
  std::vector<uint64_t> out;
  size_t seen = 0;
  for (auto it = refs->revisions.rbegin(); it != refs->revisions.rend(); ++it) {
    if (seen++ < keep) continue;
    if (!refs->tags_of(it->second).empty()) continue;
    if (std::find(pinned.begin(), pinned.end(), it->first) != pinned.end()) continue;
    out.push_back(it->first);
  }
  std::sort(out.begin(), out.end());
  if (!dry_run)
    for (uint64_t n : out) HERD_CHECK(refs_.remove(revision_ref(image, n), refs->revisions.at(n)));
  return out;
}

}  // namespace herd::image
