#include "image/import/import.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "image/capture.h"
#include "image/capture_spec.h"
#include "image/import/archive_reader.h"
#include "image/import/import_tree.h"
#include "image/import/layout_source.h"
#include "image/import/member_path.h"
#include "image/import/oci_layout.h"
#include "image/tree_packages.h"
#include "store/file_content.h"
#include "store/hash.h"
#include "track/packages/package.h"
#include "track/tree_writer.h"

namespace herd::image {
namespace {

using namespace import;

// The platform an index's image is chosen by when it offers several.
const char* host_architecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__powerpc64__)
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#else
  return "";
#endif
}

// One layer to apply: where it is and what its bytes must hash to ("" = unchecked).
struct LayerRef {
  std::string path, digest, what;
  std::optional<uint64_t> size;
};

struct Plan {
  std::string format, image;
  std::vector<LayerRef> layers;
};

// Hashes what libarchive reads of a blob; libarchive pulls through `read_callback`.
struct VerifiedInput {
  ByteInput& in;
  store::Sha256 sha;
  uint64_t bytes = 0;
  std::optional<Error> error;

  static la_ssize_t read_callback(struct archive* a, void* self, const void** buffer) {
    auto* v = static_cast<VerifiedInput*>(self);
    auto piece = v->in.read();
    if (!piece) {
      v->error = piece.error();
      archive_set_error(a, EIO, "%s", piece.error().message.c_str());
      return -1;
    }
    v->sha.update(*piece);
    v->bytes += piece->size();
    *buffer = piece->data();
    return static_cast<la_ssize_t>(piece->size());
  }
  // Reads what libarchive left (tar's end blocks, compressed padding).
  Status drain() {
    if (error) return *error;
    for (;;) {
      auto piece = in.read();
      if (!piece) return piece.error();
      if (piece->empty()) return {};
      sha.update(*piece);
      bytes += piece->size();
    }
  }
};

Status check_digest(const std::string& what, const std::string& digest, std::optional<uint64_t> size,
                    const std::string& got, uint64_t bytes) {
  if (!digest.empty() && got != digest)
    return bad_input("{}: does not match its digest sha256:{} (its bytes hash to sha256:{}); the image is corrupt", what,
                     digest, got);
  if (size && *size != bytes) return bad_input("{}: {} bytes, its descriptor says {}", what, bytes, *size);
  return {};
}

Result<std::string> read_blob(LayoutSource& source, const Descriptor& d, const std::string& role) {
  std::string what = fmt::format("{} {} (sha256:{})", source.describe(), role, d.digest.substr(0, 12));
  auto bytes = source.small_file(d.path());
  if (!bytes) return bytes.error();
  if (!*bytes) return bad_input("{}: blob {} is missing", what, d.path());
  HERD_CHECK(check_digest(what, d.digest, d.size, store::sha256(**bytes).hex(), (*bytes)->size()));
  return std::move(**bytes);
}

// The image manifests `descriptors` lead to, nested indexes followed.
Status collect_manifests(LayoutSource& source, const std::vector<Descriptor>& descriptors, int depth,
                         std::vector<Descriptor>& out) {
  for (const auto& d : descriptors) {
    MediaKind kind = media_kind(d.media_type);
    if (kind == MediaKind::manifest && !d.attestation) out.push_back(d);
    if (kind != MediaKind::index) continue;
    if (depth > 4) return bad_input("{}: image indexes nested too deep", source.describe());
    auto text = read_blob(source, d, "image index");
    if (!text) return text.error();
    auto nested = parse_index(*text, source.describe(d.path()));
    if (!nested) return nested.error();
    HERD_CHECK(collect_manifests(source, *nested, depth + 1, out));
  }
  return {};
}

