#pragma once
// Streaming readers for the block trace formats of docs/trace-formats.md: blkparse text,
// fio iolog v2 and v3, MSR Cambridge CSV, libCacheSim CSV with configurable columns, and
// libCacheSim's oracleGeneral binary records. Each reader holds one buffered chunk of the
// file, never the whole trace.
//
// A malformed line throws TraceError "FILE:LINE: what was found, what was expected". With
// skip_bad the reader counts it instead (bad_records(), first_bad()) and goes on. Object
// traces (libCacheSim) have no offsets: object id times object size gives the offset.

#include <cstdint>
#include <memory>
#include <string>

#include "core/workload/line_source.h"
#include "core/workload/request.h"

namespace bucketscope::workload {

enum class TraceFormat : uint8_t { Blkparse, Fio, Msr, Csv, Oracle };
const char* to_string(TraceFormat f);
bool parse_trace_format(const std::string& s, TraceFormat& out);

// libCacheSim csv reader parameters; columns are 1-based, 0 = absent.
struct CsvColumns {
    unsigned time = 1;
    unsigned obj_id = 2;
    unsigned obj_size = 3;
    unsigned op = 0;        // values r/read/get -> read, w/write/set -> write, d/trim -> discard
    char delimiter = ',';
    // libCacheSim's obj-id-is-num: ids are numbers; otherwise any string, hashed (FNV-1a,
    // 64-bit) into a number, so the same name always lands at the same offset.
    bool obj_id_is_num = true;
    bool has_header = true;
    double time_unit_ns = 1e9; // seconds
};

struct TraceOptions {
    TraceFormat format = TraceFormat::Blkparse;
    bool skip_bad = false;
    CsvColumns csv;
    // Size for object traces whose records carry size 0 (and the csv reader without a size
    // column). 512 KiB matches the reference traces of tools/gen_trace.py.
    uint64_t default_object_size = 512 * 1024;
    // blkparse: which action's lines are requests (Q = queued, the default; D = issued;
    // C = completed).
    char blkparse_action = 'Q';
};

class TraceReader {
  public:
    // Opens `path` (plain or zstd-compressed). Throws TraceError.
    static std::unique_ptr<TraceReader> open(const std::string& path, const TraceOptions& opts);
    virtual ~TraceReader() = default;

    // Next request; false at the end of the trace. Throws TraceError on a malformed record
    // unless skip_bad.
    virtual bool next(Request& out) = 0;

    uint64_t bad_records() const { return bad_; }
    const std::string& first_bad() const { return first_bad_; }
    // 0..1 through the file (compressed bytes for zstd input).
    double progress() const;

  protected:
    TraceReader(const std::string& path, const TraceOptions& opts) : src_(path), opts_(opts) {}
    // Reports a malformed record at the current line: throws, or counts with skip_bad.
    void bad(const std::string& what);
    // The same for a message that already says where (binary formats: a byte offset).
    void report_bad(const std::string& message);
    std::string where() const;

    LineSource src_;
    TraceOptions opts_;

  private:
    uint64_t bad_ = 0;
    std::string first_bad_;
};

} // namespace bucketscope::workload
