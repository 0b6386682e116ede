// herd image import against capture: a tar of a rich root (GNU tar, every compression)
// imports as the same tree as a capture of that tar extracted; an OCI layout with two
// layers (a whiteout, an opaque folder, a hardlink into the lower layer) imports as the
// tree of the layers applied; a bad digest, a corrupt archive and hostile member names are
// bad input naming the culprit.
#include <archive.h>
#include <archive_entry.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "image/import/import.h"
#include "image/import/member_path.h"
#include "image_fixture.h"
#include "store/file_content.h"
#include "store/hash.h"

namespace herd::image::testing {
namespace {

int sh(const std::string& command) { return std::system(command.c_str()); }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void spit(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// One member of a layer written with libarchive.
struct Member {
  std::string path;
  mode_t type = AE_IFREG;
  unsigned mode = 0644;
  std::string data;        // file content or symlink target
  std::string hardlink;    // a hardlink to this path
};

std::string write_tar(const std::string& file, const std::vector<Member>& members, bool gzip) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  EXPECT_EQ(archive_write_open_filename(a, file.c_str()), ARCHIVE_OK);
  for (const auto& m : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_mtime(e, kOld / 1'000'000'000, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_filetype(e, m.type);
    archive_entry_set_perm(e, m.mode);
    if (!m.hardlink.empty()) archive_entry_set_hardlink(e, m.hardlink.c_str());
    if (m.type == AE_IFLNK) archive_entry_set_symlink(e, m.data.c_str());
    if (m.type == AE_IFREG && m.hardlink.empty()) archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    if (m.type == AE_IFREG && m.hardlink.empty() && !m.data.empty())
      archive_write_data(a, m.data.data(), m.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return slurp(file);
}

class ImportTest : public ImageFixture {
 protected:
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  Result<ImportResult> import(const std::string& file) { return import_image(*store_, file, {}); }

  store::Hash captured(const std::string& root) {
    CaptureOptions options;
    options.threads = 1;
    return must(capture_root(*store_, root, options)).tree;
  }

  // Lists every entry of a stored tree, one line each, for messages when trees differ.
  std::string dump(const store::Hash& tree, const std::string& prefix = "/") {
    auto bytes = store_->get(tree, store::ObjectType::tree);
    if (!bytes) return "<missing>";
    auto decoded = store::decode_tree(*bytes, "dump");
    if (!decoded) return "<bad>";
    std::string out;
    for (const auto& e : decoded->entries) {
      out += fmt::format("{}{} {} {:o} {}:{} {}:{} {} {} link={} rdev={} hl={} xattrs=", prefix, e.name,
                         store::entry_type_name(e.type), e.mode, e.uid, e.gid, e.user, e.group, e.mtime_ns, e.size,
                         e.link_target, e.rdev, e.hardlink_group);
      for (const auto& [k, v] : e.xattrs) out += k + "(" + std::to_string(v.size()) + ") ";
      out += e.content.hex().substr(0, 8) + "\n";
      if (e.type == store::EntryType::folder) out += dump(e.content, prefix + e.name + "/");
    }
    return out;
  }

  void expect_same(const store::Hash& imported, const store::Hash& capture) {
    EXPECT_EQ(imported, capture) << "imported:\n" << dump(imported) << "captured:\n" << dump(capture);
  }
};

TEST_F(ImportTest, TarImportsAsACaptureOfItExtracted) {
  make_rich_golden();
  std::string g = golden();
  write(g + "/etc/hostname", "golden\n");       // a default exclude
  write(g + "/tmp/scratch", "x");               // excluded beneath a kept folder
  folder(g + "/srv/shared", 02775);
  set_mtime(g + "/srv/shared");
  ASSERT_EQ(sh("setfacl -d -m u:1001:rwx " + g + "/srv/shared"), 0);
  set_mtime(g + "/srv/shared");
  set_mtime(g + "/srv");
  set_mtime(g + "/tmp");
  set_mtime(g + "/etc");

  struct Variant {
    const char* suffix;
    const char* flag;
  };
  for (auto [suffix, flag] : {Variant{"tar", ""}, Variant{"tar.gz", "-z"}, Variant{"tar.xz", "-J"},
                              Variant{"tar.bz2", "-j"}, Variant{"tar.zst", "--zstd"}}) {
    SCOPED_TRACE(suffix);
    std::string file = path(std::string("golden.") + suffix);
    ASSERT_EQ(sh(fmt::format("tar --xattrs --acls --sparse --numeric-owner {} -C {} -cf {} .", flag, g, file)), 0);
    std::string out = path(std::string("extracted-") + suffix);
    std::filesystem::create_directories(out);
    ASSERT_EQ(sh(fmt::format("tar --xattrs --xattrs-include='*' --acls --numeric-owner -C {} -xf {}", out, file)), 0);
    auto imported = import(file);
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(imported->format, "tar");
    expect_same(imported->tree, captured(out));
    EXPECT_GT(imported->files, 5u);
  }
}

TEST_F(ImportTest, SparseFileKeepsItsBytes) {
  std::string g = golden();
  int fd = ::open((g + "/sparse").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, "data", 4, 40 << 20), 4);
  ASSERT_EQ(::ftruncate(fd, 48 << 20), 0);
  ::close(fd);
  set_mtime(g + "/sparse");  // whole seconds: GNU tar's default format keeps no more
  std::string file = path("sparse.tar");
  ASSERT_EQ(sh(fmt::format("tar --sparse -C {} -cf {} sparse", g, file)), 0);
  auto imported = import(file);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(imported->bytes, uint64_t{48} << 20);
  expect_same(imported->tree, captured(g));
}

// An OCI layout: layer 1 (plain tar), layer 2 (gzip) with a whiteout, an opaque folder and
// a hardlink to a layer 1 file; as a folder and as a tar of the folder.
class OciTest : public ImportTest {
 protected:
  std::string blob(const std::string& layout, const std::string& bytes) {
    std::string hex = store::sha256(bytes).hex();
    spit(layout + "/blobs/sha256/" + hex, bytes);
    return hex;
  }

  std::string make_layout(const std::string& layout) {
    std::vector<Member> lower = {
        {"etc/", AE_IFDIR, 0755, "", ""},
        {"etc/passwd", AE_IFREG, 0644, "root:x:0:0::/root:/bin/sh\n", ""},
        {"etc/group", AE_IFREG, 0644, "root:x:0:\n", ""},
        {"usr/", AE_IFDIR, 0755, "", ""},
        {"usr/bin/", AE_IFDIR, 0755, "", ""},
        {"usr/bin/gone", AE_IFREG, 0755, "old\n", ""},
        {"usr/bin/tool", AE_IFREG, 0755, "tool v1\n", ""},
        {"opt/", AE_IFDIR, 0755, "", ""},
        {"opt/app/", AE_IFDIR, 0755, "", ""},
        {"opt/app/old", AE_IFREG, 0644, "old app\n", ""},
        {"lib", AE_IFLNK, 0777, "usr/lib", ""},
    };
    std::vector<Member> upper = {
        {"usr/", AE_IFDIR, 0755, "", ""},
        {"usr/bin/", AE_IFDIR, 0755, "", ""},
        {"usr/bin/.wh.gone", AE_IFREG, 0644, "", ""},
        {"usr/bin/tool2", AE_IFREG, 0755, "", "usr/bin/tool"},
        {"opt/", AE_IFDIR, 0755, "", ""},
        {"opt/app/", AE_IFDIR, 0700, "", ""},
        {"opt/app/.wh..wh..opq", AE_IFREG, 0644, "", ""},
        {"opt/app/new", AE_IFREG, 0600, "new app\n", ""},
    };
    std::string l1 = blob(layout, write_tar(path("l1.tar"), lower, false));
    std::string l2 = blob(layout, write_tar(path("l2.tar.gz"), upper, true));
    std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string c = blob(layout, config);
    nlohmann::json manifest = {
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"digest", "sha256:" + c}, {"size", config.size()}}},
        {"layers",
         {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"}, {"digest", "sha256:" + l1}, {"size", slurp(path("l1.tar")).size()}},
          {{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"}, {"digest", "sha256:" + l2},
           {"size", slurp(path("l2.tar.gz")).size()}}}}};
    std::string m = manifest.dump();
    std::string mh = blob(layout, m);
    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", "sha256:" + mh},
                               {"size", m.size()},
                               {"annotations", {{"org.opencontainers.image.ref.name", "latest"}}}}}}};
    spit(layout + "/index.json", index.dump());
    spit(layout + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    return l2;
  }

  // The same files on disk: layer 1 with layer 2 applied by hand.
  void make_expected(const std::string& root) {
    write(root + "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    write(root + "/etc/group", "root:x:0:\n");
    write(root + "/usr/bin/tool", "tool v1\n", 0755);
    ASSERT_EQ(::link((root + "/usr/bin/tool").c_str(), (root + "/usr/bin/tool2").c_str()), 0);
    write(root + "/opt/app/new", "new app\n", 0600);
    ASSERT_EQ(::chmod((root + "/opt/app").c_str(), 0700), 0);
    ASSERT_EQ(::symlink("usr/lib", (root + "/lib").c_str()), 0);
    for (const char* p : {"/lib", "/opt/app", "/opt", "/usr/bin", "/usr", "/etc"}) set_mtime(root + p);
  }
};

