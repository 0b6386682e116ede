#include "inventory/change_stamp.h"

#include <fmt/format.h>

namespace herd::inventory {
namespace {

int64_t first_integer(Database& db, std::string_view sql) {
  int64_t value = -1;
  auto status = db.query(sql, {}, [&](const Row& row) {
    if (!row.empty() && std::holds_alternative<int64_t>(row[0])) value = std::get<int64_t>(row[0]);
  });
  return status ? value : -1;
}

}  // namespace

std::string change_stamp(Database& db) {
  if (db.backend() != "sqlite") return "";
  int64_t version = first_integer(db, "PRAGMA data_version");
  int64_t own = first_integer(db, "SELECT total_changes()");
  if (version < 0 || own < 0) return "";
  return fmt::format("{}.{}", version, own);
}

}  // namespace herd::inventory
