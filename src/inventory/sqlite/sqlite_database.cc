#include "inventory/sqlite/sqlite_database.h"

#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "util/text.h"

namespace herd::inventory {

std::string to_text(const Value& value) {
  switch (value.index()) {
    case 1: return std::to_string(std::get<int64_t>(value));
    case 2: return fmt::format("{}", std::get<double>(value));
    case 3: return std::get<std::string>(value);
    default: return "";
  }
}

SqliteDatabase::SqliteDatabase(sqlite3* handle, std::string path) : db_(handle), path_(std::move(path)) {}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Error SqliteDatabase::error_from(int code, std::string_view sql) const {
  std::string message = sqlite3_errmsg(db_);
  int primary = code & 0xff;
  // Constraint violations come from the data the user gave: report them as bad input.
  if (primary == SQLITE_CONSTRAINT) return bad_input("{}", message);
  if (primary == SQLITE_READONLY || primary == SQLITE_AUTH) return bad_input("{}", message);
  (void)sql;
  return failure("{}: {}", path_, message);
}

Result<sqlite3_stmt*> SqliteDatabase::prepare(std::string_view sql) {
  auto found = statements_.find(std::string(sql));
  if (found != statements_.end()) {
    sqlite3_reset(found->second);
    sqlite3_clear_bindings(found->second);
    return found->second;
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return bad_input("{}", sqlite3_errmsg(db_));
  if (stmt == nullptr) return bad_input("empty SQL statement");
  if (tail && !trim(std::string_view(tail, sql.data() + sql.size() - tail)).empty()) {
    sqlite3_finalize(stmt);
    return bad_input("only one SQL statement may be given");
  }
  if (read_only_ && !sqlite3_stmt_readonly(stmt)) {
    sqlite3_finalize(stmt);
    return bad_input("the inventory is open read-only here: only SELECT statements are allowed");
  }
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

static Status bind_all(sqlite3* db, sqlite3_stmt* stmt, const std::vector<Value>& params) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
    return failure("SQL expects {} parameters, got {}", sqlite3_bind_parameter_count(stmt), params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    const Value& v = params[i];
    switch (v.index()) {
      case 0: rc = sqlite3_bind_null(stmt, index); break;
      case 1: rc = sqlite3_bind_int64(stmt, index, std::get<int64_t>(v)); break;
      case 2: rc = sqlite3_bind_double(stmt, index, std::get<double>(v)); break;
      case 3: {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        break;
      }
    }
    if (rc != SQLITE_OK) return failure("bind: {}", sqlite3_errmsg(db));
  }
  return {};
}

Status SqliteDatabase::run(sqlite3_stmt* stmt, std::string_view sql, const std::function<void(const Row&)>* each) {
  Row row;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Error e = error_from(rc, sql);
      sqlite3_reset(stmt);
      return e;
    }
    if (!each) continue;
    int n = sqlite3_column_count(stmt);
    row.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER: row[i] = static_cast<int64_t>(sqlite3_column_int64(stmt, i)); break;
        case SQLITE_FLOAT: row[i] = sqlite3_column_double(stmt, i); break;
        case SQLITE_NULL: row[i] = nullptr; break;
        default: {
          auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          row[i] = std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
        }
      }
    }
    (*each)(row);
  }
  sqlite3_reset(stmt);
  return {};
}

Status SqliteDatabase::exec(std::string_view sql, const std::vector<Value>& params) {
  if (params.empty() && sql.find(';') != std::string_view::npos) {
    // Several statements (migrations): no caching, no parameters.
    char* message = nullptr;
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      return failure("{}: {}", path_, text);
    }
    return {};
  }
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  HERD_CHECK(bind_all(db_, *stmt, params));
  return run(*stmt, sql, nullptr);
}

Status SqliteDatabase::query(std::string_view sql, const std::vector<Value>& params,
                             const std::function<void(const Row&)>& each, std::vector<std::string>* columns) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  HERD_CHECK(bind_all(db_, *stmt, params));
  if (columns) {
    columns->clear();
    for (int i = 0; i < sqlite3_column_count(*stmt); ++i) columns->emplace_back(sqlite3_column_name(*stmt, i));
  }
  return run(*stmt, sql, &each);
}

