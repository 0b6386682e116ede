// SqliteDatabase: the embedded inventory backend. One connection; prepared statements are
// cached by SQL text for the life of the connection, so bulk loops cost one prepare each.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "inventory/database.h"

namespace herd::inventory {

class SqliteDatabase : public Database {
 public:
  // Takes ownership of `handle`.
  explicit SqliteDatabase(sqlite3* handle, std::string path);
  ~SqliteDatabase() override;

  Status exec(std::string_view sql, const std::vector<Value>& params = {}) override;
  Status query(std::string_view sql, const std::vector<Value>& params, const std::function<void(const Row&)>& each,
               std::vector<std::string>* columns = nullptr) override;
  Status begin() override;
  Status commit() override;
  Status rollback() override;
  bool in_transaction() const override { return in_transaction_; }
  Result<bool> has_table(std::string_view name) override;
  Result<ChangeMark> change_mark() override;
  std::string_view backend() const override { return "sqlite"; }

  sqlite3* handle() { return db_; }
  // From now on, statements that could write are refused when prepared.
  void set_read_only() { read_only_ = true; }

 private:
  // Returns a reset statement for `sql`, preparing and caching it on first use.
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  Error error_from(int code, std::string_view sql) const;
  Status run(sqlite3_stmt* stmt, std::string_view sql, const std::function<void(const Row&)>* each);

  sqlite3* db_;
  std::string path_;
  bool in_transaction_ = false;
  bool read_only_ = false;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace herd::inventory
