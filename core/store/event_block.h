#pragma once
// Engine events as stored in a session: one block per batch the engine handed over, its
// events laid out field by field (seq and clock as deltas from the previous event, so a
// batch's runs of +1 and small steps compress to almost nothing) and compressed with zstd.
//
// Why blocks and not a row per event: a row costs SQLite about a microsecond and a half of
// the writer's CPU, which on a two-core machine shared with other work is taken from the
// engine it records; a block costs a few nanoseconds per event. Blocks are keyed by their
// first seq and carry their seq and clock range, so a reader finds any moment by looking
// at block headers and decoding one block.

#include "core/engine/events.h"

#include <cstddef>
#include <span>
#include <vector>

namespace bucketscope::store {

// Bytes per event before compression.
inline constexpr size_t kPackedEventBytes = 36;

// Event kinds are stored as the database's own one-byte codes (its event_kinds table maps
// them to tracepoint names), never as EventKind's values, so reordering the enum cannot
// change what a recorded file means. `code_of_kind[k]` is the code of EventKind k.
std::vector<std::byte> pack_events(std::span<const EngineEvent> events,
                                   std::span<const uint8_t> code_of_kind);
// The events with `kind` holding the stored code, for the caller to map back. Throws
// std::runtime_error when `raw` does not hold exactly `count` events.
std::vector<EngineEvent> unpack_events(std::span<const std::byte> raw, size_t count);

} // namespace bucketscope::store
