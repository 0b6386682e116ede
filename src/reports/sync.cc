#include "reports/sync.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <unordered_map>

#include "reports/cluster_view.h"
#include "reports/template.h"
#include "reports/template_data.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"

namespace herd::reports {
namespace {

std::string this_host() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return {};
  std::string name(buffer);
  return name.substr(0, name.find('.'));
}

uint32_t local_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  return static_cast<uint32_t>((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

Result<std::string> render_output(const ClusterView& view, const OutputConfig& output, const ReportOptions& options) {
  Result<std::string> text = std::string();
  if (output.template_path.empty()) {
    text = render(output.kind, view, options);
  } else {
    auto data = template_data(view, output.kind, options);
    if (!data) return data.error().with_context(fmt::format("output [{}]", output.name));
    text = render_template_file(output.template_path, *data);
  }
  if (!text) return text.error().with_context(fmt::format("output [{}]", output.name));
  return text;
}

// Counts lines of `after` not matched in `before` (added) and the reverse (removed).
std::pair<size_t, size_t> line_changes(std::string_view before, std::string_view after) {
  std::unordered_map<std::string_view, long> count;
  auto each_line = [](std::string_view text, auto&& f) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      f(text.substr(pos, end - pos));
      pos = end + 1;
    }
  };
  each_line(before, [&](std::string_view line) { ++count[line]; });
  size_t added = 0;
  each_line(after, [&](std::string_view line) {
    auto it = count.find(line);
    if (it != count.end() && it->second > 0) --it->second;
    else ++added;
  });
  size_t removed = 0;
  for (const auto& [line, n] : count) removed += static_cast<size_t>(std::max(0L, n));
  return {added, removed};
}

struct Planned {
  OutputChange change;
  std::string content;
};

}  // namespace

const char* state_name(OutputChange::State state) {
  switch (state) {
    case OutputChange::State::unchanged: return "unchanged";
    case OutputChange::State::created: return "created";
    case OutputChange::State::updated: return "updated";
    case OutputChange::State::skipped: return "skipped";
  }
  return "?";
}

uint32_t next_zone_serial(uint32_t old, uint32_t today) {
  uint64_t dated = static_cast<uint64_t>(today) * 100;
  uint64_t next = std::max<uint64_t>(static_cast<uint64_t>(old) + 1, dated <= UINT32_MAX ? dated : 0);
  return next > UINT32_MAX ? 1 : static_cast<uint32_t>(next);
}

Result<SyncReport> sync_outputs(const inventory::Cluster& cluster, const SyncConfig& config, const SyncOptions& options) {
  auto view = ClusterView::build(cluster);
  if (!view) return view.error();
  std::string host = options.host.empty() ? this_host() : options.host;
  uint32_t today = options.today ? options.today : local_date();

  // 1. Render everything (and read what is on disk) before touching any file.
  std::vector<Planned> plan;
  for (const OutputConfig& output : config.outputs) {
    Planned p;
    p.change.name = output.name;
    p.change.kind = std::string(kind_info(output.kind).name);
    p.change.path = output.path;
    p.change.reload = output.reload;
    if (!output.frontends.empty() &&
        std::find(output.frontends.begin(), output.frontends.end(), host) == output.frontends.end()) {
      p.change.state = OutputChange::State::skipped;
      plan.push_back(std::move(p));
      continue;
    }
    std::error_code ec;
    bool exists = std::filesystem::exists(output.path, ec);
    std::string old;
    if (exists) {
      auto content = read_file(output.path);
      if (!content) return content.error().with_context(fmt::format("output [{}]", output.name));
      old = std::move(*content);
    }
    ReportOptions report_options = output.options;
    if (output.kind == Kind::zone) {
      auto serial = exists ? find_zone_serial(old) : std::nullopt;
      report_options.serial = serial ? *serial : next_zone_serial(0, today);
    }
    auto text = render_output(*view, output, report_options);
    if (!text) return text.error();
    if (output.kind == Kind::zone && exists && *text != old) {
      // The records changed: advance the serial.
      report_options.serial = next_zone_serial(report_options.serial, today);
      text = render_output(*view, output, report_options);
      if (!text) return text.error();
    }
    if (!exists) {
      p.change.state = OutputChange::State::created;
      p.change.lines_added = static_cast<size_t>(std::count(text->begin(), text->end(), '\n'));
    } else if (*text != old) {
      p.change.state = OutputChange::State::updated;
      std::tie(p.change.lines_added, p.change.lines_removed) = line_changes(old, *text);
    }
    p.content = std::move(*text);
    plan.push_back(std::move(p));
  }

  // 2. Write what changed.
  SyncReport report;
  for (size_t k = 0; k < plan.size(); ++k) {
    OutputChange& change = plan[k].change;
    bool changed = change.state == OutputChange::State::created || change.state == OutputChange::State::updated;
    if (changed && !options.dry_run) {
      auto status = write_file_atomically(change.path, plan[k].content, config.outputs[k].mode);
      if (status) change.written = true;
      else change.error = status.error().message;
    }
  }

  // 3. Reload: each distinct command of a written output once, in config order.
  if (!options.dry_run) {
    std::unordered_map<std::string, std::pair<bool, std::string>> ran;  // command -> (ok, output)
    for (auto& p : plan) {
      OutputChange& change = p.change;
      if (!change.written || change.reload.empty()) continue;
      auto it = ran.find(change.reload);
      if (it == ran.end()) {
        auto result = run_shell(change.reload);
        std::pair<bool, std::string> outcome;
        if (!result) outcome = {false, result.error().message};
        else if (result->exit_code != 0) {
          std::string_view printed = result->output;
          while (!printed.empty() && (printed.back() == '\n' || printed.back() == ' ')) printed.remove_suffix(1);
          outcome = {false, printed.empty() ? fmt::format("exit status {}", result->exit_code)
                                            : fmt::format("exit status {}: {}", result->exit_code, printed)};
        }
        else outcome = {true, ""};
        it = ran.emplace(change.reload, std::move(outcome)).first;
      }
      change.reloaded = it->second.first;
      if (!change.reloaded) {
        change.reload_output = it->second.second;
        change.error = fmt::format("reload '{}' failed ({}); {} was written", change.reload, it->second.second,
                                   change.path);
      }
    }
  }
  for (auto& p : plan) report.outputs.push_back(std::move(p.change));
  return report;
}

}  // namespace herd::reports
