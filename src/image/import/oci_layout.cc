#include "image/import/oci_layout.h"

#include <nlohmann/json.hpp>

namespace herd::image::import {
namespace {

using nlohmann::json;

Result<json> parse_object(std::string_view text, const std::string& what) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return bad_input("{}: not valid JSON", what);
  if (!j.is_object()) return bad_input("{}: not a JSON object", what);
  return j;
}

// The string member `key` of object `j`; "" when absent, bad input when not a string.
Result<std::string> string_field(const json& j, const char* key, const std::string& what, bool required = false) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return bad_input("{}: \"{}\" is missing", what, key);
    return std::string();
  }
  if (!it->is_string()) return bad_input("{}: \"{}\" is not a string", what, key);
  return it->get<std::string>();
}

Result<Descriptor> parse_descriptor(const json& j, const std::string& what) {
  if (!j.is_object()) return bad_input("{}: a descriptor is not an object", what);
  Descriptor d;
  auto media = string_field(j, "mediaType", what, true);
  if (!media) return media.error();
  d.media_type = *media;
  auto digest = string_field(j, "digest", what, true);
  if (!digest) return digest.error();
  auto hex = parse_digest(*digest, what);
  if (!hex) return hex.error();
  d.digest = *hex;
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_unsigned()) return bad_input("{}: descriptor {} has no valid \"size\"", what, *digest);
  d.size = size->get<uint64_t>();
  if (auto p = j.find("platform"); p != j.end()) {
    if (!p->is_object()) return bad_input("{}: descriptor {}: \"platform\" is not an object", what, *digest);
    for (auto [key, out] : {std::pair{"os", &d.os}, {"architecture", &d.architecture}, {"variant", &d.variant}}) {
      auto v = string_field(*p, key, what);
      if (!v) return v.error();
      *out = *v;
    }
  }
  if (auto a = j.find("annotations"); a != j.end()) {
    if (!a->is_object()) return bad_input("{}: descriptor {}: \"annotations\" is not an object", what, *digest);
    auto ref = string_field(*a, "org.opencontainers.image.ref.name", what);
    if (!ref) return ref.error();
    d.ref_name = *ref;
    auto type = string_field(*a, "vnd.docker.reference.type", what);
    if (!type) return type.error();
    d.attestation = *type == "attestation-manifest";
  }
  return d;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

MediaKind media_kind(std::string_view t) {
  if (t == "application/vnd.oci.image.index.v1+json" || t == "application/vnd.docker.distribution.manifest.list.v2+json")
    return MediaKind::index;
  if (t == "application/vnd.oci.image.manifest.v1+json" || t == "application/vnd.docker.distribution.manifest.v2+json")
    return MediaKind::manifest;
  for (std::string_view layer : {"application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar",
                                 "application/vnd.docker.image.rootfs.diff.tar",
                                 "application/vnd.docker.image.rootfs.foreign.diff.tar"})
    if (t == layer || (starts_with(t, layer) && (t.substr(layer.size()) == "+gzip" || t.substr(layer.size()) == "+zstd" ||
                                                 t.substr(layer.size()) == ".gzip")))
      return MediaKind::layer;
  return MediaKind::other;
}

Result<std::string> parse_digest(std::string_view digest, const std::string& what) {
  constexpr std::string_view prefix = "sha256:";
  if (!starts_with(digest, prefix)) {
    if (digest.find(':') != std::string_view::npos)
      return bad_input("{}: digest {:?}: only sha256 digests are supported", what, digest);
    return bad_input("{}: {:?} is not a digest (sha256:<hex>)", what, digest);
  }
  std::string_view hex = digest.substr(prefix.size());
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) return bad_input("{}: digest {:?} is not sha256: and 64 lowercase hex digits", what, digest);
  return std::string(hex);
}

Result<std::vector<Descriptor>> parse_index(std::string_view text, const std::string& what) {
  auto j = parse_object(text, what);
  if (!j) return j.error();
  auto manifests = j->find("manifests");
  if (manifests == j->end() || !manifests->is_array()) return bad_input("{}: \"manifests\" is missing or not an array", what);
  std::vector<Descriptor> out;
  for (const auto& m : *manifests) {
    auto d = parse_descriptor(m, what);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

Result<Manifest> parse_manifest(std::string_view text, const std::string& what) {
  auto j = parse_object(text, what);
  if (!j) return j.error();
  auto media = string_field(*j, "mediaType", what);
  if (!media) return media.error();
  if (!media->empty() && media_kind(*media) != MediaKind::manifest)
    return bad_input("{}: media type {} is not an image manifest", what, *media);
  Manifest out;
  auto config = j->find("config");
  if (config == j->end()) return bad_input("{}: \"config\" is missing", what);
  auto c = parse_descriptor(*config, what + " config");
  if (!c) return c.error();
  out.config = std::move(*c);
  auto layers = j->find("layers");
  if (layers == j->end() || !layers->is_array()) return bad_input("{}: \"layers\" is missing or not an array", what);
  for (const auto& l : *layers) {
    auto d = parse_descriptor(l, what + " layers");
    if (!d) return d.error();
    if (media_kind(d->media_type) != MediaKind::layer)
      return bad_input("{}: layer sha256:{} has media type {}, not a layer herd can read", what, d->digest, d->media_type);
    out.layers.push_back(std::move(*d));
  }
  return out;
}

Result<std::vector<DockerImage>> parse_docker_manifest(std::string_view text, const std::string& what) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return bad_input("{}: not valid JSON", what);
  if (!j.is_array()) return bad_input("{}: not a JSON array (docker save's manifest.json)", what);
  std::vector<DockerImage> out;
  for (const auto& image : j) {
    if (!image.is_object()) return bad_input("{}: an image is not an object", what);
    DockerImage d;
    auto config = string_field(image, "Config", what, true);
    if (!config) return config.error();
    d.config = *config;
    auto layers = image.find("Layers");
    if (layers == image.end() || !layers->is_array()) return bad_input("{}: \"Layers\" is missing or not an array", what);
    for (const auto& l : *layers) {
      if (!l.is_string()) return bad_input("{}: a layer is not a string", what);
      d.layers.push_back(l.get<std::string>());
    }
    if (auto tags = image.find("RepoTags"); tags != image.end() && tags->is_array())
      for (const auto& t : *tags)
        if (t.is_string()) d.tags.push_back(t.get<std::string>());
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<std::string>> parse_diff_ids(std::string_view text, const std::string& what) {
  auto j = parse_object(text, what);
  if (!j) return j.error();
  std::vector<std::string> out;
  auto rootfs = j->find("rootfs");
  if (rootfs == j->end()) return out;
  if (!rootfs->is_object()) return bad_input("{}: \"rootfs\" is not an object", what);
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end()) return out;
  if (!ids->is_array()) return bad_input("{}: \"rootfs.diff_ids\" is not an array", what);
  for (const auto& id : *ids) {
    if (!id.is_string()) return bad_input("{}: a diff_id is not a string", what);
    auto hex = parse_digest(id.get<std::string>(), what + " rootfs.diff_ids");
    if (!hex) return hex.error();
    out.push_back(std::move(*hex));
  }
  return out;
}

}  // namespace herd::image::import
