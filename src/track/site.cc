#include "track/site.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "store/object_store.h"
#include "track/beneath.h"
#include "track/host_name.h"
#include "track/stat_cache.h"
#include "util/text.h"

namespace herd::track {

std::string Site::stat_cache() const { return stat_cache_path(store, root, host); }

Result<Site> resolve_site(const SiteOptions& options) {
  Site site;
  std::error_code ec;
  std::string root = options.root.empty() ? "/" : options.root;
  auto absolute = std::filesystem::absolute(root, ec);
  if (ec) return bad_input("root {}: {}", root, ec.message());
  site.root = absolute.lexically_normal().string();
  if (site.root.size() > 1 && site.root.back() == '/') site.root.pop_back();
  struct stat st {};
  if (::stat(site.root.c_str(), &st) != 0) return bad_input("root {}: {}", site.root, std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return bad_input("root {}: not a folder", site.root);

  site.config = !options.config.empty() ? options.config
                                        : (site.root == "/" ? "" : site.root) + "/etc/herd/track.conf";
  site.store = !options.store.empty() ? options.store : store::default_store_root();

  if (!options.node.empty()) {
    site.host = options.node;
  } else {
    auto root_fd = open_root(site.root);
    if (!root_fd) return root_fd.error();
    auto text = read_file_beneath(root_fd->get(), "/etc/hostname");
    if (!text) return text.error();
    if (text->has_value()) {
      std::string_view name = trim(**text);
      site.host = std::string(name.substr(0, name.find_first_of(" \t\n")));
    }
    if (site.host.empty()) {
      char name[HOST_NAME_MAX + 1] = {};
      if (::gethostname(name, sizeof name - 1) != 0) return failure("gethostname: {}", std::strerror(errno));
      site.host = name;
    }
  }
  if (!valid_host_name(site.host))
    return bad_input("node name '{}': use letters, digits, '.', '_' and '-' (give one with --node)", site.host);
  return site;
}

}  // namespace herd::track
