// POST /api/v1/enroll: a machine with a join token becomes (or finds) its inventory node
// and gets a node credential. One inventory transaction: the token's use, the node and
// the credential are all recorded or none is (a failed enrollment does not use the token).
#include <chrono>

#include "inventory/credentials.h"
#include "inventory/enrollment.h"
#include "server/router.h"
#include "server/tokens.h"

namespace herd::server {
namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Response Router::enroll(const Request& request) {
  auto parsed = parse_enroll_request(request.body);
  if (!parsed) return error_response(400, parsed.error().message);
  int64_t now = now_seconds();

  std::lock_guard lock(state_.inventory_mutex);
  auto& db = *state_.db;
  auto join = check_join_token(state_, parsed->join_token, now);
  if (!join) return error_response(status_for(join.error(), 401), join.error().message);

  inventory::Transaction tx(db);
  if (auto begun = tx.begin(); !begun) return error_response(500, begun.error().message);
  auto found = inventory::find_or_add_machine(*state_.inventory, {parsed->hostname, parsed->macs, join->appliance});
  if (!found) return error_response(status_for(found.error()), found.error().message);
  if (!found->conflict.empty()) return error_response(409, found->conflict);
  if (auto used = inventory::use_join_token(db, join->id); !used) return error_response(500, used.error().message);
  auto token = issue_token(TokenKind::node);
  if (!token) return error_response(500, token.error().message);
  auto added = inventory::add_node_credential(db, {token->id, found->node, token->sha256, now, false});
  if (!added) return error_response(500, added.error().message);
  if (auto committed = tx.commit(); !committed) return error_response(500, committed.error().message);

  Response r = json_response(200, {{"node", found->node}, {"token", token->token}});
  r.caller = "join " + join->id;
  return r;
}

}  // namespace herd::server
