// Sync: render every configured output, write the ones whose content changed, then run
// the reload command of each changed output.
//
// Order and guarantees:
//   1. Every output is rendered first. If any fails to render (bad inventory data, a
//      missing template), sync returns that error and writes nothing.
//   2. Each output is compared with the file on disk; only a different one is written,
//      atomically (write_file_atomically), so an unchanged file keeps its mtime and an
//      interrupted sync leaves each file old or new.
//   3. After all writes, each distinct reload command of a written output runs once, in
//      config order (two zones reloaded by one `rndc reload` run it once).
//   A write or reload failure is recorded on its output and the others go on; files
//   already written stay written and are reported as written. SyncReport::ok() is false.
//
// Zone serials: for kind zone the serial of the file on disk is kept while the records
// are the same; when they change the serial becomes max(old + 1, YYYYMMDD00), the usual
// date form, so secondaries always see it grow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inventory/model.h"
#include "reports/sync_config.h"
#include "util/result.h"

namespace herd::reports {

struct SyncOptions {
  bool dry_run = false;  // compare and report only: write nothing, reload nothing
  std::string host;      // this host's short name for `frontend =` filters; "" = gethostname()
  uint32_t today = 0;    // YYYYMMDD for zone serials; 0 = today's local date
};

struct OutputChange {
  enum class State { unchanged, created, updated, skipped };
  std::string name, kind, path;
  State state = State::unchanged;
  size_t lines_added = 0, lines_removed = 0;  // line multiset difference, not an LCS diff
  bool written = false;   // the new content is on disk (false on dry run or write failure)
  std::string reload;     // the output's reload command, "" = none
  bool reloaded = false;  // its reload command ran and exited 0
  std::string reload_output;  // what the reload command printed, when it failed
  std::string error;      // "" = fine; else why writing or reloading failed
};

struct SyncReport {
  std::vector<OutputChange> outputs;  // config order
  bool ok() const {
    for (const auto& o : outputs)
      if (!o.error.empty()) return false;
    return true;
  }
};

const char* state_name(OutputChange::State state);

// Renders, compares, writes and reloads as described above. The Error return is for
// render failures only (nothing was written); write/reload failures are in the report.
Result<SyncReport> sync_outputs(const inventory::Cluster& cluster, const SyncConfig& config, const SyncOptions& options);

// The next zone serial after `old` on date `today` (YYYYMMDD): max(old + 1, today * 100).
uint32_t next_zone_serial(uint32_t old, uint32_t today);

}  // namespace herd::reports
