#include "server/pki.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "server/tokens.h"
#include "util/atomic_file.h"
#include "util/ipv4.h"

namespace herd::server {
namespace {

constexpr long kDay = 24L * 3600;

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Error openssl_error(std::string_view what) {
  return failure("{}: OpenSSL failed (error {:x})", what, ERR_get_error());
}

Result<Key> new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("EC P-256 key generation");
  return key;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return openssl_error("writing a private key");
  return bio_text(bio.get());
}

Result<std::string> cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return openssl_error("writing a certificate");
  return bio_text(bio.get());
}

Status add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return openssl_error(fmt::format("certificate extension {}", value));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return openssl_error("adding a certificate extension");
  return {};
}

// A certificate for `key` named `cn`, valid `days`, not yet signed; issuer set to itself.
Result<Cert> new_cert(EVP_PKEY* key, const std::string& cn, long days) {
  Cert cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  X509_set_version(cert.get(), 2);
  // A random positive 127-bit serial.
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return openssl_error("random serial");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()))) {
    BN_free(bn);
    return openssl_error("certificate serial");
  }
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);  // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * kDay);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1)
    return openssl_error(fmt::format("common name {:?}", cn));
  X509_set_issuer_name(cert.get(), name);
  return cert;
}

Result<std::string> subject_alt_names(const ServerIdentity& id) {
  std::string san;
  auto add = [&](const char* kind, const std::string& value) {
    if (!san.empty()) san += ",";
    san += fmt::format("{}:{}", kind, value);
  };
  for (const auto& d : id.dns_names) {
    if (d.empty() || d.find_first_of(",: \n") != std::string::npos) return bad_input("bad DNS name for the certificate: {:?}", d);
    add("DNS", d);
  }
  for (const auto& ip : id.ips) {
    if (ip.empty() || ip.find_first_of(", \n") != std::string::npos) return bad_input("bad address for the certificate: {:?}", ip);
    add("IP", ip);
  }
  return san;
}

struct ServerFiles {
  std::string key, crt;
};

Result<ServerFiles> make_server_files(EVP_PKEY* ca_key, X509* ca_cert, const ServerIdentity& id) {
  auto key = new_key();
  if (!key) return key.error();
  auto cert = new_cert(key->get(), id.name.empty() ? "herd server" : id.name, 5 * 365 + 1);
  if (!cert) return cert.error();
  X509_set_issuer_name(cert->get(), X509_get_subject_name(ca_cert));
  auto san = subject_alt_names(id);
  if (!san) return san.error();
  HERD_CHECK(add_ext(cert->get(), ca_cert, NID_basic_constraints, "critical,CA:FALSE"));
  HERD_CHECK(add_ext(cert->get(), ca_cert, NID_key_usage, "critical,digitalSignature,keyAgreement"));
  HERD_CHECK(add_ext(cert->get(), ca_cert, NID_ext_key_usage, "serverAuth"));
  HERD_CHECK(add_ext(cert->get(), ca_cert, NID_subject_key_identifier, "hash"));
  HERD_CHECK(add_ext(cert->get(), ca_cert, NID_authority_key_identifier, "keyid:always"));
  if (!san->empty()) HERD_CHECK(add_ext(cert->get(), ca_cert, NID_subject_alt_name, *san));
  if (X509_sign(cert->get(), ca_key, EVP_sha256()) <= 0) return openssl_error("signing the server certificate");
  auto key_text = key_pem(key->get());
  if (!key_text) return key_text.error();
  auto crt_text = cert_pem(cert->get());
  if (!crt_text) return crt_text.error();
  return ServerFiles{*key_text, *crt_text};
}

Status write_server_files(const PkiPaths& p, const ServerFiles& files) {
  HERD_CHECK(write_file_atomically(p.server_key(), files.key, 0600));
  return write_file_atomically(p.server_crt(), files.crt, 0644);
}

}  // namespace

std::string pki_dir_beside(const std::string& db_path) {
  auto parent = std::filesystem::path(db_path).parent_path();
  return (parent.empty() ? std::filesystem::path("pki") : parent / "pki").string();
}

std::string default_pki_dir(const std::string& db_path) {
  const char* env = std::getenv("HERD_PKI");
  if (env && *env) return env;
  return pki_dir_beside(db_path);
}

