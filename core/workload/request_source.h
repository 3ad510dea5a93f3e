#pragma once
// Where the engine's request path gets its requests: a trace reader, a seeded generator, or
// anything else that yields workload::Request in order. The engine pulls one request at a
// time (under bucket_lock, from whichever request task is idle), so a source never holds
// more than its reader's buffer: a 10 GB trace replays in the memory of one chunk.
//
// A source never throws into the engine. A malformed record (without --skip-bad) or an
// unreadable file ends the source; error() then says what and where, and the caller
// reports it after the run. progress() is 0..1 for front ends' progress bars, negative
// when the end is unknown (an endless generator).
//
// make_workload_source() is the one place a workload spec string becomes a source; `replay
// --workload`, `run --workload` and the GUI's workload panel all go through it.

#include <cstdint>
#include <memory>
#include <string>

#include "core/workload/request.h"
#include "core/workload/trace_reader.h"

namespace bucketscope::workload {

class Generator;

class RequestSource {
  public:
    virtual ~RequestSource() = default;
    // The next request; false at the end, on reaching the limit, or after an error.
    virtual bool next(Request& out) = 0;
    virtual double progress() const = 0;
    // Requests handed out so far.
    uint64_t taken() const { return taken_; }
    // Empty unless the source ended on an error (a TraceError's "FILE:LINE: ..." message).
    const std::string& error() const { return error_; }
    // Malformed records counted instead of failing (--skip-bad), and the first one.
    virtual uint64_t bad_records() const { return 0; }
    virtual std::string first_bad() const { return {}; }

  protected:
    uint64_t taken_ = 0;
    std::string error_;
};

// A trace, stopping after `limit` requests (0 = the whole trace).
std::unique_ptr<RequestSource> trace_source(std::unique_ptr<TraceReader> reader,
                                            uint64_t limit = 0);
// Opens `path` with `opts` as a source. Throws TraceError when the file cannot be opened
// or its header is wrong, so the caller can refuse before building an engine.
std::unique_ptr<RequestSource> open_trace_source(const std::string& path,
                                                 const TraceOptions& opts, uint64_t limit = 0);
// A generator, stopping after `limit` requests; 0 takes the spec's requests=N, and with
// neither the source is endless.
std::unique_ptr<RequestSource> generator_source(std::unique_ptr<Generator> gen,
                                                uint64_t limit = 0);
// A workload spec (generator.h) as a source. Throws SpecError naming the bad key.
std::unique_ptr<RequestSource> make_workload_source(const std::string& spec, uint64_t seed,
                                                    uint64_t limit = 0);

} // namespace bucketscope::workload
