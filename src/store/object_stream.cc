#include "store/object_stream.h"

namespace herd::store {
namespace {

class LocalStream : public ObjectStream {
 public:
  LocalStream(const ObjectStore& store, std::vector<Hash> hashes) : store_(store), hashes_(std::move(hashes)) {}

  Result<SourcedObject> next() override {
    if (error_) return *error_;
    if (next_ >= hashes_.size()) return failure("{}: read past the end of the stream", store_.root());
    const Hash& hash = hashes_[next_++];
    auto object = store_.get(hash);
    if (!object) {
      error_ = object.error();
      return *error_;
    }
    return SourcedObject{hash, std::move(*object), 0};
  }

 private:
  const ObjectStore& store_;
  std::vector<Hash> hashes_;
  size_t next_ = 0;
  std::optional<Error> error_;
};

class LocalSource : public ObjectSource {
 public:
  explicit LocalSource(const ObjectStore& store) : store_(store) {}
  std::unique_ptr<ObjectStream> stream(std::vector<Hash> hashes) override {
    return std::make_unique<LocalStream>(store_, std::move(hashes));
  }
  std::string describe() const override { return store_.root(); }

 private:
  const ObjectStore& store_;
};

}  // namespace

std::unique_ptr<ObjectSource> local_object_source(const ObjectStore& store) {
  return std::make_unique<LocalSource>(store);
}

}  // namespace herd::store
