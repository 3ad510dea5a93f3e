// The Engine facade: builds the cache set and its tasks, registers it, and serialises
// every outside call through bucket_lock. See engine.h for the contract.
#include "core/engine/engine.h"

#include <algorithm>
#include <bit>

#include "core/engine/btree_writer.h"
#include "core/engine/builtin_source.h"
#include "core/engine/engine_impl.h"
#include "core/engine/gc_task.h"
#include "core/engine/journal_task.h"
#include "core/engine/invariant_hook.h"
#include "core/engine/workload_task.h"
#include "core/engine/writeback_task.h"

namespace bucketscope {

const char* to_string(RunMode m) {
    return m == RunMode::Threaded ? "threaded" : "deterministic";
}

const char* to_string(WaitOn w) {
    switch (w) {
    case WaitOn::Runnable: return "runnable";
    case WaitOn::AllocatorWake: return "allocator_wait";
    case WaitOn::BucketWait: return "bucket_wait";
    case WaitOn::BtreeCacheWait: return "btree_cache_wait";
    case WaitOn::GcWait: return "gc_wait";
    case WaitOn::Io: return "io";
    case WaitOn::Journal: return "journal_wait";
    case WaitOn::BtreeWrite: return "btree_write";
    case WaitOn::Done: return "done";
    case WaitOn::Sleep: return "sleep";
    case WaitOn::WritebackWait: return "writeback_wait";
    }
    return "?";
}

bool check_options(const std::vector<Device*>& devices, const EngineOptions& o,
                   std::string* why) {
    auto fail = [&](std::string msg) {
        if (why)
            *why = std::move(msg);
        return false;
    };
    const CacheGeometry& g = o.geometry;
    const unsigned max_caches = o.profile == KernelProfile::V6_2 ? 1 : MAX_CACHES_PER_SET;
    if (o.ncaches < 1 || o.ncaches > max_caches)
        return fail("caches: " + std::to_string(o.ncaches) + " is out of range, " +
                    to_string(o.profile) + " allows 1.." + std::to_string(max_caches));
    if (devices.size() != o.ncaches)
        return fail("caches: " + std::to_string(o.ncaches) + " caches need as many devices, got " +
                    std::to_string(devices.size()));
    if (g.block_size == 0 || !std::has_single_bit(unsigned(g.block_size)))
        return fail("block_size: " + std::to_string(g.block_size) +
                    " sectors, expected a power of two");
    if (g.bucket_size < g.block_size || !std::has_single_bit(g.bucket_size))
        return fail("bucket_size: " + std::to_string(g.bucket_size) +
                    " sectors, expected a power of two of at least block_size (" +
                    std::to_string(g.block_size) + ")");
    if (g.bucket_size > 0xffff)
        return fail("bucket_size: " + std::to_string(g.bucket_size) +
                    " sectors is more than the engine's 16-bit extent sizes can fill");
    if (g.first_bucket == 0 || g.first_bucket >= g.nbuckets)
        return fail("first_bucket: " + std::to_string(g.first_bucket) +
                    ", expected 1 <= first_bucket < nbuckets");
    for (size_t i = 0; i < devices.size(); ++i) {
        if (!devices[i])
            return fail("device " + std::to_string(i) + " is missing");
        const uint64_t need = g.nbuckets * g.bucket_bytes();
        if (devices[i]->size_bytes() < need)
            return fail(devices[i]->name() + ": " + std::to_string(devices[i]->size_bytes()) +
                        " bytes, the geometry needs " + std::to_string(need));
    }
    if (o.workload.processes > 32)
        return fail("workload: " + std::to_string(o.workload.processes) +
                    " processes, at most 32");
    if (o.requests.queue_depth < 1 || o.requests.queue_depth > 32)
        return fail("queue depth: " + std::to_string(o.requests.queue_depth) +
                    " requests in flight, expected 1..32");
    return true;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void Engine::Impl::add_kernel_tasks() {
    sched->add(std::make_unique<GcTask>());
    sched->add(std::make_unique<JournalTask>(*journal));
    sched->add(std::make_unique<BtreeWriter>(*btree));
}

void Engine::Impl::add_workload_tasks() {
    if (opts.source) {
        for (unsigned q = 0; q < opts.requests.queue_depth; ++q)
            sched->add(std::make_unique<WorkloadTask>("request/" + std::to_string(q), q,
                                                      *opts.source));
    } else {
        const VolumeLayout vol = volume_layout(opts);
        const WorkloadParams& w = opts.workload;
        const unsigned nflash = w.processes * w.flash_only_percent / 100;
        for (unsigned p = 0; p < w.processes; ++p) {
            builtin.push_back(std::make_unique<BuiltinSource>(p, opts.seed, p < nflash, vol, w,
                                                              opts.geometry.block_size));
            sched->add(std::make_unique<WorkloadTask>("writer/" + std::to_string(p), p,
                                                      *builtin.back()));
        }
    }
    // Only writeback mode leaves dirty data a backing device takes back.
    if (opts.requests.cache_mode == CacheMode::Writeback)
        sched->add(std::make_unique<WritebackTask>());
}

Engine::~Engine() {
    if (impl_ && impl_->sched)
        impl_->sched->stop();
}

std::unique_ptr<Engine::Impl> Engine::Impl::build(std::vector<Device*> devices,
                                                 const EngineOptions& opts, std::string* why) {
    if (!check_options(devices, opts, why))
        return nullptr;
    auto e = std::make_unique<Impl>();
    e->opts = opts;
    e->devices = devices;
    CacheSet& c = e->c;
    c.profile = opts.profile;
    // run_cache_set: the set's count is every cache's (GC's in_use, sectors_to_gc and the
    // rescale budget are of the whole set).
    c.nbuckets = opts.geometry.nbuckets * opts.ncaches;
    for (unsigned i = 0; i < opts.ncaches; ++i) {
        CacheGeometry g = opts.geometry;
        g.nr_this_dev = static_cast<uint16_t>(i);
        g.njournal_buckets = 0; // make-bcache leaves keys = 0; cache_alloc sizes with it
        auto ca = make_cache(g, opts.profile, opts.policy, why);
        if (!ca)
            return nullptr;
        ca->discard = opts.discard;
        ca->random_state = opts.seed * 0x2545f4914f6cdd1dull + i;
        c.caches.push_back(std::move(ca));
    }
    bch_open_buckets_alloc(c);

    e->index = std::make_unique<ExtentIndex>(
        IndexGeometry::for_bucket(opts.geometry.bucket_size, opts.geometry.block_size));
    if (!e->opts.source) {
        // The built-in workload keeps #2's model: writers wait for buckets, reads only look
        // up, and every cached request rescales (no sequential bypass).
        if (e->opts.requests.volumes.empty())
            e->opts.requests.volumes = builtin_volumes();
        e->opts.requests.writethrough_waits = true;
        e->opts.requests.read_miss_inserts = false;
        e->opts.requests.backing_io = false;
        e->opts.requests.sequential_cutoff = 0;
    }
    e->requests = std::make_unique<RequestPathState>(e->opts.requests);
    e->rt = std::make_unique<Runtime>(c, devices, e->opts);
    e->rt->index = e->index.get();
    e->rt->requests = e->requests.get();
    e->journal = std::make_unique<JournalWriter>(*e->rt);
    e->rt->journal = e->journal.get();
    e->btree = std::make_unique<BtreeStore>(*e->rt, *e->index, opts.seed);
    e->rt->btree = e->btree.get();
    e->sched = std::make_unique<Scheduler>(*e->rt, c.bucket_lock, opts.seed);
    for (auto& ca : c.caches) {
        e->prio.push_back(std::make_unique<PrioWriter>(*e->rt, *ca, *e->journal));
        auto task = std::make_unique<AllocatorTask>(*e->rt, *ca, *e->prio.back());
        e->allocators.push_back(static_cast<AllocatorTask*>(&e->sched->add(std::move(task))));
    }
    return e;
}

void Engine::Impl::finish() {
    if (opts.deferred_rescale)
        c.prio_clock.start(c);
    if (opts.check_invariants) {
        checks = std::make_unique<InvariantHook>(c, *index, rt->roots, initial_seeded, rt.get(),
                                                 opts.check_index_every);
        rt->set_monitor(&checks->monitor(), &checks->monitor());
    }
    install_after_step();
}

void Engine::Impl::install_after_step() {
    // Only the checks read just_finished_gc, so without them nothing needs resetting it.
    if (!checks && !hook) {
        sched->after_step = nullptr;
        return;
    }
    Impl* raw = this;
    sched->after_step = [raw] {
        // The checker and step hooks read every prio: catch the deferred rescale up.
        if (raw->checks || raw->hook)
            raw->c.prio_clock.sync(raw->c);
        if (raw->checks)
            raw->checks->after_step(raw->rt->just_finished_gc);
        raw->rt->just_finished_gc = false;
        if (raw->hook)
            raw->hook(raw->c);
    };
}

std::unique_ptr<Engine> Engine::create(std::vector<Device*> devices, const EngineOptions& opts,
                                       std::string* why) {
    auto e = Impl::build(std::move(devices), opts, why);
    if (!e)
        return nullptr;
    {
        std::lock_guard lk(e->c.bucket_lock);
        if (!register_new_cache_set(*e, why))
            return nullptr;
        e->add_kernel_tasks();
        e->add_workload_tasks();
        e->finish();
    }
    return std::unique_ptr<Engine>(new Engine(std::move(e)));
}

const EngineOptions& Engine::options() const { return impl_->opts; }

namespace {

// The deterministic run loop behind step(), run_for() and run_until_allocations(): steps
// while `more(done)` holds and some task can run. Does nothing while threads run the tasks.
template <typename More> uint64_t run_steps(Engine::Impl& impl, More more) {
    std::lock_guard lk(impl.c.bucket_lock);
    if (impl.sched->running())
        return 0;
    uint64_t done = 0;
    while (more(done) && impl.sched->step_one())
        ++done;
    return done;
}

} // namespace

uint64_t Engine::step(uint64_t n) {
    return run_steps(*impl_, [n](uint64_t done) { return done < n; });
}

uint64_t Engine::run_for(uint64_t ns) {
    const uint64_t end = clock_ns() + ns;
    return run_steps(*impl_, [this, end](uint64_t) { return impl_->rt->now() < end; });
}

uint64_t Engine::run_until_allocations(uint64_t allocations) {
    return run_steps(*impl_, [this, allocations](uint64_t) {
        return impl_->rt->metrics.total_allocations() < allocations;
    });
}

uint64_t Engine::step_workload(uint64_t n) {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->sched->running() ? 0 : impl_->sched->step_workload(n);
}

bool Engine::Impl::drive(const std::function<bool()>& done) {
    while (!done())
        if (!sched->step_one(/*workload=*/false))
            return done();
    return true;
}

bool Engine::sync() {
    std::lock_guard lk(impl_->c.bucket_lock);
    Impl& e = *impl_;
    if (e.sched->running() || e.rt->io_disabled())
        return false;
    const uint64_t target = e.journal->request_meta();
    e.rt->wake(kJournalWork);
    return e.drive([&] { return e.journal->durable(target) || e.rt->io_disabled(); }) &&
           !e.rt->io_disabled();
}

bool Engine::close(std::string* why) {
    stop();
    std::lock_guard lk(impl_->c.bucket_lock);
    Impl& e = *impl_;
    auto fail = [&](const std::string& msg) {
        if (why)
            *why = msg;
        return false;
    };
    if (e.rt->io_disabled())
        return fail(e.rt->last_error);
    e.btree->request_flush_all();
    e.rt->wake(kBtreeWork);
    if (!e.drive([&] { return e.btree->clean() || e.rt->io_disabled(); }))
        return fail("close: the btree writer could not write every node (" + e.rt->last_error + ")");
    const uint64_t target = e.journal->request_meta();
    e.rt->wake(kJournalWork);
    if (!e.drive([&] { return e.journal->durable(target) || e.rt->io_disabled(); }) ||
        e.rt->io_disabled())
        return fail(e.rt->io_disabled() ? e.rt->last_error
                                        : "close: the last journal entry was not written");
    return true;
}

size_t Engine::poll_acks(std::vector<AckedWrite>& out) {
    std::lock_guard lk(impl_->c.bucket_lock);
    auto& a = impl_->rt->acked;
    out.insert(out.end(), a.begin(), a.end());
    const size_t n = a.size();
    a.clear();
    return n;
}

void Engine::start() { impl_->sched->start(); }
void Engine::pause() { impl_->sched->pause(); }
void Engine::resume() { impl_->sched->resume(); }
void Engine::stop() { impl_->sched->stop(); }
bool Engine::running() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->sched->running();
}
void Engine::wait_workload_done() { impl_->sched->wait_workload_done(); }
bool Engine::workload_done() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->sched->workload_done();
}

