// libCacheSim's oracleGeneral binary format: packed little-endian 24-byte records
// {u32 real_time; u64 obj_id; u32 obj_size; i64 next_access_vtime}. Every record is a get:
// a hit if cached, inserted otherwise, so it replays as a read. The offset is
// obj_id * obj_size, which keeps objects apart in the block address space.
#include <cstring>

#include "core/workload/readers.h"

namespace bucketscope::workload::detail {
namespace {

constexpr size_t kRecord = 24;

template <typename T> T load_le(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof v); // x86-64 and arm64 hosts are little-endian, like the format
    return v;
}

class OracleReader final : public TraceReader {
  public:
    OracleReader(const std::string& path, const TraceOptions& opts) : TraceReader(path, opts) {}

    bool next(Request& out) override {
        size_t n = 0;
        const std::byte* rec = src_.take(kRecord, n);
        if (n == 0)
            return false;
        if (n < kRecord) {
            const std::string msg = src_.path() + ": truncated oracleGeneral record " +
                                    std::to_string(index_) + " at byte " +
                                    std::to_string(index_ * kRecord) + ": " +
                                    std::to_string(n) + " of 24 bytes";
            report_bad(msg);
            return false;
        }
        const uint32_t time = load_le<uint32_t>(rec);
        const uint64_t id = load_le<uint64_t>(rec + 4);
        uint64_t size = load_le<uint32_t>(rec + 12);
        if (size == 0)
            size = opts_.default_object_size;
        out = {uint64_t(time) * 1'000'000'000ull, Op::Read, placer_.offset(id, size), size, 0, 0};
        ++index_;
        return true;
    }

  private:
    uint64_t index_ = 0;
    ObjectPlacer placer_;
};

} // namespace

std::unique_ptr<TraceReader> make_oracle_reader(const std::string& path,
                                                const TraceOptions& opts) {
    return std::make_unique<OracleReader>(path, opts);
}

} // namespace bucketscope::workload::detail
