#pragma once
// Every bucketscope-cli subcommand registers itself on the root CLI11 app. Each lives in
// its own file (cmd_<name>.cpp) so the CLI grows without a central switch.
//
// A command reports failure by printing its message on stderr and throwing
// CLI::RuntimeError(status) from its callback; main() turns that into the exit status.

namespace CLI {
class App;
}

namespace bucketscope::cli {

void register_victims(CLI::App& app);
void register_sim(CLI::App& app);
void register_sessions(CLI::App& app);
void register_ondisk_commands(CLI::App& app); // super, inspect
void register_format(CLI::App& app);
void register_replay(CLI::App& app);
void register_run(CLI::App& app);   // the engine on a device
void register_check(CLI::App& app); // fsck for a cache device

} // namespace bucketscope::cli