void Engine::set_policy(ReplacementPolicy p) {
    std::lock_guard lk(impl_->c.bucket_lock);
    Runtime& rt = *impl_->rt;
    rt.current_task = 255;
    for (auto& ca : impl_->c.caches)
        ca->policy = p;
    rt.emit(EventKind::PolicyChange, 0, 0, static_cast<uint64_t>(p));
}

void Engine::trigger_gc() {
    std::lock_guard lk(impl_->c.bucket_lock);
    Runtime& rt = *impl_->rt;
    rt.current_task = 255;
    impl_->c.sectors_to_gc = -1;
    rt.gc_requested = true;
    rt.wake(kGcWait);
    rt.emit(EventKind::Command, 0, 0, static_cast<uint64_t>(CommandKind::TriggerGc));
}

bool Engine::force_invalidate(unsigned dev, std::optional<uint64_t> bucket, std::string* why) {
    std::lock_guard lk(impl_->c.bucket_lock);
    CacheSet& c = impl_->c;
    Runtime& rt = *impl_->rt;
    rt.current_task = 255;
    auto refuse = [&](std::string msg) {
        if (why)
            *why = std::move(msg);
        return false;
    };
    if (dev >= c.caches.size())
        return refuse("cache " + std::to_string(dev) + " does not exist");
    Cache& ca = *c.caches[dev];
    if (!c.gc_mark_valid)
        return refuse("GC is running: marks are not valid");
    if (ca.free_inc.full())
        return refuse("free_inc is full");
    if (bucket) {
        const uint64_t b = *bucket;
        if (b < ca.geo.first_bucket || b >= ca.geo.nbuckets)
            return refuse("bucket " + std::to_string(b) + " is outside [" +
                          std::to_string(ca.geo.first_bucket) + ", " +
                          std::to_string(ca.geo.nbuckets) + ")");
        if (!bch_can_invalidate_bucket(c, ca.buckets[b]))
            return refuse("bucket " + std::to_string(b) +
                          " cannot be invalidated (pinned, dirty, metadata or gen too far "
                          "ahead of GC)");
        bch_invalidate_one_bucket(c, ca, b, rt.obs());
    } else {
        if (ca.invalidate_needs_gc)
            return refuse("the replacement policy is waiting for GC");
        invalidate_buckets(c, ca, rt.obs());
    }
    rt.wake(kAllocatorWake0 + dev);
    rt.emit(EventKind::Command, static_cast<uint8_t>(dev), bucket.value_or(0),
            static_cast<uint64_t>(CommandKind::ForceInvalidate));
    return true;
}

