#include <gtest/gtest.h>
#include <sys/stat.h>

#include "server/pki.h"
#include "server/tokens.h"
#include "temp_dir.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"

namespace herd::server {
namespace {

ServerIdentity identity() {
  return {"test", "frontend", {"frontend", "frontend.local", "localhost"}, {"203.0.113.1", "127.0.0.1"}};
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string run(const std::vector<std::string>& argv) {
  auto out = run_process(argv);
  EXPECT_TRUE(out);
  EXPECT_EQ(out->exit_code, 0) << out->output;
  return out->output;
}

TEST(Pki, CreatesAVerifiableCaAndServerCertificate) {
  testing::TempDir dir;
  std::string pki = dir.file("pki");
  auto made = create_pki(pki, identity());
  ASSERT_TRUE(made) << made.error().message;
  PkiPaths p{pki};
  EXPECT_TRUE(check_pki(pki));
  EXPECT_EQ(mode_of(p.ca_key()), 0600u);
  EXPECT_EQ(mode_of(p.server_key()), 0600u);
  EXPECT_EQ(mode_of(p.admin_token()), 0600u);

  EXPECT_NE(run({"openssl", "verify", "-CAfile", p.ca_crt(), p.server_crt()}).find(": OK"), std::string::npos);
  std::string ca = run({"openssl", "x509", "-in", p.ca_crt(), "-noout", "-subject", "-ext", "basicConstraints"});
  EXPECT_NE(ca.find("herd cluster CA test"), std::string::npos) << ca;
  EXPECT_NE(ca.find("CA:TRUE"), std::string::npos) << ca;
  std::string san = run({"openssl", "x509", "-in", p.server_crt(), "-noout", "-ext", "subjectAltName"});
  for (const char* want : {"DNS:frontend", "DNS:frontend.local", "DNS:localhost", "IP Address:203.0.113.1", "IP Address:127.0.0.1"})
    EXPECT_NE(san.find(want), std::string::npos) << want << " in " << san;
  // The keys are EC P-256 and belong to their certificates.
  std::string key = run({"openssl", "pkey", "-in", p.server_key(), "-noout", "-text"});
  EXPECT_NE(key.find("prime256v1"), std::string::npos);
  EXPECT_EQ(run({"openssl", "x509", "-in", p.server_crt(), "-noout", "-pubkey"}),
            run({"openssl", "pkey", "-in", p.server_key(), "-pubout"}));

  auto token = read_file(p.admin_token());
  ASSERT_TRUE(token);
  auto parsed = parse_token(token->substr(0, token->size() - 1));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->kind, TokenKind::admin);

  auto fingerprint = ca_fingerprint(pki);
  ASSERT_TRUE(fingerprint);
  EXPECT_EQ(*fingerprint, sha256_hex(*read_file(p.ca_crt())));
}

TEST(Pki, RefusesToOverwriteACa) {
  testing::TempDir dir;
  ASSERT_TRUE(create_pki(dir.path(), identity()));
  std::string before = *read_file(PkiPaths{dir.path()}.ca_key());
  auto again = create_pki(dir.path(), identity());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::bad_input);
  EXPECT_NE(again.error().message.find(dir.path()), std::string::npos);
  EXPECT_EQ(*read_file(PkiPaths{dir.path()}.ca_key()), before);
}

TEST(Pki, BadNamesLeaveNothingBehind) {
  testing::TempDir dir;
  auto id = identity();
  id.dns_names.push_back("bad,name");
  std::string pki = dir.file("pki");
  ASSERT_FALSE(create_pki(pki, id));
  EXPECT_FALSE(std::filesystem::exists(pki));
}

TEST(Pki, ReissuedServerCertificateVerifiesWithTheSameCa) {
  testing::TempDir dir;
  ASSERT_TRUE(create_pki(dir.path(), identity()));
  PkiPaths p{dir.path()};
  std::string ca = *read_file(p.ca_crt());
  std::string old = *read_file(p.server_crt());
  auto id = identity();
  id.ips.push_back("198.51.100.7");
  auto issued = reissue_server_certificate(dir.path(), id);
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_EQ(*read_file(p.ca_crt()), ca);
  EXPECT_NE(*read_file(p.server_crt()), old);
  EXPECT_NE(run({"openssl", "verify", "-CAfile", p.ca_crt(), p.server_crt()}).find(": OK"), std::string::npos);
  EXPECT_NE(run({"openssl", "x509", "-in", p.server_crt(), "-noout", "-ext", "subjectAltName"}).find("198.51.100.7"),
            std::string::npos);
}

TEST(Pki, CheckNamesTheFolder) {
  testing::TempDir dir;
  auto missing = check_pki(dir.file("nowhere"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  EXPECT_NE(missing.error().message.find(dir.file("nowhere")), std::string::npos);
}

TEST(Pki, FolderBesideTheDatabase) {
  EXPECT_EQ(pki_dir_beside("/var/lib/herd/herd.db"), "/var/lib/herd/pki");
  EXPECT_EQ(pki_dir_beside("herd.db"), "pki");
}

}  // namespace
}  // namespace herd::server
