// fleet_perftest: the frontend-wide views on a store holding many nodes (not a ctest test;
// run by hand). Makes one real checkpoint of a scratch root with PACKAGES dpkg packages,
// then N node checkpoints derived from it: each node gets its own /etc/hostname (so its
// root and /etc trees are distinct, as on a real cluster), every 50th node another
// /etc/hosts, and every 100th node another package list. Then times loading the
// checkpoints, compare_path() on a shared and on a per-node file, the package lists,
// where_package() and package_drift().
//
//   build/tests/track/fleet_perftest [N [STORE_DIR [PACKAGES]]]
//
// With STORE_DIR the store is kept there (nodes are compute-0-0 ...) to time the CLI:
//   herd node add compute-0-[0-9999] -a compute; herd track compare @compute /etc/hosts --store STORE_DIR
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "store/file_content.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "store/tree.h"
#include "track/checkpoint.h"
#include "track/fleet.h"
#include "track/fleet_files.h"
#include "track/fleet_packages.h"
#include "track/history.h"
#include "util/atomic_file.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace herd;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}
void must(Status s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
    std::exit(1);
  }
}

std::string dpkg_status(int packages, int variant) {
  std::string out;
  for (int i = 0; i < packages; ++i)
    out += "Package: pkg" + std::to_string(i) + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1." +
           std::to_string(i == variant ? 1 : 0) + "-1\n\n";
  return out;
}

// Replaces (or adds) entry `name` of tree `hash` with `entry`; returns the new tree.
store::Hash with_entry(store::ObjectStore& s, const store::Hash& hash, store::TreeEntry entry) {
  auto tree = must(store::decode_tree(must(s.get(hash, store::ObjectType::tree), "get tree"), "tree"), "decode");
  bool found = false;
  for (auto& e : tree.entries)
    if (e.name == entry.name) {
      e = entry;
      found = true;
    }
  if (!found) std::abort();
  return must(s.put(store::ObjectType::tree, store::encode_tree(tree)), "put tree");
}

store::TreeEntry entry_of(store::ObjectStore& s, const store::Hash& tree, const std::string& name) {
  auto t = must(store::decode_tree(must(s.get(tree, store::ObjectType::tree), "get tree"), "tree"), "decode");
  for (auto& e : t.entries)
    if (e.name == name) return e;
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string keep = argc > 2 ? argv[2] : "";
  int packages = argc > 3 ? std::atoi(argv[3]) : 1500;
  char scratch_template[] = "/tmp/herd-fleet-perf-XXXXXX";
  std::string scratch = ::mkdtemp(scratch_template);
  std::string root = scratch + "/root", store_root = keep.empty() ? scratch + "/store" : keep;
  std::filesystem::create_directories(root + "/etc");
  std::filesystem::create_directories(root + "/var/lib/dpkg");
  must(write_file_atomically(root + "/etc/hostname", "template\n"), "write");
  must(write_file_atomically(root + "/etc/hosts", "127.0.0.1 localhost\n"), "write");
  for (int i = 0; i < 200; ++i)
    must(write_file_atomically(root + "/etc/file" + std::to_string(i) + ".conf", "setting " + std::to_string(i) + "\n"),
         "write");
  must(write_file_atomically(root + "/var/lib/dpkg/status", dpkg_status(packages, -1)), "write");
  must(write_file_atomically(scratch + "/track.conf", "track /etc\n"), "write");

  track::Site site{root, scratch + "/track.conf", store_root, "template"};
  auto start = Clock::now();
  auto base = must(track::checkpoint(site, {}), "checkpoint");
  auto s = must(store::ObjectStore::open(store_root), "open");
  auto snapshot = must(track::load_snapshot(s, base.id), "snapshot");
  auto etc = entry_of(s, base.tree, "etc");
  auto hosts = entry_of(s, etc.content, "hosts");
  auto hostname = entry_of(s, etc.content, "hostname");
  std::printf("template checkpoint: %.2f s\n", seconds_since(start));

  start = Clock::now();
  std::filesystem::create_directories(store_root + "/refs/checkpoints");
  for (int i = 0; i < n; ++i) {
    std::string node = "compute-0-" + std::to_string(i);
    auto e = etc;
    auto name_entry = hostname;
    name_entry.content = must(store::store_bytes(s, node + "\n"), "blob").hash;
    name_entry.size = node.size() + 1;
    e.content = with_entry(s, etc.content, name_entry);
    if (i % 50 == 1) {
      auto h = hosts;
      h.content = must(store::store_bytes(s, "127.0.0.1 localhost\n10.0.0.1 other\n"), "blob").hash;
      e.content = with_entry(s, e.content, h);
    }
    auto snap = snapshot;
    snap.parents.clear();
    snap.tree = with_entry(s, base.tree, e);
    snap.metadata["host"] = node;
    if (i % 100 == 2)
      snap.metadata["packages"] =
          must(s.put(store::ObjectType::blob,
                     "herd-packages 1 dpkg\n" + std::string("pkg0\t1.") + std::to_string(i % 7) + "-1\tamd64\n"),
               "put")
              .hex();
    auto id = must(s.put(store::ObjectType::snapshot, store::encode_snapshot(snap)), "put snapshot");
    // Refs written directly (no fsync per node): this is test data, not a commit.
    std::FILE* f = std::fopen((store_root + "/refs/checkpoints/" + node).c_str(), "w");
    std::fprintf(f, "%s\n", id.hex().c_str());
    std::fclose(f);
  }
  must(s.sync(), "sync");
  std::printf("made %d node checkpoints: %.2f s\n", n, seconds_since(start));

  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("compute-0-" + std::to_string(i));
  store::Refs refs(store_root);
  start = Clock::now();
  auto fleet = must(track::load_fleet_checkpoints(s, refs, nodes), "load");
  std::printf("load_fleet_checkpoints: %.3f s\n", seconds_since(start));
  for (const char* path : {"/etc/hosts", "/etc/hostname", "/etc/nothing"}) {
    start = Clock::now();
    auto cmp = must(track::compare_path(s, fleet, path), "compare");
    std::printf("compare_path %s: %.3f s, %zu groups\n", path, seconds_since(start), cmp.groups.size());
  }
  start = Clock::now();
  auto lists = track::load_fleet_packages(s, fleet);
  std::printf("load_fleet_packages: %.3f s\n", seconds_since(start));
  start = Clock::now();
  auto where = track::where_package(lists, {"pkg0", ""});
  std::printf("where_package: %.3f s, %zu groups\n", seconds_since(start), where.size());
  std::map<std::string, std::string> appliance_of;
  for (const auto& node : nodes) appliance_of[node] = "compute";
  start = Clock::now();
  auto drift = track::package_drift(lists, appliance_of);
  std::printf("package_drift: %.3f s, %zu differing groups\n", seconds_since(start), drift[0].drifts.size());
  if (keep.empty()) std::filesystem::remove_all(scratch);
  else std::filesystem::remove_all(root);
  return 0;
}
