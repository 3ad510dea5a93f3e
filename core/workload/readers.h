#pragma once
// Internal to core/workload: one factory per trace format and the field parsers they share.

#include <charconv>
#include <memory>
#include <string_view>
#include <vector>

#include "core/workload/trace_reader.h"

namespace bucketscope::workload::detail {

std::unique_ptr<TraceReader> make_blkparse_reader(const std::string& path, const TraceOptions&);
std::unique_ptr<TraceReader> make_fio_reader(const std::string& path, const TraceOptions&);
std::unique_ptr<TraceReader> make_msr_reader(const std::string& path, const TraceOptions&);
std::unique_ptr<TraceReader> make_csv_reader(const std::string& path, const TraceOptions&);
std::unique_ptr<TraceReader> make_oracle_reader(const std::string& path, const TraceOptions&);

// Whitespace-separated fields (blkparse, fio) or fields split on one delimiter (csv).
std::vector<std::string_view> split_ws(std::string_view line);
std::vector<std::string_view> split_on(std::string_view line, char delim);

template <typename T> bool parse_num(std::string_view s, T& out) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

// Where an object trace's object lives in the block address space: id * size, with the id
// taken modulo what fits below 2^62 bytes (hashed 64-bit ids would overflow otherwise).
inline uint64_t object_offset(uint64_t id, uint64_t size) {
    const uint64_t slots = (1ull << 62) / (size ? size : 1);
    return (id < slots ? id : id % slots) * size;
}
// The same for a reader that sees the same object size record after record: the slot
// count is divided out once per size rather than per record.
class ObjectPlacer {
  public:
    uint64_t offset(uint64_t id, uint64_t size) {
        if (size != size_ || !slots_) {
            size_ = size;
            slots_ = (1ull << 62) / (size ? size : 1);
        }
        return (id < slots_ ? id : id % slots_) * size;
    }

  private:
    uint64_t size_ = 0;
    uint64_t slots_ = 0;
};

// "12.000345678" -> nanoseconds; false if not a non-negative decimal.
bool parse_seconds(std::string_view s, double unit_ns, uint64_t& ns);

} // namespace bucketscope::workload::detail
