// Re-keying a cloned frontend (server/rekey.h): what changes and what is kept, bad input
// that writes nothing, and kill -9 after every step followed by a rerun.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "inventory/credentials.h"
#include "inventory/new_cluster.h"
#include "inventory/schema.h"
#include "server/pki.h"
#include "server/rekey.h"
#include "server/tokens.h"
#include "temp_dir.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"

namespace herd::server {
namespace {

namespace fs = std::filesystem;

std::string run(const std::vector<std::string>& argv) {
  auto out = run_process(argv);
  EXPECT_TRUE(out);
  EXPECT_EQ(out->exit_code, 0) << out->output;
  return out->output;
}

std::string slurp(const std::string& path) {
  auto text = read_file(path);
  return text ? *text : "";
}

// A frontend's /var/lib/herd as an image of it carries: the inventory of cluster "seed"
// (frontend "frontend" and one compute node), its PKI, a join token and a node credential.
class RekeyTest : public ::testing::Test {
 protected:
  void SetUp() override { make(); }

  // (Re)makes everything from nothing.
  void make() {
    close();
    db_path_ = dir_.file("herd.db");
    pki_ = dir_.file("pki");
    for (const auto& path : {db_path_, db_path_ + "-wal", db_path_ + "-shm", db_path_ + "-journal", pki_,
                             pki_ + ".herd-rekey", pki_ + ".herd-old"})
      fs::remove_all(path);
    open();
    inventory::NewCluster spec;
    spec.cluster = "seed";
    spec.subnet = "198.51.100.0/24";
    ASSERT_TRUE(inventory::create_cluster(*inv_, spec));
    inventory::NodeTemplate t;
    t.appliance = "compute";
    t.network = "private";
    ASSERT_TRUE(inv_->add_nodes({"compute-0-0"}, t));
    auto identity = frontend_identity(*inv_);
    ASSERT_TRUE(identity);
    ASSERT_TRUE(create_pki(pki_, *identity));
    ASSERT_TRUE(inventory::add_join_token(*db_, {"0123456789ab", std::string(64, 'a'), "", 5, std::nullopt, 1, false}));
    ASSERT_TRUE(inventory::add_node_credential(*db_, {"ba9876543210", "compute-0-0", std::string(64, 'b'), 1, false}));
    old_ca_ = slurp(PkiPaths{pki_}.ca_crt());
    old_admin_ = slurp(PkiPaths{pki_}.admin_token());
  }

  void open() {
    inv_.reset();
    db_.reset();
    auto db = inventory::open_sqlite(db_path_, true);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(inventory::migrate(*db_));
    inv_ = std::make_unique<inventory::Inventory>(*db_);
  }
  void close() {
    inv_.reset();
    db_.reset();
  }

  RekeyRequest request() const { return {pki_, "clone", "clone-fe", "203.0.113.9", {}}; }

  std::string setting(const std::string& name) {
    auto value = inv_->setting(name);
    EXPECT_TRUE(value);
    return value && *value ? **value : "<unset>";
  }

  // The inventory and PKI are exactly as SetUp made them.
  void expect_old_state() {
    EXPECT_EQ(setting("cluster_name"), "seed");
    EXPECT_EQ(setting("frontend"), "frontend");
    EXPECT_EQ(setting("public_address"), "<unset>");
    EXPECT_EQ(setting(kRekeyPendingSetting), "<unset>");
    auto token = inventory::join_token(*db_, "0123456789ab");
    ASSERT_TRUE(token && *token);
    EXPECT_FALSE((*token)->revoked);
    EXPECT_EQ(slurp(PkiPaths{pki_}.ca_crt()), old_ca_);
    EXPECT_EQ(slurp(PkiPaths{pki_}.admin_token()), old_admin_);
  }

  // The re-key is complete: renamed, revoked, a new PKI that names the clone, no leftovers.
  void expect_new_state() {
    EXPECT_EQ(setting("cluster_name"), "clone");
    EXPECT_EQ(setting("frontend"), "clone-fe");
    EXPECT_EQ(setting("public_address"), "203.0.113.9");
    EXPECT_EQ(setting(kRekeyPendingSetting), "<unset>");
    EXPECT_TRUE(check_no_pending_rekey(*inv_, db_path_));
    auto names = inv_->node_names();
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"clone-fe", "compute-0-0"}));
    auto token = inventory::join_token(*db_, "0123456789ab");
    ASSERT_TRUE(token && *token);
    EXPECT_TRUE((*token)->revoked);
    auto credential = inventory::node_credential(*db_, "ba9876543210");
    ASSERT_TRUE(credential && *credential);
    EXPECT_TRUE((*credential)->revoked);

    PkiPaths p{pki_};
    EXPECT_TRUE(check_pki(pki_));
    EXPECT_NE(slurp(p.ca_crt()), old_ca_);
    EXPECT_NE(slurp(p.admin_token()), old_admin_);
    auto admin = slurp(p.admin_token());
    EXPECT_TRUE(parse_token(admin.substr(0, admin.size() - 1)));
    EXPECT_NE(run({"openssl", "verify", "-CAfile", p.ca_crt(), p.server_crt()}).find(": OK"), std::string::npos);
    std::string ca = run({"openssl", "x509", "-in", p.ca_crt(), "-noout", "-subject"});
    EXPECT_NE(ca.find("herd cluster CA clone"), std::string::npos) << ca;
    std::string san = run({"openssl", "x509", "-in", p.server_crt(), "-noout", "-ext", "subjectAltName"});
    for (const char* want : {"DNS:clone-fe", "DNS:clone-fe.local", "IP Address:203.0.113.9", "IP Address:198.51.100.1"})
      EXPECT_NE(san.find(want), std::string::npos) << want << " in " << san;
    EXPECT_EQ(san.find("DNS:frontend,"), std::string::npos) << san;
    EXPECT_FALSE(fs::exists(pki_ + ".herd-rekey"));
    EXPECT_FALSE(fs::exists(pki_ + ".herd-old"));
  }

  testing::TempDir dir_;
  std::string db_path_, pki_, old_ca_, old_admin_;
  std::unique_ptr<inventory::Database> db_;
  std::unique_ptr<inventory::Inventory> inv_;
};

