// The transport-neutral request and response the routes see (http_server.cc converts
// from and to Beast's), so routes can be tested and fuzzed without sockets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace herd::server {

struct Request {
  std::string method;         // "GET", "POST", ...
  std::string path;           // the target up to '?', not decoded
  std::string query;          // after '?', "" if none
  std::string authorization;  // the Authorization header, "" if none
  std::string if_none_match;  // the If-None-Match header, "" if none
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string caller = "-";  // who asked, for the request log: "admin", "node NAME", "join", "-"
};

// JSON text that never throws: invalid UTF-8 in strings is replaced.
std::string json_text(const nlohmann::json& value);
Response json_response(int status, const nlohmann::json& value);
// {"error": message} with `status`.
Response error_response(int status, const std::string& message);

// The value of `key` in a query string ("a=1&b=2"), percent-decoded; "" when absent.
std::string query_value(const std::string& query, const std::string& key);

}  // namespace herd::server
