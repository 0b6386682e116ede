#include "remote/image_client.h"

#include "remote/server_replies.h"

namespace herd::remote {

Result<std::optional<image::ImagePlan>> fetch_image_plan(HttpClient& client, const std::string& revision,
                                                         const std::string& if_none_match) {
  std::string path = "/api/v1/image/plan";
  if (!revision.empty()) path += "?revision=" + revision;
  auto reply = client.get_if_changed(path, if_none_match);
  if (!reply) return reply.error();
  if (reply->status == 304) return std::optional<image::ImagePlan>();
  if (reply->status == 404) return bad_input("{}", server_message(reply->body));
  if (reply->status != 200) return status_error("GET", client.url(path), *reply);
  auto plan = image::parse_image_plan(reply->body, "GET " + client.url(path));
  if (!plan) return failure("{}", plan.error().message);
  return std::optional<image::ImagePlan>(std::move(*plan));
}

Status send_image_report(HttpClient& client, const image::ImageReport& report) {
  const std::string path = "/api/v1/image/state";
  auto reply = client.send("PUT", path, image::encode_image_report(report), "application/json");
  if (!reply) return reply.error();
  if (reply->status != 200) return status_error("PUT", client.url(path), *reply);
  return {};
}

}  // namespace herd::remote
