#pragma once
// Helpers of the replay CLI tests: running `bucketscope-cli replay`, reading a figure out of
// its text output, and the reference trace of ../shared/tools/gen_trace.py.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "tests/core/device/run_command.h"

namespace bucketscope::test {

inline const std::string kCli = BUCKETSCOPE_CLI;

inline bucketscope::testing::CommandResult replay(const std::string& args) {
    return bucketscope::testing::run_command(kCli + " replay " + args);
}

// The value printed for `key` in replay's text output.
inline std::string value_of(const std::string& out, const std::string& key) {
    const auto at = out.find("\n" + key + " ");
    if (at == std::string::npos)
        return {};
    const auto start = out.find_first_not_of(' ', at + key.size() + 1);
    return out.substr(start, out.find('\n', start) - start);
}

// gen_trace.py's zipf trace of 1M requests over 100k objects, made once per build tree.
inline std::string reference_trace() {
    const std::string path = std::string(BUCKETSCOPE_BUILD_DIR) + "/zipf1.0_1M_100k.oracleGeneral";
    if (!std::filesystem::exists(path)) {
        const std::string tmp = path + ".tmp" + std::to_string(::getpid());
        const std::string cmd = "python3 " BUCKETSCOPE_SHARED_DIR "/tools/gen_trace.py --kind zipf "
                                "-n 1000000 -m 100000 -o " + tmp + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            return {};
        std::filesystem::rename(tmp, path);
    }
    return path;
}

} // namespace bucketscope::test
