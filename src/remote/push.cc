#include "remote/push.h"

#include <algorithm>

#include "remote/new_objects.h"
#include "store/object_batch.h"

namespace herd::remote {

using store::Hash;

namespace {

// Asks which of `objects` the remote lacks and uploads those in batches.
Status send_missing(const store::ObjectStore& local, const std::string& ref, const std::vector<Hash>& objects,
                    RemoteStore& remote, const PushOptions& options, PushResult& result) {
  auto step = [&](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  auto wanted = remote.missing(objects);
  if (!wanted) return wanted.error();
  step("after-missing");
  result.objects_skipped = result.objects_offered - std::min<uint64_t>(wanted->size(), result.objects_offered);

  PushProgress progress;
  progress.objects_to_send = wanted->size();
  store::ObjectBatch batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return {};
    auto reply = remote.upload(batch.body(), batch.count());
    if (!reply) return reply.error();
    progress.objects_sent += batch.count();
    progress.bytes_sent += batch.size() - batch.count() * store::kBatchRecordOverhead;
    batch.clear();
    if (options.on_progress) options.on_progress(progress);
    if (progress.objects_sent < progress.objects_to_send) step("mid-upload");
    return {};
  };
  for (const Hash& id : *wanted) {
    auto file = local.read_encoded(id);
    if (!file) return file.error().with_context(fmt::format("pushing {}", ref));
    if (!batch.empty() && batch.size() + store::kBatchRecordOverhead + file->size() > options.batch_bytes) HERD_CHECK(flush());
    batch.add(id, *file);
  }
  HERD_CHECK(flush());
  result.objects_sent = progress.objects_sent;
  result.bytes_sent = progress.bytes_sent;

  return {};
}

}  // namespace

Result<PushPlan> plan_push(const store::ObjectStore& local, const std::string& ref, const Hash& head,
                           const std::optional<Hash>& remote_head) {
  PushPlan plan;
  if (remote_head && *remote_head == head) return plan;
  std::vector<Hash> listed;
  ObjectAccess access;
  access.ensure = [&](const Hash& id) -> Result<store::ObjectType> {
    auto type = local.peek_type(id);
    if (!type) return type.error().with_context(fmt::format("pushing {}: the local store lacks or cannot read an object", ref));
    listed.push_back(id);
    return *type;
  };
  access.read = [&](const Hash& id) { return local.get(id); };
  auto is_complete = [&](const Hash& id) { return remote_head && id == *remote_head; };

  auto chain = find_new_snapshots(head, is_complete, access);
  if (!chain) return chain.error();
  if (remote_head && chain->complete_seen.empty())
    return failure(
        "the server's {} ({}) is not in this node's history (local head {}): restore it first with "
        "`herd track restore --node {} latest`, or pull it with `herd track pull`",
        ref, remote_head->hex().substr(0, 12), head.hex().substr(0, 12), ref.substr(ref.rfind('/') + 1));
  HERD_CHECK(walk_new_objects(*chain, access));
  plan.snapshots = chain->fresh;
  // `listed` has each object before the ones it refers to (snapshots head first, then
  // trees before their entries): reversed, entries come first and the head goes last.
  plan.objects.assign(listed.rbegin(), listed.rend());
  return plan;
}

Result<PushResult> push_checkpoints(const store::ObjectStore& local, const store::Refs& local_refs,
                                    const std::string& ref, RemoteStore& remote, const PushOptions& options) {
  auto step = [&](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  PushResult result;
  result.ref = ref;
  auto head = local_refs.read(ref);
  if (!head) return head.error();
  if (!*head) return bad_input("no checkpoint of {} in the local store {}: run herd track checkpoint first", ref, local.root());
  result.head = **head;

  auto before = remote.read_ref(ref);
  if (!before) return before.error();
  result.before = *before;
  if (*before && **before == result.head) {
    result.up_to_date = true;
    step("done");
    return result;
  }

  auto plan = plan_push(local, ref, result.head, *before);
  if (!plan) return plan.error();
  step("planned");
  result.checkpoints = plan->snapshots.size();
  result.objects_offered = plan->objects.size();

  HERD_CHECK(send_missing(local, ref, plan->objects, remote, options, result));
  step("before-ref");
  HERD_CHECK(remote.compare_and_swap(ref, *before, result.head));
  step("done");
  return result;
}

Result<PushResult> push_snapshot(const store::ObjectStore& local, const Hash& head, const std::string& ref,
                                 RemoteStore& remote, const PushOptions& options) {
  auto step = [&](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  PushResult result;
  result.ref = ref;
  result.head = head;
  auto before = remote.read_ref(ref);
  if (!before) return before.error();
  result.before = *before;
  if (*before && **before == head) {
    result.up_to_date = true;
    step("done");
    return result;
  }
  std::vector<Hash> listed;
  ObjectAccess access;
  access.ensure = [&](const Hash& id) -> Result<store::ObjectType> {
    auto type = local.peek_type(id);
    if (!type) return type.error().with_context(fmt::format("pushing {}: the local store lacks or cannot read an object", ref));
    listed.push_back(id);
    return *type;
  };
  access.read = [&](const Hash& id) { return local.get(id); };
  SnapshotChain chain;
  auto type = access.ensure(head);
  if (!type) return type.error();
  if (*type != store::ObjectType::snapshot) return failure("{} is not a snapshot", head.hex());
  chain.fresh.push_back(head);
  if (*before && local.has(**before)) {
    chain.complete_seen.insert(**before);
    chain.bases.emplace(head, **before);
  }
  HERD_CHECK(walk_new_objects(chain, access));
  step("planned");
  result.checkpoints = 1;
  result.objects_offered = listed.size();
  std::vector<Hash> objects(listed.rbegin(), listed.rend());
  HERD_CHECK(send_missing(local, ref, objects, remote, options, result));
  step("before-ref");
  HERD_CHECK(remote.compare_and_swap(ref, *before, head));
  step("done");
  return result;
}

}  // namespace herd::remote
