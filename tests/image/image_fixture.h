// A scratch store with an image catalog, golden roots to capture and roots to deploy to,
// for the image tests: helpers to make entries of every kind with chosen metadata, to
// capture a root as a revision, to deploy one, and to fingerprint a whole live tree
// (every entry and every piece of metadata) for exact comparisons.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "image/capture.h"
#include "image/catalog.h"
#include "image/deploy.h"
#include "store/object_store.h"
#include "store/object_stream.h"
#include "store/refs.h"
#include "temp_dir.h"
#include "track/accounts.h"
#include "track/beneath.h"
#include "track/recorder.h"
#include "track/spec.h"
#include "track/stored_trees.h"
#include "util/atomic_file.h"

namespace herd::image::testing {

// A time safely in the past (2020-01-01), so stat cache entries are trusted.
inline constexpr int64_t kOld = 1577836800LL * 1'000'000'000;

inline bool running_as_root() { return ::geteuid() == 0; }

template <typename T>
T must(Result<T> r) {
  if (!r) ADD_FAILURE() << r.error().message;
  return std::move(r).value();
}
inline void must(Status s) {
  if (!s) ADD_FAILURE() << s.error().message;
}

// Counts what a source is asked for, and can corrupt one object on the way.
class CountingSource : public store::ObjectSource {
 public:
  explicit CountingSource(const store::ObjectStore& store) : inner_(store::local_object_source(store)) {}
  std::unique_ptr<store::ObjectStream> stream(std::vector<store::Hash> hashes) override {
    ++streams;
    objects += hashes.size();
    if (!corrupt) return inner_->stream(std::move(hashes));
    return std::make_unique<Corrupting>(inner_->stream(hashes), *corrupt);
  }
  std::string describe() const override { return "test source"; }
  size_t streams = 0, objects = 0;
  std::optional<store::Hash> corrupt;  // this object is refused as a real source would

 private:
  struct Corrupting : store::ObjectStream {
    Corrupting(std::unique_ptr<store::ObjectStream> inner, store::Hash bad) : inner(std::move(inner)), bad(bad) {}
    Result<store::SourcedObject> next() override {
      auto got = inner->next();
      if (got && got->hash == bad) return failure("object {} from test source failed verification: hash mismatch", bad.hex());
      return got;
    }
    std::unique_ptr<store::ObjectStream> inner;
    store::Hash bad;
  };
  std::unique_ptr<store::ObjectSource> inner_;
};

class ImageFixture : public ::testing::Test {
 protected:
  ImageFixture() {
    store_ = std::make_unique<store::ObjectStore>(must(store::ObjectStore::init(dir_.path() + "/store")));
    catalog_ = std::make_unique<Catalog>(*store_, store::Refs(dir_.path() + "/store"));
    std::filesystem::create_directories(golden());
    std::filesystem::create_directories(node());
  }

  std::string golden() const { return dir_.path() + "/golden"; }
  std::string node() const { return dir_.path() + "/node"; }
  std::string in(const std::string& root, const std::string& path) const { return root + path; }

