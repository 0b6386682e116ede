// Builds small snapshots for the fsck, gc and crash tests: a root folder with files and
// a subfolder, committed to a ref the way a checkpoint is (put, sync, compare-and-swap).
#pragma once

#include "store/file_content.h"
#include "store/snapshot.h"
#include "store/tree.h"
#include "store_fixture.h"

namespace herd::store::testing {

struct BuiltSnapshot {
  Hash snapshot, root_tree, sub_tree;
  std::vector<Hash> file_contents;  // small file's blob, large file's chunks
};

inline TreeEntry file_entry(const std::string& name, const StoredContent& c) {
  TreeEntry e;
  e.name = name;
  e.mode = 0644;
  e.size = c.size;
  e.content = c.hash;
  return e;
}

// Stores: root/{big (chunked), small}, root/sub/{note}; a snapshot with `parents` and
// metadata; sets `ref` (which must hold `expected`).
inline BuiltSnapshot build_snapshot(ObjectStore& store, Refs& refs, const std::string& ref, uint64_t seed,
                                    std::vector<Hash> parents = {}, std::map<std::string, std::string> metadata = {},
                                    std::optional<Hash> expected = std::nullopt) {
  BuiltSnapshot out;
  auto big = must(store_bytes(store, random_bytes(200 * 1024, seed)));
  auto small = must(store_bytes(store, text_bytes(1000, seed)));
  auto note = must(store_bytes(store, "note " + std::to_string(seed)));
  out.file_contents = {big.hash, small.hash, note.hash};
  Tree sub{{file_entry("note", note)}};
  out.sub_tree = must(store.put(ObjectType::tree, encode_tree(sub)));
  TreeEntry folder;
  folder.name = "sub";
  folder.type = EntryType::folder;
  folder.mode = 0755;
  folder.content = out.sub_tree;
  Tree top{{file_entry("big", big), file_entry("small", small), folder}};
  out.root_tree = must(store.put(ObjectType::tree, encode_tree(top)));
  Snapshot s;
  s.tree = out.root_tree;
  s.parents = std::move(parents);
  s.time_ns = static_cast<int64_t>(seed);
  s.metadata = std::move(metadata);
  out.snapshot = must(store.put(ObjectType::snapshot, encode_snapshot(s)));
  EXPECT_TRUE(store.sync());
  auto cas = refs.compare_and_swap(ref, expected, out.snapshot);
  EXPECT_TRUE(cas) << cas.error().message;
  return out;
}

}  // namespace herd::store::testing