Result<Plan> plan_oci(LayoutSource& source, const std::string& index_text) {
  auto index = parse_index(index_text, source.describe("index.json"));
  if (!index) return index.error();
  std::vector<Descriptor> manifests;
  HERD_CHECK(collect_manifests(source, *index, 0, manifests));
  if (manifests.empty()) return bad_input("{}: index.json names no image manifest", source.describe());
  if (manifests.size() > 1) {
    std::vector<Descriptor> here;
    for (const auto& m : manifests)
      if ((m.os.empty() || m.os == "linux") && m.architecture == host_architecture()) here.push_back(m);
    if (here.size() != 1) {
      std::string list;
      for (const auto& m : manifests)
        list += fmt::format("{}sha256:{} ({}/{}{})", list.empty() ? "" : ", ", m.digest.substr(0, 12), m.os,
                            m.architecture, m.ref_name.empty() ? "" : " " + m.ref_name);
      return bad_input("{}: holds {} images and not exactly one for linux/{}: {}", source.describe(), manifests.size(),
                       host_architecture(), list);
    }
    manifests = here;
  }
  const Descriptor& chosen = manifests.front();
  auto text = read_blob(source, chosen, "manifest");
  if (!text) return text.error();
  auto manifest = parse_manifest(*text, source.describe(chosen.path()));
  if (!manifest) return manifest.error();
  auto config = read_blob(source, manifest->config, "config");
  if (!config) return config.error();
  Plan plan;
  plan.format = "oci";
  plan.image = chosen.ref_name.empty() ? "sha256:" + chosen.digest : chosen.ref_name;
  for (size_t i = 0; i < manifest->layers.size(); ++i) {
    const auto& l = manifest->layers[i];
    plan.layers.push_back({l.path(), l.digest, fmt::format("{} layer {} (sha256:{})", source.describe(), i + 1,
                                                           l.digest.substr(0, 12)), l.size});
  }
  return plan;
}

Result<Plan> plan_docker(LayoutSource& source, const std::string& manifest_text) {
  auto images = parse_docker_manifest(manifest_text, source.describe("manifest.json"));
  if (!images) return images.error();
  if (images->size() != 1)
    return bad_input("{}: manifest.json holds {} images; herd imports an archive of one", source.describe(), images->size());
  const DockerImage& image = images->front();
  auto relative = [&](const std::string& path) -> Result<std::string> {
    auto parts = member_components(path, source.describe("manifest.json"));
    if (!parts) return parts.error();
    if (parts->empty()) return bad_input("{}: manifest.json names an empty path", source.describe());
    std::string out;
    for (const auto& p : *parts) out += (out.empty() ? "" : "/") + p;
    return out;
  };
  auto config_path = relative(image.config);
  if (!config_path) return config_path.error();
  auto config = source.small_file(*config_path);
  if (!config) return config.error();
  if (!*config) return bad_input("{}: the config {} is missing", source.describe(), *config_path);
  std::string config_digest;
  if (config_path->rfind("blobs/sha256/", 0) == 0) {
    config_digest = config_path->substr(13);
    HERD_CHECK(check_digest(source.describe(*config_path), config_digest, std::nullopt, store::sha256(**config).hex(), 0));
  }
  auto diff_ids = parse_diff_ids(**config, source.describe(*config_path));
  if (!diff_ids) return diff_ids.error();
  Plan plan;
  plan.format = "docker";
  plan.image = image.tags.empty() ? image.config : image.tags.front();
  for (size_t i = 0; i < image.layers.size(); ++i) {
    auto path = relative(image.layers[i]);
    if (!path) return path.error();
    LayerRef ref{*path, "", fmt::format("{} layer {} ({})", source.describe(), i + 1, *path), std::nullopt};
    // docker save writes uncompressed layers: their digest is the config's diff_id.
    if (path->rfind("blobs/sha256/", 0) == 0) ref.digest = path->substr(13);
    else if (diff_ids->size() == image.layers.size()) ref.digest = (*diff_ids)[i];
    plan.layers.push_back(std::move(ref));
  }
  return plan;
}

Status read_layers(LayoutSource& source, store::ObjectStore& store, const Plan& plan, ImportTree& image,
                   uint64_t& next_inode, ImportResult& result, const ImportOptions& options) {
  std::set<std::string> paths;
  for (const auto& l : plan.layers) paths.insert(l.path);
  std::map<std::string, ImportTree> trees;
  HERD_CHECK(source.each_file(paths, [&](const std::string& path, ByteInput& in) -> Status {
    const LayerRef* ref = nullptr;
    for (const auto& l : plan.layers)
      if (l.path == path) ref = &l;
    VerifiedInput verified{in};
    ArchivePtr a = new_tar_reader();
    ImportTree tree;
    ReadStats stats;
    Status read;
    if (archive_read_open(a.get(), &verified, nullptr, &VerifiedInput::read_callback, nullptr) != ARCHIVE_OK) {
      const char* m = archive_error_string(a.get());
      read = bad_input("{}: not a readable tar archive: {}", ref->what, m ? m : "unknown error");
    } else {
      read = read_archive(a.get(), store, tree, next_inode, ReadOptions{ref->what, true}, stats);
    }
    // A wrong digest explains a broken layer better than what libarchive saw in it.
    HERD_CHECK(verified.drain());
    HERD_CHECK(check_digest(ref->what, ref->digest, ref->size, verified.sha.finish().hex(), verified.bytes));
    HERD_CHECK(read);
    result.members += stats.members;
    result.new_bytes += stats.new_bytes;
    for (auto& n : stats.notes) result.notes.push_back(std::move(n));
    if (ref->digest.empty()) result.notes.push_back(ref->what + ": no digest to check it against");
    trees.emplace(path, std::move(tree));
    if (options.on_step) options.on_step("layer");
    return {};
  }));
  std::map<std::string, size_t> uses;
  for (const auto& l : plan.layers) ++uses[l.path];
  for (const auto& l : plan.layers) {
    ImportTree& tree = trees.at(l.path);
    if (--uses[l.path] == 0) HERD_CHECK(merge_layer(image, std::move(tree), l.what));
    else HERD_CHECK(merge_layer(image, ImportTree(tree), l.what));
  }
  result.layers = plan.layers.size();
  return {};
}

