#include "core/store/session_reader.h"

#include "core/store/event_table.h"
#include "core/store/record_rows.h"
#include "core/store/schema.h"
#include "core/store/snapshot_codec.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace bucketscope::store {
namespace {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string text(SQLite::Statement& q, int col) {
    return q.getColumn(col).isNull() ? std::string() : q.getColumn(col).getString();
}

} // namespace

SessionReader::SessionReader(const std::string& path, bool writable) : path_(path) {
    if (!std::filesystem::exists(path))
        throw StoreError(path + ": no session database here (nothing recorded yet?)");
    try {
        db_ = std::make_unique<SQLite::Database>(path, writable ? SQLite::OPEN_READWRITE
                                                                : SQLite::OPEN_READONLY);
        db_->setBusyTimeout(5000);
        const int app_id = db_->execAndGet("PRAGMA application_id").getInt();
        const int version = db_->execAndGet("PRAGMA user_version").getInt();
        if (app_id != kApplicationId)
            throw StoreError(path + ": not a bucketscope session database");
        if (version > current_schema_version())
            throw StoreError(path + ": written by a newer bucketscope (schema " +
                             std::to_string(version) + ", this version reads up to " +
                             std::to_string(current_schema_version()) + ")");
        if (version < current_schema_version()) {
            // An older file is brought up to date once; browsing it needs that write.
            if (!writable)
                db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
            if (sqlite3_db_readonly(db_->getHandle(), "main") == 1)
                throw StoreError(path + ": written by an older bucketscope (schema " +
                                 std::to_string(version) +
                                 ") and read-only here, so it cannot be upgraded to schema " +
                                 std::to_string(current_schema_version()));
            db_->setBusyTimeout(5000);
            migrate(*db_, path.c_str());
        }
        check_tables(*db_, path.c_str());
        if (writable)
            db_->exec("PRAGMA foreign_keys = ON");
    } catch (const SQLite::Exception& e) {
        throw StoreError(path + ": cannot read session database: " + e.what());
    }
}

SessionReader::~SessionReader() = default;

std::vector<SessionRow> SessionReader::list() const {
    std::vector<SessionRow> rows;
    SQLite::Statement q(*db_, R"sql(
        SELECT s.id, s.started_at, s.ended_at, s.outcome, s.device, s.superblock, s.options,
               s.profile, s.tool_version, s.origin, s.dropped,
               (SELECT coalesce(sum(events), 0) FROM event_blocks b
                WHERE b.session_id = s.id),
               (SELECT count(*) FROM metrics m WHERE m.session_id = s.id),
               (SELECT count(*) FROM commands c WHERE c.session_id = s.id),
               (SELECT count(*) FROM snapshots p WHERE p.session_id = s.id)
        FROM sessions s ORDER BY s.id)sql");
    while (q.executeStep()) {
        SessionRow r;
        r.id = q.getColumn(0).getInt64();
        r.started_at = text(q, 1);
        r.ended_at = text(q, 2);
        r.outcome = text(q, 3);
        r.info.device = text(q, 4);
        r.info.superblock = text(q, 5);
        r.info.options = text(q, 6);
        r.info.profile = text(q, 7);
        r.info.tool_version = text(q, 8);
        r.info.origin = text(q, 9);
        r.dropped = static_cast<uint64_t>(q.getColumn(10).getInt64());
        r.events = static_cast<uint64_t>(q.getColumn(11).getInt64());
        r.metrics = static_cast<uint64_t>(q.getColumn(12).getInt64());
        r.commands = static_cast<uint64_t>(q.getColumn(13).getInt64());
        r.snapshots = static_cast<uint64_t>(q.getColumn(14).getInt64());
        rows.push_back(std::move(r));
    }
    return rows;
}

std::optional<SessionRow> SessionReader::get(int64_t id) const {
    for (auto& r : list())
        if (r.id == id)
            return r;
    return std::nullopt;
}

