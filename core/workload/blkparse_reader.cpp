// blkparse's default text output: "%D %2c %8s %5T.%9t %5p %2a %3d" then, for requests,
// "sector + nsectors [comm]". One action (Q by default) is taken as the request stream so a
// request is counted once, not once per queue/issue/complete event. The per-CPU summary
// blkparse prints at the end ("CPU0 (8,0):", "Total (8,0):") ends the trace.
#include "core/workload/readers.h"

namespace bucketscope::workload::detail {
namespace {

class BlkparseReader final : public TraceReader {
  public:
    BlkparseReader(const std::string& path, const TraceOptions& opts)
        : TraceReader(path, opts) {}

    bool next(Request& out) override {
        std::string line;
        while (!done_ && src_.getline(line)) {
            const auto f = split_ws(line);
            if (f.empty())
                continue;
            if (f[0] == "CPU" || f[0].starts_with("CPU") || f[0] == "Total") {
                done_ = true; // the summary section
                break;
            }
            if (parse(f, out))
                return true;
        }
        return false;
    }

  private:
    bool parse(const std::vector<std::string_view>& f, Request& out) {
        // maj,min cpu seq sec.nsec pid action rwbs ...
        const auto comma = f[0].find(',');
        uint32_t major = 0, minor = 0, cpu = 0, pid = 0;
        uint64_t seq = 0, ns = 0;
        if (f.size() < 7 || comma == std::string_view::npos ||
            !parse_num(f[0].substr(0, comma), major) ||
            !parse_num(f[0].substr(comma + 1), minor) || !parse_num(f[1], cpu) ||
            !parse_num(f[2], seq) || !parse_seconds(f[3], 1e9, ns) || !parse_num(f[4], pid)) {
            bad("not a blkparse event line (expected \"maj,min cpu seq sec.nsec pid action "
                "rwbs ...\")");
            return false;
        }
        if (f[5].size() != 1 || f[5][0] != opts_.blkparse_action)
            return false;
        const std::string_view rwbs = f[6];
        Op op;
        if (rwbs.find('D') != std::string_view::npos)
            op = Op::Discard;
        else if (rwbs.find('W') != std::string_view::npos)
            op = Op::Write;
        else if (rwbs.find('R') != std::string_view::npos)
            op = Op::Read;
        else if (rwbs.find('F') != std::string_view::npos)
            op = Op::Flush;
        else
            return false; // N (no data) and the like: nothing to replay
        uint64_t sector = 0, nsectors = 0;
        if (op != Op::Flush) {
            if (f.size() < 10 || f[8] != "+" || !parse_num(f[7], sector) ||
                !parse_num(f[9], nsectors)) {
                bad("expected \"sector + nsectors\" after the RWBS field '" +
                    std::string(rwbs) + "'");
                return false;
            }
            if (nsectors == 0 && op != Op::Flush)
                return false; // a pure flush carried on a write (e.g. "FWS 0 + 0")
        }
        out = {ns, op, sector * 512, nsectors * 512, pid, minor};
        return true;
    }

    bool done_ = false;
};

} // namespace

std::unique_ptr<TraceReader> make_blkparse_reader(const std::string& path,
                                                  const TraceOptions& opts) {
    return std::make_unique<BlkparseReader>(path, opts);
}

} // namespace bucketscope::workload::detail