// The image's own passwd and group, as track::Accounts::load reads them beneath a root.
Result<track::Accounts> image_accounts(const store::ObjectStore& store, ImportTree& image) {
  std::string text[2];
  const char* names[2] = {"passwd", "group"};
  for (int i = 0; i < 2; ++i) {
    ImportNode* node = image.find({"etc", names[i]});
    if (!node || node->entry.type != store::EntryType::file) continue;
    auto content = store::read_content(store, node->entry.content);
    if (!content) return content.error();
    text[i] = std::move(*content);
  }
  return track::Accounts::parse(text[0], text[1]);
}

}  // namespace

std::map<std::string, std::string> ImportResult::metadata() const {
  return tree_metadata(entries, bytes, packages, package_backend);
}

Result<ImportResult> import_image(store::ObjectStore& store, const std::string& file, const ImportOptions& options) {
  auto spec = capture_spec(options.excludes);
  if (!spec) return spec.error();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return bad_input("{}: {}", file, std::strerror(errno));
  ImportResult result;
  ImportTree image;
  uint64_t next_inode = 1;

  std::unique_ptr<LayoutSource> layout;
  if (S_ISDIR(st.st_mode)) {
    auto folder = open_layout_folder(file);
    if (!folder) return folder.error();
    layout = std::move(*folder);
  } else {
    auto archive = open_layout_archive(file);
    if (!archive) return archive.error();
    layout = std::move(*archive);
  }

  if (layout) {
    auto index = layout->small_file("index.json");
    if (!index) return index.error();
    std::optional<std::string> docker;
    if (!*index) {
      auto manifest = layout->small_file("manifest.json");
      if (!manifest) return manifest.error();
      docker = std::move(*manifest);
      if (!docker) return bad_input("{}: not an OCI image layout (no index.json) nor docker save output (no manifest.json)", file);
    }
    auto plan = *index ? plan_oci(*layout, **index) : plan_docker(*layout, *docker);
    if (!plan) return plan.error();
    result.format = plan->format;
    result.image = plan->image;
    HERD_CHECK(read_layers(*layout, store, *plan, image, next_inode, result, options));
  } else {
    ArchivePtr a = new_tar_reader();
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
      const char* m = archive_error_string(a.get());
      return bad_input("{}: cannot open: {}", file, m ? m : "unknown error");
    }
    ReadStats stats;
    ImportTree tree;
    HERD_CHECK(read_archive(a.get(), store, tree, next_inode, ReadOptions{file, false}, stats));
    HERD_CHECK(merge_layer(image, std::move(tree), file));
    result.format = "tar";
    result.layers = 1;
    result.members = stats.members;
    result.new_bytes = stats.new_bytes;
    result.notes = std::move(stats.notes);
    if (options.on_step) options.on_step("layer");
  }

  auto accounts = image_accounts(store, image);
  if (!accounts) return accounts.error();
  auto finished = finish_tree(image.root(), *spec, *accounts);
  result.entries = finished.entries;
  result.files = finished.files;
  result.bytes = finished.bytes;
  auto tree = track::write_trees(store, finished.root);
  if (!tree) return tree.error();
  result.tree = *tree;
  if (options.on_step) options.on_step("trees");

  auto packages = tree_packages(store, result.tree);
  if (!packages) {
    result.notes.push_back("packages not recorded: " + packages.error().message);
  } else if (*packages) {
    auto blob = store.put(store::ObjectType::blob, track::encode_packages(**packages));
    if (!blob) return blob.error();
    result.packages = *blob;
    result.package_backend = (*packages)->backend;
    result.package_count = (*packages)->packages.size();
  }
  HERD_CHECK(store.sync());
  if (options.on_step) options.on_step("synced");
  return result;
}

}  // namespace herd::image
