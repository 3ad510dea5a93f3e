// bucketscope-cli: the scriptable face of everything the GUI can do.
#include "app/cli/commands.h"
#include "core/workload/huge_page_heap.h"

#include <CLI/CLI.hpp>
#include <string_view>

int main(int argc, char** argv) {
    // The commands that run the engine for long get malloc's heap in huge pages.
    if (argc > 1) {
        const std::string_view cmd = argv[1];
        if (cmd == "replay" || cmd == "run" || cmd == "sim")
            bucketscope::workload::reexec_with_huge_page_heap(argv);
    }
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
