// Atomic replacement of a file's content: a crash at any instant leaves either the old
// file or the new one, never a mix.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace herd {

// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path`
// and fsyncs the folder. `mode` applies to a newly created file; an existing file keeps
// its mode and owner. On failure `path` is untouched and the temporary file is removed.
Status write_file_atomically(const std::string& path, std::string_view content, unsigned mode = 0644);

// Reads a whole file. Fails with a message naming `path`.
Result<std::string> read_file(const std::string& path);

}  // namespace herd
