// fio iologs. Version 2: "filename action offset length", with "filename add|open|close"
// and "filename wait usec" (a relative pause). Version 3 puts a timestamp first, in
// microseconds from the start of the run (measured with fio 3.33: 256 4 KiB writes at
// 1,000 IOPS end at 255522), and has no wait. The device is the file's index in the order
// the log added files.
#include <map>

#include "core/workload/readers.h"

namespace bucketscope::workload::detail {
namespace {

class FioReader final : public TraceReader {
  public:
    FioReader(const std::string& path, const TraceOptions& opts) : TraceReader(path, opts) {
        std::string line;
        if (!src_.getline(line))
            throw TraceError(path + ": empty file, expected a fio iolog header");
        if (line == "fio version 2 iolog")
            version_ = 2;
        else if (line == "fio version 3 iolog")
            version_ = 3;
        else
            throw TraceError(path + ":1: expected \"fio version 2 iolog\" or \"fio version 3 "
                                    "iolog\", found \"" + line.substr(0, 60) + "\"");
    }

    bool next(Request& out) override {
        std::string line;
        while (src_.getline(line)) {
            auto f = split_ws(line);
            if (f.empty())
                continue;
            uint64_t ts_us = 0;
            if (version_ == 3) {
                if (!parse_num(f[0], ts_us)) {
                    bad("expected a timestamp in microseconds, found '" + std::string(f[0]) +
                        "'");
                    continue;
                }
                f.erase(f.begin());
                time_ns_ = ts_us * 1000;
            }
            if (f.size() < 2) {
                bad("expected \"filename action [offset length]\"");
                continue;
            }
            const std::string file(f[0]);
            const std::string_view action = f[1];
            if (action == "add") {
                devices_.try_emplace(file, static_cast<uint32_t>(devices_.size()));
                continue;
            }
            if (action == "open" || action == "close" || action == "sync" ||
                action == "datasync") {
                if (action == "sync" || action == "datasync") {
                    out = {time_ns_, Op::Flush, 0, 0, 0, device(file)};
                    return true;
                }
                continue;
            }
            if (action == "wait") {
                uint64_t us = 0;
                if (version_ == 3 || f.size() < 3 || !parse_num(f[2], us)) {
                    bad(version_ == 3 ? "wait is not allowed in a version 3 iolog"
                                      : "expected \"filename wait microseconds\"");
                    continue;
                }
                time_ns_ += us * 1000;
                continue;
            }
            Op op;
            if (action == "read")
                op = Op::Read;
            else if (action == "write")
                op = Op::Write;
            else if (action == "trim")
                op = Op::Discard;
            else {
                bad("unknown fio action '" + std::string(action) +
                    "' (expected add, open, close, read, write, trim, sync, datasync, wait)");
                continue;
            }
            uint64_t offset = 0, length = 0;
            if (f.size() < 4 || !parse_num(f[2], offset) || !parse_num(f[3], length)) {
                bad("expected \"filename " + std::string(action) + " offset length\"");
                continue;
            }
            out = {time_ns_, op, offset, length, 0, device(file)};
            return true;
        }
        return false;
    }

  private:
    uint32_t device(const std::string& file) {
        return devices_.try_emplace(file, static_cast<uint32_t>(devices_.size())).first->second;
    }

    int version_ = 2;
    uint64_t time_ns_ = 0;
    std::map<std::string, uint32_t> devices_;
};

} // namespace

std::unique_ptr<TraceReader> make_fio_reader(const std::string& path, const TraceOptions& opts) {
    return std::make_unique<FioReader>(path, opts);
}

} // namespace bucketscope::workload::detail
