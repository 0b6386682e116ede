#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <csignal>
#include <ctime>
#include <thread>
#include <vector>

#include "server/router.h"
#include "util/time_text.h"

namespace herd::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kIdle = std::chrono::seconds(60);
constexpr uint32_t kHeaderLimit = 8 * 1024;

// This worker thread's router (set before the thread runs the io_context). A session's
// coroutine may resume on any worker, but handle() runs synchronously on one, so each
// Router is only ever used by its own thread.
thread_local Router* t_router = nullptr;

std::string utc_now() { return utc_iso8601(now_ns(), 3); }

struct Connection {
  Stream stream;
  std::string peer;
  const ServeHooks& hooks;
};

// Sends `res`; returns false when the connection must close.
asio::awaitable<bool> send(Connection& c, http::response<http::string_body>& res) {
  beast::get_lowest_layer(c.stream).expires_after(kIdle);
  auto [ec, n] = co_await http::async_write(c.stream, res, asio::as_tuple(asio::use_awaitable));
  co_return !ec && res.keep_alive();
}

http::response<http::string_body> to_beast(const Response& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "herd");
  if (r.status != 304) res.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  if (r.status != 304) res.body() = r.body;
  res.prepare_payload();
  return res;
}

void log_line(Connection& c, std::string_view caller, std::string_view method, std::string_view path, int status,
              size_t bytes, std::chrono::steady_clock::time_point start) {
  if (!c.hooks.log) return;
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  c.hooks.log(fmt::format("{} {} {} {} {} {} {} {:.1f}ms", utc_now(), c.peer, caller, method, path, status, bytes, ms));
}

// An error answer before the request reached a route; the connection closes after it.
asio::awaitable<void> refuse(Connection& c, int status, const std::string& message, std::string_view method,
                             std::string_view path, std::chrono::steady_clock::time_point start) {
  auto res = to_beast(error_response(status, message), 11, false);
  co_await send(c, res);
  log_line(c, "-", method.empty() ? "-" : method, path.empty() ? "-" : path, status, res.body().size(), start);
}

// After an early answer (413) the client may still be sending its body: read and drop up
// to kDrainLimit bytes (or for 5 s) so closing does not reset the connection before the
// client has read the answer.
constexpr size_t kDrainLimit = 64u << 20;
asio::awaitable<void> drain(Connection& c) {
  beast::get_lowest_layer(c.stream).expires_after(std::chrono::seconds(5));
  std::vector<char> scratch(64 * 1024);
  size_t total = 0;
  while (total < kDrainLimit) {
    auto [ec, n] = co_await c.stream.async_read_some(asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    total += n;
  }
}

asio::awaitable<void> session(Connection c) {
  auto token = asio::as_tuple(asio::use_awaitable);
  auto& tcp_stream = beast::get_lowest_layer(c.stream);
  tcp_stream.expires_after(kIdle);
  auto [hs] = co_await c.stream.async_handshake(ssl::stream_base::server, token);
  if (hs) co_return;
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kMaxUploadBody);  // the largest any route takes; narrowed below
    tcp_stream.expires_after(kIdle);
    auto [ec, n] = co_await http::async_read_header(c.stream, buffer, parser, token);
    auto start = std::chrono::steady_clock::now();
    if (ec == http::error::header_limit) {
      co_await refuse(c, 431, "request headers over 8 KiB", "", "", start);
      break;
    }
    if (ec == http::error::body_limit) {
      co_await refuse(c, 413, "request body too large", "", "", start);
      break;
    }
    // A malformed request gets a 400; a closed, timed-out or broken connection just ends.
    if (ec && ec != http::error::end_of_stream && ec.category() == http::make_error_code(http::error::bad_target).category()) {
      co_await refuse(c, 400, fmt::format("malformed request: {}", ec.message()), "", "", start);
      break;
    }
    if (ec) break;
    auto& req = parser.get();
    std::string method(req.method_string());
    std::string target(req.target());
    size_t q = target.find('?');
    std::string path = target.substr(0, q);
    std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    uint64_t limit = body_limit(method, path);
    if (auto length = parser.content_length(); length && *length > limit) {
      co_await refuse(c, 413, fmt::format("request body of {} bytes is over the limit of {}", *length, limit), method, path, start);
      co_await drain(c);
      break;
    }
    parser.body_limit(limit);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go{http::status::continue_, req.version()};
      auto [wec, wn] = co_await http::async_write(c.stream, go, token);
      if (wec) break;
    }
    tcp_stream.expires_after(kIdle);
    auto [bec, bn] = co_await http::async_read(c.stream, buffer, parser, token);
    if (bec == http::error::body_limit) {
      co_await refuse(c, 413, fmt::format("request body over the limit of {} bytes", limit), method, path, start);
      co_await drain(c);
      break;
    }
    if (bec) break;

    Request request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.authorization = std::string(req[http::field::authorization]);
    request.if_none_match = std::string(req[http::field::if_none_match]);
    request.body = std::move(req.body());
    Response response = t_router->handle(request);
    auto res = to_beast(response, req.version(), req.keep_alive());
    bool keep = co_await send(c, res);
    log_line(c, response.caller, method, path, response.status, res.body().size(), start);
    if (!keep) break;
  }
  tcp_stream.expires_after(std::chrono::seconds(5));
  co_await c.stream.async_shutdown(token);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ssl::context& tls, const ServeHooks& hooks) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                                                       asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. out of file descriptors for a moment: keep serving the others
    // A reply goes out as several TLS records; with Nagle on, the last waits for the
    // client's delayed ACK (40 ms per request on a keep-alive connection).
    boost::system::error_code ne;
    socket.set_option(tcp::no_delay(true), ne);
    boost::system::error_code pe;
    auto remote = socket.remote_endpoint(pe);
    std::string peer = pe ? "?" : fmt::format("{}:{}", remote.address().to_string(), remote.port());
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(Connection{Stream(beast::tcp_stream(std::move(socket)), tls), peer, hooks}),
                   asio::detached);
  }
}

