// Placeholder until the owning change lands; registers nothing.
#include "app/cli/commands.h"

namespace bucketscope::cli {
void register_victims(CLI::App&) {}
} // namespace bucketscope::cli
