// The node's side of the image routes (docs/server.md, "Images"): ask what to run, say
// what runs.
#pragma once

#include <optional>
#include <string>

#include "image/image_plan.h"
#include "image/image_report.h"
#include "remote/http_client.h"

namespace herd::remote {

// GET /api/v1/image/plan[?revision=REV]. nullopt when the server answers 304 because the
// plan's ETag is `if_none_match` (the node runs it already: a no-change update is this
// one request). A node with no image assigned, or an unknown revision, is bad_input with
// the server's message.
Result<std::optional<image::ImagePlan>> fetch_image_plan(HttpClient& client, const std::string& revision,
                                                         const std::string& if_none_match);

// PUT /api/v1/image/state.
Status send_image_report(HttpClient& client, const image::ImageReport& report);

}  // namespace herd::remote
