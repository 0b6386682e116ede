#include "lab/network.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "util/atomic_file.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace herd::lab {
namespace {

constexpr const char* kNetnsDir = "/run/netns";

Status run_ip(const std::vector<std::string>& args, const std::string& batch) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = run_process(argv, batch);
  if (!out) return out.error();
  if (out->exit_code != 0) return failure("{}: {}", join(argv, " "), trim(out->output));
  return {};
}

}  // namespace

std::string netns_prefix(const std::string& lab) { return "herd-" + lab + "-"; }
std::string netns_name(const std::string& lab, const std::string& member) { return netns_prefix(lab) + member; }

std::vector<std::string> list_netns(const std::string& prefix) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(kNetnsDir);
  if (!dir) return names;
  while (auto* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != ".." && starts_with(name, prefix)) names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status add_netns(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::string batch;
  for (const auto& name : names) batch += "netns add " + name + "\n";
  return run_ip({"-batch", "-"}, batch);
}

Status delete_netns(const std::vector<std::string>& names) {
  std::string batch;
  for (const auto& name : names) {
    struct stat st;
    if (::stat((std::string(kNetnsDir) + "/" + name).c_str(), &st) == 0) batch += "netns delete " + name + "\n";
  }
  if (batch.empty()) return {};
  return run_ip({"-batch", "-"}, batch);
}

Status build_switch(const std::string& switch_netns, const std::vector<Port>& ports) {
  std::string batch = "link add br0 type bridge forward_delay 0\nlink set br0 up\n";
  for (const auto& p : ports) {
    batch += fmt::format("link add {} type veth peer name eth0 netns {} address {}\n", p.port, p.netns, p.mac);
    batch += fmt::format("link set {} master br0 up\n", p.port);
  }
  return run_ip({"-n", switch_netns, "-batch", "-"}, batch);
}

Status set_static_address(const std::string& netns, const std::string& cidr) {
  return run_ip({"-n", netns, "-batch", "-"}, fmt::format("link set lo up\naddr add {} dev eth0\nlink set eth0 up\n", cidr));
}

std::vector<ProcessId> processes_in_netns(const std::string& netns) {
  std::vector<ProcessId> found;
  struct stat ns;
  if (::stat((std::string(kNetnsDir) + "/" + netns).c_str(), &ns) != 0) return found;
  DIR* proc = ::opendir("/proc");
  if (!proc) return found;
  while (auto* entry = ::readdir(proc)) {
    long long pid = 0;
    if (!parse_int(entry->d_name, pid)) continue;
    struct stat st;
    if (::stat(fmt::format("/proc/{}/ns/net", pid).c_str(), &st) != 0) continue;
    if (st.st_ino == ns.st_ino && st.st_dev == ns.st_dev) {
      auto id = identify(static_cast<pid_t>(pid));
      if (!id.empty()) found.push_back(id);
    }
  }
  ::closedir(proc);
  return found;
}

bool is_listening(const ProcessId& member, bool tcp, int port) {
  if (!is_running(member)) return false;
  std::string wanted = fmt::format(":{:04X}", port);
  for (const char* family : {"", "6"}) {
    auto table = read_file(fmt::format("/proc/{}/net/{}{}", member.pid, tcp ? "tcp" : "udp", family));
    if (!table) continue;
    for (const auto& line : split(*table, '\n')) {
      auto fields = split(trim(line), ' ');
      std::vector<std::string> cols;
      for (auto& f : fields)
        if (!f.empty()) cols.push_back(f);
      // sl local_address rem_address st ...; TCP LISTEN is state 0A, UDP unconnected is 07.
      if (cols.size() < 4 || cols[1].size() < wanted.size()) continue;
      bool port_matches = cols[1].compare(cols[1].size() - wanted.size(), wanted.size(), wanted) == 0;
      if (port_matches && cols[3] == (tcp ? "0A" : "07")) return true;
    }
  }
  return false;
}

}  // namespace herd::lab
