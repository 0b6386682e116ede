#include "remote/pull.h"

#include <algorithm>
#include <unordered_set>

#include "remote/new_objects.h"
#include "track/history.h"

namespace herd::remote {

using store::Hash;

namespace {

// Objects asked of the remote at once: at most 64 MiB of chunks.
constexpr size_t kPrefetchSlice = 1024;

// Every snapshot of the local ref's history (first parents), newest first.
Result<std::unordered_set<Hash>> local_history(const store::ObjectStore& local, const store::Refs& refs,
                                                const std::string& ref) {
  std::unordered_set<Hash> out;
  auto history = track::load_history(local, refs, ref);
  if (!history) return history.error().with_context("reading the local history");
  for (const auto& c : *history) out.insert(c.id);
  return out;
}

}  // namespace

Result<PullResult> pull_checkpoints(store::ObjectStore& local, store::Refs& local_refs, const std::string& ref,
                                    RemoteStore& remote, const PullOptions& options) {
  PullResult result;
  result.ref = ref;
  auto value = remote.read_ref(ref);
  if (!value) return value.error();
  if (!*value) return failure("{} has no {}: nothing to pull (push from the node first)", remote.describe(), ref);
  result.remote = **value;
  auto before = local_refs.read(ref);
  if (!before) return before.error();
  result.before = *before;

  auto complete = local_history(local, local_refs, ref);
  if (!complete) return complete.error();

  PullProgress progress;
  std::unordered_set<Hash> prefetched;  // fetched ahead of their ensure(): not "present"
  auto keep = [&](const Hash& id, std::string_view file) -> Status {
    auto put = local.insert_encoded(id, file);
    if (!put) return put.error().with_context(fmt::format("object from {}", remote.describe()));
    uint64_t before = progress.objects_fetched++;
    progress.bytes_fetched += file.size();
    if (options.on_progress && before / 64 != progress.objects_fetched / 64) options.on_progress(progress);
    return {};
  };
  ObjectAccess access;
  access.prefetch = [&](const std::vector<Hash>& upcoming) -> Status {
    std::vector<Hash> lacking;
    for (const auto& id : upcoming)
      if (!local.has(id)) lacking.push_back(id);
    // In slices, so that a folder of 100,000 files is not held in memory at once.
    for (size_t start = 0; start < lacking.size(); start += kPrefetchSlice) {
      std::vector<Hash> slice(lacking.begin() + start, lacking.begin() + std::min(lacking.size(), start + kPrefetchSlice));
      auto files = remote.fetch_many(slice);
      if (!files) return files.error();
      for (size_t i = 0; i < slice.size(); ++i) {
        HERD_CHECK(keep(slice[i], (*files)[i]));
        prefetched.insert(slice[i]);
      }
    }
    return {};
  };
  access.ensure = [&](const Hash& id) -> Result<store::ObjectType> {
    if (local.has(id)) {
      if (!prefetched.count(id)) ++result.objects_present;
      return local.peek_type(id);
    }
    auto file = remote.fetch(id);
    if (!file) return file.error();
    HERD_CHECK(keep(id, *file));
    return local.peek_type(id);
  };
  access.read = [&](const Hash& id) { return local.get(id); };

  auto chain = find_new_snapshots(result.remote, [&](const Hash& id) { return complete->count(id) > 0; }, access);
  if (!chain) return chain.error();
  HERD_CHECK(walk_new_objects(*chain, access));
  if (options.on_progress) options.on_progress(progress);
  result.checkpoints = chain->fresh.size();
  result.objects_fetched = progress.objects_fetched;
  result.bytes_fetched = progress.bytes_fetched;
  HERD_CHECK(local.sync());

  result.after = result.before;
  if (result.before && *result.before == result.remote) return result;
  // R is in the local history: the local ref is ahead (or equal); keep it.
  if (complete->count(result.remote)) return result;
  // Fast-forward when the local head is among R's ancestors; the walk stopped there.
  bool fast_forward = !result.before || chain->complete_seen.count(*result.before);
  if (!fast_forward && !options.replace_diverged)
    return failure(
        "the local {} ({}) and the server's ({}) have diverged: the local history has checkpoints the server "
        "lacks; push them first, or replace the local ref with `herd track pull --force`",
        ref, result.before->hex().substr(0, 12), result.remote.hex().substr(0, 12));
  HERD_CHECK(local_refs.compare_and_swap(ref, result.before, result.remote));
  result.after = result.remote;
  result.ref_updated = true;
  return result;
}

}  // namespace herd::remote
