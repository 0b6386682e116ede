// What a TLS certificate vouches for. The lab's frontend runs herd serve with the
// cluster's server certificate, which names the frontend's names and addresses as the
// inventory had them when it was issued (server/pki.h); `herd lab up` may just have given
// the frontend a new address, and a client reaching the server there must find it named.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace herd::lab {

// The entries of `dns_names` and `ips` that the PEM certificate in `path` does not name
// (its subjectAltName, matched as a TLS client matches a host: exact names, no
// wildcards), in their given order; empty when it names all. Fails naming the file when
// it cannot be read or holds no PEM certificate.
Result<std::vector<std::string>> names_missing_from_certificate(const std::string& path,
                                                                const std::vector<std::string>& dns_names,
                                                                const std::vector<std::string>& ips);

}  // namespace herd::lab
