#include "core/store/event_table.h"

#include "core/alloc/cache.h"
#include "core/store/event_block.h"
#include "core/store/snapshot_codec.h"

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

namespace bucketscope::store {
namespace {

// One of zstd's fast levels: the field-by-field layout leaves it little to find, so on a
// sim run it packs as tightly as level 1 (36 bytes an event to 4.5) in a third of the time,
// and the writer runs next to the engine.
constexpr int kBlockLevel = -5;
// Version-1 rows are regrouped into blocks of this many.
constexpr size_t kMigratedBlock = 4096;

} // namespace

KindCodes event_kind_codes(SQLite::Database& db) {
    KindCodes codes{};
    SQLite::Statement find(db, "SELECT code FROM event_kinds WHERE name = ?");
    SQLite::Statement add(db, "INSERT INTO event_kinds (code, name) VALUES "
                              "((SELECT coalesce(max(code) + 1, 0) FROM event_kinds), ?)");
    for (size_t k = 0; k < codes.size(); ++k) {
        const char* name = to_string(static_cast<EventKind>(k));
        find.reset();
        find.bind(1, name);
        if (!find.executeStep()) {
            add.reset();
            add.bind(1, name);
            add.exec();
            find.reset();
            find.bind(1, name);
            find.executeStep();
        }
        const int code = find.getColumn(0).getInt();
        if (code < 0 || code > 255)
            throw SQLite::Exception("event_kinds: code " + std::to_string(code) + " for " + name +
                                    " does not fit a byte");
        codes[k] = static_cast<uint8_t>(code);
    }
    return codes;
}

std::array<std::string, 256> event_kind_names(SQLite::Database& db) {
    std::array<std::string, 256> names;
    SQLite::Statement q(db, "SELECT code, name FROM event_kinds");
    while (q.executeStep()) {
        const int code = q.getColumn(0).getInt();
        if (code >= 0 && code < 256)
            names[size_t(code)] = q.getColumn(1).getString();
    }
    return names;
}

BlockWriter::BlockWriter(SQLite::Database& db)
    : codes_(event_kind_codes(db)),
      insert_(db, "INSERT INTO event_blocks (session_id, first_seq, last_seq, first_clock, "
                  "last_clock, events, codec, raw_size, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {
}

void BlockWriter::write(int64_t session, std::span<const EngineEvent> events) {
    const auto raw = pack_events(events, codes_);
    const auto packed = compress(raw, kBlockLevel);
    insert_.bind(1, session);
    insert_.bind(2, static_cast<int64_t>(events.front().seq));
    insert_.bind(3, static_cast<int64_t>(events.back().seq));
    insert_.bind(4, static_cast<int64_t>(events.front().clock_ns));
    insert_.bind(5, static_cast<int64_t>(events.back().clock_ns));
    insert_.bind(6, static_cast<int64_t>(events.size()));
    insert_.bindNoCopy(7, "zstd");
    insert_.bind(8, static_cast<int64_t>(raw.size()));
    insert_.bindNoCopy(9, packed.data(), static_cast<int>(packed.size()));
    insert_.exec();
    insert_.reset();
}

void BlockWriter::reset() {
    insert_.tryReset();
    insert_.clearBindings();
}

std::vector<EngineEvent> read_block(SQLite::Statement& q, int first) {
    const auto count = static_cast<size_t>(q.getColumn(first).getInt64());
    const std::string codec = q.getColumn(first + 1).getString();
    if (codec != "zstd")
        throw std::runtime_error("event block uses unknown codec '" + codec + "'");
    const auto blob = q.getColumn(first + 3);
    const auto raw = decompress(
        {static_cast<const std::byte*>(blob.getBlob()), static_cast<size_t>(blob.getBytes())},
        static_cast<size_t>(q.getColumn(first + 2).getInt64()));
    return unpack_events(raw, count);
}

void convert_v1_events(SQLite::Database& db) {
    BlockWriter writer(db);
    SQLite::Statement note(db,
                           "INSERT INTO event_notes (session_id, seq, detail) VALUES (?, ?, ?)");
    SQLite::Statement rows(db, "SELECT session_id, clock_ns, kind, bucket, detail FROM events "
                               "ORDER BY session_id, rowid");
    std::vector<EngineEvent> block;
    int64_t session = -1;
    uint64_t seq = 0;
    auto flush = [&] {
        if (!block.empty())
            writer.write(session, block);
        block.clear();
    };
    while (rows.executeStep()) {
        const int64_t s = rows.getColumn(0).getInt64();
        if (s != session) {
            flush();
            session = s;
            seq = 0;
        }
        EngineEvent e;
        e.seq = seq++;
        e.clock_ns = static_cast<uint64_t>(rows.getColumn(1).getInt64());
        const std::string kind = rows.getColumn(2).getString();
        e.kind = EventKind::Error;
        for (size_t k = 0; k < size_t(EventKind::Count); ++k)
            if (kind == to_string(static_cast<EventKind>(k)))
                e.kind = static_cast<EventKind>(k);
        e.bucket =
            rows.getColumn(3).isNull() ? 0 : static_cast<uint64_t>(rows.getColumn(3).getInt64());
        const std::string detail = rows.getColumn(4).isNull() ? "" : rows.getColumn(4).getString();
        const auto j = nlohmann::json::parse(detail, nullptr, false);
        if (j.is_object()) {
            e.value = j.value("value", uint64_t(0));
            e.dev = j.value("dev", uint8_t(0));
            e.task = j.value("task", uint8_t(0));
            const std::string r = j.value("reserve", std::string());
            for (unsigned i = 0; i < RESERVE_NR; ++i)
                if (r == to_string(Reserve(i)))
                    e.reserve = uint8_t(i);
        }
        // Text the fields cannot hold (an unknown kind, free text) is kept beside the event.
        std::string keep;
        if (e.kind == EventKind::Error && kind != to_string(EventKind::Error))
            keep = kind + (detail.empty() ? "" : ": " + detail);
        else if (!j.is_object() && !detail.empty())
            keep = detail;
        if (!keep.empty()) {
            note.reset();
            note.bind(1, session);
            note.bind(2, static_cast<int64_t>(e.seq));
            note.bind(3, keep);
            note.exec();
        }
        block.push_back(e);
        if (block.size() == kMigratedBlock)
            flush();
    }
    flush();
    db.exec("DROP TABLE events");
}

} // namespace bucketscope::store