Result<ServerIdentity> frontend_identity(inventory::Inventory& inventory) {
  ServerIdentity id;
  auto cluster = inventory.setting("cluster_name");
  if (!cluster) return cluster.error();
  auto frontend = inventory.setting("frontend");
  if (!frontend) return frontend.error();
  auto domain = inventory.setting("domain");
  if (!domain) return domain.error();
  id.cluster = cluster->value_or("cluster");
  id.name = frontend->value_or("");
  auto add_dns = [&](const std::string& name) {
    if (!name.empty() && std::find(id.dns_names.begin(), id.dns_names.end(), name) == id.dns_names.end())
      id.dns_names.push_back(name);
  };
  auto add_ip = [&](const std::string& ip) {
    if (!ip.empty() && std::find(id.ips.begin(), id.ips.end(), ip) == id.ips.end()) id.ips.push_back(ip);
  };
  if (!id.name.empty()) {
    add_dns(id.name);
    if (domain->has_value() && !(*domain)->empty()) add_dns(id.name + "." + **domain);
    auto node = inventory.node(id.name);
    auto networks = inventory.networks();
    if (node && networks) {
      for (const auto& i : node->interfaces) {
        add_ip(i.ip);
        for (const auto& n : *networks)
          if (n.name == i.network && !n.zone.empty()) add_dns(i.host_name() + "." + n.zone);
      }
    }
  }
  // A re-keyed clone's public address (server/rekey.h): how nodes outside reach it.
  auto public_address = inventory.setting("public_address");
  if (!public_address) return public_address.error();
  if (public_address->has_value() && !(*public_address)->empty()) {
    const std::string& a = **public_address;
    if (parse_ipv4(a))
      add_ip(a);
    else
      add_dns(a);
  }
  add_dns("localhost");
  add_ip("127.0.0.1");
  return id;
}

Status create_pki(const std::string& dir, const ServerIdentity& identity) {
  PkiPaths p{dir};
  std::error_code ec;
  if (std::filesystem::exists(p.ca_crt(), ec) || std::filesystem::exists(p.ca_key(), ec))
    return bad_input("{}: a PKI exists here already", dir);
  bool made_dir = std::filesystem::create_directories(dir, ec);
  if (ec) return failure("{}: cannot create the PKI folder: {}", dir, ec.message());
  auto status = [&]() -> Status {
    auto ca_key = new_key();
    if (!ca_key) return ca_key.error();
    auto ca = new_cert(ca_key->get(), fmt::format("herd cluster CA {}", identity.cluster), 10 * 365 + 2);
    if (!ca) return ca.error();
    HERD_CHECK(add_ext(ca->get(), ca->get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
    HERD_CHECK(add_ext(ca->get(), ca->get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
    HERD_CHECK(add_ext(ca->get(), ca->get(), NID_subject_key_identifier, "hash"));
    HERD_CHECK(add_ext(ca->get(), ca->get(), NID_authority_key_identifier, "keyid:always"));
    if (X509_sign(ca->get(), ca_key->get(), EVP_sha256()) <= 0) return openssl_error("signing the CA certificate");
    auto server = make_server_files(ca_key->get(), ca->get(), identity);
    if (!server) return server.error();
    auto key_text = key_pem(ca_key->get());
    if (!key_text) return key_text.error();
    auto crt_text = cert_pem(ca->get());
    if (!crt_text) return crt_text.error();
    auto admin = issue_token(TokenKind::admin);
    if (!admin) return admin.error();
    HERD_CHECK(write_file_atomically(p.ca_key(), *key_text, 0600));
    HERD_CHECK(write_file_atomically(p.ca_crt(), *crt_text, 0644));
    HERD_CHECK(write_server_files(p, *server));
    return write_file_atomically(p.admin_token(), admin->token + "\n", 0600);
  }();
  if (!status) {
    for (const auto& f : {p.ca_key(), p.ca_crt(), p.server_key(), p.server_crt(), p.admin_token()})
      std::filesystem::remove(f, ec);
    if (made_dir) std::filesystem::remove(dir, ec);
    return status.error().with_context(dir);
  }
  return {};
}

Status reissue_server_certificate(const std::string& dir, const ServerIdentity& identity) {
  PkiPaths p{dir};
  auto key_text = read_file(p.ca_key());
  if (!key_text) return key_text.error();
  auto crt_text = read_file(p.ca_crt());
  if (!crt_text) return crt_text.error();
  Bio kb(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
  Key ca_key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!ca_key) return bad_input("{}: not a PEM private key", p.ca_key());
  Bio cb(BIO_new_mem_buf(crt_text->data(), static_cast<int>(crt_text->size())));
  Cert ca(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!ca) return bad_input("{}: not a PEM certificate", p.ca_crt());
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1) return bad_input("{}: does not belong to {}", p.ca_key(), p.ca_crt());
  auto server = make_server_files(ca_key.get(), ca.get(), identity);
  if (!server) return server.error();
  return write_server_files(p, *server);
}

Status check_pki(const std::string& dir) {
  PkiPaths p{dir};
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return bad_input("{}: no PKI folder here (herd init makes it; give --pki or $HERD_PKI)", dir);
  for (const auto& f : {p.ca_crt(), p.server_key(), p.server_crt(), p.admin_token()})
    if (!std::filesystem::exists(f, ec)) return bad_input("{}: the PKI folder lacks {}", dir, f);
  return {};
}

Result<std::string> ca_fingerprint(const std::string& dir) {
  auto bytes = read_file(PkiPaths{dir}.ca_crt());
  if (!bytes) return bytes.error();
  return sha256_hex(*bytes);
}

}  // namespace herd::server
