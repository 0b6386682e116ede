// HttpClient: the node's HTTPS connection to the frontend (docs/server.md). One libcurl
// easy handle per client, so consecutive requests reuse one keep-alive TLS connection.
// The verifying clients of a process share one TLS session cache, so a second connection
// to the same server resumes the first one's session (no certificate exchange, no
// signature: the server's CPU per connection is a fraction of a full handshake).
// HttpClientPool keeps idle clients for reuse: the threads that fetch from one server take
// a connection that is already open instead of making a new one.
//
// Trust: with `verify` (the default) the server's certificate must chain to `ca_file`
// alone (the system CA store is not consulted) and name the URL's host. `verify = false`
// exists only for the one unverified request of enrollment (GET /api/v1/ca), whose bytes
// the caller checks against a pinned SHA-256 before trusting anything.
//
// Errors: a transport failure (no route, TLS, timeout) is a Result error naming the URL.
// An HTTP status is NOT an error at this level: callers decide which statuses they expect
// (404 for a ref that does not exist, 409 for a conflict) and turn the others into errors
// with status_error(), which names the method, URL, status and the server's {"error"}.
//
// Thread-safety: one client per thread. Not copyable; movable.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::remote {

struct HttpOptions {
  std::string base_url;  // "https://host:port", no trailing slash needed
  std::string ca_file;   // PEM file with the cluster CA; required when verify
  bool verify = true;
  std::string token;     // sent as "Authorization: Bearer TOKEN" when not empty
  long connect_timeout_s = 15;
  // A transfer slower than 1 KiB/s for this long is aborted (no total timeout: uploads of
  // 32 MiB batches on a slow link are fine as long as they move).
  long stall_timeout_s = 60;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
};

class HttpClient {
 public:
  // Fails (bad_input) for a URL that is not https:// or verify without a CA file.
  static Result<HttpClient> open(HttpOptions options);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // `path` starts with '/': it is appended to the base URL.
  Result<HttpResponse> get(const std::string& path);
  // A conditional GET: 304 (empty body) when the resource's ETag is `if_none_match`.
  Result<HttpResponse> get_if_changed(const std::string& path, const std::string& if_none_match);
  Result<HttpResponse> send(const char* method, const std::string& path, std::string_view body,
                            const char* content_type);

  std::string url(const std::string& path) const { return options_.base_url + path; }
  const HttpOptions& options() const { return options_; }

 private:
  explicit HttpClient(HttpOptions options);
  Result<HttpResponse> perform(const char* method, const std::string& path, const std::string_view* body,
                               const char* content_type, const std::string& extra_header = "");
  HttpOptions options_;
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

// Idle clients of one server for reuse. Thread-safe; shared (shared_ptr) by whatever fetches
// from the server, and must outlive no client (a client taken is the taker's).
class HttpClientPool {
 public:
  explicit HttpClientPool(HttpOptions options) : options_(std::move(options)) {}
  // An idle client (its connection most likely still open), else a new one. Fails as
  // HttpClient::open.
  Result<HttpClient> take();
  // Puts `client` back for the next take().
  void give(HttpClient client);
  const HttpOptions& options() const { return options_; }

 private:
  const HttpOptions options_;
  std::mutex mutex_;
  std::vector<HttpClient> idle_;  // guarded by mutex_
};

// "METHOD URL: HTTP 403: <the server's error message>", as a failure (exit 1).
Error status_error(const char* method, const std::string& url, const HttpResponse& response);

}  // namespace herd::remote