Status SqliteDatabase::begin() {
  if (in_transaction_) return failure("a transaction is already open");
  // IMMEDIATE takes the write lock now, so two writers serialise instead of failing late.
  HERD_CHECK(exec("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  return {};
}

Status SqliteDatabase::commit() {
  if (!in_transaction_) return failure("commit without a transaction");
  in_transaction_ = false;
  auto status = exec("COMMIT");
  if (!status) (void)exec("ROLLBACK");
  return status;
}

Status SqliteDatabase::rollback() {
  if (!in_transaction_) return {};
  in_transaction_ = false;
  return exec("ROLLBACK");
}

Result<bool> SqliteDatabase::has_table(std::string_view name) {
  bool found = false;
  HERD_CHECK(query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {std::string(name)},
                   [&](const Row&) { found = true; }));
  return found;
}

Result<ChangeMark> SqliteDatabase::change_mark() {
  // data_version changes when another connection commits; this connection's own writes
  // are counted by total_changes (a rolled-back change counts too: a needless refresh).
  ChangeMark mark;
  HERD_CHECK(query("PRAGMA data_version", {}, [&](const Row& row) {
    if (!row.empty() && std::holds_alternative<int64_t>(row[0])) mark.others = std::get<int64_t>(row[0]);
  }));
  mark.own = sqlite3_total_changes64(db_);
  return mark;
}

namespace {

Result<sqlite3*> open_handle(const std::string& path, int flags) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return failure("{}: cannot open the inventory: {}", path, message);
  }
  sqlite3_busy_timeout(handle, 10000);
  sqlite3_extended_result_codes(handle, 1);
  return handle;
}

// The read-only connection's guard: no access to the secrets table, no other database
// files, and pragmas only as queries (a pragma with a value could change the connection).
int read_only_guard(void*, int action, const char* arg1, const char* arg2, const char*, const char*) {
  if (action == SQLITE_READ && arg1 && std::strcmp(arg1, "secrets") == 0) return SQLITE_DENY;
  if (action == SQLITE_ATTACH || action == SQLITE_DETACH) return SQLITE_DENY;
  if (action == SQLITE_PRAGMA && arg2) {
    for (const char* introspection : {"table_info", "table_xinfo", "index_list", "index_info", "foreign_key_list"})
      if (std::strcmp(arg1, introspection) == 0) return SQLITE_OK;
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, bool create) {
  if (!create && !std::filesystem::exists(path))
    return bad_input("{}: no inventory here; run `herd init` first or give --db", path);
  if (create) {
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return failure("{}: cannot create folder: {}", parent.string(), ec.message());
  }
  auto handle = open_handle(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  if (!handle) return handle.error();
  auto db = std::make_unique<SqliteDatabase>(*handle, path);
  // WAL: readers never block the writer; synchronous=NORMAL in WAL is durable at commit
  // against a process crash, FULL also against power loss: we take FULL.
  HERD_CHECK(db->exec("PRAGMA journal_mode = WAL"));
  HERD_CHECK(db->exec("PRAGMA synchronous = FULL"));
  HERD_CHECK(db->exec("PRAGMA foreign_keys = ON"));
  return std::unique_ptr<Database>(std::move(db));
}

Result<std::unique_ptr<Database>> open_sqlite_read_only(const std::string& path) {
  if (!std::filesystem::exists(path)) return bad_input("{}: no inventory here", path);
  auto handle = open_handle(path, SQLITE_OPEN_READONLY);
  if (!handle) return handle.error();
  auto db = std::make_unique<SqliteDatabase>(*handle, path);
  HERD_CHECK(db->exec("PRAGMA query_only = 1"));
  sqlite3_set_authorizer(*handle, read_only_guard, nullptr);
  db->set_read_only();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace herd::inventory
