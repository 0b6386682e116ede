#include "reports/template.h"

#include <kainjow/mustache.hpp>

#include <filesystem>
#include <set>

#include "util/atomic_file.h"

namespace herd::reports {
namespace {

namespace mustache = kainjow::mustache;

mustache::data to_data(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) out.set(key, to_data(item));
      return out;
    }
    case nlohmann::json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const auto& item : value) out.push_back(to_data(item));
      return out;
    }
    case nlohmann::json::value_t::string: {
      // An empty string is false, so {{#ip}}...{{/ip}} skips interfaces without one.
      const auto& text = value.get_ref<const std::string&>();
      return text.empty() ? mustache::data{false} : mustache::data{text};
    }
    case nlohmann::json::value_t::boolean: return mustache::data{value.get<bool>()};
    case nlohmann::json::value_t::null: return mustache::data{false};
    default: return mustache::data{value.dump()};  // numbers
  }
}

// kainjow reports positions as "... at <offset>"; turn the offset into line:column.
std::string locate(std::string_view name, std::string_view text, const std::string& message) {
  size_t at = message.rfind(" at ");
  if (at != std::string::npos) {
    size_t offset = 0;
    bool digits = at + 4 < message.size();
    for (size_t i = at + 4; i < message.size(); ++i) {
      if (message[i] < '0' || message[i] > '9') {
        digits = false;
        break;
      }
      offset = offset * 10 + static_cast<size_t>(message[i] - '0');
    }
    if (digits && offset <= text.size()) {
      size_t line = 1, column = 1;
      for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      return fmt::format("{}:{}:{}: {}", name, line, column, message.substr(0, at));
    }
  }
  return fmt::format("{}: {}", name, message);
}

// Names of the partials ({{> name}}) a template text uses.
std::set<std::string> partial_names(std::string_view text) {
  std::set<std::string> names;
  for (size_t pos = text.find("{{>"); pos != std::string_view::npos; pos = text.find("{{>", pos + 3)) {
    size_t end = text.find("}}", pos);
    if (end == std::string_view::npos) break;
    std::string_view name = text.substr(pos + 3, end - pos - 3);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) names.emplace(name);
  }
  return names;
}

}  // namespace

Result<std::string> render_template(std::string_view text, const nlohmann::json& data, std::string_view name,
                                    const std::string& folder) {
  mustache::mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) return bad_input("{}", locate(name, text, tmpl.error_message()));
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  mustache::data root = to_data(data);
  if (!folder.empty()) {
    for (const std::string& partial : partial_names(text)) {
      if (partial.find('/') != std::string::npos || partial.find("..") != std::string::npos)
        return bad_input("{}: partial '{}' must be a plain name (read from the template's folder)", name, partial);
      std::string path = folder + "/" + partial + ".mustache";
      auto content = read_file(path);
      if (!content) return bad_input("{}: partial '{}': cannot read {}", name, partial, path);
      std::string body = std::move(*content);
      root.set(partial, mustache::partial{[body] { return body; }});
    }
  }
  std::string out = tmpl.render(root);
  if (!tmpl.is_valid()) return bad_input("{}", locate(name, text, tmpl.error_message()));
  return out;
}

Result<std::string> render_template_file(const std::string& path, const nlohmann::json& data) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return bad_input("template {}: no such file", path);
  auto text = read_file(path);
  if (!text) return bad_input("template {}: {}", path, text.error().message);
  std::string folder = std::filesystem::path(path).parent_path().string();
  return render_template(*text, data, path, folder.empty() ? "." : folder);
}

}  // namespace herd::reports
