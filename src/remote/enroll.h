// Enrollment (docs/server.md, "GET /api/v1/ca" and "POST /api/v1/enroll"): a node trusts
// the frontend by a pinned SHA-256 of the CA certificate, then trades a join token for
// its own node credential.
#pragma once

#include <string>
#include <vector>

#include "remote/agent_config.h"
#include "util/result.h"

namespace herd::remote {

// "AB:cd:..", "sha256:abcd...", upper or lower case -> 64 lowercase hex digits; anything
// else is bad_input naming the value.
Result<std::string> normalize_fingerprint(const std::string& text);

// GET SERVER/api/v1/ca WITHOUT verifying the server, and returns the PEM bytes only if
// their SHA-256 equals `sha256_hex`. A mismatch is bad_input (exit 2) naming both
// digests: nothing from that server is trusted or saved.
Result<std::string> fetch_pinned_ca(const std::string& server, const std::string& sha256_hex);

// The MAC addresses of the machine's interfaces, from SYS_CLASS_NET/*/address: lowercase,
// sorted, unique; loopback, all-zero and non-Ethernet-style addresses left out.
std::vector<std::string> interface_macs(const std::string& sys_class_net = "/sys/class/net");

struct EnrollRequest {
  std::string server;
  std::string ca_file;  // verified against from here on
  std::string join_token;
  std::string hostname;
  std::vector<std::string> macs;
};

// POST /api/v1/enroll; returns the node's name and credential as the server gave them.
// HTTP errors name the URL, the status and the server's message.
Result<AgentConfig> enroll(const EnrollRequest& request);

}  // namespace herd::remote
