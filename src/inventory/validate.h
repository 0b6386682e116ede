// Checks on single fields, shared by every inventory command and the CSV import.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::inventory {

// A host name usable in node sets, DNS and every generated file: letters, digits, '-',
// '_' and '.', starting with a letter or digit, at most 63 characters a label.
Status check_host_name(std::string_view name, std::string_view what);

// A record name (appliance, network, group, attribute): letters, digits, '-', '_', '.'.
Status check_record_name(std::string_view name, std::string_view what);

// Returns `mac` as lowercase aa:bb:cc:dd:ee:ff; accepts '-' separators and any case.
Result<std::string> normalize_mac(std::string_view mac);

}  // namespace herd::inventory
