#include "image/deploy_apply.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <unordered_map>

#include "store/file_content.h"
#include "track/apply_metadata.h"
#include "track/beneath.h"
#include "track/path.h"
#include "track/unique_fd.h"
#include "util/sparse_writer.h"
#include "util/time_text.h"

namespace herd::image {
namespace {

using store::EntryType;
using store::Hash;
using store::TreeEntry;
using track::UniqueFd;

std::string temp_name() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  return fmt::format(".herd-image-{}-{:x}", ::getpid(), salt ^ (++counter * 0x9E3779B97F4A7C15ull));
}

mode_t mknod_type(EntryType type) {
  switch (type) {
    case EntryType::char_device: return S_IFCHR;
    case EntryType::block_device: return S_IFBLK;
    case EntryType::fifo: return S_IFIFO;
    case EntryType::socket: return S_IFSOCK;
    default: return 0;
  }
}

track::Owner owner_of(const TreeEntry& e) { return track::Owner{e.uid, e.gid}; }

bool is_chunked(const TreeEntry& e) { return e.type == EntryType::file && e.size > store::kSingleBlobLimit; }

// File content in the order the stage asks for it: each object is fetched once, at its
// first use, and kept in memory only while later uses remain.
class ContentFeed {
 public:
  ContentFeed(store::ObjectSource& source, const std::vector<Hash>& order) : source_(source) {
    std::vector<Hash> unique;
    for (const Hash& h : order)
      if (uses_[h]++ == 0) unique.push_back(h);
    if (!unique.empty()) stream_ = source_.stream(std::move(unique));
  }

  // The blob `hash`: the next object the order names.
  Result<std::shared_ptr<const std::string>> take(const Hash& hash, DeployResult& result) {
    auto cached = cache_.find(hash);
    if (cached != cache_.end()) {
      auto out = cached->second;
      if (--uses_[hash] == 0) cache_.erase(cached);
      return out;
    }
    if (!stream_) return failure("internal error: content {} was not planned", hash.hex());
    auto got = stream_->next();
    if (!got) return got.error();
    if (got->hash != hash) return failure("internal error: content {} arrived where {} was expected", got->hash.hex(), hash.hex());
    if (got->object.type != store::ObjectType::blob)
      return failure("{}: object {} is a {}, where file content was expected", source_.describe(), hash.hex(),
                     store::object_type_name(got->object.type));
    ++result.objects_fetched;
    result.bytes_fetched += got->wire_bytes;
    auto out = std::make_shared<const std::string>(std::move(got->object.payload));
    if (--uses_[hash] > 0) cache_.emplace(hash, out);
    return out;
  }

  // One blob outside the order (a chunk that could not be reused after all).
  Result<std::string> fetch_one(const Hash& hash, DeployResult& result) {
    auto stream = source_.stream({hash});
    auto got = stream->next();
    if (!got) return got.error();
    if (got->object.type != store::ObjectType::blob)
      return failure("{}: object {} is not file content", source_.describe(), hash.hex());
    ++result.objects_fetched;
    result.bytes_fetched += got->wire_bytes;
    return std::move(got->object.payload);
  }

 private:
  store::ObjectSource& source_;
  std::unique_ptr<store::ObjectStream> stream_;
  std::unordered_map<Hash, int> uses_;
  std::unordered_map<Hash, std::shared_ptr<const std::string>> cache_;
};

// The chunks of the deployed file that the new content can reuse: hash -> offset.
std::unordered_map<Hash, std::pair<uint64_t, uint64_t>> reusable_chunks(const Plan& plan, const PlannedOp& op) {
  std::unordered_map<Hash, std::pair<uint64_t, uint64_t>> out;
  if (!op.old || !is_chunked(*op.old) || !op.exists || op.live_is_folder) return out;
  auto it = plan.chunk_lists.find(op.old->content);
  if (it == plan.chunk_lists.end()) return out;
  uint64_t offset = 0;
  for (const auto& c : it->second) {
    out.emplace(c.hash, std::pair(offset, c.size));
    offset += c.size;
  }
  return out;
}

class Stager {
 public:
  Stager(Plan& plan, ApplyContext& c) : plan_(plan), c_(c) {}

