// Database: the narrow interface every inventory backend implements. SQL passed to it is
// portable (SQLite and PostgreSQL): `?` placeholders, RETURNING for generated ids, no
// backend-specific functions. Backends translate placeholders if they need to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/result.h"

namespace herd::inventory {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
using Row = std::vector<Value>;

// Text of a value as a CLI would print it ("" for NULL).
std::string to_text(const Value& value);

// Where a database stands: two marks differ when anything was committed in between, by
// this connection or any other (in this process or another). Caches of the inventory
// (the server's, state.h) are keyed on it.
struct ChangeMark {
  int64_t others = 0;  // changes committed by other connections (SQLite: PRAGMA data_version)
  int64_t own = 0;     // rows this connection changed (SQLite: sqlite3_total_changes64)
  bool operator==(const ChangeMark&) const = default;
};

class Database {
 public:
  virtual ~Database() = default;

  // Runs one statement. Constraint violations return bad_input naming the constraint.
  virtual Status exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;

  // Runs a query and calls `each` for every row, in order. `columns`, when given, receives
  // the result column names before the first row.
  virtual Status query(std::string_view sql, const std::vector<Value>& params,
                       const std::function<void(const Row&)>& each,
                       std::vector<std::string>* columns = nullptr) = 0;

  // Transactions do not nest: begin while one is open fails.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Whether a table of that name exists.
  virtual Result<bool> has_table(std::string_view name) = 0;

  // Where the database stands now (see ChangeMark). Outside a transaction only; fails as a
  // query does.
  virtual Result<ChangeMark> change_mark() = 0;

  // Name of the backend: "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
};

// Opens a SQLite inventory at `path`, creating it when `create` is true. WAL, foreign keys on.
Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, bool create);

// Opens the same SQLite file on a read-only connection that also refuses to read secrets:
// a statement that would modify anything fails before it runs.
Result<std::unique_ptr<Database>> open_sqlite_read_only(const std::string& path);

// Holds a transaction open for its lifetime; rolls back unless commit() was called.
// Inside a transaction that is already open, it joins it: begin and commit do nothing and
// the outer owner decides, so whole-inventory operations (CSV import) stay atomic.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (owner_) (void)db_.rollback();
  }
  Status begin() {
    if (db_.in_transaction()) return {};
    HERD_CHECK(db_.begin());
    owner_ = true;
    return {};
  }
  Status commit() {
    if (!owner_) return {};
    owner_ = false;
    return db_.commit();
  }

 private:
  Database& db_;
  bool owner_ = false;
};

}  // namespace herd::inventory
