#include "store/snapshot.h"

#include <algorithm>

#include "store/binary.h"

namespace herd::store {
namespace {

constexpr uint8_t kSnapshotVersion = 1;
constexpr size_t kMaxKey = 255;
constexpr size_t kMaxText = 64ull << 20;  // author, message, a metadata value: bounded by the object limit anyway

std::string snapshot_problem(const Snapshot& s) {
  if (s.tree.is_zero()) return "no tree";
  for (size_t i = 0; i < s.parents.size(); ++i)
    if (s.parents[i].is_zero()) return fmt::format("parent {} is zero", i);
  std::vector<Hash> sorted = s.parents;
  std::sort(sorted.begin(), sorted.end());
  if (auto twice = std::adjacent_find(sorted.begin(), sorted.end()); twice != sorted.end())
    return fmt::format("parent {} is listed twice", twice->hex());
  for (const auto& [key, value] : s.metadata)
    if (key.empty() || key.size() > kMaxKey || key.find('\0') != std::string::npos) return fmt::format("bad metadata key {:?}", key);
  return "";
}

}  // namespace

bool metadata_key_holds_object(std::string_view key) {
  constexpr std::string_view suffix = "_object";
  return key == "packages" || (key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix);
}

Status check_snapshot(const Snapshot& snapshot, const std::string& what) {
  if (std::string problem = snapshot_problem(snapshot); !problem.empty()) return bad_input("{}: {}", what, problem);
  return {};
}

std::string encode_snapshot(const Snapshot& s) {
  std::string out;
  ByteWriter w(out);
  w.u8(kSnapshotVersion);
  w.hash(s.tree);
  w.u32(static_cast<uint32_t>(s.parents.size()));
  for (const Hash& p : s.parents) w.hash(p);
  w.i64(s.time_ns);
  w.str(s.author);
  w.str(s.message);
  w.u32(static_cast<uint32_t>(s.metadata.size()));
  for (const auto& [key, value] : s.metadata) {
    w.str(key);
    w.str(value);
  }
  return out;
}

Result<Snapshot> decode_snapshot(std::string_view bytes, const std::string& what) {
  ByteReader r(bytes);
  auto bad = [&] { return bad_input("{}: bad snapshot: {}", what, r.problem()); };
  Snapshot s;
  uint8_t version;
  uint32_t parents, entries;
  if (!r.u8(version, "version")) return bad();
  if (version != kSnapshotVersion) {
    r.fail(fmt::format("unknown version {}", version));
    return bad();
  }
  if (!r.hash(s.tree, "tree") || !r.u32(parents, "parent count")) return bad();
  if (parents > r.remaining() / 32) {
    r.fail(fmt::format("{} parents cannot fit in {} bytes", parents, r.remaining()));
    return bad();
  }
  s.parents.resize(parents);
  for (uint32_t i = 0; i < parents; ++i)
    if (!r.hash(s.parents[i], "parent")) return bad();
  if (!r.i64(s.time_ns, "time") || !r.str(s.author, kMaxText, "author") || !r.str(s.message, kMaxText, "message") ||
      !r.u32(entries, "metadata count"))
    return bad();
  std::string previous;
  for (uint32_t i = 0; i < entries; ++i) {
    std::string key, value;
    if (!r.str(key, kMaxKey, "metadata key") || !r.str(value, kMaxText, "metadata value")) return bad();
    if (i > 0 && !(previous < key)) {
      r.fail(fmt::format("metadata keys are not strictly increasing ({:?} after {:?})", key, previous));
      return bad();
    }
    previous = key;
    s.metadata.emplace(std::move(key), std::move(value));
  }
  if (std::string problem = snapshot_problem(s); !problem.empty()) {
    r.fail(problem);
    return bad();
  }
  if (!r.at_end()) {
    r.fail(fmt::format("{} bytes after the metadata", r.remaining()));
    return bad();
  }
  return s;
}

}  // namespace herd::store