  // The objects the stage will take, in order (deploy.h: "in the order the staging needs").
  std::vector<Hash> content_order() {
    std::vector<Hash> out;
    visit_writes(0, [&](const PlannedOp& op) {
      if (op.entry.type != EntryType::file || op.entry.size == 0) return;
      if (!is_chunked(op.entry)) {
        out.push_back(op.entry.content);
        return;
      }
      auto reuse = reusable_chunks(plan_, op);
      for (const auto& chunk : plan_.chunk_lists.at(op.entry.content))
        if (!reuse.count(chunk.hash)) out.push_back(chunk.hash);
    });
    return out;
  }

  Status run() {
    feed_ = std::make_unique<ContentFeed>(*c_.source, content_order());
    UniqueFd root(::fcntl(c_.root_fd, F_DUPFD_CLOEXEC, 0));
    if (!root) return failure("{}: {}", c_.root, std::strerror(errno));
    return stage_existing(0, root.get());
  }

 private:
  template <typename F>
  void visit_writes(size_t folder, const F& f) {
    for (const PlannedOp& op : plan_.folders[folder].ops) {
      if (op.op == EntryOp::write) f(op);
      if (op.op == EntryOp::folder) visit_writes(op.folder, f);
    }
  }

  void progress(uint64_t bytes) {
    ++done_files_;
    done_bytes_ += bytes;
    if (c_.options->on_progress)
      c_.options->on_progress(
          DeployProgress{"stage", done_files_, plan_.files_to_write, done_bytes_, plan_.bytes_to_write});
  }

  // A folder that exists: leftovers go, new entries are staged under temporary names.
  Status stage_existing(size_t index, int fd) {
    FolderPlan& folder = plan_.folders[index];
    struct stat before {};
    if (::fstat(fd, &before) == 0) folder_times_.emplace_back(folder.path, before.st_mtim);
    for (const auto& name : folder.leftovers) HERD_CHECK(track::remove_at(fd, name, track::join_path(folder.path, name)));
    for (PlannedOp& op : folder.ops) {
      std::string path = track::join_path(folder.path, op.name);
      if (op.op == EntryOp::write) {
        op.temp = temp_name();
        staged_files_.push_back(StagedFile{path, op.temp});
        HERD_CHECK(stage_entry(fd, op.temp, path, op));
      } else if (op.op == EntryOp::folder) {
        FolderPlan& child = plan_.folders[op.folder];
        if (child.create) {
          child.temp = temp_name();
          HERD_CHECK(stage_new_folder(op.folder, fd, child.temp));
        } else {
          UniqueFd child_fd(track::open_folder_at(fd, op.name.c_str()));
          if (!child_fd) return failure("{}: {}", path, std::strerror(errno));
          HERD_CHECK(stage_existing(op.folder, child_fd.get()));
        }
      }
    }
    return {};
  }

  // A folder that does not exist yet, built whole as `name` in `parent`: its entries get
  // their final names inside it.
  Status stage_new_folder(size_t index, int parent, const std::string& name) {
    FolderPlan& folder = plan_.folders[index];
    if (::mkdirat(parent, name.c_str(), 0700) != 0) return failure("{}: mkdir: {}", folder.path, std::strerror(errno));
    staged_.push_back(index);
    UniqueFd fd(track::open_folder_at(parent, name.c_str()));
    if (!fd) return failure("{}: {}", folder.path, std::strerror(errno));
    for (PlannedOp& op : folder.ops) {
      std::string path = track::join_path(folder.path, op.name);
      if (op.op == EntryOp::write) {
        HERD_CHECK(stage_entry(fd.get(), op.name, path, op));
        if (op.entry.type == EntryType::file) HERD_CHECK(record(fd.get(), op.name, op.entry));
      } else if (op.op == EntryOp::folder) {
        HERD_CHECK(stage_new_folder(op.folder, fd.get(), op.name));
      }
    }
    return track::apply_metadata_fd(fd.get(), folder.entry, owner_of(folder.entry), folder.path, true);
  }

  Status record(int dirfd, const std::string& name, const TreeEntry& e) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
    track::StatRecord r;
    r.dev = st.st_dev;
    r.ino = st.st_ino;
    r.size = static_cast<uint64_t>(st.st_size);
    r.mtime_ns = timespec_ns(st.st_mtim);
    r.ctime_ns = timespec_ns(st.st_ctim);
    r.content = e.content;
    r.xattrs = e.xattrs;
    c_.written.push_back(std::move(r));
    return {};
  }

