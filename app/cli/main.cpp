// bucketscope-cli: the scriptable face of everything the GUI can do.
#include <CLI/CLI.hpp>

#include "app/cli/commands.h"

int main(int argc, char** argv) {
    CLI::App app{"bucketscope-cli: inspect and drive a userspace engine of the Linux bcache "
                 "bucket allocator"};
    app.set_version_flag("--version", BUCKETSCOPE_VERSION);
    app.require_subcommand(1);

    bucketscope::cli::register_victims(app);
    bucketscope::cli::register_sim(app);
    bucketscope::cli::register_sessions(app);
    bucketscope::cli::register_ondisk_commands(app);
    bucketscope::cli::register_format(app);
    bucketscope::cli::register_replay(app);
    bucketscope::cli::register_run(app);
    bucketscope::cli::register_check(app);

    CLI11_PARSE(app, argc, argv);
    return 0;
}
