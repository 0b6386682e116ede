#include "server/rekey.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "inventory/validate.h"
#include "server/pki.h"
#include "util/ipv4.h"

namespace herd::server {
namespace {

namespace fs = std::filesystem;

// The address as recorded: an IPv4 address in its usual form, else a DNS name.
Result<std::string> checked_address(const std::string& address) {
  if (address.empty()) return bad_input("--public-address: empty address");
  if (auto ip = parse_ipv4(address)) return format_ipv4(*ip);
  bool numeric = std::all_of(address.begin(), address.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (numeric) return bad_input("--public-address '{}': not an IPv4 address", address);
  HERD_CHECK(inventory::check_host_name(address, "--public-address"));
  return address;
}

Status sync_folder(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failure("{}: {}", dir, std::strerror(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: fsync: {}", dir, std::strerror(saved));
  return {};
}

Status remove_folder(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return failure("{}: cannot remove it: {}", dir, ec.message());
  return {};
}

std::string parent_of(const std::string& dir) {
  auto parent = fs::path(dir).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Puts the folder `staged` in the place of `dir` in one rename: the two are exchanged,
// so `staged` then holds the old folder. Without RENAME_EXCHANGE (a file system lacking
// it), `dir` is first renamed to `retired`: a crash between the two renames leaves no
// `dir`, which the rerun of a re-key handles as it handles any interrupted one.
Status put_in_place(const std::string& staged, const std::string& dir, const std::string& retired) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) {
    if (::rename(staged.c_str(), dir.c_str()) != 0) return failure("{}: cannot rename it to {}: {}", staged, dir, std::strerror(errno));
    return {};
  }
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS)
    return failure("{}: cannot exchange it with {}: {}", staged, dir, std::strerror(errno));
  if (::rename(dir.c_str(), retired.c_str()) != 0) return failure("{}: cannot rename it to {}: {}", dir, retired, std::strerror(errno));
  if (::rename(staged.c_str(), dir.c_str()) != 0) return failure("{}: cannot rename it to {}: {}", staged, dir, std::strerror(errno));
  return {};
}

Result<int64_t> count(inventory::Database& db, std::string_view sql) {
  int64_t n = 0;
  HERD_CHECK(db.query(sql, {}, [&](const inventory::Row& row) {
    if (!row.empty()) n = std::stoll(inventory::to_text(row[0]));
  }));
  return n;
}

}  // namespace

Status check_rekey(inventory::Inventory& inv, const RekeyRequest& r) {
  HERD_CHECK(inventory::check_host_name(r.cluster, "--name"));
  HERD_CHECK(inventory::check_host_name(r.frontend, "--frontend"));
  HERD_CHECK(checked_address(r.public_address));
  if (r.pki_dir.empty()) return bad_input("--pki: empty folder name");
  auto current = inv.setting("frontend");
  if (!current) return current.error();
  if (!*current || (*current)->empty()) return bad_input("the inventory names no frontend (setting 'frontend'): not a frontend's inventory");
  auto names = inv.node_names();
  if (!names) return names.error();
  auto has = [&](const std::string& n) { return std::binary_search(names->begin(), names->end(), n); };
  if (!has(**current)) return bad_input("the inventory's frontend '{}' is not one of its nodes", **current);
  if (r.frontend != **current && has(r.frontend))
    return bad_input("--frontend '{}': a node of that name exists already (the frontend is '{}')", r.frontend, **current);
  return {};
}

Result<RekeyReport> rekey_frontend(inventory::Inventory& inv, const RekeyRequest& r) {
  HERD_CHECK(check_rekey(inv, r));
  auto step = [&](const char* name) {
    if (r.on_step) r.on_step(name);
  };
  RekeyReport report;
  report.cluster = r.cluster;
  report.frontend = r.frontend;
  report.public_address = *checked_address(r.public_address);
  report.pki_dir = r.pki_dir;
  const std::string staging = r.pki_dir + ".herd-rekey";
  const std::string retired = r.pki_dir + ".herd-old";

  // What an interrupted run left is redone from the start: its staging folders go.
  auto pending = inv.setting(kRekeyPendingSetting);
  if (!pending) return pending.error();
  std::error_code ec;
  report.resumed = pending->has_value() || fs::exists(staging, ec) || fs::exists(retired, ec);
  HERD_CHECK(remove_folder(staging));
  HERD_CHECK(remove_folder(retired));

  auto& db = inv.database();
  inventory::Transaction tx(db);
  HERD_CHECK(tx.begin());
  auto cluster = inv.setting("cluster_name");
  if (!cluster) return cluster.error();
  auto frontend = inv.setting("frontend");
  if (!frontend) return frontend.error();
  report.old_cluster = cluster->value_or("");
  report.old_frontend = frontend->value_or("");
  if (report.old_frontend != r.frontend) HERD_CHECK(inv.rename_node(report.old_frontend, r.frontend));
  HERD_CHECK(inv.set_setting("cluster_name", r.cluster));
  HERD_CHECK(inv.set_setting("public_address", report.public_address));
  auto tokens = count(db, "SELECT count(*) FROM join_tokens WHERE revoked = 0");
  if (!tokens) return tokens.error();
  auto credentials = count(db, "SELECT count(*) FROM node_credentials WHERE revoked = 0");
  if (!credentials) return credentials.error();
  report.join_tokens_revoked = static_cast<size_t>(*tokens);
  report.node_credentials_revoked = static_cast<size_t>(*credentials);
  HERD_CHECK(db.exec("UPDATE join_tokens SET revoked = 1 WHERE revoked = 0"));
  HERD_CHECK(db.exec("UPDATE node_credentials SET revoked = 1 WHERE revoked = 0"));

  // The new PKI names the frontend as the transaction has it now.
  auto identity = frontend_identity(inv);
  if (!identity) return identity.error();
  HERD_CHECK(create_pki(staging, *identity));
  HERD_CHECK(sync_folder(parent_of(staging)));
  auto fingerprint = ca_fingerprint(staging);
  if (!fingerprint) return fingerprint.error();
  report.ca_sha256 = *fingerprint;
  HERD_CHECK(inv.set_setting(kRekeyPendingSetting, *fingerprint));
  step("staged");
  if (auto committed = tx.commit(); !committed) {
    (void)remove_folder(staging);
    return committed.error();
  }
  step("committed");

  HERD_CHECK(put_in_place(staging, r.pki_dir, retired));
  HERD_CHECK(sync_folder(parent_of(r.pki_dir)));
  step("swapped");
  HERD_CHECK(db.exec("DELETE FROM settings WHERE name = ?", {std::string(kRekeyPendingSetting)}));
  // The old PKI (the old CA's key among it) goes last; a crash here leaves only a folder
  // that the next re-key removes.
  HERD_CHECK(remove_folder(staging));
  HERD_CHECK(remove_folder(retired));
  step("done");
  return report;
}

Status check_no_pending_rekey(inventory::Inventory& inv, const std::string& db_path) {
  auto pending = inv.setting(kRekeyPendingSetting);
  if (!pending) return pending.error();
  if (pending->has_value())
    return bad_input("{}: a `herd init --from-image` was interrupted (the inventory is re-keyed, the PKI may still be "
                     "the old cluster's): run it again to finish",
                     db_path);
  return {};
}

}  // namespace herd::server
