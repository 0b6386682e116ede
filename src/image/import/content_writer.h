// Storing a file's content that arrives in pieces (from libarchive) exactly as
// store::store_file would store the same bytes read from a file: small contents are
// gathered in memory and stored with store_bytes; large ones are streamed through a pipe
// to store_file on a helper thread, so memory stays bounded whatever the file's size.
// The store is used only by that thread while it runs (the caller does not touch it
// between begin() and finish()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/file_content.h"
#include "store/object_store.h"
#include "util/result.h"

namespace herd::image::import {

class ContentWriter {
 public:
  // `size` is what the archive says the content is; `what` names it in errors.
  ContentWriter(store::ObjectStore& store, uint64_t size, std::string what);
  ~ContentWriter();
  ContentWriter(const ContentWriter&) = delete;
  ContentWriter& operator=(const ContentWriter&) = delete;

  Status add(std::string_view piece);
  Status add_zeros(uint64_t count);
  // Ends the content and returns what store_file would have.
  Result<store::StoredContent> finish();

  static constexpr uint64_t kInMemory = 32ull << 20;

 private:
  struct Streamed;
  store::ObjectStore& store_;
  std::string what_;
  std::string buffer_;                  // contents up to kInMemory
  std::unique_ptr<Streamed> streamed_;  // larger ones
};

}  // namespace herd::image::import