void Engine::rescale() {
    std::lock_guard lk(impl_->c.bucket_lock);
    Runtime& rt = *impl_->rt;
    rt.current_task = 255;
    impl_->c.rescale = 0; // the next sector underflows the budget
    rt.rescale(1);
    rt.emit(EventKind::Command, 0, 0, static_cast<uint64_t>(CommandKind::Rescale));
}

void Engine::set_discard(bool on) {
    std::lock_guard lk(impl_->c.bucket_lock);
    Runtime& rt = *impl_->rt;
    rt.current_task = 255;
    for (auto& ca : impl_->c.caches)
        ca->discard = on;
    rt.emit(EventKind::Command, 0, on, static_cast<uint64_t>(CommandKind::SetDiscard));
}

SnapshotPtr Engine::snapshot(unsigned dev) const {
    std::lock_guard lk(impl_->c.bucket_lock);
    impl_->c.prio_clock.sync(impl_->c);
    auto s = std::make_shared<BucketSnapshot>(build_snapshot(*impl_, dev));
    s->seq = ++impl_->snapshot_seq;
    return s;
}

EngineMetrics Engine::metrics() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    EngineMetrics m = impl_->rt->metrics;
    m.clock_ns = impl_->rt->now();
    m.events_dropped = impl_->rt->events.dropped();
    m.fifo.clear();
    for (const auto& ca : impl_->c.caches) {
        FifoLevels f;
        for (size_t r = 0; r < RESERVE_NR; ++r) {
            f.free_used[r] = ca->free[r].used();
            f.free_capacity[r] = ca->free[r].capacity();
        }
        f.free_inc_used = ca->free_inc.used();
        f.free_inc_capacity = ca->free_inc.capacity();
        m.fifo.push_back(f);
        m.cache_data_sectors += ca->sectors_written;
        m.cache_btree_sectors += ca->btree_sectors_written;
        m.cache_meta_sectors += ca->meta_sectors_written;
    }
    m.dirty_sectors = impl_->requests->dirty_total;
    m.in_use_percent = impl_->c.gc_in_use_percent;
    return m;
}

