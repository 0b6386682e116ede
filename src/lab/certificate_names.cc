#include "lab/certificate_names.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

#include "util/atomic_file.h"

namespace herd::lab {

Result<std::vector<std::string>> names_missing_from_certificate(const std::string& path,
                                                                const std::vector<std::string>& dns_names,
                                                                const std::vector<std::string>& ips) {
  auto pem = read_file(path);
  if (!pem) return pem.error();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), BIO_free);
  if (!bio) return failure("{}: out of memory reading the certificate", path);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return bad_input("{}: not a PEM certificate", path);
  std::vector<std::string> missing;
  for (const auto& name : dns_names)
    if (X509_check_host(cert.get(), name.data(), name.size(), X509_CHECK_FLAG_NO_WILDCARDS, nullptr) != 1)
      missing.push_back(name);
  for (const auto& ip : ips)
    if (X509_check_ip_asc(cert.get(), ip.c_str(), 0) != 1) missing.push_back(ip);
  return missing;
}

}  // namespace herd::lab
