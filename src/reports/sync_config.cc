#include "reports/sync_config.h"

#include <cstdlib>
#include <filesystem>
#include <set>

#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::reports {
namespace {

std::optional<bool> parse_bool(std::string_view value) {
  std::string v = to_lower(value);
  if (v == "yes" || v == "true" || v == "1" || v == "on") return true;
  if (v == "no" || v == "false" || v == "0" || v == "off" || v.empty()) return false;
  return std::nullopt;
}

bool valid_section_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// Per-output bookkeeping while parsing.
struct Pending {
  OutputConfig output;
  bool has_kind = false;
  std::set<std::string> keys;
};

}  // namespace

Result<SyncConfig> parse_sync_config(std::string_view text, const std::string& file) {
  SyncConfig config;
  config.file = file;
  std::string base = std::filesystem::path(file).parent_path().string();
  std::vector<Pending> pending;
  std::set<std::string> names;
  auto error = [&](int line, std::string message) { return bad_input("{}:{}: {}", file, line, message); };

  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      if (end == text.size()) break;
      continue;
    }
    if (line.find('\0') != std::string_view::npos) return error(line_number, "NUL byte in line");
    if (line[0] == '[') {
      if (line.back() != ']') return error(line_number, "a section header is [name]");
      std::string name(trim(line.substr(1, line.size() - 2)));
      if (!valid_section_name(name))
        return error(line_number, fmt::format("output name '{}': use letters, digits, '-', '_' and '.'", name));
      if (!names.insert(name).second) return error(line_number, fmt::format("output [{}] is defined twice", name));
      Pending p;
      p.output.name = name;
      p.output.line = line_number;
      if (auto kind = parse_kind(name)) p.output.kind = *kind;
      p.has_kind = parse_kind(name).has_value();
      pending.push_back(std::move(p));
    } else {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) return error(line_number, fmt::format("expected key = value, got '{}'", line));
      std::string key = to_lower(trim(line.substr(0, eq)));
      std::string value(trim(line.substr(eq + 1)));
      if (pending.empty()) return error(line_number, fmt::format("'{}' comes before any [output] section", key));
      Pending& p = pending.back();
      OutputConfig& out = p.output;
      if (!p.keys.insert(key).second) return error(line_number, fmt::format("'{}' is set twice in [{}]", key, out.name));
      if (key == "kind") {
        auto kind = parse_kind(value);
        if (!kind) return error(line_number, fmt::format("unknown kind '{}' (see herd report --list)", value));
        out.kind = *kind;
        p.has_kind = true;
      } else if (key == "path") {
        if (value.empty() || value[0] != '/') return error(line_number, fmt::format("path '{}' must be absolute", value));
        if (value.back() == '/') return error(line_number, fmt::format("path '{}' names a folder", value));
        out.path = value;
      } else if (key == "reload") {
        out.reload = value;
      } else if (key == "template") {
        if (value.empty()) return error(line_number, "template is empty");
        out.template_path = value[0] == '/' || base.empty() ? value : base + "/" + value;
      } else if (key == "network") {
        out.options.network = value;
      } else if (key == "zone") {
        out.options.zone = value;
      } else if (key == "reverse") {
        auto flag = parse_bool(value);
        if (!flag) return error(line_number, fmt::format("reverse '{}' is not yes or no", value));
        out.options.reverse = *flag;
      } else if (key == "lease-file") {
        if (value.empty() || value[0] != '/') return error(line_number, fmt::format("lease-file '{}' is not an absolute path", value));
        out.options.lease_file = value;
      } else if (key == "mode") {
        unsigned mode = 0;
        bool ok = !value.empty() && value.size() <= 5;
        for (char c : value) {
          ok = ok && c >= '0' && c <= '7';
          mode = mode * 8 + static_cast<unsigned>(c - '0');
        }
        if (!ok || mode > 07777) return error(line_number, fmt::format("mode '{}' is not an octal file mode", value));
        out.mode = mode;
      } else if (key == "frontend") {
        for (const std::string& part : split(value, ',')) {
          std::string_view host = trim(part);
          if (!host.empty()) out.frontends.emplace_back(host);
        }
      } else {
        return error(line_number,
                     fmt::format("unknown key '{}' (kind, path, reload, template, network, zone, reverse, lease-file, mode, frontend)", key));
      }
    }
    if (end == text.size()) break;
  }

  std::set<std::string> paths;
  for (Pending& p : pending) {
    OutputConfig& out = p.output;
    if (!p.has_kind)
      return error(out.line, fmt::format("[{}] has no kind (and '{}' is not a kind)", out.name, out.name));
    if (out.path.empty()) return error(out.line, fmt::format("[{}] has no path", out.name));
    if (!paths.insert(out.path).second)
      return error(out.line, fmt::format("[{}] writes {}, which another output writes too", out.name, out.path));
    if (out.options.reverse && out.kind != Kind::zone)
      return error(out.line, fmt::format("[{}]: reverse applies only to kind zone", out.name));
    if (!out.options.lease_file.empty() && out.kind != Kind::kea)
      return error(out.line, fmt::format("[{}]: lease-file applies only to kind kea", out.name));
    config.outputs.push_back(std::move(out));
  }
  return config;
}

Result<SyncConfig> load_sync_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return bad_input("sync config {}: no such file", path);
  auto text = read_file(path);
  if (!text) return bad_input("sync config {}", text.error().message);
  return parse_sync_config(*text, path);
}

std::string default_sync_config_path() {
  const char* env = std::getenv("HERD_SYNC_CONFIG");
  return env && *env ? env : "/etc/herd/sync.conf";
}

}  // namespace herd::reports
