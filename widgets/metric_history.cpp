// Rates use the engine clock, not wall time, so a paused or slowed engine shows the rates
// it really ran at, and a deterministic run plots the same curve every time.
#include "widgets/metric_history.h"

#include <QCoreApplication>
#include <QIODevice>
#include <QTextStream>
#include <numeric>

namespace bucketscope {
namespace {

double percent(size_t used, size_t capacity) {
    return capacity ? 100.0 * double(used) / double(capacity) : 0.0;
}

uint64_t total(const std::array<uint64_t, 3>& a) { return std::accumulate(a.begin(), a.end(), uint64_t{0}); }

} // namespace

MetricHistory::MetricHistory(size_t capacity)
    : capacity_(std::max<size_t>(capacity, 16)), series_(SeriesCount) {}

void MetricHistory::clear() {
    time_.clear();
    for (auto& s : series_)
        s.clear();
    have_prev_ = false;
}

void MetricHistory::add(const EngineMetrics& m) {
    if (have_prev_ && m.clock_ns <= prev_.clock_ns)
        return; // nothing ran since the last sample
    const double dt = have_prev_ ? double(m.clock_ns - prev_.clock_ns) / 1e9 : 0.0;
    auto rate = [&](uint64_t now, uint64_t before) {
        return dt > 0 ? double(now - before) / dt : 0.0;
    };
    const EngineMetrics& p = have_prev_ ? prev_ : m;
    if (time_.size() >= capacity_)
        thin();
    time_.push_back(double(m.clock_ns) / 1e9);
    const FifoLevels levels = m.fifo.empty() ? FifoLevels{} : m.fifo.front();
    series_[FreeBtree].push_back(percent(levels.free_used[RESERVE_BTREE], levels.free_capacity[RESERVE_BTREE]));
    series_[FreePrio].push_back(percent(levels.free_used[RESERVE_PRIO], levels.free_capacity[RESERVE_PRIO]));
    series_[FreeMovingGc].push_back(percent(levels.free_used[RESERVE_MOVINGGC], levels.free_capacity[RESERVE_MOVINGGC]));
    series_[FreeNone].push_back(percent(levels.free_used[RESERVE_NONE], levels.free_capacity[RESERVE_NONE]));
    series_[FreeInc].push_back(percent(levels.free_inc_used, levels.free_inc_capacity));
    series_[AllocRate].push_back(rate(m.total_allocations(), p.total_allocations()));
    series_[InvalidateRate].push_back(rate(total(m.invalidations), total(p.invalidations)));
    series_[WaitRate].push_back(rate(m.alloc_waits, p.alloc_waits));
    series_[WaitMsPerS].push_back(rate(m.alloc_wait_ns, p.alloc_wait_ns) / 1e6);
    series_[GcRuns].push_back(double(m.gc_runs));
    const uint64_t runs = m.gc_runs - p.gc_runs;
    series_[GcMsPerRun].push_back(runs ? double(m.gc_ns - p.gc_ns) / 1e6 / double(runs) : 0.0);
    series_[PrioWrites].push_back(double(m.prio_writes));
    series_[JournalWrites].push_back(double(m.journal_writes));
    series_[Discards].push_back(double(m.discards));
    auto hits = [](const EngineMetrics& x) { return x.cache_hits + x.cache_bypass_hits; };
    auto accounted = [&](const EngineMetrics& x) { return hits(x) + x.cache_misses + x.cache_bypass_misses; };
    const uint64_t reads = accounted(m) - accounted(p);
    series_[HitRatio].push_back(reads ? 100.0 * double(hits(m) - hits(p)) / double(reads) : 0.0);
    series_[WriteAmplification].push_back(m.write_amplification());
    const uint64_t written = m.cache_data_sectors + m.cache_btree_sectors + m.cache_meta_sectors;
    series_[MetadataPercent].push_back(
        written ? 100.0 * double(m.cache_btree_sectors + m.cache_meta_sectors) / double(written) : 0.0);
    const uint64_t asked = m.read_sectors - p.read_sectors;
    series_[ByteHitRatio].push_back(asked ? 100.0 * double(m.read_hit_sectors - p.read_hit_sectors) / double(asked)
                                          : 0.0);
    prev_ = m;
    have_prev_ = true;
}

void MetricHistory::thin() {
    const size_t half = time_.size() / 2;
    auto squeeze = [half](std::vector<double>& v) {
        size_t out = 0;
        for (size_t i = 0; i < half; i += 2)
            v[out++] = v[i];
        for (size_t i = half; i < v.size(); ++i)
            v[out++] = v[i];
        v.resize(out);
    };
    squeeze(time_);
    for (auto& s : series_)
        squeeze(s);
}

QString MetricHistory::name(Series s) {
    switch (s) {
    case FreeBtree: return tr("free[BTREE] %");
    case FreePrio: return tr("free[PRIO] %");
    case FreeMovingGc: return tr("free[MOVINGGC] %");
    case FreeNone: return tr("free[NONE] %");
    case FreeInc: return tr("free_inc %");
    case AllocRate: return tr("allocations/s");
    case InvalidateRate: return tr("invalidations/s");
    case WaitRate: return tr("bucket_alloc waits/s");
    case WaitMsPerS: return tr("ms waited per s");
    case GcRuns: return tr("GC runs");
    case GcMsPerRun: return tr("ms per GC run");
    case PrioWrites: return tr("prio writes");
    case JournalWrites: return tr("journal writes");
    case Discards: return tr("discards");
    case HitRatio: return tr("read hit ratio %");
    case WriteAmplification: return tr("write amplification");
    case MetadataPercent: return tr("btree and metadata % of writes");
    case ByteHitRatio: return tr("read sectors hit %");
    case SeriesCount: break;
    }
    return {};
}

bool MetricHistory::writeCsv(QIODevice& out) const {
    QTextStream s(&out);
    // Column names are fixed identifiers, not translated text, so scripts can rely on them.
    static const char* const kColumns[SeriesCount] = {
        "free_btree_pct", "free_prio_pct", "free_movinggc_pct", "free_none_pct", "free_inc_pct",
        "alloc_per_s", "invalidate_per_s", "waits_per_s", "wait_ms_per_s", "gc_runs",
        "gc_ms_per_run", "prio_writes", "journal_writes", "discards", "hit_ratio_pct",
        "write_amplification", "metadata_write_pct", "byte_hit_ratio_pct"};
    s << "time_s";
    for (const char* c : kColumns)
        s << ',' << c;
    s << '\n';
    for (size_t i = 0; i < time_.size(); ++i) {
        s << QString::number(time_[i], 'f', 6);
        for (const auto& col : series_)
            s << ',' << QString::number(col[i], 'g', 10);
        s << '\n';
    }
    s.flush();
    return s.status() == QTextStream::Ok;
}

} // namespace bucketscope
