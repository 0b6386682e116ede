// herd image update on an enrolled node (docs/image.md, "Deploying"): one conditional
// GET for the plan (a no-change update ends there), the objects by cacheable batch GETs,
// the deploy, then the outcome reported back for `herd image status`.
#include <filesystem>

#include "cli/context.h"
#include "cli/image_update.h"
#include "cli/output.h"
#include "image/deploy_state.h"
#include "remote/http_object_source.h"
#include "remote/image_client.h"

namespace herd::cli {
namespace {

void report(remote::HttpClientPool& pool, const image::ImageReport& r) {
  auto client = pool.take();
  auto sent = client ? remote::send_image_report(*client, r) : Status(client.error());
  if (!sent) notice("warning: the frontend was not told the outcome: {}", sent.error().message);
  if (client) pool.give(std::move(*client));
}

}  // namespace

void run_node_update(Context& context, const UpdateFlags& flags) {
  auto remote_target = resolve_remote(flags.remote);
  // One pool for the plan, the objects and the report: the plan's connection is the first
  // fetcher's, and the report goes out on one that is still open.
  auto pool = std::make_shared<remote::HttpClientPool>(remote_target.http);
  auto client = unwrap(pool->take());
  std::error_code ec;
  std::filesystem::create_directories(flags.root, ec);
  if (ec) fail(failure("{}: {}", flags.root, ec.message()));
  auto state = unwrap(image::DeployState::open(flags.root));
  auto before = unwrap(state.load());

  // The plan's ETag is what the root runs: a 304 means there is nothing to do. A verify
  // or a dry run needs the plan itself.
  std::string etag;
  if (before && !flags.verify && !flags.dry_run) etag = image::image_plan_etag(before->snapshot, before->tree);
  auto plan = unwrap(remote::fetch_image_plan(client, flags.revision, etag));
  if (!plan) {
    if (context.json) {
      print_json({{"before", {{"image", before->image}, {"revision", before->revision}}},
                  {"after", {{"image", before->image}, {"revision", before->revision}}},
                  {"changed", false},
                  {"requests", 1}});
    } else {
      fmt::print("{} {}:{} is up to date\n", flags.root, before->image, before->revision);
    }
    return;
  }

  pool->give(std::move(client));
  auto source = remote::http_object_source(pool, flags.jobs);
  image::ImageReport outcome;
  try {
    auto done = run_deploy_printing(context, flags.root, *source, plan->target(remote_target.http.base_url), flags);
    if (flags.dry_run) return;
    outcome.deployed = done.result.after;
    outcome.reboot_needed = done.result.reboot_needed;
    outcome.reboot_reasons = done.result.reboot_reasons;
    outcome.repaired = done.result.repaired.size();
  } catch (const CommandError& e) {
    if (flags.dry_run) throw;
    if (before) outcome.deployed = *before;
    outcome.error = e.error.message;
    report(*pool, outcome);
    throw;
  }
  report(*pool, outcome);
}

}  // namespace herd::cli
