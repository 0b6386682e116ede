// The agent's schedule and hooks, written beneath a root by `herd track agent install`:
//   /etc/systemd/system/herd-track.service   oneshot: checkpoint -m scheduled, then push
//   /etc/systemd/system/herd-track.timer     OnCalendar (default daily), RandomizedDelaySec,
//                                           Persistent=true
//   /etc/systemd/system/timers.target.wants/herd-track.timer -> ../herd-track.timer
//                                           (enabled, as `systemctl --root` would)
//   /etc/apt/apt.conf.d/80herd-track         DPkg::Post-Invoke: checkpoint and push after
//                                           every dpkg run; never fails the apt run
//   /etc/dnf/plugins/post-transaction-actions.d/herd-track.action
//                                           the same for dnf (only if ROOT/etc/dnf exists;
//                                           needs the post-transaction-actions plugin)
// Files are written beneath the root without following symlinks (every folder opened
// O_NOFOLLOW from the root), each atomically (temporary file, fsync, rename, fsync folder).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace herd::remote {

struct AgentUnitOptions {
  std::string herd = "/usr/bin/herd";  // absolute path of the herd binary on the node
  std::string on_calendar = "daily";   // systemd OnCalendar=
  std::string randomized_delay = "1h"; // systemd RandomizedDelaySec=
  // Exported to every command (e.g. HERD_AGENT_DIR when not the default).
  std::vector<std::pair<std::string, std::string>> environment;
};

// Rejects values that cannot be written safely into unit files, apt.conf and sh: empty,
// control characters, and the characters `"` `\` `%` `$` `'` `` ` ``. Names the option.
Status check_agent_unit_options(const AgentUnitOptions& options);

std::string service_unit(const AgentUnitOptions& options);
std::string timer_unit(const AgentUnitOptions& options);
std::string apt_hook(const AgentUnitOptions& options);
std::string dnf_action(const AgentUnitOptions& options);

inline constexpr const char* kServicePath = "/etc/systemd/system/herd-track.service";
inline constexpr const char* kTimerPath = "/etc/systemd/system/herd-track.timer";
inline constexpr const char* kTimerWantsPath = "/etc/systemd/system/timers.target.wants/herd-track.timer";
inline constexpr const char* kAptHookPath = "/etc/apt/apt.conf.d/80herd-track";
inline constexpr const char* kDnfActionPath = "/etc/dnf/plugins/post-transaction-actions.d/herd-track.action";

// Writes the files above beneath `root`; returns the paths written (as seen from the root).
Result<std::vector<std::string>> install_agent_units(const std::string& root, const AgentUnitOptions& options);
// Removes them; returns the paths that existed. Missing ones are fine.
Result<std::vector<std::string>> remove_agent_units(const std::string& root);

}  // namespace herd::remote