  void set_mtime(const std::string& path, int64_t ns = kOld) {
    struct timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
  }
  void folder(const std::string& path, unsigned mode = 0755) {
    std::filesystem::create_directories(path);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }
  void write(const std::string& path, const std::string& content, unsigned mode = 0644) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    ASSERT_TRUE(write_file_atomically(path, content, mode));
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    set_mtime(path);
  }
  std::string read(const std::string& path) {
    auto text = read_file(path);
    return text ? *text : "<unreadable: " + text.error().message + ">";
  }
  static std::string random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng());
    return out;
  }

  // A golden root with one of everything an OS tree holds.
  void make_rich_golden() {
    std::string g = golden();
    write(g + "/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n");
    write(g + "/etc/group", "root:x:0:\nstaff:x:1001:\n");
    write(g + "/etc/motd", "welcome\n");
    write(g + "/etc/shadow", "root:*:1::::::\n", 0640);
    write(g + "/etc/empty", "");
    write(g + "/usr/bin/tool", "#!/bin/sh\necho tool\n", 0755);
    write(g + "/usr/bin/sudo", "#!/bin/sh\n", 04755);
    write(g + "/usr/lib/big.so", random_bytes(3 << 20, 1), 0644);
    write(g + "/usr/lib/text.dat", std::string(200 * 1024, 't'));
    ASSERT_EQ(::link((g + "/usr/lib/big.so").c_str(), (g + "/usr/lib/big-link.so").c_str()), 0);
    ASSERT_EQ(::symlink("big.so", (g + "/usr/lib/libbig.so").c_str()), 0);
    ASSERT_EQ(::symlink("/etc/motd", (g + "/usr/motd-abs").c_str()), 0);
    ASSERT_EQ(::mkfifo((g + "/etc/initctl").c_str(), 0600), 0);
    // lastlog's case: 64 MiB apparent, a few bytes of data.
    std::string sparse = g + "/var/log/lastlog";
    std::filesystem::create_directories(g + "/var/log");
    {
      int fd = ::open(sparse.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0664);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(::pwrite(fd, "abc", 3, 5 << 20), 3);
      ASSERT_EQ(::ftruncate(fd, 64 << 20), 0);
      ::close(fd);
    }
    set_mtime(sparse);
    folder(g + "/var/lib/herd");  // as on any node herd manages; the deploy state goes beneath
    folder(g + "/tmp", 01777);
    folder(g + "/srv/empty", 0750);
    if (running_as_root()) {
      ASSERT_EQ(::mknod((g + "/etc/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
      ASSERT_EQ(::chown((g + "/etc/shadow").c_str(), 0, 1001), 0);
      ASSERT_EQ(::lchown((g + "/usr/motd-abs").c_str(), 1001, 1001), 0);
      ASSERT_EQ(::chmod((g + "/usr/bin/sudo").c_str(), 04755), 0);
      // A file capability, as setcap cap_net_raw+ep writes it (VFS_CAP_REVISION_2).
      const unsigned char cap[20] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x20,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
      has_caps_ = ::setxattr((g + "/usr/bin/tool").c_str(), "security.capability", cap, sizeof cap, 0) == 0;
    }
    xattrs_ = ::setxattr((g + "/etc/motd").c_str(), "user.note", "kept", 4, 0) == 0;
    // An access ACL: user 1001 may read.
    std::string acl;
    auto put = [&](auto v) { acl.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put(uint32_t{2});
    for (auto [tag, perm, id] : std::vector<std::tuple<uint16_t, uint16_t, uint32_t>>{
             {0x01, 6, ~0u}, {0x02, 4, 1001}, {0x04, 4, ~0u}, {0x10, 4, ~0u}, {0x20, 4, ~0u}})
      put(tag), put(perm), put(id);
    acls_ = ::setxattr((g + "/etc/shadow").c_str(), "system.posix_acl_access", acl.data(), acl.size(), 0) == 0;
    for (const char* p : {"/usr/lib/libbig.so", "/usr/motd-abs", "/etc/initctl", "/etc", "/usr/bin", "/usr/lib", "/usr",
                          "/var/log", "/var/lib/herd", "/var/lib", "/var", "/srv/empty", "/srv", "/tmp"})
      set_mtime(g + p);
    if (running_as_root()) set_mtime(g + "/etc/null"), set_mtime(g + "/etc");
    set_mtime(g + "/usr/lib/big-link.so");
  }

  // Captures `root` as the next revision of `name` (default excludes, plus `excludes`).
  Revision capture(const std::string& name, const std::string& root = "", std::vector<std::string> excludes = {},
                   ImageSettings settings = {}) {
    CaptureOptions options;
    options.excludes = excludes;
    auto captured = must(capture_root(*store_, root.empty() ? golden() : root, options));
    NewRevision r;
    r.tree = captured.tree;
    r.settings = settings;
    r.settings.exclude = excludes;
    r.metadata = captured.metadata();
    return must(catalog_->commit(name, r));
  }

  DeployedState target_of(const Revision& r) {
    DeployedState t;
    t.image = r.image;
    t.revision = r.number;
    t.snapshot = r.id;
    t.image_tree = r.snapshot.tree;
    t.tree = r.snapshot.tree;
    t.source = "test";
    auto s = r.settings();
    t.preserve = s.preserve;
    t.exclude = s.exclude;
    return t;
  }

  Result<DeployResult> deploy_to(const std::string& root, const Revision& r, DeployOptions options = {},
                                 store::ObjectSource* source = nullptr) {
    auto local = store::local_object_source(*store_);
    return deploy(root, source ? *source : *local, target_of(r), options);
  }

  // The tree a live root would be recorded as: every entry beneath it with all its
  // metadata, leaving out what `excludes` (tracking-spec globs) name. Equal hashes mean
  // equal trees, to the last xattr and nanosecond. The deploy state is left out by default:
  // reading its tree store refreshes the packs' mtimes (gc's grace), even in a dry run.
  store::Hash fingerprint(const std::string& root, const std::vector<std::string>& excludes = {"/var/lib/herd/image"}) {
    std::string text;
    for (const auto& e : excludes) text += "exclude " + e + "\n";
    auto spec = must(track::parse_track_spec(text, "fingerprint"));
    auto& scratch = fingerprints();
    auto fd = must(track::open_root(root));
    auto accounts = track::Accounts::parse("", "");  // numbers only: names come from this host otherwise
    track::RecordOptions options;
    options.spec = &spec;
    options.whole_root = true;
    options.threads = 1;
    auto recorded = must(track::record_tree(scratch, fd.get(), accounts, options));
    return recorded.tree;
  }
  // The store fingerprint() records into.
  store::ObjectStore& fingerprints() {
    if (!fingerprints_)
      fingerprints_ = std::make_unique<store::ObjectStore>(must(store::ObjectStore::init(dir_.path() + "/fingerprints")));
    return *fingerprints_;
  }
  // The image's tree with user and group names left out, as fingerprint() records them.
  store::Hash fingerprint_of(const Revision& r) {
    std::string checkout = dir_.path() + "/checkout-" + std::to_string(++checkouts_);
    std::filesystem::create_directories(checkout);
    DeployOptions options;
    options.exact = true;
    options.record = false;
    auto local = store::local_object_source(*store_);
    must(deploy(checkout, *local, target_of(r), options));
    return fingerprint(checkout);
  }

  // Temporary files a deploy left anywhere beneath `root`.
  std::vector<std::string> leftovers(const std::string& root) {
    std::vector<std::string> out;
    for (auto& e : std::filesystem::recursive_directory_iterator(root))
      if (e.path().filename().string().rfind(".herd-image-", 0) == 0) out.push_back(e.path().string());
    return out;
  }

  herd::testing::TempDir dir_;
  std::unique_ptr<store::ObjectStore> store_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<store::ObjectStore> fingerprints_;
  bool has_caps_ = false, xattrs_ = false, acls_ = false;
  int checkouts_ = 0;
};

}  // namespace herd::image::testing