BucketUsage Engine::bucket_usage() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    BucketUsage u;
    for (const auto& ca : impl_->c.caches) {
        for (uint64_t i = ca->geo.first_bucket; i < ca->geo.nbuckets; ++i) {
            const Bucket& b = ca->buckets[i];
            ++u.buckets;
            if (b.pin) {
                ++u.pinned;
                continue;
            }
            u.live_sectors += b.sectors_used();
            switch (b.mark()) {
            case GcMark::None: ++u.unused; break;
            case GcMark::Reclaimable: ++u.clean; break;
            case GcMark::Dirty: ++u.dirty; break;
            case GcMark::Metadata: ++u.metadata; break;
            }
        }
    }
    return u;
}

size_t Engine::poll_events(std::vector<EngineEvent>& out, size_t max) {
    return impl_->rt->events.poll(out, max);
}

uint64_t Engine::events_dropped() const { return impl_->rt->events.dropped(); }

std::vector<TaskInfo> Engine::tasks() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->sched->infos();
}

uint64_t Engine::clock_ns() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->rt->now();
}

std::string Engine::last_error() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->rt->last_error;
}

void Engine::set_step_hook(StepHook hook) {
    std::lock_guard lk(impl_->c.bucket_lock);
    impl_->hook = std::move(hook);
    impl_->install_after_step();
}

