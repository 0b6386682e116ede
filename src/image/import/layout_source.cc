#include "image/import/layout_source.h"

#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "image/import/archive_reader.h"
#include "image/import/member_path.h"
#include "track/beneath.h"
#include "track/unique_fd.h"

namespace herd::image::import {
namespace {

class FdInput : public ByteInput {
 public:
  FdInput(int fd, std::string what) : fd_(fd), what_(std::move(what)), buffer_(1 << 20) {}
  Result<std::string_view> read() override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n >= 0) return std::string_view(buffer_.data(), static_cast<size_t>(n));
      if (errno != EINTR) return failure("{}: read: {}", what_, std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string what_;
  std::vector<char> buffer_;
};

class MemoryInput : public ByteInput {
 public:
  explicit MemoryInput(std::string_view bytes) : bytes_(bytes) {}
  Result<std::string_view> read() override { return std::exchange(bytes_, std::string_view()); }

 private:
  std::string_view bytes_;
};

class ArchiveEntryInput : public ByteInput {
 public:
  ArchiveEntryInput(struct archive* a, std::string what) : a_(a), what_(std::move(what)), buffer_(1 << 20) {}
  Result<std::string_view> read() override {
    la_ssize_t n = archive_read_data(a_, buffer_.data(), buffer_.size());
    if (n < 0) {
      const char* e = archive_error_string(a_);
      return bad_input("{}: {}", what_, e ? e : "read error");
    }
    return std::string_view(buffer_.data(), static_cast<size_t>(n));
  }

 private:
  struct archive* a_;
  std::string what_;
  std::vector<char> buffer_;
};

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

class FolderSource : public LayoutSource {
 public:
  FolderSource(std::string dir, track::UniqueFd fd) : dir_(std::move(dir)), fd_(std::move(fd)) {}

  Result<std::optional<std::string>> small_file(const std::string& path) override {
    auto text = track::read_file_beneath(fd_.get(), "/" + path);
    if (!text) return text.error().with_context(dir_);
    if (*text && (*text)->size() > kSmallFile) return bad_input("{}: larger than {} bytes", describe(path), kSmallFile);
    return text;
  }
  Status each_file(const std::set<std::string>& paths,
                   const std::function<Status(const std::string&, ByteInput&)>& use) override {
    for (const auto& path : paths) {
      auto fd = track::open_file_beneath(fd_.get(), "/" + path);
      if (!fd) return bad_input("{}: the manifest names {}, which the layout lacks or cannot be read ({})", dir_, path,
                                fd.error().message);
      FdInput in(fd->get(), describe(path));
      HERD_CHECK(use(path, in));
    }
    return {};
  }
  std::string describe(const std::string& path) const override { return path.empty() ? dir_ : dir_ + "/" + path; }

 private:
  std::string dir_;
  track::UniqueFd fd_;
};

bool hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Whether a top-level name can belong to an image layout (OCI, or docker save's legacy
// "<id>/layer.tar", "<id>.json" and "repositories").
bool layout_name(std::string_view top) {
  if (top == "oci-layout" || top == "index.json" || top == "manifest.json" || top == "repositories" || top == "blobs")
    return true;
  for (std::string_view suffix : {".json", ".tar"})
    if (top.size() > suffix.size() && top.substr(top.size() - suffix.size()) == suffix)
      top.remove_suffix(suffix.size());
  return hex64(top);
}

Result<ArchivePtr> open_archive(const std::string& file) {
  ArchivePtr a = new_tar_reader();
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    const char* e = archive_error_string(a.get());
    return bad_input("{}: cannot open: {}", file, e ? e : "unknown error");
  }
  return a;
}

// The next member's header, nullptr at the end; a read error is bad_input naming `file`
// ("not a readable tar archive" before any member was read, else "corrupt").
Result<struct archive_entry*> next_member(struct archive* a, const std::string& file, bool any) {
  struct archive_entry* e = nullptr;
  int r = archive_read_next_header(a, &e);
  if (r == ARCHIVE_EOF) return static_cast<struct archive_entry*>(nullptr);
  if (r < ARCHIVE_WARN) {
    const char* m = archive_error_string(a);
    return bad_input("{}: {}: {}", file, any ? "corrupt" : "not a readable tar archive", m ? m : "unknown error");
  }
  return e;
}

class ArchiveSource : public LayoutSource {
 public:
  explicit ArchiveSource(std::string file) : file_(std::move(file)) {}