void SessionReader::for_each_event(int64_t id, uint64_t from_seq,
                                   const std::function<bool(const EngineEvent&)>& f) const {
    // From the block holding from_seq (the last one starting at or before it) on.
    SQLite::Statement q(*db_, "SELECT events, codec, raw_size, data FROM event_blocks "
                              "WHERE session_id = ?1 AND first_seq >= coalesce((SELECT "
                              "max(first_seq) FROM event_blocks WHERE session_id = ?1 AND "
                              "first_seq <= ?2), 0) ORDER BY first_seq");
    q.bind(1, id);
    q.bind(2, static_cast<int64_t>(from_seq));
    const auto kinds = kinds_of_codes();
    while (q.executeStep()) {
        std::vector<EngineEvent> block;
        try {
            block = read_block(q, 0);
        } catch (const std::runtime_error& e) {
            throw StoreError(path_ + ": session " + std::to_string(id) + ": " + e.what());
        }
        for (auto& e : block) {
            if (e.seq < from_seq)
                continue;
            e.kind = kinds[static_cast<uint8_t>(e.kind)];
            if (!f(e))
                return;
        }
    }
}

std::array<EventKind, 256> SessionReader::kinds_of_codes() const {
    std::array<EventKind, 256> kinds;
    kinds.fill(EventKind::Error);
    const auto names = event_kind_names(*db_);
    for (size_t code = 0; code < names.size(); ++code)
        if (const auto k = parse_event_kind(names[code]))
            kinds[code] = *k;
    return kinds;
}

std::vector<EngineEvent> SessionReader::engine_events(int64_t id, uint64_t from_seq,
                                                      size_t limit) const {
    std::vector<EngineEvent> out;
    if (limit == 0)
        return out;
    for_each_event(id, from_seq, [&](const EngineEvent& e) {
        out.push_back(e);
        return out.size() < limit;
    });
    return out;
}