void Engine::with_cache_set(const std::function<void(CacheSet&)>& f) {
    std::lock_guard lk(impl_->c.bucket_lock);
    CacheSet& c = impl_->c;
    // f sees every prio up to date and may change buckets behind the clock's hooks.
    c.prio_clock.sync(c);
    f(c);
    if (c.prio_clock.on())
        c.prio_clock.rebuild(c);
}

void Engine::with_state(
    const std::function<void(CacheSet&, ExtentIndex&, const GcRoots&)>& f) {
    std::lock_guard lk(impl_->c.bucket_lock);
    CacheSet& c = impl_->c;
    c.prio_clock.sync(c);
    f(c, *impl_->index, impl_->rt->roots);
    if (c.prio_clock.on())
        c.prio_clock.rebuild(c);
}

const std::vector<std::vector<uint64_t>>& Engine::initial_seeded() const {
    return impl_->initial_seeded;
}

uint64_t Engine::journal_seq() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->journal->seq();
}

uint64_t Engine::set_magic() const { return impl_->rt->set_magic; }

const std::vector<std::string>& Engine::notes() const { return impl_->notes; }

std::vector<std::string> Engine::violations() const {
    std::lock_guard lk(impl_->c.bucket_lock);
    return impl_->checks ? impl_->checks->messages() : std::vector<std::string>{};
}

} // namespace bucketscope
