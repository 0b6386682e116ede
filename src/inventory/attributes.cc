// Scoped attributes: global < os < appliance < rack < node, the most specific wins.
// Secrets live in their own table so that nothing reads them by accident.
#include "inventory/inventory.h"
#include "inventory/validate.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

std::string text(const Value& v) { return to_text(v); }

const char* table_of(bool secret) { return secret ? "secrets" : "attributes"; }

Status check_target(Database& db, Scope scope, const std::string& target) {
  auto exists = [&](const char* sql) -> Result<bool> {
    bool found = false;
    HERD_CHECK(db.query(sql, {target}, [&](const Row&) { found = true; }));
    return found;
  };
  switch (scope) {
    case Scope::global:
      if (!target.empty()) return bad_input("a global attribute has no target, got '{}'", target);
      return {};
    case Scope::os:
      return check_record_name(target, "os");
    case Scope::appliance: {
      auto found = exists("SELECT 1 FROM appliances WHERE name = ?");
      if (!found) return found.error();
      if (!*found) return bad_input("unknown appliance '{}'", target);
      return {};
    }
    case Scope::rack: {
      long long rack;
      if (!parse_int(target, rack) || rack < 0) return bad_input("rack '{}' is not a rack number", target);
      return {};
    }
    case Scope::node: {
      auto found = exists("SELECT 1 FROM nodes WHERE name = ?");
      if (!found) return found.error();
      if (!*found) return bad_input("unknown node '{}'", target);
      return {};
    }
  }
  return {};
}

}  // namespace

Status Inventory::set_attribute(const Attribute& a) {
  HERD_CHECK(check_record_name(a.name, "attribute"));
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  HERD_CHECK(check_target(db_, a.scope, a.target));
  // A name is either secret or not at one scope and target: setting one removes the other.
  HERD_CHECK(db_.exec(fmt::format("DELETE FROM {} WHERE scope = ? AND target = ? AND name = ?", table_of(!a.secret)),
                      {scope_name(a.scope), a.target, a.name}));
  HERD_CHECK(db_.exec(fmt::format("INSERT INTO {} (scope, target, name, value) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (scope, target, name) DO UPDATE SET value = excluded.value",
                                  table_of(a.secret)),
                      {scope_name(a.scope), a.target, a.name, a.value}));
  return tx.commit();
}

Status Inventory::unset_attribute(Scope scope, const std::string& target, const std::string& name) {
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  bool found = false;
  for (bool secret : {false, true}) {
    HERD_CHECK(db_.query(fmt::format("SELECT 1 FROM {} WHERE scope = ? AND target = ? AND name = ?", table_of(secret)),
                         {scope_name(scope), target, name}, [&](const Row&) { found = true; }));
    HERD_CHECK(db_.exec(fmt::format("DELETE FROM {} WHERE scope = ? AND target = ? AND name = ?", table_of(secret)),
                        {scope_name(scope), target, name}));
  }
  if (!found)
    return bad_input("attribute '{}' is not set at scope {}{}{}", name, scope_name(scope), target.empty() ? "" : " ", target);
  return tx.commit();
}

Result<std::vector<Attribute>> Inventory::attributes(std::optional<Scope> scope, bool include_secrets) {
  std::vector<Attribute> out;
  for (bool secret : {false, true}) {
    if (secret && !include_secrets) break;
    std::string sql = fmt::format("SELECT scope, target, name, value FROM {}", table_of(secret));
    std::vector<Value> params;
    if (scope) {
      sql += " WHERE scope = ?";
      params.push_back(scope_name(*scope));
    }
    HERD_CHECK(db_.query(sql, params, [&](const Row& r) {
      out.push_back({parse_scope(text(r[0])).value_or(Scope::global), text(r[1]), text(r[2]), text(r[3]), secret});
    }));
  }
  std::sort(out.begin(), out.end(), [](const Attribute& a, const Attribute& b) {
    return std::tie(a.scope, a.target, a.name) < std::tie(b.scope, b.target, b.name);
  });
  return out;
}

Result<ResolvedAttributes> Inventory::resolve_attributes(const std::string& node_name, bool include_secrets) {
  auto n = node(node_name);
  if (!n) return n.error();
  ResolvedAttributes out;
  std::string rack = std::to_string(n->rack);
  for (bool secret : {false, true}) {
    if (secret && !include_secrets) break;
    HERD_CHECK(db_.query(
        fmt::format("SELECT scope, target, name, value FROM {} WHERE (scope = 'global') OR (scope = 'os' AND target = ?) "
                    "OR (scope = 'appliance' AND target = ?) OR (scope = 'rack' AND target = ?) "
                    "OR (scope = 'node' AND target = ?)",
                    table_of(secret)),
        {n->os, n->appliance, rack, n->name}, [&](const Row& r) {
          Scope scope = parse_scope(text(r[0])).value_or(Scope::global);
          // At most one row per scope matches a node, so scopes never tie.
          ResolvedAttribute value{text(r[3]), scope, text(r[1]), secret};
          auto [it, inserted] = out.try_emplace(text(r[2]), value);
          if (!inserted && scope > it->second.scope) it->second = value;
        }));
  }
  return out;
}

}  // namespace herd::inventory
