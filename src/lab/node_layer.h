// A node's own layer: the files the lab writes into a node's overlay upper folder before
// its root is mounted (overlayfs forbids changing the upper folder while mounted).
#pragma once

#include <string>

#include "util/result.h"

namespace herd::lab {

// Where the boot script lives inside every node; run by `herd lab up` in the node.
inline constexpr const char* kBootScript = "/usr/local/sbin/herd-lab-boot";

struct NodeLayer {
  std::string hostname;
  std::string hosts;           // /etc/hosts content
  std::string authorized_key;  // the lab's public key line for root
};

// Writes the node's files into `upper`; folders take their mode from the same folder in
// `lower` (in overlayfs the upper folder's mode wins).
Status write_node_layer(const std::string& lower, const std::string& upper, const NodeLayer& layer);

// The node's ssh host key in upper/etc/ssh, made unless it is there already; returns the
// public key line.
Result<std::string> ensure_node_host_key(const std::string& lower, const std::string& upper,
                                         const std::string& hostname);

// Makes an ed25519 key pair at `path` (private) and `path`.pub unless it exists; returns
// the public key line.
Result<std::string> ensure_ssh_key(const std::string& path, const std::string& comment);

}  // namespace herd::lab
