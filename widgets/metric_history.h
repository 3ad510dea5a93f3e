#pragma once
// The engine's metrics as time series on the engine's clock: fill levels sampled as they
// are, counters turned into rates between consecutive samples. The plots draw from it and
// the CSV export writes it, so a plot and its exported data are the same numbers.
//
// Bounded: when `capacity` samples are held, the older half is thinned to every other
// sample, so a long run keeps its whole shape at a coarser grain.

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <vector>

#include "core/engine/metrics.h"
#include "widgets/engine_frame.h"

class QIODevice;

namespace bucketscope {

class MetricHistory {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::MetricHistory)

  public:
    enum Series {
        FreeBtree, // percent full, one per reserve
        FreePrio,
        FreeMovingGc,
        FreeNone,
        FreeInc,
        AllocRate,      // bucket allocations per second, all reserves
        InvalidateRate, // buckets moved to free_inc per second
        WaitRate,       // tasks put to sleep in bucket_alloc per second
        WaitMsPerS,     // milliseconds slept in bucket_alloc per second
        GcRuns,         // cumulative
        GcMsPerRun,     // mean duration of the GC runs in the last interval
        PrioWrites,     // cumulative
        JournalWrites,  // cumulative
        Discards,       // cumulative
        // Percent of reads that hit, in the last interval, as bcache's stats count them
        // (cache_hits and cache_bypass_hits over every accounted read; flash-only volumes
        // are not accounted)
        HitRatio,
        // (data + btree + metadata sectors the caches wrote) / data sectors the workload
        // inserted (writes and cache-miss fills), since the start:
        // EngineMetrics::write_amplification()
        WriteAmplification,
        MetadataPercent, // btree + metadata share of everything written, since the start
        ByteHitRatio,    // percent of the sectors reads asked for served from the cache
        SeriesCount,
    };

    explicit MetricHistory(size_t capacity = 4096);

    void add(const EngineMetrics& m);
    void clear();
    size_t size() const { return time_.size(); }
    const std::vector<double>& time() const { return time_; } // seconds
    const std::vector<double>& series(Series s) const { return series_[s]; }
    static QString name(Series s);
    // Header line then one line per sample; false if the device cannot be written.
    bool writeCsv(QIODevice& out) const;

  private:
    void thin();

    size_t capacity_;
    std::vector<double> time_;
    std::vector<std::vector<double>> series_;
    EngineMetrics prev_;
    bool have_prev_ = false;
};

} // namespace bucketscope
