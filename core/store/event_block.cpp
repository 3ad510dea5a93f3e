#include "core/store/event_block.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace bucketscope::store {
namespace {

template <typename T> void put(std::byte*& at, T v) {
    std::memcpy(at, &v, sizeof v);
    at += sizeof v;
}

template <typename T> T get(const std::byte*& at) {
    T v;
    std::memcpy(&v, at, sizeof v);
    at += sizeof v;
    return v;
}

} // namespace

// Field by field: all seq deltas, then all clock deltas, buckets, values, and the four
// one-byte fields. Deltas wrap (unsigned), so any sequence round-trips.
std::vector<std::byte> pack_events(std::span<const EngineEvent> events,
                                   std::span<const uint8_t> code_of_kind) {
    const size_t n = events.size();
    std::vector<std::byte> out(n * kPackedEventBytes);
    std::byte* at = out.data();
    uint64_t prev = 0;
    for (const auto& e : events) {
        put(at, e.seq - prev);
        prev = e.seq;
    }
    prev = 0;
    for (const auto& e : events) {
        put(at, e.clock_ns - prev);
        prev = e.clock_ns;
    }
    for (const auto& e : events)
        put(at, e.bucket);
    for (const auto& e : events)
        put(at, e.value);
    for (const auto& e : events)
        put(at, code_of_kind[static_cast<size_t>(e.kind)]);
    for (const auto& e : events)
        put(at, e.dev);
    for (const auto& e : events)
        put(at, e.reserve);
    for (const auto& e : events)
        put(at, e.task);
    return out;
}

std::vector<EngineEvent> unpack_events(std::span<const std::byte> raw, size_t count) {
    if (raw.size() != count * kPackedEventBytes)
        throw std::runtime_error("event block holds " + std::to_string(raw.size()) +
                                 " bytes, expected " + std::to_string(count * kPackedEventBytes) +
                                 " for " + std::to_string(count) + " events");
    std::vector<EngineEvent> out(count);
    const std::byte* at = raw.data();
    uint64_t prev = 0;
    for (auto& e : out)
        prev = e.seq = prev + get<uint64_t>(at);
    prev = 0;
    for (auto& e : out)
        prev = e.clock_ns = prev + get<uint64_t>(at);
    for (auto& e : out)
        e.bucket = get<uint64_t>(at);
    for (auto& e : out)
        e.value = get<uint64_t>(at);
    for (auto& e : out)
        e.kind = static_cast<EventKind>(get<uint8_t>(at));
    for (auto& e : out)
        e.dev = get<uint8_t>(at);
    for (auto& e : out)
        e.reserve = get<uint8_t>(at);
    for (auto& e : out)
        e.task = get<uint8_t>(at);
    return out;
}

} // namespace bucketscope::store
