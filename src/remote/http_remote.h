// HttpRemote: RemoteStore over the frontend's HTTP API (docs/server.md, "Requests"), on
// one keep-alive HttpClient. Requests are split to the documented limits: at most
// 1,000,000 hashes per /objects/missing, 4,096 per /objects/fetch.
#pragma once

#include "remote/http_client.h"
#include "remote/remote_store.h"

namespace herd::remote {

class HttpRemote : public RemoteStore {
 public:
  explicit HttpRemote(HttpClient client) : client_(std::move(client)) {}

  Result<std::optional<store::Hash>> read_ref(const std::string& name) override;
  Result<std::vector<store::Hash>> missing(const std::vector<store::Hash>& hashes) override;
  Result<UploadReply> upload(const std::string& body, size_t count) override;
  Result<std::string> fetch(const store::Hash& hash) override;
  Result<std::vector<std::string>> fetch_many(const std::vector<store::Hash>& hashes) override;
  Status compare_and_swap(const std::string& name, const std::optional<store::Hash>& expected,
                          const store::Hash& value) override;
  std::string describe() const override { return client_.options().base_url; }

 private:
  HttpClient client_;
};

inline constexpr size_t kMaxMissingQuery = 1'000'000;
inline constexpr size_t kMaxFetchQuery = 4'096;

}  // namespace herd::remote
