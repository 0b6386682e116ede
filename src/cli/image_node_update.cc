#include "cli/context.h"
#include "cli/image_update.h"

namespace herd::cli {

void run_node_update(Context&, const UpdateFlags&) { fail(failure("herd image update from a server: not built yet")); }

}  // namespace herd::cli
