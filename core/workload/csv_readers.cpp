// The comma-separated formats. MSR Cambridge (SNIA IOTTA): no header,
// "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime" with Windows FILETIME
// timestamps (100 ns ticks), Type Read/Write, offset and size in bytes; times are made
// relative to the first record. libCacheSim csv: object traces with configurable 1-based
// columns; an object's offset is its id times its size.
#include <algorithm>
#include <cctype>

#include "core/workload/readers.h"

namespace bucketscope::workload::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (char ch : s) {
        h ^= static_cast<unsigned char>(ch);
        h *= 0x100000001b3ull;
    }
    // Objects are placed at id * size: keep the offset inside the 63-bit key space.
    return h >> 24;
}

class MsrReader final : public TraceReader {
  public:
    MsrReader(const std::string& path, const TraceOptions& opts) : TraceReader(path, opts) {}

    bool next(Request& out) override {
        std::string line;
        while (src_.getline(line)) {
            if (line.empty())
                continue;
            const auto f = split_on(line, ',');
            uint64_t ticks = 0, offset = 0, size = 0;
            uint32_t disk = 0;
            if (f.size() != 7) {
                bad("expected 7 fields \"Timestamp,Hostname,DiskNumber,Type,Offset,Size,"
                    "ResponseTime\", found " + std::to_string(f.size()));
                continue;
            }
            if (!parse_num(f[0], ticks) || !parse_num(f[2], disk) || !parse_num(f[4], offset) ||
                !parse_num(f[5], size)) {
                bad("Timestamp, DiskNumber, Offset and Size must be unsigned integers");
                continue;
            }
            Op op;
            if (iequals(f[3], "Read"))
                op = Op::Read;
            else if (iequals(f[3], "Write"))
                op = Op::Write;
            else {
                bad("Type must be Read or Write, found '" + std::string(f[3]) + "'");
                continue;
            }
            if (!first_)
                first_ = ticks;
            const uint64_t rel = ticks >= first_ ? ticks - first_ : 0;
            out = {rel * 100, op, offset, size, disk, disk};
            return true;
        }
        return false;
    }

  private:
    uint64_t first_ = 0;
};

class CsvReader final : public TraceReader {
  public:
    CsvReader(const std::string& path, const TraceOptions& opts) : TraceReader(path, opts) {
        const auto& c = opts.csv;
        if (c.obj_id == 0)
            throw TraceError(path + ": the csv reader needs an object id column (obj-id-col)");
        std::string header;
        if (c.has_header && !src_.getline(header))
            throw TraceError(path + ": empty file, expected a header line");
        need_ = std::max({c.time, c.obj_id, c.obj_size, c.op});
    }

    bool next(Request& out) override {
        const auto& c = opts_.csv;
        std::string line;
        while (src_.getline(line)) {
            if (line.empty())
                continue;
            const auto f = split_on(line, c.delimiter);
            if (f.size() < need_) {
                bad("expected at least " + std::to_string(need_) + " fields, found " +
                    std::to_string(f.size()));
                continue;
            }
            uint64_t id = 0, size = opts_.default_object_size, ns = 0;
            if (!c.obj_id_is_num) {
                id = fnv1a(f[c.obj_id - 1]);
            } else if (!parse_num(f[c.obj_id - 1], id)) {
                bad("object id (column " + std::to_string(c.obj_id) +
                    ") must be an unsigned integer, found '" + std::string(f[c.obj_id - 1]) +
                    "'");
                continue;
            }
            if (c.obj_size && (!parse_num(f[c.obj_size - 1], size))) {
                bad("object size (column " + std::to_string(c.obj_size) +
                    ") must be an unsigned integer");
                continue;
            }
            if (size == 0)
                size = opts_.default_object_size;
            if (c.time && !parse_seconds(f[c.time - 1], c.time_unit_ns, ns)) {
                bad("time (column " + std::to_string(c.time) + ") must be a number");
                continue;
            }
            Op op = Op::Read;
            if (c.op) {
                const auto v = f[c.op - 1];
                if (iequals(v, "w") || iequals(v, "write") || iequals(v, "set"))
                    op = Op::Write;
                else if (iequals(v, "d") || iequals(v, "trim") || iequals(v, "delete"))
                    op = Op::Discard;
                else if (!(iequals(v, "r") || iequals(v, "read") || iequals(v, "get"))) {
                    bad("operation (column " + std::to_string(c.op) + ") must be r/w/d, "
                        "read/write/trim or get/set/delete, found '" + std::string(v) + "'");
                    continue;
                }
            }
            out = {ns, op, object_offset(id, size), size, 0, 0};
            return true;
        }
        return false;
    }

  private:
    unsigned need_ = 1;
};

} // namespace

std::unique_ptr<TraceReader> make_msr_reader(const std::string& path, const TraceOptions& opts) {
    return std::make_unique<MsrReader>(path, opts);
}

std::unique_ptr<TraceReader> make_csv_reader(const std::string& path, const TraceOptions& opts) {
    return std::make_unique<CsvReader>(path, opts);
}

} // namespace bucketscope::workload::detail
