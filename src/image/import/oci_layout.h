// The JSON of image layouts (OCI image spec v1: index.json, image indexes, image
// manifests; `docker save`: manifest.json and the image config's rootfs.diff_ids).
// Parsing only: which blobs make an image and what they must hash to. Everything read
// is checked (types, digests of the form "sha256:" + 64 lowercase hex, sizes); anything
// else is bad input naming `what` and the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::image::import {

// An OCI content descriptor.
struct Descriptor {
  std::string media_type;
  std::string digest;  // 64 lowercase hex digits of the sha256 (the "sha256:" prefix dropped)
  uint64_t size = 0;
  std::string os, architecture, variant;  // platform, when an index gives one
  std::string ref_name;                   // annotation org.opencontainers.image.ref.name
  bool attestation = false;               // a buildx attestation manifest, not an image

  // Where the blob lives in the layout: "blobs/sha256/<digest>".
  std::string path() const { return "blobs/sha256/" + digest; }
};

enum class MediaKind { index, manifest, layer, other };
// What a media type names: an image index (OCI, docker manifest list), an image
// manifest (OCI, docker v2), a layer (tar, +gzip, +zstd, docker rootfs diffs,
// non-distributable variants), or something else.
MediaKind media_kind(std::string_view media_type);

// A parsed index.json or image index: its manifests (and nested indexes).
Result<std::vector<Descriptor>> parse_index(std::string_view json, const std::string& what);

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // bottom first
};
Result<Manifest> parse_manifest(std::string_view json, const std::string& what);

// One image of a docker save manifest.json.
struct DockerImage {
  std::string config;               // path of the config in the archive
  std::vector<std::string> layers;  // paths of the layer tars, bottom first
  std::vector<std::string> tags;
};
Result<std::vector<DockerImage>> parse_docker_manifest(std::string_view json, const std::string& what);

// The config's rootfs.diff_ids (digests of the uncompressed layers, hex as above);
// empty when it has none.
Result<std::vector<std::string>> parse_diff_ids(std::string_view json, const std::string& what);

// Parses "sha256:<64 lowercase hex>" into the hex; bad input naming `what` otherwise.
Result<std::string> parse_digest(std::string_view digest, const std::string& what);

}  // namespace herd::image::import
