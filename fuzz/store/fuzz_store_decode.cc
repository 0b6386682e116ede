// fuzz_store_decode: libFuzzer over the store's decoders of untrusted bytes (objects come
// from disk and from other hosts). The first byte picks the decoder: 0 tree, 1 snapshot,
// 2 chunks list, 3 object file, 4 pack index. Every input either fails with bad_input naming "what",
// or decodes into a value that satisfies the decoder's rules and encodes back to exactly
// the same bytes (each valid value has one encoding).
//
//   ./fuzz_store_decode fuzz/store/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/chunks.h"
#include "store/object_file.h"
#include "store/pack_index.h"
#include "store/snapshot.h"
#include "store/tree.h"

namespace {

using herd::ErrorKind;

template <typename R>
void expect_named_failure(const R& result, std::string_view what) {
  if (result.ok()) return;
  if (result.error().kind != ErrorKind::bad_input) std::abort();
  if (result.error().message.rfind(std::string(what) + ": ", 0) != 0) std::abort();
}

void fuzz_tree(std::string_view bytes) {
  auto tree = herd::store::decode_tree(bytes, "tree T");
  expect_named_failure(tree, "tree T");
  if (!tree.ok()) return;
  if (!herd::store::check_tree(*tree, "tree T").ok()) std::abort();
  for (const auto& e : tree->entries)
    if (!herd::store::valid_entry_name(e.name)) std::abort();
  if (herd::store::encode_tree(*tree) != bytes) std::abort();
}

void fuzz_snapshot(std::string_view bytes) {
  auto snapshot = herd::store::decode_snapshot(bytes, "snapshot S");
  expect_named_failure(snapshot, "snapshot S");
  if (!snapshot.ok()) return;
  if (!herd::store::check_snapshot(*snapshot, "snapshot S").ok()) std::abort();
  if (herd::store::encode_snapshot(*snapshot) != bytes) std::abort();
}

void fuzz_chunks(std::string_view bytes) {
  auto chunks = herd::store::decode_chunks(bytes, "chunks C");
  expect_named_failure(chunks, "chunks C");
  if (!chunks.ok()) return;
  if (chunks->empty()) std::abort();
  for (const auto& c : *chunks)
    if (c.size == 0) std::abort();
  if (herd::store::encode_chunks(*chunks) != bytes) std::abort();
}

// An object file only decodes if it hashes to the expected name, so fuzzing against a
// fixed name exercises the header and zstd checks; a success must be that very object.
void fuzz_object_file(std::string_view bytes) {
  static const herd::store::Hash expected = herd::store::object_hash(herd::store::ObjectType::blob, "fuzz");
  auto object = herd::store::decode_object_file(bytes, expected);
  if (object.ok() && (object->type != herd::store::ObjectType::blob || object->payload != "fuzz")) std::abort();
  // The header alone must agree with itself.
  auto header = herd::store::parse_object_header(bytes);
  if (header.ok() && header->size > herd::store::kMaxPayloadSize) std::abort();
}

// A pack index decodes only if its checksum, order and bounds hold; what decodes encodes
// back to the same bytes, and every entry lies within the pack.
void fuzz_pack_index(std::string_view bytes) {
  auto index = herd::store::decode_pack_index(bytes);
  if (!index.ok()) return;
  for (size_t i = 0; i < index->entries.size(); ++i) {
    const auto& e = index->entries[i];
    if (i > 0 && !(index->entries[i - 1].hash < e.hash)) std::abort();
    if (e.offset < herd::store::kPackHeaderSize || e.length < herd::store::kObjectHeaderSize ||
        e.offset + e.length > index->pack_size)
      std::abort();
    if (herd::store::find_entry(*index, e.hash) != &e) std::abort();
  }
  if (herd::store::encode_pack_index(index->entries, index->pack_size) != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: fuzz_tree(bytes); break;
    case 1: fuzz_snapshot(bytes); break;
    case 2: fuzz_chunks(bytes); break;
    case 3: fuzz_object_file(bytes); break;
    case 4: fuzz_pack_index(bytes); break;
  }
  return 0;
}
