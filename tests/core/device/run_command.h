#pragma once
// Runs a shell command for a test and captures its exit status and combined output.
// Used to drive bucketscope-cli and the bcache-tools it is compared with.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace bucketscope::testing {

struct CommandResult {
    int status = -1; // exit status, or -1 if it did not exit normally
    std::string output;
};

inline CommandResult run_command(const std::string& cmd) {
    CommandResult r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.output.append(buf, n);
    int raw = ::pclose(p);
    if (WIFEXITED(raw))
        r.status = WEXITSTATUS(raw);
    return r;
}

inline bool have_tool(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

} // namespace bucketscope::testing