  Status stage_entry(int dirfd, const std::string& name, const std::string& path, const PlannedOp& op) {
    const TreeEntry& e = op.entry;
    switch (e.type) {
      case EntryType::file: HERD_CHECK(stage_file(dirfd, name, path, op)); break;
      case EntryType::symlink:
        if (::symlinkat(e.link_target.c_str(), dirfd, name.c_str()) != 0)
          return failure("{}: symlink: {}", path, std::strerror(errno));
        HERD_CHECK(track::apply_metadata_at(dirfd, name.c_str(), e, owner_of(e), path));
        break;
      case EntryType::folder: return failure("internal error: {} staged as an entry", path);
      default:
        if (::mknodat(dirfd, name.c_str(), mknod_type(e.type) | 0600, e.rdev) != 0)
          return failure("{}: mknod: {}", path, std::strerror(errno));
        HERD_CHECK(track::apply_metadata_at(dirfd, name.c_str(), e, owner_of(e), path));
    }
    if (c_.options->on_step) c_.options->on_step("staged-file", path);
    return {};
  }

  Status stage_file(int dirfd, const std::string& name, const std::string& path, const PlannedOp& op) {
    const TreeEntry& e = op.entry;
    UniqueFd fd(::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return failure("{}: create: {}", path, std::strerror(errno));
    SparseWriter out(fd.get(), path);
    if (e.size > 0 && !is_chunked(e)) {
      auto blob = feed_->take(e.content, *c_.result);
      if (!blob) return blob.error().with_context(path);
      if ((*blob)->size() != e.size)
        return failure("{}: content {} has {} bytes, the tree says {}", path, e.content.hex(), (*blob)->size(), e.size);
      HERD_CHECK(out.write(**blob));
    } else if (is_chunked(e)) {
      HERD_CHECK(write_chunks(out, path, op));
    }
    HERD_CHECK(out.finish());
    c_.result->hole_bytes += out.hole_bytes();
    c_.result->bytes_written += e.size;
    ++c_.result->files_written;
    HERD_CHECK(track::apply_metadata_fd(fd.get(), e, owner_of(e), path, true));
    progress(e.size);
    return {};
  }

  Status write_chunks(SparseWriter& out, const std::string& path, const PlannedOp& op) {
    const auto& chunks = plan_.chunk_lists.at(op.entry.content);
    auto reuse = reusable_chunks(plan_, op);
    UniqueFd old;
    if (!reuse.empty()) {
      int error = 0;
      UniqueFd dir = track::open_folder_beneath(c_.root_fd, track::parent_path(path), error);
      if (dir) old.reset(::openat(dir.get(), op.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    }
    uint64_t total = 0;
    std::string buffer;
    for (const auto& chunk : chunks) {
      auto reused = reuse.find(chunk.hash);
      if (reused != reuse.end()) {
        // Read back from the file being replaced, and trusted only if it hashes right.
        buffer.resize(chunk.size);
        ssize_t n = old ? ::pread(old.get(), buffer.data(), chunk.size, static_cast<off_t>(reused->second.first)) : -1;
        if (n == static_cast<ssize_t>(chunk.size) && store::object_hash(store::ObjectType::blob, buffer) == chunk.hash) {
          c_.result->bytes_reused += chunk.size;
        } else {
          auto fetched = feed_->fetch_one(chunk.hash, *c_.result);
          if (!fetched) return fetched.error().with_context(path);
          buffer = std::move(*fetched);
        }
        if (buffer.size() != chunk.size) return failure("{}: chunk {} has the wrong size", path, chunk.hash.hex());
        HERD_CHECK(out.write(buffer));
      } else {
        auto blob = feed_->take(chunk.hash, *c_.result);
        if (!blob) return blob.error().with_context(path);
        if ((*blob)->size() != chunk.size) return failure("{}: chunk {} has the wrong size", path, chunk.hash.hex());
        HERD_CHECK(out.write(**blob));
      }
      total += chunk.size;
    }
    if (total != op.entry.size)
      return failure("{}: content {} has {} bytes, the tree says {}", path, op.entry.content.hex(), total, op.entry.size);
    return {};
  }

 public:
  // Removes everything staged (after a failure).
  void discard() {
    for (const auto& f : staged_files_) {
      int error = 0;
      UniqueFd dir = track::open_folder_beneath(c_.root_fd, track::parent_path(f.path), error);
      if (dir) ::unlinkat(dir.get(), f.temp.c_str(), 0);
    }
    for (size_t index : staged_) {
      const FolderPlan& folder = plan_.folders[index];
      if (folder.temp.empty()) continue;  // inside another staged folder: goes with it
      int error = 0;
      UniqueFd dir = track::open_folder_beneath(c_.root_fd, track::parent_path(folder.path), error);
      if (dir) (void)track::remove_at(dir.get(), folder.temp, folder.path);
    }
    // Staging changed the mtimes of the live folders it wrote temporaries into.
    for (const auto& [path, mtime] : folder_times_) {
      int error = 0;
      UniqueFd dir = track::open_folder_beneath(c_.root_fd, path, error);
      const struct timespec times[2] = {{0, UTIME_OMIT}, mtime};
      if (dir) ::futimens(dir.get(), times);
    }
  }

 private:
  std::vector<std::pair<std::string, struct timespec>> folder_times_;  // live folders staged into, as they were
  struct StagedFile {
    std::string path;  // the final path
    std::string temp;  // its temporary's name in the same folder
  };
  Plan& plan_;
  ApplyContext& c_;
  std::unique_ptr<ContentFeed> feed_;
  std::vector<size_t> staged_;  // folders made, outermost first
  std::vector<StagedFile> staged_files_;
  uint64_t done_files_ = 0, done_bytes_ = 0;
};

class Committer {
 public:
  Committer(Plan& plan, ApplyContext& c) : plan_(plan), c_(c) {}

  Status run() {
    UniqueFd root(::fcntl(c_.root_fd, F_DUPFD_CLOEXEC, 0));
    if (!root) return failure("{}: {}", c_.root, std::strerror(errno));
    HERD_CHECK(commit_folder(0, root.get()));
    for (const auto& [folder, op] : links_) HERD_CHECK(link(folder, *op));
    // Links changed their folders' mtimes: those folders get their metadata again.
    for (size_t folder : linked_folders_) {
      const FolderPlan& f = plan_.folders[folder];
      if (f.path == "/" || f.prune) continue;
      int error = 0;
      UniqueFd fd = track::open_folder_beneath(c_.root_fd, f.path, error);
      if (!fd) return failure("{}: {}", f.path, std::strerror(error));
      HERD_CHECK(track::apply_metadata_fd(fd.get(), f.entry, owner_of(f.entry), f.path));
    }
    return {};
  }

 private:
  void done(DeployAction::Kind kind, const std::string& path, const std::string& detail) {
    DeployResult& r = *c_.result;
    r.changed = true;
    switch (kind) {
      case DeployAction::Kind::create: ++r.created; break;
      case DeployAction::Kind::update: ++r.updated; break;
      case DeployAction::Kind::replace: ++r.replaced; break;
      case DeployAction::Kind::metadata: ++r.metadata; break;
      case DeployAction::Kind::link: ++r.linked; break;
      case DeployAction::Kind::remove: ++r.removed; break;
    }
    if (needs_reboot(path)) {
      r.reboot_needed = true;
      r.reboot_reasons.push_back(path);
    }
    if (c_.options->on_action) c_.options->on_action(DeployAction{kind, path, detail});
    if (c_.options->on_step) c_.options->on_step("committed-file", path);
  }

  void forget(int dirfd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      c_.gone.emplace_back(st.st_dev, st.st_ino);
  }

  // Renames `temp` to `name`; `remove_first` when what is there cannot be renamed over
  // (a folder where a file goes, a file where a folder goes).
  Status replace_with(int dirfd, const std::string& temp, const std::string& name, bool remove_first,
                      const std::string& path) {
    forget(dirfd, name);
    if (remove_first) HERD_CHECK(track::remove_at(dirfd, name, path));
    if (::renameat(dirfd, temp.c_str(), dirfd, name.c_str()) != 0)
      return failure("{}: rename: {}", path, std::strerror(errno));
    return {};
  }

  Status record(int dirfd, const std::string& name, const TreeEntry& e) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
    track::StatRecord r;
    r.dev = st.st_dev;
    r.ino = st.st_ino;
    r.size = static_cast<uint64_t>(st.st_size);
    r.mtime_ns = timespec_ns(st.st_mtim);
    r.ctime_ns = timespec_ns(st.st_ctim);
    r.content = e.content;
    r.xattrs = e.xattrs;
    c_.written.push_back(std::move(r));
    return {};
  }

  Status commit_folder(size_t index, int fd) {
    FolderPlan& folder = plan_.folders[index];
    bool changed = false;
    for (PlannedOp& op : folder.ops) {
      std::string path = track::join_path(folder.path, op.name);
      switch (op.op) {
        case EntryOp::write:
          HERD_CHECK(replace_with(fd, op.temp, op.name, op.live_is_folder, path));
          if (op.entry.type == EntryType::file) HERD_CHECK(record(fd, op.name, op.entry));
          done(op.kind, path, op.detail);
          changed = true;
          break;
        case EntryOp::folder: {
          FolderPlan& child = plan_.folders[op.folder];
          if (child.create) {
            HERD_CHECK(replace_with(fd, child.temp, op.name, child.replace, path));
            done(op.kind, path, op.detail);
            changed = true;
            collect_links(op.folder);
          } else {
            UniqueFd child_fd(track::open_folder_at(fd, op.name.c_str()));
            if (!child_fd) return failure("{}: {}", path, std::strerror(errno));
            HERD_CHECK(commit_folder(op.folder, child_fd.get()));
            if (child.set_metadata) done(DeployAction::Kind::metadata, path, op.detail);
          }
          break;
        }
        case EntryOp::remove:
          forget(fd, op.name);
          HERD_CHECK(track::remove_at(fd, op.name, path));
          done(op.kind, path, op.detail);
          changed = true;
          break;
        case EntryOp::metadata:
          HERD_CHECK(apply_metadata(fd, path, op));
          done(op.kind, path, op.detail);
          break;
        case EntryOp::link:
          links_.emplace_back(index, &op);
          break;
      }
    }
    if (folder.path != "/" && !folder.prune && (changed || folder.set_metadata || folder.touched))
      HERD_CHECK(track::apply_metadata_fd(fd, folder.entry, owner_of(folder.entry), folder.path));
    return {};
  }

  // Links inside a folder that was staged whole still have to be made.
  void collect_links(size_t index) {
    for (PlannedOp& op : plan_.folders[index].ops) {
      if (op.op == EntryOp::link) links_.emplace_back(index, &op);
      if (op.op == EntryOp::folder) collect_links(op.folder);
    }
  }

  Status apply_metadata(int dirfd, const std::string& path, const PlannedOp& op) {
    if (op.entry.type == EntryType::file) {
      UniqueFd file(::openat(dirfd, op.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
      if (!file) return failure("{}: {}", path, std::strerror(errno));
      forget(dirfd, op.name);
      HERD_CHECK(track::apply_metadata_fd(file.get(), op.entry, owner_of(op.entry), path));
      return record(dirfd, op.name, op.entry);
    }
    return track::apply_metadata_at(dirfd, op.name.c_str(), op.entry, owner_of(op.entry), path);
  }

  Status link(size_t folder_index, const PlannedOp& op) {
    const FolderPlan& folder = plan_.folders[folder_index];
    std::string path = track::join_path(folder.path, op.name);
    int error = 0;
    UniqueFd dir = track::open_folder_beneath(c_.root_fd, folder.path, error);
    if (!dir) return failure("{}: {}", folder.path, std::strerror(error));
    UniqueFd leader_dir = track::open_folder_beneath(c_.root_fd, track::parent_path(op.link_to), error);
    if (!leader_dir) return failure("{}: {}", track::parent_path(op.link_to), std::strerror(error));
    std::string leader(track::base_name(op.link_to));
    std::string temp = temp_name();
    if (::linkat(leader_dir.get(), leader.c_str(), dir.get(), temp.c_str(), 0) != 0)
      return failure("{}: link to {}: {}", path, op.link_to, std::strerror(errno));
    struct stat st {};
    bool folder_there = ::fstatat(dir.get(), op.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    if (auto s = replace_with(dir.get(), temp, op.name, folder_there, path); !s) {
      ::unlinkat(dir.get(), temp.c_str(), 0);
      return s;
    }
    done(op.kind, path, op.detail);
    linked_folders_.push_back(folder_index);
    return {};
  }

  Plan& plan_;
  ApplyContext& c_;
  std::vector<std::pair<size_t, PlannedOp*>> links_;
  std::vector<size_t> linked_folders_;
};

}  // namespace

Status stage(Plan& plan, ApplyContext& context) {
  Stager stager(plan, context);
  Status s = stager.run();
  if (!s) stager.discard();
  return s;
}

Status commit(Plan& plan, ApplyContext& context) {
  Committer committer(plan, context);
  return committer.run();
}

}  // namespace herd::image
