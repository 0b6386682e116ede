#include "track/host_name.h"

#include <pwd.h>
#include <unistd.h>

#include <cctype>

namespace herd::track {

bool valid_host_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::string user_at(const std::string& host) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buffer[4096];
  std::string user = std::to_string(::geteuid());
  if (::getpwuid_r(::geteuid(), &pw, buffer, sizeof buffer, &found) == 0 && found) user = found->pw_name;
  return user + "@" + host;
}

std::string this_host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "localhost";
  return name;
}

}  // namespace herd::track
