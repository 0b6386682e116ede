// The HTTPS transport of `herd serve`: Boost.Beast over Asio with TLS 1.2+ (PKI/server.crt
// and server.key), HTTP/1.1 keep-alive, request headers ≤ 8 KiB, body limits from
// router.h (over → 413), idle connections closed after 60 s. Requests go to one Router
// per worker thread. Stops on SIGTERM/SIGINT: stops accepting, then ends every worker.
#pragma once

#include <functional>
#include <string>

#include "server/state.h"
#include "util/result.h"

namespace herd::server {

struct ServeHooks {
  // Called once, from the calling thread, when the server accepts connections; gets the
  // bound "ADDR:PORT" (the port is the real one when 0 was asked).
  std::function<void(const std::string& address)> listening;
  // One line per request (no newline): time, peer, caller, method, path, status, bytes, ms.
  std::function<void(const std::string& line)> log;
};

// The worker count for `requested` (0 = twice the cores, at most 16).
int worker_threads(int requested);

// Serves until a SIGTERM or SIGINT. Fails (bad_input) on a bad --listen address, or when
// the certificate, key or address cannot be used, naming them.
Status serve(ServerState& state, const ServeHooks& hooks);

}  // namespace herd::server