std::vector<EventRecord> SessionReader::events(int64_t id, uint64_t from_seq, size_t limit) const {
    std::map<uint64_t, std::string> notes;
    SQLite::Statement n(*db_, "SELECT seq, detail FROM event_notes WHERE session_id = ?");
    n.bind(1, id);
    while (n.executeStep())
        notes[static_cast<uint64_t>(n.getColumn(0).getInt64())] = n.getColumn(1).getString();
    std::vector<EventRecord> out;
    for (const EngineEvent& e : engine_events(id, from_seq, limit)) {
        EventRecord r;
        r.seq = e.seq;
        r.clock_ns = e.clock_ns;
        r.kind = to_string(e.kind);
        r.bucket = static_cast<int64_t>(e.bucket);
        r.value = e.value;
        r.dev = e.dev;
        r.reserve = e.reserve;
        r.task = e.task;
        if (auto it = notes.find(e.seq); it != notes.end())
            r.detail = it->second;
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<uint64_t> SessionReader::event_at(int64_t id, uint64_t clock_ns) const {
    // Blocks follow the clock, so the block starting last at or before the moment holds
    // the event; its header says so without decoding any other.
    SQLite::Statement q(*db_, "SELECT events, codec, raw_size, data FROM event_blocks "
                              "WHERE session_id = ? AND first_clock <= ? "
                              "ORDER BY first_clock DESC, first_seq DESC LIMIT 1");
    q.bind(1, id);
    q.bind(2, clock_ns > uint64_t(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(clock_ns));
    if (!q.executeStep())
        return std::nullopt;
    std::optional<uint64_t> at;
    try {
        for (const auto& e : read_block(q, 0))
            if (e.clock_ns <= clock_ns)
                at = e.seq;
    } catch (const std::runtime_error& e) {
        throw StoreError(path_ + ": session " + std::to_string(id) + ": " + e.what());
    }
    return at;
}

std::vector<MetricRecord> SessionReader::metrics(int64_t id) const {
    std::vector<MetricRecord> out;
    SQLite::Statement q(*db_, "SELECT clock_ns, name, value FROM metrics "
                              "WHERE session_id = ? ORDER BY rowid");
    q.bind(1, id);
    while (q.executeStep())
        out.push_back({static_cast<uint64_t>(q.getColumn(0).getInt64()), text(q, 1),
                       q.getColumn(2).getDouble()});
    return out;
}

std::vector<EngineMetrics> SessionReader::metric_samples(int64_t id) const {
    std::vector<EngineMetrics> out;
    SQLite::Statement q(*db_, "SELECT clock_ns, name, value FROM metrics "
                              "WHERE session_id = ? ORDER BY clock_ns, rowid");
    q.bind(1, id);
    while (q.executeStep()) {
        const auto clock = static_cast<uint64_t>(q.getColumn(0).getInt64());
        if (out.empty() || out.back().clock_ns != clock) {
            out.emplace_back();
            out.back().clock_ns = clock;
            out.back().fifo.resize(1);
        }
        set_metric(out.back(), q.getColumn(1).getText(), q.getColumn(2).getDouble());
    }
    return out;
}

std::vector<CommandRecord> SessionReader::commands(int64_t id) const {
    std::vector<CommandRecord> out;
    SQLite::Statement q(*db_, "SELECT clock_ns, command, argument FROM commands "
                              "WHERE session_id = ? ORDER BY rowid");
    q.bind(1, id);
    while (q.executeStep())
        out.push_back({static_cast<uint64_t>(q.getColumn(0).getInt64()), text(q, 1), text(q, 2)});
    return out;
}

std::vector<StoredSnapshot> SessionReader::snapshots(int64_t id) const {
    std::vector<StoredSnapshot> out;
    SQLite::Statement q(*db_, "SELECT clock_ns, nbuckets, event_seq FROM snapshots "
                              "WHERE session_id = ? ORDER BY rowid");
    q.bind(1, id);
    while (q.executeStep()) {
        StoredSnapshot s{static_cast<uint64_t>(q.getColumn(0).getInt64()),
                         static_cast<uint64_t>(q.getColumn(1).getInt64()), std::nullopt};
        if (!q.getColumn(2).isNull())
            s.event_seq = static_cast<uint64_t>(q.getColumn(2).getInt64());
        out.push_back(s);
    }
    return out;
}

BucketSnapshot SessionReader::load_snapshot(int64_t id, size_t index) const {
    SQLite::Statement q(*db_, "SELECT clock_ns, nbuckets, codec, raw_size, data FROM snapshots "
                              "WHERE session_id = ? ORDER BY rowid LIMIT 1 OFFSET ?");
    q.bind(1, id);
    q.bind(2, static_cast<int64_t>(index));
    if (!q.executeStep())
        throw StoreError(path_ + ": session " + std::to_string(id) + " has no snapshot " +
                         std::to_string(index));
    if (text(q, 2) != "zstd")
        throw StoreError(path_ + ": snapshot " + std::to_string(index) + " of session " +
                         std::to_string(id) + " uses unknown codec '" + text(q, 2) + "'");
    const auto blob = q.getColumn(4);
    const auto* p = static_cast<const std::byte*>(blob.getBlob());
    BucketSnapshot s;
    s.clock_ns = static_cast<uint64_t>(q.getColumn(0).getInt64());
    try {
        const auto raw = decompress({p, static_cast<size_t>(blob.getBytes())},
                                    static_cast<size_t>(q.getColumn(3).getInt64()));
        deserialise_buckets(raw, static_cast<uint64_t>(q.getColumn(1).getInt64()), s);
    } catch (const std::runtime_error& e) {
        throw StoreError(path_ + ": snapshot " + std::to_string(index) + " of session " +
                         std::to_string(id) + ": " + e.what());
    }
    s.seq = index;
    return s;
}

void SessionReader::export_json(int64_t id, std::ostream& out) const {
    const auto row = get(id);
    if (!row)
        throw StoreError(path_ + ": no session " + std::to_string(id));
    nlohmann::ordered_json j;
    j["id"] = row->id;
    j["started_at"] = row->started_at;
    j["ended_at"] = row->ended_at;
    j["outcome"] = row->outcome;
    j["device"] = row->info.device;
    j["superblock"] = row->info.superblock;
    j["options"] = row->info.options;
    j["profile"] = row->info.profile;
    j["tool_version"] = row->info.tool_version;
    j["origin"] = row->info.origin;
    j["dropped"] = row->dropped;
    auto& ev = j["events"] = nlohmann::json::array();
    for (auto& e : events(id)) { // the JSON document is built whole anyway
        nlohmann::ordered_json je = {
            {"seq", e.seq},     {"clock_ns", e.clock_ns}, {"kind", e.kind}, {"bucket", e.bucket},
            {"value", e.value}, {"dev", e.dev},           {"task", e.task}};
        if (e.kind == "bcache_alloc" || e.kind == "bcache_alloc_fail")
            je["reserve"] = to_string(Reserve(e.reserve));
        if (!e.detail.empty())
            je["detail"] = e.detail;
        ev.push_back(std::move(je));
    }
    auto& me = j["metrics"] = nlohmann::json::array();
    for (auto& m : metrics(id))
        me.push_back({{"clock_ns", m.clock_ns}, {"name", m.name}, {"value", m.value}});
    auto& co = j["commands"] = nlohmann::json::array();
    for (auto& c : commands(id))
        co.push_back({{"clock_ns", c.clock_ns}, {"command", c.command}, {"argument", c.argument}});
    auto& sn = j["snapshots"] = nlohmann::json::array();
    for (auto& s : snapshots(id))
        sn.push_back({{"clock_ns", s.clock_ns}, {"nbuckets", s.nbuckets}});
    out << j.dump(2) << '\n';
}

void SessionReader::export_csv(int64_t id, std::ostream& out) const {
    if (!get(id))
        throw StoreError(path_ + ": no session " + std::to_string(id));
    out << "record,clock_ns,name,bucket,value,detail\n";
    std::map<uint64_t, std::string> notes;
    SQLite::Statement n(*db_, "SELECT seq, detail FROM event_notes WHERE session_id = ?");
    n.bind(1, id);
    while (n.executeStep())
        notes[static_cast<uint64_t>(n.getColumn(0).getInt64())] = n.getColumn(1).getString();
    // Streamed block by block: a session may hold millions of events.
    for_each_event(id, 0, [&](const EngineEvent& e) {
        const auto note = notes.find(e.seq);
        out << "event," << e.clock_ns << ',' << to_string(e.kind) << ',' << e.bucket << ','
            << e.value << ',' << csv_field(note == notes.end() ? event_detail(e) : note->second)
            << '\n';
        return true;
    });
    for (auto& m : metrics(id))
        out << "metric," << m.clock_ns << ',' << csv_field(m.name) << ",," << m.value << ",\n";
    for (auto& c : commands(id))
        out << "command," << c.clock_ns << ',' << csv_field(c.command) << ",,,"
            << csv_field(c.argument) << '\n';
}

size_t SessionReader::prune_ids(const std::vector<int64_t>& ids) {
    SQLite::Transaction tx(*db_);
    SQLite::Statement del(*db_, "DELETE FROM sessions WHERE id = ?");
    size_t n = 0;
    for (int64_t id : ids) {
        del.bind(1, id);
        n += static_cast<size_t>(del.exec());
        del.reset();
    }
    tx.commit();
    return n;
}

size_t SessionReader::prune_before(const std::string& iso_date) {
    SQLite::Statement del(*db_, "DELETE FROM sessions WHERE started_at < ?");
    del.bind(1, iso_date);
    return static_cast<size_t>(del.exec());
}

size_t SessionReader::prune_keep(size_t keep) {
    SQLite::Statement del(*db_, "DELETE FROM sessions WHERE id NOT IN "
                                "(SELECT id FROM sessions ORDER BY id DESC LIMIT ?)");
    del.bind(1, static_cast<int64_t>(keep));
    return static_cast<size_t>(del.exec());
}

} // namespace bucketscope::store