TEST_F(RekeyTest, RenamesRevokesAndMakesANewPki) {
  auto report = rekey_frontend(*inv_, request());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->old_cluster, "seed");
  EXPECT_EQ(report->old_frontend, "frontend");
  EXPECT_EQ(report->join_tokens_revoked, 1u);
  EXPECT_EQ(report->node_credentials_revoked, 1u);
  EXPECT_FALSE(report->resumed);
  auto fingerprint = ca_fingerprint(pki_);
  ASSERT_TRUE(fingerprint);
  EXPECT_EQ(report->ca_sha256, *fingerprint);
  expect_new_state();
}

TEST_F(RekeyTest, KeepsTheFrontendNameWhenAskedToAndTakesADnsName) {
  RekeyRequest r = request();
  r.frontend = "frontend";
  r.public_address = "clone.example.org";
  ASSERT_TRUE(rekey_frontend(*inv_, r));
  EXPECT_EQ(setting("frontend"), "frontend");
  std::string san = run({"openssl", "x509", "-in", PkiPaths{pki_}.server_crt(), "-noout", "-ext", "subjectAltName"});
  EXPECT_NE(san.find("DNS:clone.example.org"), std::string::npos) << san;
}

TEST_F(RekeyTest, MakesAPkiWhenTheImageHadNone) {
  fs::remove_all(pki_);
  ASSERT_TRUE(rekey_frontend(*inv_, request()));
  expect_new_state();
}

TEST_F(RekeyTest, BadInputWritesNothing) {
  struct Case {
    RekeyRequest r;
    const char* message;
  };
  auto with = [&](auto change) {
    RekeyRequest r = request();
    change(r);
    return r;
  };
  std::vector<Case> cases = {
      {with([](RekeyRequest& r) { r.cluster = "a cluster"; }), "--name 'a cluster'"},
      {with([](RekeyRequest& r) { r.cluster = ""; }), "--name"},
      {with([](RekeyRequest& r) { r.frontend = "-fe"; }), "--frontend '-fe'"},
      {with([](RekeyRequest& r) { r.frontend = "compute-0-0"; }), "--frontend 'compute-0-0': a node of that name exists"},
      {with([](RekeyRequest& r) { r.public_address = "203.0.113.300"; }), "--public-address '203.0.113.300'"},
      {with([](RekeyRequest& r) { r.public_address = "a/b"; }), "--public-address 'a/b'"},
      {with([](RekeyRequest& r) { r.public_address = ""; }), "--public-address"},
  };
  for (const auto& c : cases) {
    auto report = rekey_frontend(*inv_, c.r);
    ASSERT_FALSE(report) << c.message;
    EXPECT_EQ(report.error().kind, ErrorKind::bad_input) << report.error().message;
    EXPECT_NE(report.error().message.find(c.message), std::string::npos) << report.error().message;
    expect_old_state();
    EXPECT_FALSE(fs::exists(pki_ + ".herd-rekey"));
  }
}

TEST_F(RekeyTest, AnInventoryWithoutAFrontendIsRefused) {
  ASSERT_TRUE(db_->exec("DELETE FROM settings WHERE name = 'frontend'"));
  auto report = rekey_frontend(*inv_, request());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::bad_input);
  EXPECT_NE(report.error().message.find("names no frontend"), std::string::npos) << report.error().message;
  EXPECT_EQ(slurp(PkiPaths{pki_}.ca_crt()), old_ca_);
}

// kill -9 after each step, then a rerun: before the commit the old state is intact; after
// it the inventory says a re-key is pending (herd serve refuses) until the rerun finishes.
TEST_F(RekeyTest, KilledAfterAnyStepARerunCompletesIt) {
  const std::string steps[] = {"staged", "committed", "swapped", "done"};
  for (const auto& kill_at : steps) {
    SCOPED_TRACE(kill_at);
    make();
    close();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto db = inventory::open_sqlite(db_path_, false);
      if (!db) ::_exit(3);
      inventory::Inventory inv(**db);
      RekeyRequest r = request();
      r.on_step = [&](const char* step) {
        if (kill_at == step) ::raise(SIGKILL);
      };
      auto report = rekey_frontend(inv, r);
      ::_exit(report ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child was not killed: " << status;
    open();
    if (kill_at == "staged") {
      expect_old_state();
      EXPECT_TRUE(fs::exists(pki_ + ".herd-rekey"));
    } else if (kill_at == "done") {
      expect_new_state();
      continue;
    } else {
      EXPECT_EQ(setting("frontend"), "clone-fe");
      EXPECT_FALSE(check_no_pending_rekey(*inv_, db_path_));
      auto fingerprint = ca_fingerprint(pki_);
      ASSERT_TRUE(fingerprint);
      // Committed: the old PKI is still in place; swapped: the new one is.
      EXPECT_EQ(*fingerprint == setting(kRekeyPendingSetting), kill_at == "swapped");
    }
    auto rerun = rekey_frontend(*inv_, request());
    ASSERT_TRUE(rerun) << rerun.error().message;
    EXPECT_TRUE(rerun->resumed);
    expect_new_state();
  }
}

}  // namespace
}  // namespace herd::server
