#include "remote/http_client.h"

#include <curl/curl.h>

#include <mutex>

#include "remote/server_replies.h"

namespace herd::remote {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The process's TLS session cache, shared by every verifying client (libcurl matches a
// session to the host, port and TLS settings, the CA file included, before resuming it).
// Its lock callbacks make it safe for clients on several threads.
class SessionShare {
 public:
  static CURLSH* get() {
    // Never destroyed: clients may outlive static destructors, and exit ends it anyway.
    static SessionShare* share = new SessionShare;
    return share->handle_;
  }

 private:
  SessionShare() {
    handle_ = curl_share_init();
    if (!handle_) return;
    curl_share_setopt(handle_, CURLSHOPT_LOCKFUNC, lock);
    curl_share_setopt(handle_, CURLSHOPT_UNLOCKFUNC, unlock);
    curl_share_setopt(handle_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<SessionShare*>(self)->mutexes_[data % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<SessionShare*>(self)->mutexes_[data % kLocks].unlock();
  }
  static constexpr int kLocks = CURL_LOCK_DATA_LAST;
  CURLSH* handle_ = nullptr;
  std::mutex mutexes_[kLocks];
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpClient> HttpClient::open(HttpOptions options) {
  if (options.base_url.rfind("https://", 0) != 0)
    return bad_input("server URL '{}': must start with https:// (the server speaks only TLS)", options.base_url);
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  if (options.verify && options.ca_file.empty())
    return bad_input("server {}: no CA certificate to verify it with (give --ca FILE)", options.base_url);
  global_init();
  HttpClient client(std::move(options));
  client.handle_->curl = curl_easy_init();
  if (!client.handle_->curl) return failure("libcurl: cannot create a handle");
  return client;
}

Result<HttpResponse> HttpClient::get(const std::string& path) { return perform("GET", path, nullptr, nullptr); }

Result<HttpResponse> HttpClient::send(const char* method, const std::string& path, std::string_view body,
                                      const char* content_type) {
  return perform(method, path, &body, content_type);
}

Result<HttpResponse> HttpClient::get_if_changed(const std::string& path, const std::string& if_none_match) {
  return perform("GET", path, nullptr, nullptr, if_none_match.empty() ? "" : "If-None-Match: " + if_none_match);
}

Result<HttpResponse> HttpClient::perform(const char* method, const std::string& path, const std::string_view* body,
                                         const char* content_type, const std::string& extra_header) {
  CURL* c = handle_->curl;
  // Reset keeps the connection cache, so the TLS connection is reused across requests.
  curl_easy_reset(c);
  std::string target = url(path);
  HttpResponse response;
  char error_text[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_URL, target.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "herd-agent/1");
  if (options_.verify) {
    // The share is set again after every reset (curl_easy_reset clears it).
    if (CURLSH* share = SessionShare::get()) curl_easy_setopt(c, CURLOPT_SHARE, share);
    curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);  // only the cluster CA, never the system store
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  } else {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  struct curl_slist* headers = nullptr;
  std::string auth = "Authorization: Bearer " + options_.token;
  if (!options_.token.empty()) headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Expect:");
  if (!extra_header.empty()) headers = curl_slist_append(headers, extra_header.c_str());  // no 100-continue round trip before bodies
  std::string type_header;
  if (content_type) {
    type_header = std::string("Content-Type: ") + content_type;
    headers = curl_slist_append(headers, type_header.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  if (body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    if (std::string_view(method) != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    if (std::string_view(method) != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  }

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    std::string why = error_text[0] ? error_text : curl_easy_strerror(rc);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return failure("{} {}: {}", method, target, why);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) response.content_type = type;
  return response;
}

Result<HttpClient> HttpClientPool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      HttpClient client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return HttpClient::open(options_);
}

void HttpClientPool::give(HttpClient client) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(client));
}

Error status_error(const char* method, const std::string& url, const HttpResponse& response) {
  return failure("{} {}: HTTP {}: {}", method, url, response.status, server_message(response.body));
}

}  // namespace herd::remote
