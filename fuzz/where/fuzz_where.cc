// libFuzzer target for compile_where (see CMakeLists.txt for the properties it checks).
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "inventory/schema.h"
#include "inventory/sqlite/sqlite_database.h"
#include "inventory/where.h"

namespace {

using herd::inventory::Value;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_where: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// A small inventory with the real schema: enough rows that every subquery is evaluated.
herd::inventory::SqliteDatabase& inventory() {
  static herd::inventory::SqliteDatabase* db = [] {
    auto opened = herd::inventory::open_sqlite(":memory:", true);
    if (!opened) fail("open", opened.error().message);
    if (auto migrated = herd::inventory::migrate(**opened); !migrated) fail("migrate", migrated.error().message);
    for (const char* sql : {
             "INSERT INTO networks (id, name, address, prefix) VALUES (1, 'private', '10.1.0.0', 16)",
             "INSERT INTO appliances (id, name) VALUES (1, 'compute'), (2, 'gpu')",
             "INSERT INTO nodes (id, name, appliance_id, rack, rank, os) VALUES (1, 'compute-0-0', 1, 0, 0, 'linux'),"
             " (2, 'gpu-1-0', 2, 1, 0, 'rocky'), (3, 'x', 1, -1, 2, '')",
             "INSERT INTO interfaces (node_id, device, mac, ip, network_id, vlan) VALUES"
             " (1, 'eth0', 'aa:bb:cc:dd:ee:ff', '10.1.255.254', 1, NULL), (2, 'eth0', NULL, '10.1.255.253', 1, 5),"
             " (2, 'ib0', NULL, NULL, NULL, NULL)",
             "INSERT INTO attributes (scope, target, name, value) VALUES ('global', '', 'a', '1'),"
             " ('os', 'rocky', 'a', 'x'), ('appliance', 'gpu', 'b', '-12'), ('rack', '1', 'a', '99999999999999999999'),"
             " ('node', 'x', 'a', ''), ('node', 'compute-0-0', 'c', '007')",
             "INSERT INTO secrets (scope, target, name, value) VALUES ('global', '', 'a', 'secret')",
         }) {
      if (auto done = (*opened)->exec(sql); !done) fail("fill", done.error().message);
    }
    return static_cast<herd::inventory::SqliteDatabase*>(opened->release());
  }();
  return *db;
}

void run(const herd::inventory::SqlCondition& condition) {
  const std::string sql =
      "SELECT n.name FROM nodes n JOIN appliances a ON a.id = n.appliance_id WHERE " + condition.sql + " ORDER BY n.name";
  sqlite3* handle = inventory().handle();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    fail(sqlite3_errmsg(handle), sql);
  for (std::size_t i = 0; i < condition.params.size(); ++i) {
    const Value& value = condition.params[i];
    const int index = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    if (const auto* text = std::get_if<std::string>(&value))
      rc = sqlite3_bind_text(stmt, index, text->data(), static_cast<int>(text->size()), SQLITE_TRANSIENT);
    else if (const auto* integer = std::get_if<int64_t>(&value))
      rc = sqlite3_bind_int64(stmt, index, *integer);
    else
      fail("unexpected parameter type", sql);
    if (rc != SQLITE_OK) fail(sqlite3_errmsg(handle), sql);
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) fail(sqlite3_errmsg(handle), sql);
  sqlite3_finalize(stmt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view expression(reinterpret_cast<const char*>(data), size);
  auto compiled = herd::inventory::compile_where(expression);
  if (!compiled) {
    const auto& error = compiled.error();
    if (error.kind != herd::ErrorKind::bad_input) fail("error kind is not bad_input", error.message);
    if (error.message.rfind("--where: ", 0) != 0) fail("error message lacks '--where: '", error.message);
    return 0;
  }
  // User text never reaches the SQL, so its only '?' are placeholders.
  const auto placeholders = static_cast<std::size_t>(std::count(compiled->sql.begin(), compiled->sql.end(), '?'));
  if (placeholders != compiled->params.size()) fail("placeholders and parameters differ", compiled->sql);
  if (compiled->sql.find("secrets") != std::string::npos) fail("SQL names the secrets table", compiled->sql);
  run(*compiled);
  return 0;
}