TEST_F(OciTest, LayersApplyWithWhiteoutsAsFolderAndArchive) {
  std::string layout = path("layout");
  make_layout(layout);
  std::string expected = path("expected");
  make_expected(expected);
  store::Hash want = captured(expected);

  auto from_folder = import(layout);
  ASSERT_TRUE(from_folder) << from_folder.error().message;
  EXPECT_EQ(from_folder->format, "oci");
  EXPECT_EQ(from_folder->layers, 2u);
  EXPECT_EQ(from_folder->image, "latest");
  expect_same(from_folder->tree, want);

  std::string archive = path("oci-archive.tar");
  ASSERT_EQ(sh(fmt::format("tar -C {} -cf {} .", layout, archive)), 0);
  auto from_archive = import(archive);
  ASSERT_TRUE(from_archive) << from_archive.error().message;
  EXPECT_EQ(from_archive->format, "oci");
  expect_same(from_archive->tree, want);
}

TEST_F(OciTest, ABlobThatDoesNotMatchItsDigestIsRefused) {
  std::string layout = path("layout");
  std::string l2 = make_layout(layout);
  std::string blob_path = layout + "/blobs/sha256/" + l2;
  std::string bytes = slurp(blob_path);
  bytes[bytes.size() / 2] ^= 0x55;
  spit(blob_path, bytes);
  auto r = import(layout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  EXPECT_NE(r.error().message.find("layer 2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(l2.substr(0, 12)), std::string::npos) << r.error().message;
}

TEST_F(ImportTest, HostileMembersAreRefusedNamingThem) {
  struct Case {
    std::vector<Member> members;
    std::string named;
  };
  std::vector<Case> cases = {
      {{{"../evil", AE_IFREG, 0644, "x", ""}}, "../evil"},
      {{{"a/../../evil", AE_IFREG, 0644, "x", ""}}, "a/../../evil"},
      {{{"/etc/evil", AE_IFREG, 0644, "x", ""}}, "/etc/evil"},
      {{{"lnk", AE_IFLNK, 0777, "/etc", ""}, {"lnk/passwd", AE_IFREG, 0644, "x", ""}}, "lnk/passwd"},
      {{{"f", AE_IFREG, 0644, "x", ""}, {"g", AE_IFREG, 0644, "", "../f"}}, "../f"},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string file = path("hostile-" + std::to_string(++n) + ".tar");
    write_tar(file, c.members, false);
    auto r = import(file);
    ASSERT_FALSE(r) << c.named;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    EXPECT_NE(r.error().message.find(c.named), std::string::npos) << r.error().message;
  }
}

TEST_F(ImportTest, CorruptArchivesAreBadInput) {
  write(golden() + "/etc/motd", random_bytes(300000, 3));
  std::string file = path("g.tar.gz");
  ASSERT_EQ(sh(fmt::format("tar -C {} -czf {} .", golden(), file)), 0);
  std::string bytes = slurp(file);
  spit(path("truncated.tar.gz"), bytes.substr(0, bytes.size() / 2));
  spit(path("garbage.tar"), random_bytes(10000, 4));
  for (const char* name : {"truncated.tar.gz", "garbage.tar"}) {
    auto r = import(path(name));
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input) << r.error().message;
    EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
  }
}

TEST(MemberPath, NormalizesOrRefuses) {
  using import::member_components;
  EXPECT_EQ(*member_components("./etc//passwd/", "t"), (std::vector<std::string>{"etc", "passwd"}));
  EXPECT_TRUE(member_components("./", "t")->empty());
  EXPECT_FALSE(member_components("a/..", "t"));
  EXPECT_FALSE(member_components("/a", "t"));
  EXPECT_FALSE(member_components(std::string(300, 'a'), "t"));
}

}  // namespace
}  // namespace herd::image::testing