Result<tcp::endpoint> parse_listen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad_input("--listen {:?}: expected ADDR:PORT", listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_text = listen.substr(colon + 1);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (...) {
  }
  if (port < 0 || port > 65535) return bad_input("--listen {:?}: bad port {:?}", listen, port_text);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return bad_input("--listen {:?}: bad address {:?}", listen, host);
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

int worker_threads(int requested) {
  if (requested > 0) return requested;
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(2 * std::max(cores, 1), 2, 16);
}

Status serve(ServerState& state, const ServeHooks& hooks) {
  auto endpoint = parse_listen(state.config.listen);
  if (!endpoint) return endpoint.error();
  int threads = worker_threads(state.config.threads);
  std::vector<std::unique_ptr<Router>> routers;
  for (int i = 0; i < threads; ++i) {
    auto router = Router::open(state);
    if (!router) return router.error();
    routers.push_back(std::move(*router));
  }

  ssl::context tls(ssl::context::tls_server);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  tls.use_certificate_chain_file(state.pki.server_crt(), ec);
  if (ec) return bad_input("{}: cannot use the certificate: {}", state.pki.server_crt(), ec.message());
  tls.use_private_key_file(state.pki.server_key(), ssl::context::pem, ec);
  if (ec) return bad_input("{}: cannot use the key: {}", state.pki.server_key(), ec.message());

  asio::io_context io(threads);
  tcp::acceptor acceptor(io);
  if (acceptor.open(endpoint->protocol(), ec); ec) return failure("--listen {}: {}", state.config.listen, ec.message());
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (acceptor.bind(*endpoint, ec); ec) return failure("--listen {}: cannot bind: {}", state.config.listen, ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
    return failure("--listen {}: cannot listen: {}", state.config.listen, ec.message());
  auto bound = acceptor.local_endpoint(ec);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  // Stopping the io_context ends every worker after the handler it is running; sessions
  // still open are destroyed with it (their unsynced uploads are deleted, see object_store.h).
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  asio::co_spawn(io, accept_loop(acceptor, tls, hooks), asio::detached);
  if (hooks.listening) {
    std::string host = bound.address().to_string();
    if (bound.address().is_v6()) host = "[" + host + "]";
    hooks.listening(fmt::format("{}:{}", host, bound.port()));
  }

  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i)
    workers.emplace_back([&io, router = routers[i].get()] {
      t_router = router;
      io.run();
    });
  t_router = routers[0].get();
  io.run();
  for (auto& w : workers) w.join();
  t_router = nullptr;
  return {};
}

}  // namespace herd::server
