#include "lab/node_layer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "lab/herd_bundle.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace herd::lab {
namespace {

// The DHCP client's script (busybox udhcpc): configures eth0 from the lease, inside the
// node only. It writes the node's own /etc/resolv.conf, never the host's.
constexpr const char* kDhcpScript = R"SH(#!/bin/sh
# herd lab: udhcpc hook. $1 is deconfig, bound, renew or nak; the lease is in the environment.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then ip route replace default via "${router%% *}" dev "$interface"; fi
    : > /etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
    for server in $dns; do echo "nameserver $server" >> /etc/resolv.conf; done
    echo "$ip" > /run/herd-lab-address
    ;;
esac
exit 0
)SH";

// Brings the node up: loopback, a DHCP lease on eth0 (udhcpc stays to renew it), sshd.
// Exits non-zero when any step fails, so `herd lab up` can say which node failed.
constexpr const char* kBootScriptText = R"SH(#!/bin/sh
# herd lab: node boot. Run by `herd lab up` inside the node's namespaces.
set -e
ip link set lo up
ip link set eth0 up
busybox udhcpc -i eth0 -s /usr/local/sbin/herd-lab-dhcp -x hostname:"$(hostname)" \
  -t 30 -T 1 -A 1 -n -p /run/udhcpc.pid
mkdir -p /run/sshd
/usr/sbin/sshd
)SH";

constexpr const char* kSshdConfig = R"SH(# herd lab: keys only, no PAM (there is no login session in a lab node).
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PidFile /run/sshd.pid
)SH";

// Creates `relative` (a folder path under `upper`) with each level's mode and owner taken
// from `lower` when it exists there.
Status make_dirs_like(const std::string& lower, const std::string& upper, const std::string& relative) {
  std::error_code ec;
  fs::create_directories(upper, ec);
  if (ec) return failure("{}: {}", upper, ec.message());
  std::string path;
  for (const auto& part : split(relative, '/')) {
    if (part.empty()) continue;
    path += "/" + part;
    std::string target = upper + path;
    struct stat st;
    if (::stat(target.c_str(), &st) == 0) continue;
    mode_t mode = 0755;
    uid_t uid = 0;
    gid_t gid = 0;
    if (::stat((lower + path).c_str(), &st) == 0) {
      mode = st.st_mode & 07777;
      uid = st.st_uid;
      gid = st.st_gid;
    }
    if (::mkdir(target.c_str(), mode) != 0 && errno != EEXIST) return failure("mkdir {}: {}", target, std::strerror(errno));
    (void)::chmod(target.c_str(), mode);
    (void)!::chown(target.c_str(), uid, gid);
  }
  return {};
}

Status put(const std::string& lower, const std::string& upper, const std::string& path, std::string_view content,
           unsigned mode) {
  HERD_CHECK(make_dirs_like(lower, upper, fs::path(path).parent_path().string()));
  return write_file_atomically(upper + path, content, mode);
}

}  // namespace

Result<std::string> ensure_ssh_key(const std::string& path, const std::string& comment) {
  if (!fs::exists(path) || !fs::exists(path + ".pub")) {
    std::error_code ec;
    fs::remove(path, ec);
    fs::remove(path + ".pub", ec);
    auto out = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path});
    if (!out) return out.error().with_context("ssh-keygen (install openssh-client)");
    if (out->exit_code != 0) return failure("ssh-keygen -f {}: {}", path, trim(out->output));
  }
  auto pub = read_file(path + ".pub");
  if (!pub) return pub.error();
  return std::string(trim(*pub));
}

Result<std::string> ensure_node_host_key(const std::string& lower, const std::string& upper,
                                         const std::string& hostname) {
  HERD_CHECK(make_dirs_like(lower, upper, "/etc/ssh"));
  return ensure_ssh_key(upper + "/etc/ssh/ssh_host_ed25519_key", "root@" + hostname);
}

Status write_node_layer(const std::string& lower, const std::string& upper, const NodeLayer& layer) {
  HERD_CHECK(put(lower, upper, "/etc/hostname", layer.hostname + "\n", 0644));
  HERD_CHECK(put(lower, upper, "/etc/hosts", layer.hosts, 0644));
  HERD_CHECK(put(lower, upper, "/etc/ssh/sshd_config.d/herd-lab.conf", kSshdConfig, 0644));
  HERD_CHECK(put(lower, upper, "/root/.ssh/authorized_keys", layer.authorized_key + "\n", 0600));
  HERD_CHECK(put(lower, upper, "/usr/local/sbin/herd-lab-dhcp", kDhcpScript, 0755));
  HERD_CHECK(put(lower, upper, "/usr/bin/herd", herd_wrapper_script(), 0755));
  return put(lower, upper, kBootScript, kBootScriptText, 0755);
}

}  // namespace herd::lab
