// LocalRemote: a RemoteStore backed by a second local store, standing in for the server
// in unit tests of push and pull. It decodes upload batches as the server must (every
// object verified by insert_encoded), syncs before answering, and counts what moved.
// fail_upload_after makes the (N+1)th upload fail, as a dropped connection would. fetch()
// and fetch_many() are counted apart, to check that pull asks for a folder at once.
#pragma once

#include <gtest/gtest.h>

#include "store/object_batch.h"
#include "remote/remote_store.h"
#include "store/object_store.h"
#include "store/refs.h"

namespace herd::remote::testing {

class LocalRemote : public RemoteStore {
 public:
  explicit LocalRemote(const std::string& root)
      : store_(std::move(*store::ObjectStore::init(root))), refs_(root), root_(root) {}

  Result<std::optional<store::Hash>> read_ref(const std::string& name) override { return refs_.read(name); }

  Result<std::vector<store::Hash>> missing(const std::vector<store::Hash>& hashes) override {
    ++missing_calls;
    std::vector<store::Hash> out;
    for (const auto& h : hashes)
      if (!store_.has(h)) out.push_back(h);
    return out;
  }

  Result<UploadReply> upload(const std::string& body, size_t count) override {
    if (fail_upload_after >= 0 && uploads >= fail_upload_after) return failure("upload refused (test)");
    auto records = store::decode_object_batch(body);
    if (!records) return records.error();
    EXPECT_EQ(records->size(), count);
    UploadReply reply;
    for (const auto& [hash, file] : *records) {
      auto put = store_.insert_encoded(hash, file);
      if (!put) return put.error();
      put->added ? ++reply.stored : ++reply.present;
      bytes_received += file.size();
    }
    HERD_CHECK(store_.sync());
    ++uploads;
    objects_received += records->size();
    largest_body = std::max(largest_body, body.size());
    return reply;
  }

  Result<std::string> fetch(const store::Hash& hash) override {
    ++fetches;
    return store_.read_encoded(hash);
  }

  Result<std::vector<std::string>> fetch_many(const std::vector<store::Hash>& hashes) override {
    ++fetch_many_calls;
    largest_fetch_many = std::max(largest_fetch_many, hashes.size());
    std::vector<std::string> files;
    for (const auto& h : hashes) {
      auto file = store_.read_encoded(h);
      if (!file) return file.error();
      files.push_back(std::move(*file));
    }
    return files;
  }

  Status compare_and_swap(const std::string& name, const std::optional<store::Hash>& expected,
                          const store::Hash& value) override {
    return refs_.compare_and_swap(name, expected, value);
  }

  std::string describe() const override { return "local:" + root_; }

  store::ObjectStore& store() { return store_; }
  store::Refs& refs() { return refs_; }

  int fail_upload_after = -1;
  int uploads = 0, missing_calls = 0, fetches = 0, fetch_many_calls = 0;
  size_t largest_fetch_many = 0;
  uint64_t objects_received = 0, bytes_received = 0;
  size_t largest_body = 0;

 private:
  store::ObjectStore store_;
  store::Refs refs_;
  std::string root_;
};

}  // namespace herd::remote::testing
