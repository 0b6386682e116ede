#pragma once

namespace herd::cli {
inline constexpr const char* kVersion = "0.1.0";
}