  // The look described at open_layout_archive; keeps the small files.
  Result<bool> scan() {
    auto a = open_archive(file_);
    if (!a) return a.error();
    bool any = false;
    for (;;) {
      auto next = next_member(a->get(), file_, any);
      if (!next) return next.error();
      struct archive_entry* e = *next;
      if (!e) break;
      any = true;
      const char* raw = archive_entry_pathname(e);
      if (!raw) return false;
      auto parts = member_components(raw, file_);
      if (!parts) return false;  // a plain archive's import reports it
      if (parts->empty()) continue;
      if (!layout_name(parts->front())) return false;
      if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
      std::string path = joined(*parts);
      la_int64_t size = archive_entry_size(e);
      if (size < 0 || static_cast<uint64_t>(size) > kSmallFile) continue;
      std::string bytes(static_cast<size_t>(size), '\0');
      la_ssize_t n = size ? archive_read_data(a->get(), bytes.data(), bytes.size()) : 0;
      if (n != size) {
        const char* m = archive_error_string(a->get());
        return bad_input("{}: member {:?}: {}", file_, raw, m ? m : "truncated");
      }
      small_[path] = std::move(bytes);
    }
    return small_.count("index.json") > 0 || small_.count("manifest.json") > 0;
  }

  Result<std::optional<std::string>> small_file(const std::string& path) override {
    auto it = small_.find(path);
    if (it == small_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status each_file(const std::set<std::string>& paths,
                   const std::function<Status(const std::string&, ByteInput&)>& use) override {
    std::set<std::string> rest;
    for (const auto& path : paths) {
      auto it = small_.find(path);
      if (it == small_.end()) {
        rest.insert(path);
        continue;
      }
      MemoryInput in(it->second);
      HERD_CHECK(use(path, in));
    }
    if (rest.empty()) return {};
    auto a = open_archive(file_);
    if (!a) return a.error();
    for (;;) {
      auto next = next_member(a->get(), file_, /*any=*/true);
      if (!next) return next.error();
      struct archive_entry* e = *next;
      if (!e) break;
      const char* raw = archive_entry_pathname(e);
      if (!raw || archive_entry_filetype(e) != AE_IFREG) continue;
      auto parts = member_components(raw, file_);
      if (!parts) continue;
      auto it = rest.find(joined(*parts));
      if (it == rest.end()) continue;
      std::string path = *it;
      rest.erase(it);
      ArchiveEntryInput in(a->get(), describe(path));
      HERD_CHECK(use(path, in));
    }
    if (!rest.empty()) return bad_input("{}: the manifest names {}, which the archive lacks", file_, *rest.begin());
    return {};
  }

  std::string describe(const std::string& path) const override { return path.empty() ? file_ : file_ + ":" + path; }

 private:
  std::string file_;
  std::map<std::string, std::string> small_;
};

}  // namespace

Result<std::unique_ptr<LayoutSource>> open_layout_folder(const std::string& dir) {
  auto fd = track::open_root(dir);
  if (!fd) return bad_input("{}", fd.error().message);
  return std::unique_ptr<LayoutSource>(std::make_unique<FolderSource>(dir, std::move(*fd)));
}

Result<std::unique_ptr<LayoutSource>> open_layout_archive(const std::string& file) {
  auto source = std::make_unique<ArchiveSource>(file);
  auto layout = source->scan();
  if (!layout) return layout.error();
  if (!*layout) return std::unique_ptr<LayoutSource>();
  return std::unique_ptr<LayoutSource>(std::move(source));
}

}  // namespace herd::image::import
