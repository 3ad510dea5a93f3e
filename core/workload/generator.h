#pragma once
// Seeded synthetic workloads, described by a spec string such as
//   zipf:alpha=0.9,span=8G,read=70,size=4K-64K,processes=4
// kind ':' then comma-separated key=value pairs. Kinds: seq, uniform, zipf, hotcold, scan
// (a Zipf hot set polluted by periodic cold sequential scans). Keys common to all kinds:
//   span=BYTES      address space of the backing device (K/M/G/T suffixes)      [1G]
//   read=PERCENT    share of reads                                               [0]
//   discard=PERCENT share of discards; the rest (100 - read - discard) are writes [0]
//   size=A[-B]      request size, fixed or uniform in [A, B], multiple of 512    [4K]
//   size=A:W/B:W..  request size drawn from a weighted list, e.g. 4K:70/64K:25/1M:5
//   align=BYTES     offset alignment                                             [4K]
//   processes=N     requests round-robin over N processes, each its own stream
//                   and write point                                              [1]
//   requests=N      the workload ends after N requests                           [endless]
//   seed=S          overrides the seed given to make_generator()
// zipf: alpha=A (skew, > 0) [0.9]; hotcold: hot=PERCENT of the span [10],
// hotfrac=PERCENT of requests to the hot part [90]; scan: alpha, every=N hot requests
// between scans [10000], scanlen=BYTES per scan [64M].
// Same spec and seed, same request sequence.

#include <memory>
#include <stdexcept>
#include <string>

#include "core/workload/request.h"

namespace bucketscope::workload {

class SpecError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

class Generator {
  public:
    virtual ~Generator() = default;
    virtual Request next() = 0;
    // requests=N of the spec; 0 when the spec sets no end.
    uint64_t limit() const { return limit_; }

  protected:
    uint64_t limit_ = 0;
};

// Throws SpecError naming the key and what was expected.
std::unique_ptr<Generator> make_generator(const std::string& spec, uint64_t seed);

// "4K", "8G", "512" -> bytes. Throws SpecError naming `what`.
uint64_t parse_size(const std::string& s, const std::string& what);

} // namespace bucketscope::workload
