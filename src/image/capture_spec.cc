#include "image/capture_spec.h"

#include "image/settings.h"

namespace herd::image {

const std::vector<std::string>& default_capture_excludes() {
  static const std::vector<std::string> excludes = {
      "/proc/*",
      "/sys/*",
      "/dev/*",
      "/run/*",
      "/tmp/*",
      "/var/tmp/*",
      "/etc/ssh/ssh_host_*",
      "/etc/machine-id",
      "/var/lib/dbus/machine-id",
      "/etc/hostname",
      "/etc/udev/rules.d/70-persistent-net.rules",
      "/etc/lvm/cache/*",
      "/etc/lvm/archive/*",
      "/etc/lvm/backup/*",
      "/var/lib/nfs/*",
      "lost+found",
      "/var/lib/herd/agent",
      "/var/lib/herd/image",
      "/var/lib/herd/image-work",
      ".herd-restore-*",
      ".herd-image-*",
  };
  return excludes;
}

Result<track::TrackSpec> capture_spec(const std::vector<std::string>& extra, bool defaults) {
  std::string text;
  if (defaults)
    for (const auto& glob : default_capture_excludes()) text += "exclude " + glob + "\n";
  for (const auto& glob : extra) {
    HERD_CHECK(check_path_glob(glob, "exclude"));
    text += "exclude " + glob + "\n";
  }
  return track::parse_track_spec(text, "image excludes");
}

}  // namespace herd::image
