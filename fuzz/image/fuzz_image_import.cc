// fuzz_image_import: what `herd image import` reads before any content: OCI index.json
// and manifests, docker save's manifest.json and configs, and tar member names. The
// first byte picks the reader. Every reader accepts or fails as bad_input naming its
// source, never crashes; accepted member names are valid entry names that never climb.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/import/member_path.h"
#include "image/import/oci_layout.h"

namespace {

using namespace herd::image::import;

void check_error(const herd::Error& e, std::string_view source) {
  if (e.kind != herd::ErrorKind::bad_input || e.message.find(source) == std::string::npos) std::abort();
}

void check_descriptor(const Descriptor& d) {
  if (d.digest.size() != 64) std::abort();
  for (char c : d.digest)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
  if (d.path() != "blobs/sha256/" + d.digest) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto r = parse_index(in, "index.json");
      if (!r) check_error(r.error(), "index.json");
      else for (const auto& d : *r) check_descriptor(d), (void)media_kind(d.media_type);
      break;
    }
    case 1: {
      auto r = parse_manifest(in, "manifest");
      if (!r) check_error(r.error(), "manifest");
      else {
        check_descriptor(r->config);
        for (const auto& l : r->layers) {
          check_descriptor(l);
          if (media_kind(l.media_type) != MediaKind::layer) std::abort();
        }
      }
      break;
    }
    case 2: {
      auto r = parse_docker_manifest(in, "manifest.json");
      if (!r) check_error(r.error(), "manifest.json");
      break;
    }
    case 3: {
      auto r = parse_diff_ids(in, "config");
      if (!r) check_error(r.error(), "config");
      break;
    }
    case 4: {
      auto r = member_components(in, "archive");
      if (!r) {
        check_error(r.error(), "archive");
        break;
      }
      for (const auto& part : *r)
        if (part.empty() || part == "." || part == ".." || part.size() > 255 || part.find('/') != std::string::npos ||
            part.find('\0') != std::string::npos)
          std::abort();
      // The canonical path reads back as the same components.
      auto again = member_components(canonical_path(*r).substr(1), "archive");
      if (!again || *again != *r) std::abort();
      break;
    }
    case 5: {
      std::string target;
      auto r = classify_whiteout(in, target);
      if (r && *r == Whiteout::remove && (target.empty() || target == "." || target == "..")) std::abort();
      break;
    }
  }
  return 0;
}
