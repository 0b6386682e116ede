#include "remote/http_object_source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "store/object_batch.h"
#include "store/object_file.h"

namespace herd::remote {
namespace {

using store::Hash;
using store::SourcedObject;

struct BatchResult {
  Status status;
  std::vector<SourcedObject> objects;
};

// Fetches one batch and verifies every record against the hash asked for, in order.
BatchResult fetch_batch(HttpClient& client, const std::vector<Hash>& hashes) {
  BatchResult out;
  std::string path = "/api/v1/objects/batch/";
  for (size_t i = 0; i < hashes.size(); ++i) path += (i ? "," : "") + hashes[i].hex();
  auto reply = client.get(path);
  if (!reply) {
    out.status = reply.error();
    return out;
  }
  if (reply->status == 404) {
    out.status = failure("{}: {}", client.options().base_url,
                         status_error("GET", client.url("/api/v1/objects/batch/..."), *reply).message);
    return out;
  }
  if (reply->status != 200) {
    out.status = status_error("GET", client.url("/api/v1/objects/batch/..."), *reply);
    return out;
  }
  auto records = store::decode_object_batch(reply->body);
  if (!records) {
    out.status = failure("{}: a batch reply does not decode: {}", client.options().base_url, records.error().message);
    return out;
  }
  if (records->size() != hashes.size()) {
    out.status = failure("{}: a batch of {} objects came back with {}", client.options().base_url, hashes.size(),
                         records->size());
    return out;
  }
  for (size_t i = 0; i < hashes.size(); ++i) {
    const auto& [hash, file] = (*records)[i];
    if (hash != hashes[i]) {
      out.status = failure("{}: object {} came back where {} was asked", client.options().base_url, hash.hex(),
                           hashes[i].hex());
      return out;
    }
    auto object = store::decode_object_file(file, hash);
    if (!object) {
      out.status = failure("object {} from {} failed verification: {}; nothing of it is used", hash.hex(),
                           client.options().base_url, object.error().message);
      return out;
    }
    out.objects.push_back(SourcedObject{hash, std::move(*object), file.size()});
  }
  return out;
}

class HttpStream : public store::ObjectStream {
 public:
  HttpStream(std::shared_ptr<HttpClientPool> pool, int jobs, std::vector<Hash> hashes)
      : pool_(std::move(pool)), hashes_(std::move(hashes)) {
    batches_ = (hashes_.size() + kObjectsPerBatch - 1) / kObjectsPerBatch;
    window_ = static_cast<size_t>(2 * jobs);
    int workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(jobs), batches_));
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
  }
  ~HttpStream() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Result<SourcedObject> next() override {
    if (failed_) return *failed_;
    if (taken_ >= hashes_.size()) return failure("object stream: asked for more than {} objects", hashes_.size());
    size_t batch = taken_ / kObjectsPerBatch;
    if (current_ != batch || !current_ready_) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return done_.count(batch) > 0; });
      current_result_ = std::move(done_[batch]);
      done_.erase(batch);
      consumed_ = batch + 1;
      current_ = batch;
      current_ready_ = true;
      lock.unlock();
      cv_.notify_all();
      if (!current_result_.status) {
        failed_ = current_result_.status.error();
        return *failed_;
      }
    }
    auto& object = current_result_.objects[taken_ % kObjectsPerBatch];
    ++taken_;
    if (taken_ % kObjectsPerBatch == 0) current_ready_ = false;
    return std::move(object);
  }

 private:
  void work() {
    auto client = pool_->take();
    while (true) {
      size_t batch;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || (next_batch_ < batches_ && next_batch_ < consumed_ + window_); });
        if (stopping_ || next_batch_ >= batches_) break;
        batch = next_batch_++;
      }
      BatchResult result;
      if (!client) {
        result.status = client.error();
      } else {
        size_t begin = batch * kObjectsPerBatch;
        size_t end = std::min(hashes_.size(), begin + kObjectsPerBatch);
        result = fetch_batch(*client, std::vector<Hash>(hashes_.begin() + begin, hashes_.begin() + end));
      }
      {
        std::lock_guard lock(mutex_);
        done_[batch] = std::move(result);
      }
      cv_.notify_all();
    }
    // A client whose last request failed may hold a broken connection: libcurl opens a new
    // one on its next request, so it is still fine to reuse.
    if (client) pool_->give(std::move(*client));
  }

  const std::shared_ptr<HttpClientPool> pool_;
  const std::vector<Hash> hashes_;
  size_t batches_ = 0, window_ = 0;
  std::vector<std::thread> workers_;
  // Guarded by mutex_: the workers' queue and what they fetched.
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  size_t next_batch_ = 0, consumed_ = 0;
  std::map<size_t, BatchResult> done_;
  // The reader's own.
  size_t taken_ = 0, current_ = 0;
  bool current_ready_ = false;
  BatchResult current_result_;
  std::optional<Error> failed_;
};

class HttpSource : public store::ObjectSource {
 public:
  HttpSource(std::shared_ptr<HttpClientPool> pool, int jobs) : pool_(std::move(pool)), jobs_(std::max(1, jobs)) {}
  std::unique_ptr<store::ObjectStream> stream(std::vector<Hash> hashes) override {
    return std::make_unique<HttpStream>(pool_, jobs_, std::move(hashes));
  }
  std::string describe() const override { return pool_->options().base_url; }

 private:
  std::shared_ptr<HttpClientPool> pool_;
  int jobs_;
};

}  // namespace

std::unique_ptr<store::ObjectSource> http_object_source(std::shared_ptr<HttpClientPool> pool, int jobs) {
  return std::make_unique<HttpSource>(std::move(pool), jobs);
}

}  // namespace herd::remote
